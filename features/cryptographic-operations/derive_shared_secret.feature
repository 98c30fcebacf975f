Feature: DeriveSharedSecret
  DeriveSharedSecret performs ECDH between the private half of a KMS key for
  KEY_AGREEMENT and a peer's public key, given as DER SubjectPublicKeyInfo, and
  returns the raw shared secret. Only NIST curve keys (and SM2, in the China
  Regions) agree keys. Every secret the endpoint answers is checked against
  the one the peer computes with Go's crypto/ecdh from its own private key
  and the KMS key's public half: from the key material the scenario imported,
  or else from GetPublicKey.

  @op:DeriveSharedSecret @cond:DeriveSharedSecret.06 @cond:DeriveSharedSecret.10 @cond:DeriveSharedSecret.12
  Scenario Outline: The secret of an <spec> key is the one its peer derives
    Given an <spec> KMS key for KEY_AGREEMENT with key material I imported
    When I derive a shared secret with a peer's <spec> public key
    Then the request succeeds
    And the shared secret is the one the peer derives locally from its private key and the key's public key

    Examples:
      | spec          |
      | ECC_NIST_P256 |
      | ECC_NIST_P384 |
      | ECC_NIST_P521 |

  @op:DeriveSharedSecret @cond:DeriveSharedSecret.06 @cond:DeriveSharedSecret.10
  Scenario Outline: The secret of an <spec> key KMS generated is the one its peer derives
    Given an <spec> KMS key for KEY_AGREEMENT
    When I derive a shared secret with a peer's <spec> public key
    Then the request succeeds
    And the shared secret is the one the peer derives locally from its private key and the key's public key

    Examples:
      | spec          |
      | ECC_NIST_P256 |
      | ECC_NIST_P384 |
      | ECC_NIST_P521 |

  @op:DeriveSharedSecret @untestable @cond:DeriveSharedSecret.06
  Scenario: An SM2 key agrees a secret
    Given a condition the public API cannot produce: SM2 keys are offered only in the China Regions (aws-cn)

  @op:DeriveSharedSecret @cond:DeriveSharedSecret.10 @cond:DeriveSharedSecret.11
  Scenario: The response holds the secret and names the key, ECDH and the key origin AWS_KMS
    Given an ECC_NIST_P256 KMS key for KEY_AGREEMENT
    When I call DeriveSharedSecret on the key
    Then the request succeeds
    And the response holds the shared secret and names the key by its ARN, the algorithm ECDH and the key origin AWS_KMS

  @op:DeriveSharedSecret @cond:DeriveSharedSecret.10 @cond:DeriveSharedSecret.11
  Scenario: The response of a key with imported material names the key origin EXTERNAL
    Given an ECC_NIST_P256 KMS key for KEY_AGREEMENT with key material I imported
    When I call DeriveSharedSecret on the key
    Then the request succeeds
    And the response holds the shared secret and names the key by its ARN, the algorithm ECDH and the key origin EXTERNAL

  @op:DeriveSharedSecret @untestable @cond:DeriveSharedSecret.13
  Scenario: With a Recipient, the secret comes back encrypted for a Nitro enclave
    Given a condition the public API cannot produce: only a Nitro enclave can produce a signed attestation document, so no scenario can give a valid Recipient

  @op:DeriveSharedSecret @cond:DeriveSharedSecret.05 @error:InvalidKeyUsageException
  Scenario Outline: DeriveSharedSecret with a <spec> key for <usage> fails with InvalidKeyUsageException
    Given a <spec> KMS key for <usage>
    When I call DeriveSharedSecret on the key
    Then the request fails with InvalidKeyUsageException

    Examples:
      | spec              | usage           |
      | SYMMETRIC_DEFAULT | ENCRYPT_DECRYPT |
      | ECC_NIST_P256     | SIGN_VERIFY     |

  @op:DeriveSharedSecret @cond:DeriveSharedSecret.08 @error:ValidationException
  Scenario: DeriveSharedSecret with a PublicKey that is not DER fails with ValidationException
    Given an ECC_NIST_P256 KMS key for KEY_AGREEMENT
    When I derive a shared secret with a PublicKey that is not DER SubjectPublicKeyInfo
    Then the request fails with ValidationException

  @op:DeriveSharedSecret @cond:DeriveSharedSecret.09
  Scenario: DeriveSharedSecret with a peer on another curve fails with a client error
    Given an ECC_NIST_P256 KMS key for KEY_AGREEMENT
    When I derive a shared secret with a peer's ECC_NIST_P384 public key
    Then the request fails with a client error

  @op:DeriveSharedSecret @cond:DeriveSharedSecret.01
  Scenario Outline: DeriveSharedSecret names its key by <form>
    Given an ECC_NIST_P256 KMS key for KEY_AGREEMENT
    When I call DeriveSharedSecret naming the key by its <form>
    Then the request succeeds
    And the response holds the shared secret and names the key by its ARN, the algorithm ECDH and the key origin AWS_KMS

    Examples:
      | form       |
      | key ID     |
      | key ARN    |
      | alias name |
      | alias ARN  |

  @op:DeriveSharedSecret @cond:DeriveSharedSecret.02 @error:NotFoundException
  Scenario Outline: DeriveSharedSecret naming a key that does not exist by its <form> fails with NotFoundException
    Given an ECC_NIST_P256 KMS key for KEY_AGREEMENT
    When I call DeriveSharedSecret naming a key that does not exist by its <form>
    Then the request fails with NotFoundException

    Examples:
      | form    |
      | key ID  |
      | key ARN |

  @op:DeriveSharedSecret @cond:DeriveSharedSecret.03 @error:NotFoundException
  Scenario Outline: DeriveSharedSecret naming an alias that does not exist by its <form> fails with NotFoundException
    Given an ECC_NIST_P256 KMS key for KEY_AGREEMENT
    When I call DeriveSharedSecret naming an alias that does not exist by its <form>
    Then the request fails with NotFoundException

    Examples:
      | form       |
      | alias name |
      | alias ARN  |

  @op:DeriveSharedSecret @cond:DeriveSharedSecret.04 @second-account
  Scenario: Another account derives a secret with the key named by its key ARN
    Given an ECC_NIST_P256 KMS key for KEY_AGREEMENT whose key policy lets every account use it
    When the second account calls DeriveSharedSecret naming the key by its key ARN
    Then the request succeeds

  @op:DeriveSharedSecret @cond:DeriveSharedSecret.04 @second-account @error:NotFoundException
  Scenario: Another account naming the key by its key ID fails with NotFoundException
    Given an ECC_NIST_P256 KMS key for KEY_AGREEMENT whose key policy lets every account use it
    When the second account calls DeriveSharedSecret naming the key by its key ID
    Then the request fails with NotFoundException

  @op:DeriveSharedSecret @cond:DeriveSharedSecret.14 @error:InvalidGrantTokenException
  Scenario: DeriveSharedSecret with a grant token that no grant issued fails with InvalidGrantTokenException
    Given an ECC_NIST_P256 KMS key for KEY_AGREEMENT
    When I call DeriveSharedSecret with a grant token that no grant issued
    Then the request fails with InvalidGrantTokenException

  @op:DeriveSharedSecret @cond:DeriveSharedSecret.21 @error:DryRunOperationException
  Scenario: DeriveSharedSecret with DryRun is refused with DryRunOperationException
    Given an ECC_NIST_P256 KMS key for KEY_AGREEMENT
    When I call DeriveSharedSecret with DryRun
    Then the request fails with DryRunOperationException

  @op:DeriveSharedSecret @cond:DeriveSharedSecret.22
  Scenario: DeriveSharedSecret with DryRun on a Disabled key answers the failure it would have
    Given an ECC_NIST_P256 KMS key for KEY_AGREEMENT
    And the key is Disabled
    When I call DeriveSharedSecret with DryRun
    Then the request fails with DisabledException

  @op:DeriveSharedSecret @cond:DeriveSharedSecret.07
  Scenario: DeriveSharedSecret refuses a KeyAgreementAlgorithm other than ECDH
    Given an ECC_NIST_P256 KMS key for KEY_AGREEMENT
    When I send a DeriveSharedSecret request whose KeyAgreementAlgorithm is not one of the documented values
    Then the request fails with ValidationException
