@op:UpdateKeyDescription
Feature: UpdateKeyDescription
  UpdateKeyDescription replaces the description of a key, which DescribeKey
  then shows. The new description may be empty.

  Background:
    Given a KMS key whose origin is AWS_KMS

  @cond:UpdateKeyDescription.05
  Scenario: The key's description is replaced
    When I set the key's description to "kmsconform: described anew"
    Then the request succeeds
    And the key's description is "kmsconform: described anew"

  @cond:UpdateKeyDescription.06
  Scenario: A description may be empty
    When I set the key's description to ""
    Then the request succeeds
    And the key's description is ""

  @cond:UpdateKeyDescription.03
  Scenario Outline: The key is named by its <form>
    When I call UpdateKeyDescription naming the key by its <form>
    Then the request succeeds

    Examples:
      | form    |
      | key ID  |
      | key ARN |

  @cond:UpdateKeyDescription.01 @error:NotFoundException
  Scenario: The description of a key that does not exist cannot be set
    When I call UpdateKeyDescription naming a key that does not exist
    Then the request fails with NotFoundException

  @cond:UpdateKeyDescription.02 @error:InvalidArnException
  Scenario: A malformed key ARN is refused
    When I call UpdateKeyDescription naming a key by a malformed key ARN
    Then the request fails with InvalidArnException

  @cross-account @cond:UpdateKeyDescription.04
  Scenario: Another account cannot set the key's description
    When the second account calls UpdateKeyDescription on the key by its key ARN
    Then the request fails with a client error
