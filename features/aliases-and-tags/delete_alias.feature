@op:DeleteAlias
Feature: DeleteAlias
  Deleting an alias takes a name away from its key and leaves the key as it
  was. The alias then names nothing, and ListAliases no longer shows it.

  Background:
    Given a KMS key whose origin is AWS_KMS
    And the key has been given an alias

  @cond:DeleteAlias.06 @cond:DeleteAlias.07
  Scenario: A deleted alias names no key, and the key stays as it was
    When I delete the alias
    Then the request succeeds
    And the alias names no key
    And the key is Enabled

  @cond:DeleteAlias.08
  Scenario: An alias is renamed by deleting it and creating another for the same key
    When I delete the alias
    And I create an alias for the key with a new name
    Then the request succeeds
    And the alias names the key
    And paging through ListAliases one entry at first lists the key's aliases once each

  @cond:DeleteAlias.01 @error:NotFoundException
  Scenario: An alias that does not exist cannot be deleted
    When I delete an alias that does not exist
    Then the request fails with NotFoundException
    And the alias names the key

  @cond:DeleteAlias.02
  Scenario: A name without alias/ names no alias to delete
    When I delete an alias whose name lacks the alias/ prefix
    Then the request fails with a client error
    And the alias names the key

  @cross-account @cond:DeleteAlias.03 @cond:CreateAlias.05
  Scenario: An alias belongs to its account: another account's call with its name finds no alias
    When the second account calls DeleteAlias on the key by its key ARN
    Then the request fails with a client error
    And the alias names the key

  @untestable @error:KMSInvalidStateException @cond:DeleteAlias.05
  Scenario: DeleteAlias refused for the state of the alias's key
    Given a condition the public API cannot produce: the key-state table lets DeleteAlias work in every key state
