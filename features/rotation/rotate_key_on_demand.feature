@op:RotateKeyOnDemand
Feature: RotateKeyOnDemand rotates a key's material at once
  A symmetric encryption key gets new key material at once, whether or not it
  rotates automatically, and keeps its automatic schedule. A key with imported
  key material rotates to the material imported as NEW_KEY_MATERIAL. What the
  key encrypted before still decrypts. Real KMS rotates in the background: the
  checks wait for the rotation to complete. Real KMS refused the eleventh
  rotation of a key when recorded (the 2026 docs say 25; catalog conflict E42).

  @cond:RotateKeyOnDemand.05 @cond:RotateKeyOnDemand.06 @cond:GetKeyRotationStatus.06 @cond:ListKeyRotations.09
  Scenario: The key rotates to new key material, and what it encrypted before still decrypts
    Given a KMS key whose origin is AWS_KMS
    And a message has been encrypted under the key's current key material
    When I call RotateKeyOnDemand on the key
    Then the request succeeds
    And the answer names the key by its key ARN
    And the rotation status shows no rotation on demand under way, at the latest after a while
    And the key has completed 1 ON_DEMAND rotation
    And the key's current key material is new, at the latest after a while
    And the message encrypted before still decrypts, naming the key material that encrypted it

  @cond:RotateKeyOnDemand.07
  Scenario: A rotation on demand leaves the automatic schedule where it was
    Given a KMS key whose origin is AWS_KMS
    And automatic rotation of the key has been enabled
    When I call RotateKeyOnDemand on the key
    Then the request succeeds
    And the next automatic rotation is still due when it was

  @cond:RotateKeyOnDemand.15 @cond:ListKeyRotations.09
  Scenario: A key with imported key material rotates to the material waiting for rotation
    Given a symmetric KMS key for imported key material
    And the key material has been imported
    And a message has been encrypted under the key's current key material
    And new key material has been imported as NEW_KEY_MATERIAL
    When I call RotateKeyOnDemand on the key
    Then the request succeeds
    And the key's current key material is new, at the latest after a while
    And the message encrypted before still decrypts, naming the key material that encrypted it

  @cond:RotateKeyOnDemand.14 @cond:RotateKeyOnDemand.19 @error:KMSInvalidStateException
  Scenario: A key with imported key material but none waiting for rotation
    Given a symmetric KMS key for imported key material
    And the key material has been imported
    When I call RotateKeyOnDemand on the key
    Then the request fails with KMSInvalidStateException
    And the key is Enabled

  @cond:RotateKeyOnDemand.08 @error:LimitExceededException
  Scenario: The eleventh rotation on demand is refused
    Given a KMS key whose origin is AWS_KMS
    And the key has been rotated on demand 10 times
    When I call RotateKeyOnDemand on the key
    Then the request fails with LimitExceededException

  @cond:RotateKeyOnDemand.03
  Scenario Outline: The key may be named by its <form>
    Given a KMS key whose origin is AWS_KMS
    When I call RotateKeyOnDemand naming the key by its <form>
    Then the request succeeds

    Examples:
      | form    |
      | key ID  |
      | key ARN |

  @cond:RotateKeyOnDemand.10 @cond:RotateKeyOnDemand.20 @error:UnsupportedOperationException
  Scenario: An asymmetric key cannot rotate on demand
    Given an ECC_NIST_P256 KMS key for SIGN_VERIFY
    When I call RotateKeyOnDemand on the key
    Then the request fails with UnsupportedOperationException

  @cond:RotateKeyOnDemand.11
  Scenario: An HMAC key cannot rotate on demand
    Given an HMAC_256 KMS key for GENERATE_VERIFY_MAC
    When I call RotateKeyOnDemand on the key
    Then the request fails with a client error

  @cond:RotateKeyOnDemand.13
  Scenario: An AWS managed key cannot rotate on demand
    Given an AWS managed key in an account of my own
    When I call RotateKeyOnDemand on the key
    Then the request fails with a client error

  @cond:RotateKeyOnDemand.01 @error:NotFoundException
  Scenario: A key that does not exist
    When I call RotateKeyOnDemand naming a key that does not exist
    Then the request fails with NotFoundException

  @cond:RotateKeyOnDemand.02 @error:InvalidArnException
  Scenario: A malformed key ARN
    When I call RotateKeyOnDemand naming the key by a malformed ARN
    Then the request fails with InvalidArnException

  @cross-account @cond:RotateKeyOnDemand.04
  Scenario: Another account cannot rotate the key
    Given a KMS key whose origin is AWS_KMS
    When the second account calls RotateKeyOnDemand naming the key by its key ARN
    Then the request fails with a client error
    And the key has completed 0 ON_DEMAND rotations

  @multi-region @cond:RotateKeyOnDemand.16
  Scenario: A multi-Region replica cannot rotate on demand
    Given a multi-Region KMS key
    And the key has a replica in the second Region
    And the scenario acts on the replica in the second Region
    When I call RotateKeyOnDemand on the key
    Then the request fails with a client error
    And the key has completed 0 ON_DEMAND rotations

  @multi-region @cond:RotateKeyOnDemand.16
  Scenario: Rotating a multi-Region primary key on demand rotates its replica
    Given a multi-Region KMS key
    And the key has a replica in the second Region
    And a message has been encrypted under the key's current key material
    When I call RotateKeyOnDemand on the key
    Then the request succeeds
    And the key's current key material is new, at the latest after a while
    And the replica's current key material is the primary's, at the latest after a while
    And what either Region encrypts, the other decrypts

  @multi-region @import @cond:RotateKeyOnDemand.17 @cond:ImportKeyMaterial.31
  Scenario: A multi-Region primary key does not rotate to new imported material its replica lacks
    Given a multi-Region KMS key with imported key material
    And the key has a replica in the second Region
    And the primary's key material has been imported into the replica
    And new key material has been imported into the primary key as NEW_KEY_MATERIAL
    When I call RotateKeyOnDemand on the primary key in the run's own Region
    Then the request fails with a client error
    And the primary's current key material is still the first
