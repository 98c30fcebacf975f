# Retry behaviour of real KMS clients, one scenario per fault and client.
# Each scenario runs the client through a proxy of its own, so the proxy's
# journal holds exactly the attempts of the call under test, whether or not
# the client sends attempt headers. The documented expectations are the Go
# tables in package retries (see docs/retries.md); @cond names the KMS
# condition the call under test would meet without the fault. @slow marks
# the rows whose client waits out 10 s or more of its own backoff (the
# legacy retry mode's five attempts); the runner starts them first.
Feature: How KMS clients retry DescribeKey when it fails

  @retries @fault @fault:KMSInternalException @op:DescribeKey @cond:DescribeKey.11 @error:KMSInternalException
  Scenario Outline: KMSInternalException (HTTP 500) on every attempt, seen by <client>
    Given the client under test is <client> with its default retry settings
    And a KMS key for the retry test
    And the proxy injects KMSInternalException into DescribeKey calls
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

  @retries @fault @fault:DependencyTimeoutException @op:DescribeKey @cond:DescribeKey.10 @error:DependencyTimeoutException
  Scenario Outline: DependencyTimeoutException (HTTP 503) on every attempt, seen by <client>
    Given the client under test is <client> with its default retry settings
    And a KMS key for the retry test
    And the proxy injects DependencyTimeoutException into DescribeKey calls
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

  @retries @fault @fault:KeyUnavailableException @op:DescribeKey @cond:DescribeKey.01
  Scenario Outline: KeyUnavailableException (HTTP 500) on every attempt, seen by <client>
    Given the client under test is <client> with its default retry settings
    And a KMS key for the retry test
    And the proxy injects KeyUnavailableException into DescribeKey calls
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

  @retries @fault @fault:ThrottlingException @op:DescribeKey @cond:DescribeKey.01
  Scenario Outline: ThrottlingException (HTTP 400) on every attempt, seen by <client>
    Given the client under test is <client> with its default retry settings
    And a KMS key for the retry test
    And the proxy injects ThrottlingException into DescribeKey calls
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

  @retries @fault @fault:HTTP429 @op:DescribeKey @cond:DescribeKey.01
  Scenario Outline: a bare HTTP 429 with no error code on every attempt, seen by <client>
    Given the client under test is <client> with its default retry settings
    And a KMS key for the retry test
    And the proxy injects HTTP429 into DescribeKey calls
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

  @retries @fault @fault:HTTP503 @op:DescribeKey @cond:DescribeKey.01
  Scenario Outline: an HTML HTTP 503 page (no JSON) on every attempt, seen by <client>
    Given the client under test is <client> with its default retry settings
    And a KMS key for the retry test
    And the proxy injects HTTP503 into DescribeKey calls
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

  @retries @fault @fault:ConnectionReset @op:DescribeKey @cond:DescribeKey.01
  Scenario Outline: a connection reset on every attempt, seen by <client>
    Given the client under test is <client> with its default retry settings
    And a KMS key for the retry test
    And the proxy injects ConnectionReset into DescribeKey calls
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

  @retries @fault @fault:LostResponse @op:DescribeKey @cond:DescribeKey.01
  Scenario Outline: a lost response to the first attempt, seen by <client>
    Given the client under test is <client> with its default retry settings
    And a KMS key for the retry test
    And the proxy injects LostResponse into DescribeKey calls
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

  @retries @fault @fault:KMSInternalExceptionOnce @op:DescribeKey @cond:DescribeKey.01 @cond:DescribeKey.11
  Scenario Outline: KMSInternalException on the first attempt only, seen by <client>
    Given the client under test is <client> with its default retry settings
    And a KMS key for the retry test
    And the proxy injects KMSInternalExceptionOnce into DescribeKey calls
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
