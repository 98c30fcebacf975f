@op:EnableKeyRotation
Feature: EnableKeyRotation switches on the automatic rotation of a key
  A symmetric encryption key whose key material KMS generated can rotate
  automatically, by default every 365 days, or every 90 to 2560 days as
  RotationPeriodInDays says. Keys with imported key material, keys in custom
  key stores, asymmetric, HMAC and AWS managed keys have no automatic rotation
  to switch on. The key-state rules are in rotation_key_states.feature, the
  rotations themselves in automatic_rotation.feature.

  Background:
    Given a KMS key whose origin is AWS_KMS

  @cond:EnableKeyRotation.05 @cond:EnableKeyRotation.06 @cond:GetKeyRotationStatus.05
  Scenario: Rotation enabled without a period comes every 365 days, the first a period from now
    When I call EnableKeyRotation on the key
    Then the request succeeds with an empty response
    When I call GetKeyRotationStatus on the key
    Then the rotation status shows rotation on every 365 days, next due 365 days from now

  @cond:EnableKeyRotation.05
  Scenario Outline: Rotation enabled every <days> days comes every <days> days
    When I enable automatic rotation of the key every <days> days
    Then the request succeeds
    When I call GetKeyRotationStatus on the key
    Then the rotation status shows rotation on every <days> days, next due <days> days from now

    Examples: the shortest, a recorded and the longest period
      | days |
      | 90   |
      | 180  |
      | 2560 |

  @cond:EnableKeyRotation.07
  Scenario: Enabling rotation again with another period changes the period
    Given automatic rotation of the key has been enabled every 180 days
    When I enable automatic rotation of the key every 90 days
    Then the request succeeds
    When I call GetKeyRotationStatus on the key
    Then the rotation status shows rotation on every 90 days

  @cond:EnableKeyRotation.03
  Scenario Outline: The key may be named by its <form>
    When I call EnableKeyRotation naming the key by its <form>
    Then the request succeeds

    Examples:
      | form    |
      | key ID  |
      | key ARN |

  @cond:EnableKeyRotation.01 @error:NotFoundException
  Scenario: A key that does not exist
    When I call EnableKeyRotation naming a key that does not exist
    Then the request fails with NotFoundException

  @cond:EnableKeyRotation.02 @error:InvalidArnException
  Scenario: A malformed key ARN
    When I call EnableKeyRotation naming the key by a malformed ARN
    Then the request fails with InvalidArnException

  @cross-account @cond:EnableKeyRotation.04
  Scenario: Another account cannot switch on the key's rotation
    When the second account calls EnableKeyRotation naming the key by its key ARN
    Then the request fails with a client error
    When I call GetKeyRotationStatus on the key
    Then the rotation status shows rotation off
