@op:ListAliases
Feature: ListAliases
  ListAliases lists the aliases of the caller's account in the Region, those
  the customer made and those AWS made, or only those of one key. A long list
  comes in pages: each truncated page gives a NextMarker for the next.

  Background:
    Given a KMS key whose origin is AWS_KMS
    And the key has 3 aliases

  @cond:ListAliases.01 @cond:ListAliases.08 @cond:ListAliases.09 @cond:ListAliases.10
  Scenario: Every alias of the account is listed, each with its name, ARN, key and dates
    When I list the aliases
    Then the list shows the alias with its ARN and dates, and the AWS aliases by their services

  @cond:ListAliases.02 @cond:ListAliases.03
  Scenario Outline: The aliases of one key, named by its <form>, are listed and no others
    Given an alias of another symmetric encryption KMS key
    When I call ListAliases naming the key by its <form>
    Then the request succeeds
    And the list shows the key's aliases and no others

    Examples:
      | form    |
      | key ID  |
      | key ARN |

  @cond:ListAliases.12 @cond:ListAliases.15
  Scenario: The aliases of a key come a page at a time, each once
    When I call ListAliases on the key
    Then paging through ListAliases one entry at first lists the key's aliases once each

  @cond:ListAliases.04 @error:NotFoundException
  Scenario: The aliases of a key that does not exist cannot be listed
    When I call ListAliases naming a key that does not exist
    Then the request fails with NotFoundException

  @cond:ListAliases.05 @error:InvalidArnException
  Scenario: A malformed key ARN is refused
    When I call ListAliases naming a key by a malformed key ARN
    Then the request fails with InvalidArnException

  @cross-account @cond:ListAliases.06
  Scenario: Another account cannot list the aliases of the key
    When the second account calls ListAliases on the key by its key ARN
    Then the request fails with a client error

  @cross-account @cond:ListAliases.07
  Scenario: Another account's list holds none of my aliases
    When the second account calls ListAliases
    Then the request succeeds
    And the list holds none of my aliases

  @cond:ListAliases.13
  Scenario: A Limit above the documented 100 is refused
    When I send a ListAliases request whose Limit is 101
    Then the request fails with a client error

  @cond:ListAliases.14 @error:InvalidMarkerException
  Scenario Outline: A marker ListAliases did not hand out is refused (<marker>)
    Given another symmetric encryption KMS key
    When I call ListAliases with <marker>
    Then the request fails with InvalidMarkerException

    Examples:
      | marker                             |
      | a made-up marker                   |
      | the NextMarker of a ListKeys call  |
