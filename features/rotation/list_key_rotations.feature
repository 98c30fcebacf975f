@op:ListKeyRotations
Feature: ListKeyRotations lists a key's key materials and its rotations
  By default the list holds the key materials that completed rotations made
  current; with ALL_KEY_MATERIAL it also holds the key's first key material
  and imported material waiting for rotation. Each entry names the key and its
  key material; a rotation date and type come only with material a rotation
  made current, and only keys with imported key material show how that
  material was imported. Limit and Marker page through the list.

  @cond:ListKeyRotations.05 @cond:ListKeyRotations.08
  Scenario: By default only the rotations are listed
    Given a KMS key whose origin is AWS_KMS
    And the key has been rotated on demand
    When I call ListKeyRotations on the key
    Then the request succeeds
    And the listing shows the rotated key material CURRENT, with its rotation date and type ON_DEMAND
    And every entry names the key and its key material

  @cond:ListKeyRotations.05
  Scenario: ROTATIONS_ONLY lists nothing for a key that never rotated
    Given a KMS key whose origin is AWS_KMS
    When I list the key's rotations with IncludeKeyMaterial ROTATIONS_ONLY
    Then the request succeeds
    And the listing holds 0 entries

  @cond:ListKeyRotations.06 @cond:ListKeyRotations.08 @cond:ListKeyRotations.09 @cond:ListKeyRotations.10
  Scenario: ALL_KEY_MATERIAL lists the first key material as well
    Given a KMS key whose origin is AWS_KMS
    And a message has been encrypted under the key's current key material
    And the key has been rotated on demand
    When I list the key's rotations with IncludeKeyMaterial ALL_KEY_MATERIAL
    Then the request succeeds
    And the listing shows the first key material NON_CURRENT, without a rotation date or type, and the rotated one CURRENT with both
    And every entry names the key and its key material
    And no entry carries ImportState, ExpirationModel or KeyMaterialDescription
    And the message encrypted before still decrypts, naming the key material that encrypted it

  @cond:ListKeyRotations.06 @cond:ListKeyRotations.09 @cond:ListKeyRotations.10
  Scenario: ALL_KEY_MATERIAL lists imported key material waiting for rotation
    Given a symmetric KMS key for imported key material
    And the key material has been imported
    And new key material has been imported as NEW_KEY_MATERIAL
    When I list the key's rotations with IncludeKeyMaterial ALL_KEY_MATERIAL
    Then the request succeeds
    And the listing holds 2 entries
    And the listing shows the imported key material waiting as PENDING_ROTATION, without a rotation date or type
    And every entry names the key and its key material
    And every entry carries ImportState and ExpirationModel

  @cond:ListKeyRotations.13 @cond:ListKeyRotations.15
  Scenario Outline: Pages of <limit> follow one another through NextMarker
    Given a KMS key whose origin is AWS_KMS
    And the key has been rotated on demand 3 times
    When I list the key's rotations <limit> at a time, following NextMarker
    Then the request succeeds
    And the pages hold every rotation once, in order, with NextMarker exactly on the truncated ones

    Examples:
      | limit |
      | 1     |
      | 2     |
      | 1000  |

  @cond:ListKeyRotations.14 @error:InvalidMarkerException
  Scenario: A Marker that no listing gave
    Given a KMS key whose origin is AWS_KMS
    When I list the key's rotations with a Marker no listing gave
    Then the request fails with InvalidMarkerException

  @cond:ListKeyRotations.07 @cond:ListKeyRotations.11 @error:UnsupportedOperationException
  Scenario: An asymmetric key, which rotates neither automatically nor on demand
    Given an ECC_NIST_P256 KMS key for SIGN_VERIFY
    When I list the key's rotations with IncludeKeyMaterial ALL_KEY_MATERIAL
    Then the request fails with UnsupportedOperationException

  @cond:ListKeyRotations.03
  Scenario Outline: The key may be named by its <form>
    Given a KMS key whose origin is AWS_KMS
    When I call ListKeyRotations naming the key by its <form>
    Then the request succeeds

    Examples:
      | form    |
      | key ID  |
      | key ARN |

  @cond:ListKeyRotations.01 @error:NotFoundException
  Scenario: A key that does not exist
    When I call ListKeyRotations naming a key that does not exist
    Then the request fails with NotFoundException

  @cond:ListKeyRotations.02 @error:InvalidArnException
  Scenario: A malformed key ARN
    When I call ListKeyRotations naming the key by a malformed ARN
    Then the request fails with InvalidArnException

  @cross-account @cond:ListKeyRotations.04
  Scenario: Another account cannot list the key's rotations
    Given a KMS key whose origin is AWS_KMS
    When the second account calls ListKeyRotations naming the key by its key ARN
    Then the request fails with a client error

  @untestable @cond:ListKeyRotations.12 @error:KMSInvalidStateException
  Scenario: KMSInvalidStateException from ListKeyRotations
    Given a condition the public API cannot produce: the docs name no case for this error, and the operation has no key-state table row (catalog conflict E41)
