@op:TagResource
Feature: TagResource
  Tags label a customer managed key with pairs of a tag key and a tag value,
  at most 50 per key. A tag with a new key is added; one with a key the KMS
  key already has replaces its value. Keys starting with aws: are AWS's.

  Background:
    Given a KMS key whose origin is AWS_KMS

  @cond:TagResource.07 @cond:TagResource.16
  Scenario: New tags are added to the key
    When I tag the key with Env=prod, Team=blue
    Then the request succeeds
    And the key's tags are Env=prod, Team=blue

  @cond:TagResource.03
  Scenario Outline: The key to tag is named by its <form>
    When I call TagResource naming the key by its <form>
    Then the request succeeds
    And the key's tags are Purpose=kmsconform

    Examples:
      | form    |
      | key ID  |
      | key ARN |

  @cond:TagResource.08
  Scenario: A tag key the key already has gets the new value
    Given the key has the tags Env=test, Team=blue
    When I tag the key with Env=prod
    Then the request succeeds
    And the key's tags are Env=prod, Team=blue

  @cond:TagResource.09
  Scenario: A tag value may be empty
    When I tag the key with Empty=
    Then the request succeeds
    And the key's tags are Empty=

  @cond:TagResource.10
  Scenario: Tag keys are case-sensitive
    Given the key has the tags Env=prod
    When I tag the key with env=test
    Then the request succeeds
    And the key's tags are Env=prod, env=test

  @cond:TagResource.17
  Scenario: CreateKey tags a key as well: the run's tag is listed
    When I call ListResourceTags on the key
    Then the request succeeds
    And the key's tags are only the run's tag

  @cond:TagResource.11
  Scenario: One request cannot give the same tag key twice
    When I tag the key with Dup=a, Dup=b
    Then the request fails with TagException
    And the key's tags are only the run's tag

  @cond:TagResource.12 @error:TagException
  Scenario Outline: Tags that are not valid are refused with TagException (<tags>)
    When I tag the key with <tags>
    Then the request fails with TagException
    And the key's tags are only the run's tag

    Examples:
      | tags             |
      | aws:kmsconform=x |
      | AWS:kmsconform=x |
      | 51 new tags      |

  @cond:TagResource.13 @error:LimitExceededException
  Scenario: Tags that would take the key past 50 are refused
    Given the key has the tags Env=prod
    When I tag the key with 49 new tags
    Then the request fails with LimitExceededException
    And the key's tags are Env=prod

  @cond:TagResource.01 @error:NotFoundException
  Scenario: A key that does not exist cannot be tagged
    When I call TagResource naming a key that does not exist
    Then the request fails with NotFoundException

  @cond:TagResource.02 @error:InvalidArnException
  Scenario: A malformed key ARN is refused
    When I call TagResource naming a key by a malformed key ARN
    Then the request fails with InvalidArnException

  @cross-account @cond:TagResource.04
  Scenario: Another account cannot tag the key
    When the second account calls TagResource on the key by its key ARN
    Then the request fails with a client error
    And the key's tags are only the run's tag

  @cond:TagResource.06
  Scenario: An alias cannot be tagged, nor its key through it
    When I call TagResource naming the key by its alias name
    Then the request fails with a client error
    And the key's tags are only the run's tag
