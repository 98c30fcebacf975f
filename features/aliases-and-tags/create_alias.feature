@op:CreateAlias
Feature: CreateAlias
  An alias is a second name of a KMS key: alias/ followed by a name of the
  customer's choosing, unique in the account and Region. It names the key in
  DescribeKey and the cryptographic operations, and ListAliases shows it.

  Background:
    Given a KMS key whose origin is AWS_KMS

  @cond:CreateAlias.16 @cond:CreateAlias.15
  Scenario: A new alias names its key
    When I create an alias for the key with a new name
    Then the request succeeds
    And the alias names the key

  @cond:CreateAlias.07
  Scenario Outline: The key of a new alias is named by its <form>
    When I call CreateAlias naming the key by its <form>
    Then the request succeeds
    And the alias names the key

    Examples:
      | form    |
      | key ID  |
      | key ARN |

  @cond:CreateAlias.15
  Scenario: A key can have several aliases, each naming it
    Given the key has been given an alias
    When I create an alias for the key with a new name
    Then the request succeeds
    And the alias names the key
    And paging through ListAliases one entry at first lists the key's aliases once each

  @cond:CreateAlias.01
  Scenario: An alias name without alias/ is refused with ValidationException, as real KMS answers
    When I create an alias for the key whose name lacks the alias/ prefix
    Then the request fails with ValidationException

  @cond:CreateAlias.02 @error:InvalidAliasNameException
  Scenario: The alias/aws/ prefix is kept for AWS managed keys
    When I create an alias for the key whose name starts with alias/aws/
    Then the request fails with InvalidAliasNameException

  @cond:CreateAlias.03 @error:InvalidAliasNameException
  Scenario: An alias name may not hold a colon, which the model's pattern lets through
    When I create an alias for the key whose name holds a colon
    Then the request fails with InvalidAliasNameException

  @cond:CreateAlias.04 @error:AlreadyExistsException
  Scenario: An alias name can be used only once in the account
    Given the key has been given an alias
    When I create an alias for the key with the name of its alias
    Then the request fails with AlreadyExistsException
    And the alias names the key

  @cond:CreateAlias.06 @error:NotFoundException
  Scenario: An alias cannot name a key that does not exist
    When I call CreateAlias naming a key that does not exist
    Then the request fails with NotFoundException

  @cond:CreateAlias.08
  Scenario Outline: An alias needs a key: a TargetKeyId that <problem> is refused
    When I send a CreateAlias request whose TargetKeyId <problem>
    Then the request fails with a client error

    Examples:
      | problem    |
      | is missing |
      | is empty   |

  @cond:CreateAlias.09
  Scenario: An alias cannot name a key of another Region
    When I call CreateAlias naming the key by its ARN in another Region
    Then the request fails with a client error

  @cross-account @cond:CreateAlias.11
  Scenario: Another account cannot give the key an alias
    When the second account calls CreateAlias on the key by its key ARN
    Then the request fails with a client error
    And paging through ListAliases one entry at first lists the key's aliases once each

  @cond:CreateAlias.14 @error:LimitExceededException
  Scenario: A key has at most 50 aliases
    Given the key has 50 aliases
    When I create an alias for the key with a new name
    Then the request fails with LimitExceededException
