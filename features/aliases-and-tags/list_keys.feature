@op:ListKeys
Feature: ListKeys
  ListKeys lists every KMS key of the caller's account in the Region, in any
  key state, by key ID and key ARN. A long list comes in pages: each
  truncated page gives a NextMarker for the next.

  Background:
    Given a KMS key whose origin is AWS_KMS
    And another symmetric encryption KMS key

  @cond:ListKeys.01 @cond:ListKeys.04 @cond:ListKeys.06
  Scenario: Every key of the account comes a page at a time, each once
    When I list the keys
    Then the request succeeds
    And paging through ListKeys one entry at first lists the scenario's keys once each

  @cond:ListKeys.03
  Scenario: Keys in every state are listed
    Given the other key is PendingDeletion
    And the key is Disabled
    When I list the keys
    Then paging through ListKeys one entry at first lists the scenario's keys once each

  @cross-account @cond:ListKeys.02
  Scenario: Another account's list holds none of my keys
    When the second account calls ListKeys
    Then the request succeeds
    And the list holds none of my keys

  @cond:ListKeys.05 @error:InvalidMarkerException
  Scenario Outline: A marker ListKeys did not hand out is refused (<marker>)
    Given the key has 2 aliases
    When I call ListKeys with <marker>
    Then the request fails with InvalidMarkerException

    Examples:
      | marker                               |
      | a made-up marker                     |
      | the NextMarker of a ListAliases call |
