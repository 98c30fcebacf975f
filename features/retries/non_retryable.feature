# Client errors (HTTP 400). CustomKeyStoreInvalidStateException is neither a
# throttling nor a transient code: nobody retries it. LimitExceededException
# (a KMS resource quota, such as keys per account) is in the standard retry
# mode's throttling list, so standard-mode clients retry it as throttling,
# while botocore's legacy mode (boto3 and AWS CLI v1 by default) does not.
Feature: How KMS clients treat client errors

  @retries @fault @fault:CustomKeyStoreInvalidStateException @op:CreateKey @cond:CreateKey.24 @error:CustomKeyStoreInvalidStateException
  Scenario Outline: CustomKeyStoreInvalidStateException (HTTP 400) is not retried by <client>
    Given the client under test is <client> with its default retry settings
    And the proxy injects CustomKeyStoreInvalidStateException into CreateKey calls
    When the client under test calls CreateKey
    Then the proxy saw the documented number of attempts
    And the client under test reports the documented outcome

    @client:aws-sdk-go-v2
    Examples:
      | client        |
      | aws-sdk-go-v2 |

    @client:boto3
    Examples:
      | client |
      | boto3  |

    @client:aws-cli-v1
    Examples:
      | client     |
      | aws-cli-v1 |

    @client:aws-cli-v2
    Examples:
      | client     |
      | aws-cli-v2 |

    @client:aws-sdk-js-v3
    Examples:
      | client        |
      | aws-sdk-js-v3 |

    @client:aws-sdk-java-v2
    Examples:
      | client          |
      | aws-sdk-java-v2 |

  @retries @fault @fault:LimitExceededException @op:CreateKey @cond:CreateKey.08 @error:LimitExceededException
  Scenario Outline: LimitExceededException (HTTP 400) on every attempt, seen by <client>
    Given the client under test is <client> with its default retry settings
    And the proxy injects LimitExceededException into CreateKey calls
    When the client under test calls CreateKey
    Then the proxy saw the documented number of attempts
    And every wait between attempts is within the documented backoff bounds
    And the client under test reports the documented outcome

    @client:aws-sdk-go-v2
    Examples:
      | client        |
      | aws-sdk-go-v2 |

    @client:boto3
    Examples:
      | client |
      | boto3  |

    @client:aws-cli-v1
    Examples:
      | client     |
      | aws-cli-v1 |

    @client:aws-cli-v2
    Examples:
      | client     |
      | aws-cli-v2 |

    @client:aws-sdk-js-v3
    Examples:
      | client        |
      | aws-sdk-js-v3 |

    @client:aws-sdk-java-v2
    Examples:
      | client          |
      | aws-sdk-java-v2 |
