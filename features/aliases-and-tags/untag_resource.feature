@op:UntagResource
Feature: UntagResource
  UntagResource takes tags off a customer managed key by their tag keys. A tag
  key the KMS key does not have changes nothing.

  Background:
    Given a KMS key whose origin is AWS_KMS
    And the key has the tags Env=prod, Team=blue, Purpose=kmsconform

  @cond:UntagResource.06
  Scenario: The named tags are taken off the key
    When I untag the key removing Env, Team
    Then the request succeeds
    And the key's tags are Purpose=kmsconform

  @cond:UntagResource.03
  Scenario Outline: The key to untag is named by its <form>
    When I call UntagResource naming the key by its <form>
    Then the request succeeds
    And the key's tags are Env=prod, Team=blue

    Examples:
      | form    |
      | key ID  |
      | key ARN |

  @cond:UntagResource.07
  Scenario: A tag key the key does not have changes nothing
    When I untag the key removing Owner
    Then the request succeeds
    And the key's tags are Env=prod, Team=blue, Purpose=kmsconform

  @cond:UntagResource.08 @error:TagException
  Scenario: A tag key with the reserved aws: prefix is refused
    When I untag the key removing aws:kmsconform
    Then the request fails with TagException
    And the key's tags are Env=prod, Team=blue, Purpose=kmsconform

  @cond:UntagResource.01 @error:NotFoundException
  Scenario: A key that does not exist cannot be untagged
    When I call UntagResource naming a key that does not exist
    Then the request fails with NotFoundException

  @cond:UntagResource.02 @error:InvalidArnException
  Scenario: A malformed key ARN is refused
    When I call UntagResource naming a key by a malformed key ARN
    Then the request fails with InvalidArnException

  @cross-account @cond:UntagResource.04
  Scenario: Another account cannot untag the key
    When the second account calls UntagResource on the key by its key ARN
    Then the request fails with a client error
    And the key's tags are Env=prod, Team=blue, Purpose=kmsconform
