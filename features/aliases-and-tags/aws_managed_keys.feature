Feature: AWS managed keys are not the customer's to name or label
  Aliases and tags are for customer managed keys. The AWS managed key of a
  service (here Amazon EBS's, which DescribeKey of alias/aws/ebs makes) can
  be given no alias and no tag. Each scenario runs in an account of its own,
  so that the AWS managed key it makes stays there.

  Background:
    Given an account of my own with no KMS keys
    And a KMS key whose origin is AWS_KMS
    And an AWS managed key

  @op:CreateAlias @cond:CreateAlias.10
  Scenario: An alias cannot name an AWS managed key
    When I call CreateAlias naming the AWS managed key
    Then the request fails with a client error

  @op:UpdateAlias @cond:UpdateAlias.08
  Scenario: An alias cannot be pointed at an AWS managed key
    Given the key has been given an alias
    When I call UpdateAlias naming the AWS managed key
    Then the request fails with a client error
    And the alias names the key

  @op:TagResource @cond:TagResource.05
  Scenario: An AWS managed key cannot be tagged
    When I call TagResource naming the AWS managed key
    Then the request fails with a client error

  @op:UntagResource @cond:UntagResource.05
  Scenario: An AWS managed key cannot be untagged
    When I call UntagResource naming the AWS managed key
    Then the request fails with a client error
