Feature: GenerateDataKeyPair and GenerateDataKeyPairWithoutPlaintext
  Both operations return a fresh asymmetric key pair for use outside KMS: the
  public key as a DER SubjectPublicKeyInfo, and the private key encrypted under
  a symmetric encryption KMS key. GenerateDataKeyPair also returns the private
  key in the clear, as DER PKCS #8. The checks read both keys with crypto of
  their own and show the private key belongs to the public key; Decrypt turns
  the encrypted private key back into that private key. The usage rules of
  asymmetric KMS keys do not bind data key pairs: an ECC pair comes from a key
  for ENCRYPT_DECRYPT.

  Background:
    Given a KMS key whose origin is AWS_KMS

  @op:GenerateDataKeyPair @cond:GenerateDataKeyPair.02 @cond:GenerateDataKeyPair.04
  Scenario Outline: A data key pair of <spec> holds a private key of its public key
    When I generate a data key pair of <spec>
    Then the request succeeds
    And the public key is a <spec> public key in DER SubjectPublicKeyInfo
    And the plaintext private key is the PKCS #8 private key of that public key
    And the PrivateKeyCiphertextBlob decrypts through KMS to the private key of that public key

    Examples:
      | spec                  |
      | RSA_2048              |
      | RSA_3072              |
      | RSA_4096              |
      | ECC_NIST_P256         |
      | ECC_NIST_P384         |
      | ECC_NIST_P521         |
      | ECC_SECG_P256K1       |
      | ECC_NIST_EDWARDS25519 |

  @op:GenerateDataKeyPairWithoutPlaintext @cond:GenerateDataKeyPairWithoutPlaintext.03
  Scenario Outline: A data key pair of <spec> without plaintext encrypts a private key of its public key
    When I generate a data key pair without plaintext of <spec>
    Then the request succeeds
    And the public key is a <spec> public key in DER SubjectPublicKeyInfo
    And the PrivateKeyCiphertextBlob decrypts through KMS to the private key of that public key

    Examples:
      | spec                  |
      | RSA_2048              |
      | RSA_3072              |
      | RSA_4096              |
      | ECC_NIST_P256         |
      | ECC_NIST_P384         |
      | ECC_NIST_P521         |
      | ECC_SECG_P256K1       |
      | ECC_NIST_EDWARDS25519 |

  @op:GenerateDataKeyPair @untestable @cond:GenerateDataKeyPair.02
  Scenario: A data key pair of SM2
    Given a condition the public API cannot produce: SM2 key pairs are offered only in the China Regions (aws-cn)

  @op:GenerateDataKeyPair @cond:GenerateDataKeyPair.01
  Scenario: The response holds the key pair and names the key
    When I generate a data key pair of ECC_NIST_P256
    Then the request succeeds
    And the response names the key by its ARN, its key material and the key pair spec ECC_NIST_P256, and holds the private key in the clear

  @op:GenerateDataKeyPairWithoutPlaintext @cond:GenerateDataKeyPairWithoutPlaintext.01
  Scenario: The response holds the public key and the encrypted private key only, and names the key
    When I generate a data key pair without plaintext of ECC_NIST_P256
    Then the request succeeds
    And the response names the key by its ARN, its key material and the key pair spec ECC_NIST_P256, and holds no private key in the clear

  @op:GenerateDataKeyPair @cond:GenerateDataKeyPair.05
  Scenario: Every call returns a new key pair
    Given a data key pair of ECC_NIST_P256 has been generated with the key
    When I generate a data key pair of ECC_NIST_P256
    Then the request succeeds
    And the key pair differs from the one generated before

  Scenario Outline: <operation>'s encrypted private key decrypts only with the encryption context it was made with
    When I call <operation> with an encryption context
    Then the request succeeds
    And the encrypted key decrypts through KMS only with the same encryption context

    @op:GenerateDataKeyPair @cond:GenerateDataKeyPair.14
    Examples: GenerateDataKeyPair
      | operation           |
      | GenerateDataKeyPair |

    @op:GenerateDataKeyPairWithoutPlaintext @cond:GenerateDataKeyPairWithoutPlaintext.12
    Examples: GenerateDataKeyPairWithoutPlaintext
      | operation                           |
      | GenerateDataKeyPairWithoutPlaintext |

  @op:GenerateDataKeyPair @cond:GenerateDataKeyPair.03
  Scenario: GenerateDataKeyPair refuses KeyPairSpec SM2 outside the China Regions
    Given the run's Region is outside China
    When I generate a data key pair of SM2
    Then the request fails with a client error

  @op:GenerateDataKeyPairWithoutPlaintext @cond:GenerateDataKeyPairWithoutPlaintext.02
  Scenario: GenerateDataKeyPairWithoutPlaintext refuses KeyPairSpec SM2 outside the China Regions
    Given the run's Region is outside China
    When I generate a data key pair without plaintext of SM2
    Then the request fails with a client error

  @op:GenerateDataKeyPair @untestable @cond:GenerateDataKeyPair.15
  Scenario: With a Recipient, the private key comes back encrypted for a Nitro enclave
    Given a condition the public API cannot produce: only a Nitro enclave can produce a signed attestation document, so no scenario can give a valid Recipient

  @op:GenerateDataKeyPair @untestable @error:UnsupportedOperationException @cond:GenerateDataKeyPair.13
  Scenario: UnsupportedOperationException for a parameter or resource the operation does not support
    Given a condition the public API cannot produce: the docs name no case for this error; the cases that may produce it (SM2 outside China, a key in a custom key store) are checked as client errors and the code the endpoint chose is recorded

  @op:GenerateDataKeyPairWithoutPlaintext @untestable @error:UnsupportedOperationException @cond:GenerateDataKeyPairWithoutPlaintext.11
  Scenario: UnsupportedOperationException for a parameter or resource the operation does not support (without plaintext)
    Given a condition the public API cannot produce: the docs name no case for this error; the cases that may produce it (SM2 outside China, a key in a custom key store) are checked as client errors and the code the endpoint chose is recorded

  Scenario Outline: <operation> refuses a key in a connected <type> key store
    Given a KMS key whose origin is <origin>
    When I call <operation> on the key
    Then the request fails with a client error

    @op:GenerateDataKeyPair @cond:GenerateDataKeyPair.12 @cloudhsm
    Examples: GenerateDataKeyPair, CloudHSM
      | operation           | type     | origin       |
      | GenerateDataKeyPair | CloudHSM | AWS_CLOUDHSM |

    @op:GenerateDataKeyPair @cond:GenerateDataKeyPair.12 @xks
    Examples: GenerateDataKeyPair, external
      | operation           | type     | origin             |
      | GenerateDataKeyPair | external | EXTERNAL_KEY_STORE |

    @op:GenerateDataKeyPairWithoutPlaintext @cond:GenerateDataKeyPairWithoutPlaintext.10 @cloudhsm
    Examples: GenerateDataKeyPairWithoutPlaintext, CloudHSM
      | operation                           | type     | origin       |
      | GenerateDataKeyPairWithoutPlaintext | CloudHSM | AWS_CLOUDHSM |

    @op:GenerateDataKeyPairWithoutPlaintext @cond:GenerateDataKeyPairWithoutPlaintext.10 @xks
    Examples: GenerateDataKeyPairWithoutPlaintext, external
      | operation                           | type     | origin             |
      | GenerateDataKeyPairWithoutPlaintext | external | EXTERNAL_KEY_STORE |
