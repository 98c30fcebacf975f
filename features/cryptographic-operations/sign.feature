@op:Sign
Feature: Sign
  Sign makes a signature of a message of up to 4096 bytes, or of its digest,
  with the private half of an asymmetric KMS key for SIGN_VERIFY. Every
  signature is checked three ways: the answer names the key and the
  algorithm, the signature verifies with the public key GetPublicKey answers
  under Go's own crypto (crypto/rsa, crypto/ecdsa, crypto/ed25519, decred's
  secp256k1, circl's ML-DSA), and KMS's Verify accepts it. A signature of an
  ML-DSA external mu is checked as a signature of the message the mu stands
  for: the step makes mu itself from the message and the public key.

  @cond:Sign.07 @cond:Sign.13 @cond:Sign.15 @cond:Sign.16 @cond:Sign.22
  Scenario Outline: A <spec> key signs a message with <algorithm>
    Given an <spec> KMS key for SIGN_VERIFY
    When I sign a message with the key, using <algorithm>
    Then the signature names the key by its key ARN and the algorithm, verifies with the public key from GetPublicKey, and verifies through KMS

    Examples:
      | spec                  | algorithm                 |
      | RSA_2048              | RSASSA_PSS_SHA_256        |
      | RSA_2048              | RSASSA_PSS_SHA_384        |
      | RSA_2048              | RSASSA_PSS_SHA_512        |
      | RSA_2048              | RSASSA_PKCS1_V1_5_SHA_256 |
      | RSA_2048              | RSASSA_PKCS1_V1_5_SHA_384 |
      | RSA_2048              | RSASSA_PKCS1_V1_5_SHA_512 |
      | RSA_3072              | RSASSA_PSS_SHA_384        |
      | RSA_4096              | RSASSA_PKCS1_V1_5_SHA_512 |
      | ECC_NIST_P256         | ECDSA_SHA_256             |
      | ECC_NIST_P384         | ECDSA_SHA_384             |
      | ECC_NIST_P521         | ECDSA_SHA_512             |
      | ECC_SECG_P256K1       | ECDSA_SHA_256             |
      | ECC_NIST_EDWARDS25519 | ED25519_SHA_512           |
      | ML_DSA_44             | ML_DSA_SHAKE_256          |
      | ML_DSA_65             | ML_DSA_SHAKE_256          |
      | ML_DSA_87             | ML_DSA_SHAKE_256          |

  @cond:Sign.07 @cond:Sign.13 @cond:Sign.15
  Scenario Outline: A <spec> key signs a digest with <algorithm>
    Given an <spec> KMS key for SIGN_VERIFY
    When I sign a digest with the key, using <algorithm>
    Then the signature names the key by its key ARN and the algorithm, verifies with the public key from GetPublicKey, and verifies through KMS

    Examples:
      | spec            | algorithm                 |
      | RSA_2048        | RSASSA_PSS_SHA_256        |
      | RSA_2048        | RSASSA_PKCS1_V1_5_SHA_512 |
      | ECC_NIST_P256   | ECDSA_SHA_256             |
      | ECC_NIST_P384   | ECDSA_SHA_384             |
      | ECC_NIST_P521   | ECDSA_SHA_512             |
      | ECC_SECG_P256K1 | ECDSA_SHA_256             |

  @cond:Sign.12
  Scenario: ED25519_PH_SHA_512 prehashes the SHA-512 digest it is given once more
    Given an ECC_NIST_EDWARDS25519 KMS key for SIGN_VERIFY
    When I sign a digest with the key, using ED25519_PH_SHA_512
    Then the signature names the key by its key ARN and the algorithm, verifies with the public key from GetPublicKey, and verifies through KMS

  @cond:Sign.14
  Scenario: A key signs a message of 4096 bytes, the most a message may hold
    Given an ECC_NIST_P256 KMS key for SIGN_VERIFY
    When I sign 4096 bytes with the key, using ECDSA_SHA_256
    Then the signature names the key by its key ARN and the algorithm, verifies with the public key from GetPublicKey, and verifies through KMS

  @cond:Sign.14 @error:ValidationException
  Scenario: A message of 4097 bytes is refused
    Given an ECC_NIST_P256 KMS key for SIGN_VERIFY
    When I sign 4097 bytes with the key, using ECDSA_SHA_256
    Then the request fails with ValidationException

  @cond:Sign.08 @error:ValidationException
  Scenario Outline: A digest that is not as long as the <algorithm> digest is refused (<spec>, <length> bytes)
    Given an <spec> KMS key for SIGN_VERIFY
    When I sign a <length>-byte digest with the key, using <algorithm>
    Then the request fails with ValidationException

    Examples:
      | spec                  | algorithm          | length |
      | RSA_2048              | RSASSA_PSS_SHA_256 | 28     |
      | RSA_2048              | RSASSA_PSS_SHA_384 | 32     |
      | ECC_NIST_P256         | ECDSA_SHA_256      | 33     |
      | ECC_NIST_P521         | ECDSA_SHA_512      | 32     |
      | ECC_SECG_P256K1       | ECDSA_SHA_256      | 28     |
      | ECC_NIST_EDWARDS25519 | ED25519_PH_SHA_512 | 32     |

  @cond:Sign.09 @error:ValidationException
  Scenario Outline: An external mu that is not 64 bytes is refused (<length> bytes)
    Given an ML_DSA_44 KMS key for SIGN_VERIFY
    When I sign a <length>-byte mu with the key, using ML_DSA_SHAKE_256
    Then the request fails with ValidationException

    Examples:
      | length |
      | 32     |
      | 65     |

  @cond:Sign.07
  Scenario Outline: An <spec> key signs the external mu of a message
    Given an <spec> KMS key for SIGN_VERIFY
    When I sign the external mu of a message with the key, using ML_DSA_SHAKE_256
    Then the signature names the key by its key ARN and the algorithm, verifies with the public key from GetPublicKey, and verifies through KMS

    Examples:
      | spec      |
      | ML_DSA_44 |
      | ML_DSA_65 |
      | ML_DSA_87 |

  @cond:Sign.10 @error:ValidationException
  Scenario Outline: ED25519_SHA_512 takes only a RAW message (<type>)
    Given an ECC_NIST_EDWARDS25519 KMS key for SIGN_VERIFY
    When I sign a 64-byte digest with the key, using ED25519_SHA_512, as <type>
    Then the request fails with ValidationException

    Examples:
      | type        |
      | DIGEST      |
      | EXTERNAL_MU |

  @cond:Sign.11 @error:ValidationException
  Scenario Outline: ED25519_PH_SHA_512 takes only a DIGEST (<type>)
    Given an ECC_NIST_EDWARDS25519 KMS key for SIGN_VERIFY
    When I sign a 64-byte digest with the key, using ED25519_PH_SHA_512, as <type>
    Then the request fails with ValidationException

    Examples:
      | type        |
      | RAW         |
      | EXTERNAL_MU |

  @cond:Sign.06 @error:InvalidKeyUsageException
  Scenario Outline: An algorithm the key spec does not support is refused (<spec>, <algorithm>)
    Given an <spec> KMS key for SIGN_VERIFY
    When I sign a message with the key, using <algorithm>
    Then the request fails with InvalidKeyUsageException

    Examples:
      | spec                  | algorithm          |
      | RSA_2048              | ECDSA_SHA_256      |
      | ECC_NIST_P256         | ECDSA_SHA_384      |
      | ECC_NIST_P256         | RSASSA_PSS_SHA_256 |
      | ECC_NIST_EDWARDS25519 | ML_DSA_SHAKE_256   |
      | ML_DSA_44             | ED25519_SHA_512    |

  @cond:Sign.05 @error:InvalidKeyUsageException
  Scenario Outline: A key that is not for signing cannot sign (<spec>, <usage>)
    Given a <spec> KMS key for <usage>
    When I sign a message with the key, using RSASSA_PSS_SHA_256
    Then the request fails with InvalidKeyUsageException

    Examples:
      | spec              | usage               |
      | RSA_2048          | ENCRYPT_DECRYPT     |
      | SYMMETRIC_DEFAULT | ENCRYPT_DECRYPT     |
      | HMAC_256          | GENERATE_VERIFY_MAC |

  @untestable @cond:Sign.13
  Scenario: SM2DSA signs with SM3
    Given a condition the public API cannot produce: SM2 keys, the only keys SM2DSA works with, exist only in the AWS China Regions, whose partition an endpoint outside China does not serve

  @cond:Sign.01
  Scenario Outline: The key may be named by its <form>
    Given an ECC_NIST_P256 KMS key for SIGN_VERIFY
    When I sign a message with the key by its <form>, using ECDSA_SHA_256
    Then the signature names the key by its key ARN and the algorithm, verifies with the public key from GetPublicKey, and verifies through KMS

    Examples:
      | form      |
      | key ID    |
      | key ARN   |
      | alias name |
      | alias ARN |

  @cond:Sign.02 @error:NotFoundException
  Scenario Outline: A key that does not exist, named by its <form>
    Given an ECC_NIST_P256 KMS key for SIGN_VERIFY
    When I sign a message with a key that does not exist by its <form>, using ECDSA_SHA_256
    Then the request fails with NotFoundException

    Examples:
      | form    |
      | key ID  |
      | key ARN |

  @cond:Sign.03 @error:NotFoundException
  Scenario Outline: An alias that does not exist, named by its <form>
    Given an ECC_NIST_P256 KMS key for SIGN_VERIFY
    When I sign a message with an alias that does not exist by its <form>, using ECDSA_SHA_256
    Then the request fails with NotFoundException

    Examples:
      | form       |
      | alias name |
      | alias ARN  |

  @cross-account @cond:Sign.04
  Scenario: Another account whose use the key policy allows signs with the key by its key ARN
    Given an ECC_NIST_P256 signing key whose key policy lets every account use it
    When the second account signs a message with the key by its key ARN, using ECDSA_SHA_256
    Then the signature names the key by its key ARN and the algorithm, verifies with the public key from GetPublicKey, and verifies through KMS

  @cross-account @cond:Sign.04 @error:NotFoundException
  Scenario: Another account cannot name the key by its key ID
    Given an ECC_NIST_P256 signing key whose key policy lets every account use it
    When the second account signs a message with the key by its key ID, using ECDSA_SHA_256
    Then the request fails with NotFoundException

  @cond:Sign.17 @error:InvalidGrantTokenException
  Scenario: A grant token that no grant issued is refused
    Given an ECC_NIST_P256 KMS key for SIGN_VERIFY
    When I sign a message with the key, using ECDSA_SHA_256, with a malformed grant token
    Then the request fails with InvalidGrantTokenException

  @cond:Sign.24 @error:DryRunOperationException
  Scenario: A dry run of a signing that would succeed
    Given an ECC_NIST_P256 KMS key for SIGN_VERIFY
    When I sign a message with the key, using ECDSA_SHA_256, as a dry run
    Then the request fails with DryRunOperationException

  @cond:Sign.25 @error:ValidationException
  Scenario: A dry run of a signing that would fail fails as the signing would
    Given an ECC_NIST_P256 KMS key for SIGN_VERIFY
    When I sign a 33-byte digest with the key, using ECDSA_SHA_256, as a dry run
    Then the request fails with ValidationException
