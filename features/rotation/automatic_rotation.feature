Feature: Automatic rotation as time passes
  A key whose automatic rotation is on gets new key material once a period
  has passed, and then every period. A key that is Disabled when its rotation
  comes due is not rotated; enabled again, it rotates at once if its key
  material is more than a year old, and otherwise keeps its schedule. What the
  key encrypted before a rotation still decrypts.

  Days pass only in an account of the scenario's own, whose clock a reference
  KMS control API moves forward; against an endpoint without one (real KMS,
  moto) these scenarios are skipped with the reason.

  Background:
    Given this rotation scenario runs in an account of its own, with its own clock
    And a KMS key whose origin is AWS_KMS

  @op:GetKeyRotationStatus @cond:EnableKeyRotation.06 @cond:ListKeyRotations.09
  Scenario: A period after rotation was enabled the key rotates, and the next rotation is a period later
    Given automatic rotation of the key has been enabled every 90 days
    And a message has been encrypted under the key's current key material
    And 91 days pass in the scenario's own account
    When I call GetKeyRotationStatus on the key
    Then the request succeeds
    And the rotation status shows rotation on every 90 days, next due within 90 days
    And the key has completed 1 AUTOMATIC rotation
    And the key's current key material is new, at the latest after a while
    And the message encrypted before still decrypts, naming the key material that encrypted it

  @op:GetKeyRotationStatus @cond:EnableKeyRotation.06
  Scenario: Every period brings another rotation
    Given automatic rotation of the key has been enabled every 90 days
    And 271 days pass in the scenario's own account
    When I call GetKeyRotationStatus on the key
    Then the request succeeds
    And the key has completed 3 AUTOMATIC rotations

  @op:GetKeyRotationStatus @cond:EnableKeyRotation.05
  Scenario: Before its first period has passed the key has not rotated
    Given automatic rotation of the key has been enabled every 90 days
    And a message has been encrypted under the key's current key material
    And 89 days pass in the scenario's own account
    When I call GetKeyRotationStatus on the key
    Then the request succeeds
    And the key has completed 0 AUTOMATIC rotations
    And the key's current key material is the same as before, at the latest after a while

  @op:DisableKeyRotation @cond:DisableKeyRotation.05
  Scenario: A key whose rotation was switched off does not rotate
    Given automatic rotation of the key has been enabled every 90 days
    When I call DisableKeyRotation on the key
    Then the request succeeds
    Given 100 days pass in the scenario's own account
    Then the key has completed 0 AUTOMATIC rotations

  @op:GetKeyRotationStatus @cond:GetKeyRotationStatus.08
  Scenario: A Disabled key is not rotated when its rotation comes due
    Given automatic rotation of the key has been enabled every 90 days
    And the key is Disabled
    And 100 days pass in the scenario's own account
    When I call GetKeyRotationStatus on the key
    Then the request succeeds
    And the rotation status shows rotation on every 90 days
    And the key has completed 0 AUTOMATIC rotations

  @op:GetKeyRotationStatus @cond:GetKeyRotationStatus.17
  Scenario: Enabled again with key material more than a year old, the key rotates at once
    Given automatic rotation of the key has been enabled every 90 days
    And the key is Disabled
    And 400 days pass in the scenario's own account
    And the key has been enabled again
    When I call GetKeyRotationStatus on the key
    Then the request succeeds
    And the key has completed 1 AUTOMATIC rotation
    And the rotation status shows rotation on every 90 days, next due 90 days from now

  @op:GetKeyRotationStatus @cond:GetKeyRotationStatus.17
  Scenario: Enabled again within a year, the key keeps its schedule
    Given automatic rotation of the key has been enabled every 90 days
    And the key is Disabled
    And 100 days pass in the scenario's own account
    And the key has been enabled again
    When I call GetKeyRotationStatus on the key
    Then the request succeeds
    And the key has completed 0 AUTOMATIC rotations
    And the rotation status shows rotation on every 90 days, next due within 90 days

  @op:RotateKeyOnDemand @cond:RotateKeyOnDemand.09 @error:ConflictException
  Scenario: No rotation on demand while an automatic rotation is due within 20 minutes
    Given automatic rotation of the key has been enabled every 90 days
    And the next automatic rotation is 10 minutes away
    When I call RotateKeyOnDemand on the key
    Then the request fails with ConflictException
    And the key has completed 0 ON_DEMAND rotations
