@op:Decrypt
Feature: Decrypt
  Decrypt gives back the plaintext of a ciphertext KMS made. A symmetric
  ciphertext names its key and decrypts only with the encryption context it
  was made with; an RSA ciphertext carries nothing, so the request names the
  key and the algorithm. A ciphertext made outside KMS with an RSA key's
  public half decrypts too: the scenario makes one with crypto/rsa.

  @cond:Decrypt.02 @cond:Decrypt.18 @cond:Decrypt.19
  Scenario: A symmetric ciphertext decrypts without naming its key
    Given a SYMMETRIC_DEFAULT encryption key
    And a message encrypted under the key
    When I decrypt the message
    Then the plaintext is the message
    And the response names the key by its key ARN and the algorithm SYMMETRIC_DEFAULT

  @cond:Decrypt.03 @cond:Decrypt.12
  Scenario Outline: The request can name the key by its <form>
    Given a SYMMETRIC_DEFAULT encryption key
    And the key has an alias
    And a message encrypted under the key
    When I decrypt the message naming the key by its <form>
    Then the plaintext is the message

    Examples:
      | form       |
      | key ID     |
      | key ARN    |
      | alias name |
      | alias ARN  |

  @cond:Decrypt.03 @cond:Decrypt.04 @error:IncorrectKeyException
  Scenario: Naming another key than the one that made the ciphertext
    Given a SYMMETRIC_DEFAULT encryption key
    And another SYMMETRIC_DEFAULT encryption key
    And a message encrypted under the key
    When I decrypt the message naming the other key
    Then the request fails with IncorrectKeyException

  @cond:Decrypt.19
  Scenario Outline: An RSA ciphertext decrypts with its key and algorithm (<algorithm>)
    Given an RSA_2048 encryption key
    And a message encrypted under the key using <algorithm>
    When I decrypt the message naming the key
    Then the plaintext is the message
    And the response names the key by its key ARN and the algorithm <algorithm>

    Examples:
      | algorithm          |
      | RSAES_OAEP_SHA_1   |
      | RSAES_OAEP_SHA_256 |

  @import @cond:Decrypt.11
  Scenario Outline: A ciphertext made outside KMS with the key's public half decrypts (<algorithm>)
    Given an RSA_2048 encryption key with key material I imported
    And a message encrypted locally with the key's public key using <algorithm>
    When I decrypt the message naming the key
    Then the plaintext is the message

    Examples:
      | algorithm          |
      | RSAES_OAEP_SHA_1   |
      | RSAES_OAEP_SHA_256 |

  @cond:Decrypt.05 @cond:Encrypt.21
  Scenario: An RSA ciphertext without the key that made it
    Given an RSA_2048 encryption key
    And a message encrypted under the key using RSAES_OAEP_SHA_256
    When I decrypt the message
    Then the request fails with a client error

  @cond:Decrypt.06
  Scenario: An RSA ciphertext without its algorithm
    Given an RSA_2048 encryption key
    And a message encrypted under the key using RSAES_OAEP_SHA_256
    When I decrypt the message naming the key, without an algorithm
    Then the request fails with a client error

  @cond:Decrypt.07
  Scenario: An RSA ciphertext with another algorithm than the one that made it
    Given an RSA_2048 encryption key
    And a message encrypted under the key using RSAES_OAEP_SHA_256
    When I decrypt the message naming the key, using RSAES_OAEP_SHA_1
    Then the request fails with a client error

  @cond:Decrypt.08 @error:InvalidCiphertextException
  Scenario: A corrupted ciphertext
    Given a SYMMETRIC_DEFAULT encryption key
    And a message encrypted under the key
    When I decrypt the message, with the ciphertext corrupted
    Then the request fails with InvalidCiphertextException

  @cond:Decrypt.09 @error:InvalidCiphertextException
  Scenario Outline: Another encryption context than the ciphertext's (<difference>)
    Given a SYMMETRIC_DEFAULT encryption key
    And a message encrypted under the key with the encryption context {"purpose":"kmsconform"}
    When I decrypt the message, <context>
    Then the request fails with InvalidCiphertextException

    Examples:
      | difference     | context                                                         |
      | none at all    | without an encryption context                                   |
      | a value's case | with the encryption context {"purpose":"KMSCONFORM"}            |
      | a pair more    | with the encryption context {"purpose":"kmsconform","x":"y"}    |

  @cond:Decrypt.10 @error:InvalidCiphertextException
  Scenario: A ciphertext of another library
    Given a SYMMETRIC_DEFAULT encryption key
    And a ciphertext in the AWS Encryption SDK's message format
    When I decrypt the message naming the key
    Then the request fails with InvalidCiphertextException

  @error:NotFoundException
  Scenario Outline: A <what> that does not exist, named by its <form>
    Given a SYMMETRIC_DEFAULT encryption key
    And a message encrypted under the key
    When I decrypt the message naming <missing> by its <form>
    Then the request fails with NotFoundException

    @cond:Decrypt.13
    Examples: keys
      | what | missing                   | form    |
      | key  | a key that does not exist | key ID  |
      | key  | a key that does not exist | key ARN |

    @cond:Decrypt.14
    Examples: aliases
      | what  | missing                      | form       |
      | alias | an alias that does not exist | alias name |
      | alias | an alias that does not exist | alias ARN  |

  @cross-account @cond:Decrypt.15
  Scenario: Another account whose use the key policy allows decrypts naming the key by its key ARN
    Given a symmetric encryption key whose key policy lets every account use it
    And a message encrypted under the key
    When the second account decrypts the message naming the key by its key ARN
    Then the plaintext is the message

  @cross-account @cond:Decrypt.15 @cond:Decrypt.02
  Scenario: Another account whose use the key policy allows decrypts a symmetric ciphertext without naming the key
    Given a symmetric encryption key whose key policy lets every account use it
    And a message encrypted under the key
    When the second account decrypts the message
    Then the plaintext is the message

  @cond:Decrypt.16 @error:InvalidKeyUsageException
  Scenario: An RSA ciphertext named with a key for signing
    Given an RSA_2048 encryption key
    And another RSA_2048 key for SIGN_VERIFY
    And a message encrypted under the key using RSAES_OAEP_SHA_256
    When I decrypt the message naming the other key
    Then the request fails with InvalidKeyUsageException

  @cond:Decrypt.17 @error:InvalidKeyUsageException
  Scenario: A symmetric key named with an RSA algorithm
    Given a SYMMETRIC_DEFAULT encryption key
    And a message encrypted under the key
    When I decrypt the message naming the key, using RSAES_OAEP_SHA_256
    Then the request fails with InvalidKeyUsageException

  @untestable @cond:Decrypt.20
  Scenario: For a Nitro enclave the plaintext comes encrypted to the enclave
    Given a condition the public API cannot produce: only a Nitro enclave can produce the signed attestation document a Recipient carries, and no enclave runs here

  @cond:Decrypt.21 @error:ValidationException
  Scenario: A Recipient's key encryption algorithm can only be RSAES_OAEP_SHA_256
    Given a SYMMETRIC_DEFAULT encryption key
    When I send a Decrypt request whose Recipient.KeyEncryptionAlgorithm is "RSAES_OAEP_SHA_1"
    Then the request fails with ValidationException

  @cond:Decrypt.22 @error:InvalidGrantTokenException
  Scenario: A malformed grant token is refused
    Given a SYMMETRIC_DEFAULT encryption key
    And a message encrypted under the key
    When I decrypt the message, with a malformed grant token
    Then the request fails with InvalidGrantTokenException

  @cond:Decrypt.31 @error:DryRunOperationException
  Scenario: A dry run of a decryption that would succeed
    Given a SYMMETRIC_DEFAULT encryption key
    And a message encrypted under the key
    When I decrypt the message, as a dry run
    Then the request fails with DryRunOperationException

  @cond:Decrypt.32 @error:DryRunOperationException
  Scenario: A dry run that ignores the ciphertext needs none, only the key
    Given a SYMMETRIC_DEFAULT encryption key
    And a message encrypted under the key
    When I decrypt the message naming the key, as a dry run ignoring the ciphertext
    Then the request fails with DryRunOperationException

  @cond:Decrypt.33
  Scenario: A dry run that ignores the ciphertext without naming the key
    Given a SYMMETRIC_DEFAULT encryption key
    And a message encrypted under the key
    When I decrypt the message, as a dry run ignoring the ciphertext
    Then the request fails with a client error

  @cond:Decrypt.34
  Scenario: A dry run modifier without a dry run changes nothing
    Given a SYMMETRIC_DEFAULT encryption key
    And a message encrypted under the key
    When I decrypt the message naming the key, ignoring the ciphertext
    Then the plaintext is the message

  @cond:Decrypt.35 @error:InvalidCiphertextException
  Scenario: A dry run of a corrupted ciphertext fails as the decryption would
    Given a SYMMETRIC_DEFAULT encryption key
    And a message encrypted under the key
    When I decrypt the message, with the ciphertext corrupted, as a dry run
    Then the request fails with InvalidCiphertextException

  @cond:Decrypt.01
  Scenario: A request without a ciphertext, outside a dry run that ignores it
    Given a SYMMETRIC_DEFAULT encryption key
    And a message encrypted under the key
    When I decrypt the message naming the key, without the ciphertext
    Then the request fails with a client error

  @xks @cond:Decrypt.29 @error:KMSInvalidStateException
  Scenario: A key whose external key was disabled cannot decrypt
    Given an external key store that is CONNECTED
    And a KMS key in the key store
    And a message encrypted under the key
    And the key store's backing has a defect: the external key is disabled
    When I decrypt the message
    Then the request fails with KMSInvalidStateException
