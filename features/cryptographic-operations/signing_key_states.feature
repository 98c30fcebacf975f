@key-states
Feature: Key states of Sign, Verify and GetPublicKey
  The key-state table lets an Enabled key sign, verify and answer its public
  key; a Disabled key answers DisabledException. For a key pending deletion
  the table allows DisabledException or KMSInvalidStateException and does not
  say which, so either is accepted and the one chosen recorded. Verify needs
  a signature made while the key could still sign. A key waiting for
  imported key material has no answer in the table (see the catalog's
  conflicts); it must refuse with a client error, whose code is recorded.

  @cond:Sign.18 @op:Sign @error:DisabledException
  Scenario Outline: Sign with a <spec> key that is Disabled
    Given an <spec> KMS key for SIGN_VERIFY
    And the key is Disabled
    When I sign a message with the key
    Then the request fails with DisabledException

    Examples:
      | spec          |
      | ECC_NIST_P256 |
      | ML_DSA_44     |

  @cond:Sign.19 @op:Sign @error:DisabledException @error:KMSInvalidStateException
  Scenario: Sign with a key pending deletion
    Given an ECC_NIST_P256 KMS key for SIGN_VERIFY
    And the key is PendingDeletion
    When I sign a message with the key
    Then the request fails with either DisabledException or KMSInvalidStateException

  @cond:Verify.20 @op:Verify @error:DisabledException
  Scenario: Verify with a key that became Disabled
    Given an ECC_NIST_P256 KMS key for SIGN_VERIFY
    And a message signed with the key, using ECDSA_SHA_256
    And the key is Disabled
    When I verify the signature with the key
    Then the request fails with DisabledException

  @cond:Verify.21 @op:Verify @error:DisabledException @error:KMSInvalidStateException
  Scenario: Verify with a key that became pending deletion
    Given an ECC_NIST_P256 KMS key for SIGN_VERIFY
    And a message signed with the key, using ECDSA_SHA_256
    And the key is PendingDeletion
    When I verify the signature with the key
    Then the request fails with either DisabledException or KMSInvalidStateException

  @cond:GetPublicKey.16 @op:GetPublicKey @error:DisabledException
  Scenario: GetPublicKey with a key that is Disabled
    Given an ECC_NIST_P256 KMS key for SIGN_VERIFY
    And the key is Disabled
    When I get the public key of the key
    Then the request fails with DisabledException

  @cond:GetPublicKey.17 @op:GetPublicKey @error:DisabledException @error:KMSInvalidStateException
  Scenario: GetPublicKey with a key pending deletion
    Given an ECC_NIST_P256 KMS key for SIGN_VERIFY
    And the key is PendingDeletion
    When I get the public key of the key
    Then the request fails with either DisabledException or KMSInvalidStateException

  @import @cond:Sign.20 @op:Sign
  Scenario: Sign with a signing key that waits for imported key material
    Given an ECC_NIST_P256 KMS key for imported key material
    When I sign a message with the key, using ECDSA_SHA_256
    Then the request fails with a client error

  @import @cond:Verify.22 @op:Verify
  Scenario: Verify with a signing key that waits for imported key material
    Given an ECC_NIST_P256 KMS key for imported key material
    And a message signed with another ECC_NIST_P256 key, using ECDSA_SHA_256
    When I verify the signature with the key
    Then the request fails with a client error

  @import @cond:GetPublicKey.18 @op:GetPublicKey
  Scenario: GetPublicKey with a signing key that waits for imported key material
    Given an ECC_NIST_P256 KMS key for imported key material
    When I get the public key of the key
    Then the request fails with a client error
