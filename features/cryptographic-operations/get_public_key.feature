@op:GetPublicKey
Feature: GetPublicKey
  GetPublicKey answers the public half of an asymmetric KMS key as a DER
  SubjectPublicKeyInfo, with the key's spec, its usage and the algorithms
  that usage allows. The public key is read with Go's own crypto (and
  decred's secp256k1, circl's ML-DSA) and must be of the key's spec; the
  signing scenarios check that it verifies the key's signatures.

  @cond:GetPublicKey.10 @cond:GetPublicKey.11 @cond:GetPublicKey.12 @cond:GetPublicKey.13 @cond:GetPublicKey.14 @cond:GetPublicKey.20
  Scenario Outline: The public key of a <spec> key for <usage>
    Given an <spec> KMS key for <usage>
    When I get the public key of the key
    Then the answer is the key's ARN and a <spec> public key for <usage> with its algorithms

    Examples:
      | spec                  | usage           |
      | RSA_2048              | SIGN_VERIFY     |
      | RSA_2048              | ENCRYPT_DECRYPT |
      | ECC_NIST_P256         | SIGN_VERIFY     |
      | ECC_NIST_P384         | SIGN_VERIFY     |
      | ECC_NIST_P521         | SIGN_VERIFY     |
      | ECC_SECG_P256K1       | SIGN_VERIFY     |
      | ECC_NIST_EDWARDS25519 | SIGN_VERIFY     |
      | ML_DSA_44             | SIGN_VERIFY     |
      | ML_DSA_87             | SIGN_VERIFY     |

  @cond:GetPublicKey.06 @cond:GetPublicKey.08 @cond:GetPublicKey.09 @error:UnsupportedOperationException @error:InvalidKeyUsageException
  Scenario: A symmetric encryption key has no public key
    Given a SYMMETRIC_DEFAULT KMS key for ENCRYPT_DECRYPT
    When I get the public key of the key
    Then the request fails with either UnsupportedOperationException or InvalidKeyUsageException

  @cond:GetPublicKey.07 @cond:GetPublicKey.08 @cond:GetPublicKey.09 @error:UnsupportedOperationException @error:InvalidKeyUsageException
  Scenario: An HMAC key has no public key
    Given an HMAC_256 KMS key for GENERATE_VERIFY_MAC
    When I get the public key of the key
    Then the request fails with either UnsupportedOperationException or InvalidKeyUsageException

  @cond:GetPublicKey.01
  Scenario Outline: The key may be named by its <form>
    Given an ECC_NIST_P256 KMS key for SIGN_VERIFY
    When I get the public key of the key by its <form>
    Then the answer is the key's ARN and an ECC_NIST_P256 public key for SIGN_VERIFY with its algorithms

    Examples:
      | form       |
      | key ID     |
      | key ARN    |
      | alias name |
      | alias ARN  |

  @cond:GetPublicKey.02 @error:NotFoundException
  Scenario Outline: A key that does not exist, named by its <form>
    Given an ECC_NIST_P256 KMS key for SIGN_VERIFY
    When I get the public key of a key that does not exist by its <form>
    Then the request fails with NotFoundException

    Examples:
      | form    |
      | key ID  |
      | key ARN |

  @cond:GetPublicKey.03 @error:NotFoundException
  Scenario Outline: An alias that does not exist, named by its <form>
    Given an ECC_NIST_P256 KMS key for SIGN_VERIFY
    When I get the public key of an alias that does not exist by its <form>
    Then the request fails with NotFoundException

    Examples:
      | form       |
      | alias name |
      | alias ARN  |

  @cond:GetPublicKey.04 @error:InvalidArnException
  Scenario: A KeyId that is a malformed ARN is refused
    Given an ECC_NIST_P256 KMS key for SIGN_VERIFY
    When I get the public key of a malformed key ARN
    Then the request fails with InvalidArnException

  @cross-account @cond:GetPublicKey.05
  Scenario: Another account whose use the key policy allows reads the public key by its key ARN
    Given an ECC_NIST_P256 signing key whose key policy lets every account use it
    When the second account gets the public key of the key by its key ARN
    Then the answer is the key's ARN and an ECC_NIST_P256 public key for SIGN_VERIFY with its algorithms

  @cross-account @cond:GetPublicKey.05 @error:NotFoundException
  Scenario: Another account cannot name the key by its key ID
    Given an ECC_NIST_P256 signing key whose key policy lets every account use it
    When the second account gets the public key of the key by its key ID
    Then the request fails with NotFoundException

  @cond:GetPublicKey.15 @error:InvalidGrantTokenException
  Scenario: A grant token that no grant issued is refused
    Given an ECC_NIST_P256 KMS key for SIGN_VERIFY
    When I get the public key of the key, with a malformed grant token
    Then the request fails with InvalidGrantTokenException
