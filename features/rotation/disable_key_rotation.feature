@op:DisableKeyRotation
Feature: DisableKeyRotation switches off the automatic rotation of a key
  A symmetric encryption key whose key material KMS generated stops rotating
  automatically; the key material it has keeps decrypting. The key-state
  rules are in rotation_key_states.feature.

  Background:
    Given a KMS key whose origin is AWS_KMS
    And automatic rotation of the key has been enabled

  @cond:DisableKeyRotation.05 @cond:GetKeyRotationStatus.05
  Scenario: Rotation switched off shows in the rotation status
    When I call DisableKeyRotation on the key
    Then the request succeeds with an empty response
    When I call GetKeyRotationStatus on the key
    Then the rotation status shows rotation off

  @cond:DisableKeyRotation.03
  Scenario Outline: The key may be named by its <form>
    When I call DisableKeyRotation naming the key by its <form>
    Then the request succeeds

    Examples:
      | form    |
      | key ID  |
      | key ARN |

  @cond:DisableKeyRotation.01 @error:NotFoundException
  Scenario: A key that does not exist
    When I call DisableKeyRotation naming a key that does not exist
    Then the request fails with NotFoundException

  @cond:DisableKeyRotation.02 @error:InvalidArnException
  Scenario: A malformed key ARN
    When I call DisableKeyRotation naming the key by a malformed ARN
    Then the request fails with InvalidArnException

  @cross-account @cond:DisableKeyRotation.04
  Scenario: Another account cannot switch off the key's rotation
    When the second account calls DisableKeyRotation naming the key by its key ARN
    Then the request fails with a client error
    When I call GetKeyRotationStatus on the key
    Then the rotation status shows rotation on every 365 days
