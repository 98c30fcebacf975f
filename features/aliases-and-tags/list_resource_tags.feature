@op:ListResourceTags
Feature: ListResourceTags
  ListResourceTags lists the tags of a key in any key state. A long list comes
  in pages of at most 50 tags; its NextMarker is opaque, to pass back as it is.

  Background:
    Given a KMS key whose origin is AWS_KMS
    And the key has the tags Env=prod, Team=blue, Purpose=kmsconform

  @cond:ListResourceTags.05 @cond:ListResourceTags.03
  Scenario Outline: Every tag of the key, named by its <form>, is listed
    When I call ListResourceTags naming the key by its <form>
    Then the request succeeds
    And the key's tags are Env=prod, Team=blue, Purpose=kmsconform

    Examples:
      | form    |
      | key ID  |
      | key ARN |

  @cond:ListResourceTags.07 @cond:ListResourceTags.11
  Scenario: The tags come a page at a time, each once
    When I call ListResourceTags on the key
    Then paging through ListResourceTags one entry at first lists the key's tags once each

  @cond:ListResourceTags.01 @error:NotFoundException
  Scenario: The tags of a key that does not exist cannot be listed
    When I call ListResourceTags naming a key that does not exist
    Then the request fails with NotFoundException

  @cond:ListResourceTags.02 @error:InvalidArnException
  Scenario: A malformed key ARN is refused
    When I call ListResourceTags naming a key by a malformed key ARN
    Then the request fails with InvalidArnException

  @cross-account @cond:ListResourceTags.04
  Scenario: Another account cannot list the tags of the key
    When the second account calls ListResourceTags on the key by its key ARN
    Then the request fails with a client error

  @cond:ListResourceTags.08
  Scenario: A Limit above the documented 50 is refused
    When I send a ListResourceTags request whose Limit is 51
    Then the request fails with a client error

  @cond:ListResourceTags.09 @cond:ListResourceTags.10 @error:InvalidMarkerException
  Scenario Outline: A marker ListResourceTags did not hand out is refused (<marker>)
    Given another symmetric encryption KMS key
    When I call ListResourceTags with <marker>
    Then the request fails with InvalidMarkerException

    Examples:
      | marker                            |
      | a made-up marker                  |
      | the NextMarker of a ListKeys call |
