# Sustained failure on one client: the retry quota (token bucket) runs out and
# the client stops retrying. A quota lives in one client instance, so only the
# in-process Go client, which can make many calls on one instance, shows it.
Feature: Where a client's retry quota stops its retries

  @retries @fault @fault:Quota @op:DescribeKey @cond:DescribeKey.11 @error:KMSInternalException
  Scenario Outline: sustained KMSInternalException exhausts the retry quota of <client>
    Given the client under test is <client> with its default retry settings
    When one aws-sdk-go-v2 client makes 60 concurrent DescribeKey calls that all meet KMSInternalException
    Then the retry quota stops the retries where the documentation says

    @client:aws-sdk-go-v2
    Examples:
      | client        |
      | aws-sdk-go-v2 |

  @retries @fault @fault:Quota @op:DescribeKey @cond:DescribeKey.11 @untestable
  Scenario Outline: sustained KMSInternalException exhausts the retry quota of <client> (one call per process)
    Given a condition the public API cannot produce: <reason>

    @client:boto3
    Examples:
      | client | reason                                                                                                                  |
      | boto3  | boto3 in its default legacy mode has no retry quota, and the driver makes one call per process, so no quota can run out |

    @client:aws-cli-v1
    Examples:
      | client     | reason                                                                                       |
      | aws-cli-v1 | the AWS CLI v1 in its default legacy mode has no retry quota, and each call is a new process |

    @client:aws-cli-v2
    Examples:
      | client     | reason                                                                                          |
      | aws-cli-v2 | each AWS CLI v2 call is a new process with a fresh quota of its own; one call cannot exhaust it |

    @client:aws-sdk-js-v3
    Examples:
      | client        | reason                                                                                                            |
      | aws-sdk-js-v3 | the JS driver makes one call per Node process, so each call starts with a fresh quota; one call cannot exhaust it |
