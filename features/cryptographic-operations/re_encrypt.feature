@op:ReEncrypt
Feature: ReEncrypt
  ReEncrypt decrypts a ciphertext with its source key and encrypts the
  plaintext under a destination key in one call, without the plaintext ever
  leaving KMS. Source and destination can be symmetric or RSA keys, or the
  same key with a new encryption context. Each new ciphertext is decrypted
  again to show it holds the original message.

  @cond:ReEncrypt.02 @cond:ReEncrypt.21
  Scenario: A symmetric ciphertext moves to another key without naming its source
    Given a SYMMETRIC_DEFAULT encryption key
    And another SYMMETRIC_DEFAULT encryption key
    And a message encrypted under the key
    When I re-encrypt the message under the other key
    Then the response names the source key and the destination key by their key ARNs
    And the ciphertext decrypts to the message

  @cond:ReEncrypt.14
  Scenario: The same key re-encrypts a ciphertext under a new encryption context
    Given a SYMMETRIC_DEFAULT encryption key
    And a message encrypted under the key with the encryption context {"stage":"before"}
    When I re-encrypt the message under the key, with the encryption context {"stage":"after"}
    Then decrypting the ciphertext with the encryption context {"stage":"after"} gives the message

  @cond:ReEncrypt.14
  Scenario: After re-encryption under a new context the old context no longer decrypts
    Given a SYMMETRIC_DEFAULT encryption key
    And a message encrypted under the key with the encryption context {"stage":"before"}
    When I re-encrypt the message under the key, with the encryption context {"stage":"after"}
    Then decrypting the ciphertext with the encryption context {"stage":"before"} fails with InvalidCiphertextException

  @import @cond:ReEncrypt.21
  Scenario Outline: A symmetric ciphertext moves to an RSA key (<algorithm>)
    Given an RSA_2048 encryption key with key material I imported
    And another SYMMETRIC_DEFAULT encryption key
    And a message encrypted under the other key
    When I re-encrypt the message under the key, using <algorithm>
    Then the response names the source key and the destination key by their key ARNs
    And the ciphertext decrypts with the private key I imported

    Examples:
      | algorithm          |
      | RSAES_OAEP_SHA_1   |
      | RSAES_OAEP_SHA_256 |

  @cond:ReEncrypt.21
  Scenario: An RSA ciphertext moves to a symmetric key
    Given an RSA_2048 encryption key
    And another SYMMETRIC_DEFAULT encryption key
    And a message encrypted under the key using RSAES_OAEP_SHA_1
    When I re-encrypt the message from the key under the other key
    Then the response names the source key and the destination key by their key ARNs
    And the ciphertext decrypts to the message

  @cond:ReEncrypt.15
  Scenario Outline: Both keys can be named by their <form>
    Given a SYMMETRIC_DEFAULT encryption key
    And the key has an alias
    And a message encrypted under the key
    When I re-encrypt the message from the key by its <form> under the key by its <form>
    Then the response names the source key and the destination key by their key ARNs

    Examples:
      | form       |
      | key ID     |
      | key ARN    |
      | alias name |
      | alias ARN  |

  @cond:ReEncrypt.03
  Scenario: An RSA ciphertext without its source key
    Given an RSA_2048 encryption key
    And another SYMMETRIC_DEFAULT encryption key
    And a message encrypted under the key using RSAES_OAEP_SHA_256
    When I re-encrypt the message under the other key
    Then the request fails with a client error

  @cond:ReEncrypt.04
  Scenario: An RSA ciphertext without its source algorithm
    Given an RSA_2048 encryption key
    And another SYMMETRIC_DEFAULT encryption key
    And a message encrypted under the key using RSAES_OAEP_SHA_256
    When I re-encrypt the message from the key under the other key, without an algorithm
    Then the request fails with a client error

  @cond:ReEncrypt.06
  Scenario: An RSA ciphertext with another source algorithm than the one that made it
    Given an RSA_2048 encryption key
    And another SYMMETRIC_DEFAULT encryption key
    And a message encrypted under the key using RSAES_OAEP_SHA_256
    When I re-encrypt the message from the key under the other key, decrypting with RSAES_OAEP_SHA_1
    Then the request fails with a client error

  @cond:ReEncrypt.05 @error:IncorrectKeyException
  Scenario: A source key other than the one that made the ciphertext
    Given a SYMMETRIC_DEFAULT encryption key
    And another SYMMETRIC_DEFAULT encryption key
    And a message encrypted under the key
    When I re-encrypt the message from the other key under the key
    Then the request fails with IncorrectKeyException

  @cond:ReEncrypt.07 @error:InvalidCiphertextException
  Scenario: A corrupted ciphertext
    Given a SYMMETRIC_DEFAULT encryption key
    And a message encrypted under the key
    When I re-encrypt the message under the key, with the ciphertext corrupted
    Then the request fails with InvalidCiphertextException

  @cond:ReEncrypt.08 @error:InvalidCiphertextException
  Scenario: A source encryption context other than the ciphertext's
    Given a SYMMETRIC_DEFAULT encryption key
    And a message encrypted under the key with the encryption context {"purpose":"kmsconform"}
    When I re-encrypt the message under the key, with the source encryption context {"purpose":"other"}
    Then the request fails with InvalidCiphertextException

  @cond:ReEncrypt.09 @error:InvalidKeyUsageException
  Scenario: A destination key that is not for encryption
    Given a SYMMETRIC_DEFAULT encryption key
    And another RSA_2048 key for SIGN_VERIFY
    And a message encrypted under the key
    When I re-encrypt the message under the other key
    Then the request fails with InvalidKeyUsageException

  @cond:ReEncrypt.10 @error:InvalidKeyUsageException
  Scenario: A source key that is not for encryption
    Given an RSA_2048 encryption key
    And another RSA_2048 key for SIGN_VERIFY
    And a message encrypted under the key using RSAES_OAEP_SHA_256
    When I re-encrypt the message from the other key under the key, decrypting with RSAES_OAEP_SHA_256
    Then the request fails with InvalidKeyUsageException

  @cond:ReEncrypt.11 @error:InvalidKeyUsageException
  Scenario: A destination algorithm the destination key does not support
    Given a SYMMETRIC_DEFAULT encryption key
    And a message encrypted under the key
    When I re-encrypt the message under the key, using RSAES_OAEP_SHA_256
    Then the request fails with InvalidKeyUsageException

  @cond:ReEncrypt.12
  Scenario: An RSA destination key without a destination algorithm
    Given an RSA_2048 encryption key
    And another SYMMETRIC_DEFAULT encryption key
    And a message encrypted under the other key
    When I re-encrypt the message under the key, without an algorithm
    Then the request fails with a client error

  @cond:ReEncrypt.13
  Scenario: An RSA destination key with a destination encryption context
    Given an RSA_2048 encryption key
    And another SYMMETRIC_DEFAULT encryption key
    And a message encrypted under the other key
    When I re-encrypt the message under the key, with the encryption context {"purpose":"kmsconform"}
    Then the request fails with a client error

  @error:NotFoundException
  Scenario Outline: A <role> key that does not exist, named by its <form>
    Given a SYMMETRIC_DEFAULT encryption key
    And a message encrypted under the key
    When I re-encrypt the message <call>
    Then the request fails with NotFoundException

    @cond:ReEncrypt.16
    Examples: source
      | role   | form       | call                                                                 |
      | source | key ID     | from a key that does not exist by its key ID under the key           |
      | source | alias name | from an alias that does not exist by its alias name under the key    |

    @cond:ReEncrypt.17
    Examples: destination
      | role        | form      | call                                                     |
      | destination | key ID    | under a key that does not exist by its key ID            |
      | destination | key ARN   | under a key that does not exist by its key ARN           |
      | destination | alias ARN | under an alias that does not exist by its alias ARN      |

  @cross-account @cond:ReEncrypt.18
  Scenario: Another account whose use the key policy allows re-encrypts with the key by its key ARN
    Given a symmetric encryption key whose key policy lets every account use it
    And a message encrypted under the key
    When the second account re-encrypts the message from the key by its key ARN under the key by its key ARN
    Then the response names the source key and the destination key by their key ARNs
    And the ciphertext decrypts to the message

  @untestable @cond:ReEncrypt.19
  Scenario: The caller needs kms:ReEncryptFrom on the source key and kms:ReEncryptTo on the destination key
    Given a condition the public API cannot produce: the scenarios act as an account's root and a second account, and KMS authorizes a root through the key policy's statement for the account, which grants both permissions together; telling them apart needs IAM principals with their own policies, which the KMS API cannot create

  @untestable @cond:ReEncrypt.20
  Scenario: Grants that constrain the source ARN name the same one on both keys
    Given a condition the public API cannot produce: a grant constrained by aws:SourceArn only applies to requests an AWS service makes on a caller's behalf, and no AWS service calls the endpoint here

  @cond:ReEncrypt.22 @error:InvalidGrantTokenException
  Scenario: A malformed grant token is refused
    Given a SYMMETRIC_DEFAULT encryption key
    And a message encrypted under the key
    When I re-encrypt the message under the key, with a malformed grant token
    Then the request fails with InvalidGrantTokenException

  @cond:ReEncrypt.31 @error:DryRunOperationException
  Scenario: A dry run of a re-encryption that would succeed
    Given a SYMMETRIC_DEFAULT encryption key
    And a message encrypted under the key
    When I re-encrypt the message under the key, as a dry run
    Then the request fails with DryRunOperationException

  @cond:ReEncrypt.32 @error:DryRunOperationException
  Scenario: A dry run that ignores the ciphertext needs none, only the source key
    Given a SYMMETRIC_DEFAULT encryption key
    And a message encrypted under the key
    When I re-encrypt the message from the key under the key, as a dry run ignoring the ciphertext
    Then the request fails with DryRunOperationException

  @cond:ReEncrypt.33 @error:NotFoundException
  Scenario: A dry run to a destination that does not exist fails as the re-encryption would
    Given a SYMMETRIC_DEFAULT encryption key
    And a message encrypted under the key
    When I re-encrypt the message under a key that does not exist, as a dry run
    Then the request fails with NotFoundException

  @cond:ReEncrypt.01
  Scenario: A request without a ciphertext, outside a dry run that ignores it
    Given a SYMMETRIC_DEFAULT encryption key
    And a message encrypted under the key
    When I re-encrypt the message from the key under the key, without the ciphertext
    Then the request fails with a client error

  @xks @cond:ReEncrypt.29 @error:KMSInvalidStateException
  Scenario: A source key whose external key was disabled cannot re-encrypt
    Given an external key store that is CONNECTED
    And a KMS key in the key store
    And a message encrypted under the key
    And another SYMMETRIC_DEFAULT encryption key
    And the key store's backing has a defect: the external key is disabled
    When I re-encrypt the message under the other key
    Then the request fails with KMSInvalidStateException
