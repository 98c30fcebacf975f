# A request the client gives up on: the proxy holds every attempt beyond the
# client's own timeout. The scenario sets that timeout to 1 s through the
# driver contract's timeoutMs (Go's http.Client timeout, botocore's
# read_timeout, the CLI's --cli-read-timeout, the JS NodeHttpHandler's
# requestTimeout). @slow marks the rows whose client waits out 10 s or more
# (five attempts of 1 s plus backoff); the runner starts them first.
Feature: How KMS clients retry a DescribeKey that times out

  @retries @fault @fault:Timeout @op:DescribeKey @cond:DescribeKey.01
  Scenario Outline: a delay beyond the client's timeout on every attempt, seen by <client>
    Given the client under test is <client> with its default retry settings
    And a KMS key for the retry test
    And the proxy injects Timeout into DescribeKey calls
    When the client under test calls DescribeKey
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

    @client:aws-cli-v1 @slow
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

  @retries @fault @fault:Timeout @op:DescribeKey @cond:DescribeKey.01 @retries2026
  Scenario Outline: a delay beyond the client's timeout on every attempt with AWS_NEW_RETRIES_2026=true, seen by <client>
    Given the client under test is <client> with AWS_NEW_RETRIES_2026=true
    And a KMS key for the retry test
    And the proxy injects Timeout into DescribeKey calls
    When the client under test calls DescribeKey
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
