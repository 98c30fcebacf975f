# The 2026 retry rules (Retry Behavior 2.1), switched on with
# AWS_NEW_RETRIES_2026=true: standard mode everywhere, 50 ms transient and 1 s
# throttling backoff bases, quota costs 14 and 5. Per pinned version:
#   botocore 1.43.11 (boto3, AWS CLI v1)  follows the variable
#   AWS CLI v2 2.9.19                     predates it: pre-2026 rules either way
#   aws-sdk-js-v3 (@smithy/core 3.41.1)   ignores it: the 2026 rules are its default
#   aws-sdk-go-v2 v1.48.0                 ignores it: the 2026 rules are its default
#                                         (its driver process is handed the variable)
Feature: How KMS clients retry under AWS_NEW_RETRIES_2026

  @retries @fault @fault:KMSInternalException @op:DescribeKey @cond:DescribeKey.11 @error:KMSInternalException @retries2026
  Scenario Outline: KMSInternalException on every attempt with AWS_NEW_RETRIES_2026=true, seen by <client>
    Given the client under test is <client> with AWS_NEW_RETRIES_2026=true
    And a KMS key for the retry test
    And the proxy injects KMSInternalException into DescribeKey calls
    When the client under test calls DescribeKey as often as the wait check needs
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

  @retries @fault @fault:ThrottlingException @op:DescribeKey @cond:DescribeKey.01 @retries2026
  Scenario Outline: ThrottlingException on every attempt with AWS_NEW_RETRIES_2026=true, seen by <client>
    Given the client under test is <client> with AWS_NEW_RETRIES_2026=true
    And a KMS key for the retry test
    And the proxy injects ThrottlingException into DescribeKey calls
    When the client under test calls DescribeKey as often as the wait check needs
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
