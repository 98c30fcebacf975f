@op:UpdateAlias
Feature: UpdateAlias
  UpdateAlias points an existing alias at another key of the same kind:
  symmetric encryption, asymmetric or HMAC, with the same KeyUsage. The alias
  keeps its name; it names the new key from then on and the old one no more.

  Background:
    Given a KMS key whose origin is AWS_KMS
    And the key has been given an alias

  @cond:UpdateAlias.14 @cond:UpdateAlias.04
  Scenario: An alias pointed at another key names that key
    Given another symmetric encryption KMS key
    When I point the alias at the other key
    Then the request succeeds
    And the alias names the other key

  @cond:UpdateAlias.03
  Scenario Outline: The new key of an alias is named by its <form>
    Given another symmetric encryption KMS key
    When I point the alias at the other key by its <form>
    Then the request succeeds
    And the alias names the other key

    Examples:
      | form    |
      | key ID  |
      | key ARN |

  @cond:UpdateAlias.01 @error:NotFoundException
  Scenario: An alias that does not exist cannot be pointed anywhere
    When I point an alias that does not exist at the key
    Then the request fails with NotFoundException

  @cond:UpdateAlias.02 @error:NotFoundException
  Scenario: An alias cannot be pointed at a key that does not exist
    When I call UpdateAlias naming a key that does not exist
    Then the request fails with NotFoundException
    And the alias names the key

  @cond:UpdateAlias.05
  Scenario: A name without alias/ names no alias to point anywhere
    When I point an alias whose name lacks the alias/ prefix at the key
    Then the request fails with a client error

  @cond:UpdateAlias.06
  Scenario: An alias of a symmetric encryption key cannot be pointed at an HMAC key
    Given another HMAC_256 KMS key
    When I point the alias at the other key
    Then the request fails with a client error
    And the alias names the key

  @cond:UpdateAlias.07
  Scenario: An alias cannot be pointed at a key with another KeyUsage
    Given an alias of another ECC_NIST_P256 SIGN_VERIFY KMS key
    And another ECC_NIST_P256 KEY_AGREEMENT KMS key
    When I point the alias at the other key
    Then the request fails with a client error

  @cond:UpdateAlias.09
  Scenario: An alias cannot be pointed at a key of another Region
    When I call UpdateAlias naming the key by its ARN in another Region
    Then the request fails with a client error
    And the alias names the key

  @cross-account @cond:UpdateAlias.09
  Scenario: Another account cannot point the alias at the key
    When the second account calls UpdateAlias on the key by its key ARN
    Then the request fails with a client error
    And the alias names the key

  @cond:UpdateAlias.13 @error:LimitExceededException
  Scenario: An alias cannot be pointed at a key that has 50 aliases already
    Given another symmetric encryption KMS key
    And the other key has 50 aliases
    And the key has been given an alias
    When I point the alias at the other key
    Then the request fails with LimitExceededException
    And the alias names the key
