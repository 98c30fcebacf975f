@op:GetKeyRotationStatus
Feature: GetKeyRotationStatus tells whether and when a key rotates
  The answer names the key by its ARN and says whether it rotates
  automatically; a key that does also gets its period and the date of its next
  rotation. A key pending deletion reports rotation off until its deletion is
  cancelled. An AWS managed key always rotates. Keys with imported key
  material and keys in custom key stores are refused in every state
  (rotation_key_states.feature).

  @cond:GetKeyRotationStatus.05 @cond:GetKeyRotationStatus.10
  Scenario: A new key does not rotate automatically
    Given a KMS key whose origin is AWS_KMS
    When I call GetKeyRotationStatus on the key
    Then the request succeeds
    And the answer names the key by its key ARN
    And the rotation status shows rotation off

  @cond:GetKeyRotationStatus.03
  Scenario Outline: The key may be named by its <form>
    Given a KMS key whose origin is AWS_KMS
    When I call GetKeyRotationStatus naming the key by its <form>
    Then the request succeeds

    Examples:
      | form    |
      | key ID  |
      | key ARN |

  @cond:GetKeyRotationStatus.08
  Scenario: A Disabled key keeps its rotation status
    Given a KMS key whose origin is AWS_KMS
    And automatic rotation of the key has been enabled every 180 days
    And the key is Disabled
    When I call GetKeyRotationStatus on the key
    Then the request succeeds
    And the rotation status shows rotation on every 180 days

  @cond:GetKeyRotationStatus.09
  Scenario: A key pending deletion reports rotation off
    Given a KMS key whose origin is AWS_KMS
    And automatic rotation of the key has been enabled every 180 days
    And the key is PendingDeletion
    When I call GetKeyRotationStatus on the key
    Then the request succeeds
    And the rotation status shows rotation off

  @cond:GetKeyRotationStatus.09
  Scenario: Cancelling the deletion brings the earlier rotation status back
    Given a KMS key whose origin is AWS_KMS
    And automatic rotation of the key has been enabled every 180 days
    And the key is PendingDeletion
    And the key's deletion has been cancelled
    When I call GetKeyRotationStatus on the key
    Then the request succeeds
    And the rotation status shows rotation on every 180 days

  @cond:GetKeyRotationStatus.07
  Scenario: An AWS managed key always rotates
    Given an AWS managed key in an account of my own
    When I call GetKeyRotationStatus on the key
    Then the request succeeds
    And the rotation status shows rotation on every 365 days

  @cond:GetKeyRotationStatus.01 @error:NotFoundException
  Scenario: A key that does not exist
    When I call GetKeyRotationStatus naming a key that does not exist
    Then the request fails with NotFoundException

  @cond:GetKeyRotationStatus.02 @error:InvalidArnException
  Scenario: A malformed key ARN
    When I call GetKeyRotationStatus naming the key by a malformed ARN
    Then the request fails with InvalidArnException

  @cross-account @cond:GetKeyRotationStatus.04
  Scenario: Another account may read the status by the key ARN where the key policy lets it
    Given a symmetric encryption key whose key policy lets every account read its rotation status
    When the second account calls GetKeyRotationStatus naming the key by its key ARN
    Then the request succeeds
    And the answer names the key by its key ARN
    And the rotation status shows rotation off

  @untestable @cond:GetKeyRotationStatus.16 @error:KMSInvalidStateException
  Scenario: KMSInvalidStateException from GetKeyRotationStatus
    Given a condition the public API cannot produce: the docs name no case for this error; every cell of the operation's key-state table row either succeeds or names UnsupportedOperationException, and those states are checked in rotation_key_states.feature
