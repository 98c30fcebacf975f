@op:Verify
Feature: Verify
  Verify checks a signature of a message, or of its digest, with the public
  half of a KMS key for SIGN_VERIFY. A signature it accepts is checked again
  with the public key GetPublicKey answers under Go's own crypto; one that
  does not verify must be refused with KMSInvalidSignatureException, never
  answered with SignatureValid false.

  @cond:Verify.17 @cond:Verify.24
  Scenario Outline: A <spec> key verifies its own <algorithm> signature
    Given an <spec> KMS key for SIGN_VERIFY
    And a message signed with the key, using <algorithm>
    When I verify the signature with the key
    Then Verify reports the signature valid, naming the key by its key ARN and the algorithm, and it verifies with the public key from GetPublicKey

    Examples:
      | spec                  | algorithm                 |
      | RSA_2048              | RSASSA_PSS_SHA_256        |
      | RSA_2048              | RSASSA_PKCS1_V1_5_SHA_384 |
      | ECC_NIST_P256         | ECDSA_SHA_256             |
      | ECC_NIST_P384         | ECDSA_SHA_384             |
      | ECC_NIST_P521         | ECDSA_SHA_512             |
      | ECC_SECG_P256K1       | ECDSA_SHA_256             |
      | ECC_NIST_EDWARDS25519 | ED25519_SHA_512           |
      | ML_DSA_65             | ML_DSA_SHAKE_256          |

  @cond:Verify.17
  Scenario: An Ed25519 key verifies its own ED25519_PH_SHA_512 signature of a digest
    Given an ECC_NIST_EDWARDS25519 KMS key for SIGN_VERIFY
    And a message signed with the key, using ED25519_PH_SHA_512 as a digest
    When I verify the signature with the key
    Then Verify reports the signature valid, naming the key by its key ARN and the algorithm, and it verifies with the public key from GetPublicKey

  @cond:Verify.12
  Scenario Outline: A message signed as it is verifies when its digest is given (<algorithm>)
    Given an <spec> KMS key for SIGN_VERIFY
    And a message signed with the key, using <algorithm>
    When I verify the signature with the key, giving the message's digest
    Then Verify reports the signature valid, naming the key by its key ARN and the algorithm, and it verifies with the public key from GetPublicKey

    Examples:
      | spec          | algorithm          |
      | RSA_2048      | RSASSA_PSS_SHA_512 |
      | ECC_NIST_P256 | ECDSA_SHA_256      |

  @cond:Verify.12
  Scenario Outline: A message signed as it is verifies when its external mu is given (<spec>)
    Given an <spec> KMS key for SIGN_VERIFY
    And a message signed with the key, using ML_DSA_SHAKE_256
    When I verify the signature with the key, giving the message's external mu
    Then Verify reports the signature valid, naming the key by its key ARN and the algorithm, and it verifies with the public key from GetPublicKey

    Examples:
      | spec      |
      | ML_DSA_44 |
      | ML_DSA_65 |
      | ML_DSA_87 |

  @cond:Verify.09 @cond:Verify.18 @error:KMSInvalidSignatureException
  Scenario: The external mu of another message is refused
    Given an ML_DSA_65 KMS key for SIGN_VERIFY
    And a message signed with the key, using ML_DSA_SHAKE_256
    When I verify the signature with the key, giving the message's external mu, with the message changed
    Then the request fails with KMSInvalidSignatureException

  @cond:Verify.07 @cond:Verify.18 @error:KMSInvalidSignatureException
  Scenario Outline: A changed signature is refused (<spec>)
    Given an <spec> KMS key for SIGN_VERIFY
    And a message signed with the key, using <algorithm>
    When I verify the signature with the key, with the signature changed
    Then the request fails with KMSInvalidSignatureException

    Examples:
      | spec                  | algorithm          |
      | RSA_2048              | RSASSA_PSS_SHA_256 |
      | ECC_NIST_P256         | ECDSA_SHA_256      |
      | ECC_SECG_P256K1       | ECDSA_SHA_256      |
      | ECC_NIST_EDWARDS25519 | ED25519_SHA_512    |
      | ML_DSA_44             | ML_DSA_SHAKE_256   |

  @cond:Verify.09 @cond:Verify.18 @error:KMSInvalidSignatureException
  Scenario Outline: A changed message is refused (<spec>)
    Given an <spec> KMS key for SIGN_VERIFY
    And a message signed with the key, using <algorithm>
    When I verify the signature with the key, with the message changed
    Then the request fails with KMSInvalidSignatureException

    Examples:
      | spec                  | algorithm                 |
      | RSA_2048              | RSASSA_PKCS1_V1_5_SHA_256 |
      | ECC_NIST_P384         | ECDSA_SHA_384             |
      | ECC_NIST_EDWARDS25519 | ED25519_SHA_512           |
      | ML_DSA_44             | ML_DSA_SHAKE_256          |

  @cond:Verify.08 @error:KMSInvalidSignatureException
  Scenario Outline: A signature made by another key is refused (<spec>)
    Given an <spec> KMS key for SIGN_VERIFY
    And a message signed with another <spec> key, using <algorithm>
    When I verify the signature with the key
    Then the request fails with KMSInvalidSignatureException

    Examples:
      | spec          | algorithm          |
      | RSA_2048      | RSASSA_PSS_SHA_256 |
      | ECC_NIST_P256 | ECDSA_SHA_256      |

  @cond:Verify.10 @error:KMSInvalidSignatureException
  Scenario: A signature checked with another algorithm the key supports is refused
    Given an RSA_2048 KMS key for SIGN_VERIFY
    And a message signed with the key, using RSASSA_PSS_SHA_256
    When I verify the signature with the key, using RSASSA_PKCS1_V1_5_SHA_256
    Then the request fails with KMSInvalidSignatureException

  @cond:Verify.11 @error:KMSInvalidSignatureException
  Scenario: A signature of a digest does not verify when the digest is given as RAW
    Given an ECC_NIST_P256 KMS key for SIGN_VERIFY
    And a message signed with the key, using ECDSA_SHA_256 as a digest
    When I verify the signature with the key, as RAW
    Then the request fails with KMSInvalidSignatureException

  @cond:Verify.06 @error:InvalidKeyUsageException
  Scenario: An algorithm the key spec does not support is refused
    Given an ECC_NIST_P256 KMS key for SIGN_VERIFY
    And a message signed with the key, using ECDSA_SHA_256
    When I verify the signature with the key, using RSASSA_PSS_SHA_256
    Then the request fails with InvalidKeyUsageException

  @cond:Verify.05 @error:InvalidKeyUsageException
  Scenario: A key that is not for signing cannot verify
    Given an ECC_NIST_P256 KMS key for SIGN_VERIFY
    And a message signed with the key, using ECDSA_SHA_256
    And an RSA_2048 KMS key for ENCRYPT_DECRYPT
    When I verify the signature with the key, using RSASSA_PSS_SHA_256
    Then the request fails with InvalidKeyUsageException

  @cond:Verify.13 @error:ValidationException
  Scenario Outline: A digest that is not as long as the <algorithm> digest is refused
    Given an <spec> KMS key for SIGN_VERIFY
    And a message signed with the key, using <algorithm>
    When I verify the signature with the key, as DIGEST
    Then the request fails with ValidationException

    Examples:
      | spec          | algorithm          |
      | RSA_2048      | RSASSA_PSS_SHA_384 |
      | ECC_NIST_P384 | ECDSA_SHA_384      |

  @cond:Verify.14 @error:ValidationException
  Scenario: An external mu that is not 64 bytes is refused
    Given an ML_DSA_44 KMS key for SIGN_VERIFY
    And a message signed with the key, using ML_DSA_SHAKE_256
    When I verify the signature with the key, as EXTERNAL_MU
    Then the request fails with ValidationException

  @cond:Verify.15 @error:ValidationException
  Scenario: ED25519_SHA_512 verifies only a RAW message
    Given an ECC_NIST_EDWARDS25519 KMS key for SIGN_VERIFY
    And a message signed with the key, using ED25519_SHA_512
    When I verify the signature with the key, giving the message's digest
    Then the request fails with ValidationException

  @cond:Verify.16 @error:ValidationException
  Scenario: ED25519_PH_SHA_512 verifies only a DIGEST
    Given an ECC_NIST_EDWARDS25519 KMS key for SIGN_VERIFY
    And a message signed with the key, using ED25519_PH_SHA_512 as a digest
    When I verify the signature with the key, as RAW
    Then the request fails with ValidationException

  @cond:Verify.01
  Scenario Outline: The key may be named by its <form>
    Given an ECC_NIST_P256 KMS key for SIGN_VERIFY
    And a message signed with the key, using ECDSA_SHA_256
    When I verify the signature with the key by its <form>
    Then Verify reports the signature valid, naming the key by its key ARN and the algorithm, and it verifies with the public key from GetPublicKey

    Examples:
      | form       |
      | key ID     |
      | key ARN    |
      | alias name |
      | alias ARN  |

  @cond:Verify.02 @error:NotFoundException
  Scenario Outline: A key that does not exist, named by its <form>
    Given an ECC_NIST_P256 KMS key for SIGN_VERIFY
    And a message signed with the key, using ECDSA_SHA_256
    When I verify the signature with a key that does not exist by its <form>
    Then the request fails with NotFoundException

    Examples:
      | form    |
      | key ID  |
      | key ARN |

  @cond:Verify.03 @error:NotFoundException
  Scenario Outline: An alias that does not exist, named by its <form>
    Given an ECC_NIST_P256 KMS key for SIGN_VERIFY
    And a message signed with the key, using ECDSA_SHA_256
    When I verify the signature with an alias that does not exist by its <form>
    Then the request fails with NotFoundException

    Examples:
      | form       |
      | alias name |
      | alias ARN  |

  @cross-account @cond:Verify.04
  Scenario: Another account whose use the key policy allows verifies with the key by its key ARN
    Given an ECC_NIST_P256 signing key whose key policy lets every account use it
    And a message signed with the key, using ECDSA_SHA_256
    When the second account verifies the signature with the key by its key ARN
    Then Verify reports the signature valid, naming the key by its key ARN and the algorithm, and it verifies with the public key from GetPublicKey

  @cross-account @cond:Verify.04 @error:NotFoundException
  Scenario: Another account cannot name the key by its key ID
    Given an ECC_NIST_P256 signing key whose key policy lets every account use it
    And a message signed with the key, using ECDSA_SHA_256
    When the second account verifies the signature with the key by its key ID
    Then the request fails with NotFoundException

  @cond:Verify.19 @error:InvalidGrantTokenException
  Scenario: A grant token that no grant issued is refused
    Given an ECC_NIST_P256 KMS key for SIGN_VERIFY
    And a message signed with the key, using ECDSA_SHA_256
    When I verify the signature with the key, with a malformed grant token
    Then the request fails with InvalidGrantTokenException

  @cond:Verify.26 @error:DryRunOperationException
  Scenario: A dry run of a verification that would succeed
    Given an ECC_NIST_P256 KMS key for SIGN_VERIFY
    And a message signed with the key, using ECDSA_SHA_256
    When I verify the signature with the key, as a dry run
    Then the request fails with DryRunOperationException

  @cond:Verify.27 @error:DisabledException
  Scenario: A dry run of a verification that would fail fails as the verification would
    Given an ECC_NIST_P256 KMS key for SIGN_VERIFY
    And a message signed with the key, using ECDSA_SHA_256
    And the key is Disabled
    When I verify the signature with the key, as a dry run
    Then the request fails with DisabledException
