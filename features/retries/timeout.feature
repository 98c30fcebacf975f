# A request the client gives up on: the proxy holds every attempt beyond the
# client's own timeout. Only a client whose timeout the scenario can set
# shows this; the driver contract has no timeout field for the others.
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

  @retries @fault @fault:Timeout @op:DescribeKey @cond:DescribeKey.01 @untestable
  Scenario Outline: a delay beyond the client's timeout on every attempt, seen by <client> (no timeout setting)
    Given a condition the public API cannot produce: <reason>

    @client:boto3
    Examples:
      | client | reason                                                                                                         |
      | boto3  | the boto3 driver keeps botocore's default 60 s read timeout and the driver contract has no field to shorten it |

    @client:aws-cli-v1
    Examples:
      | client     | reason                                                                                                                      |
      | aws-cli-v1 | the CLI driver keeps the AWS CLI v1's default 60 s read timeout and the driver contract has no field for --cli-read-timeout |

    @client:aws-cli-v2
    Examples:
      | client     | reason                                                                                                                      |
      | aws-cli-v2 | the CLI driver keeps the AWS CLI v2's default 60 s read timeout and the driver contract has no field for --cli-read-timeout |

    @client:aws-sdk-js-v3
    Examples:
      | client        | reason                                                                                                                    |
      | aws-sdk-js-v3 | the JS driver keeps the Node handler's default requestTimeout of 0 (none) and the driver contract has no field to set one |
