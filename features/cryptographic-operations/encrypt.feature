@op:Encrypt
Feature: Encrypt
  Encrypt turns up to 4096 bytes into a ciphertext under a KMS key meant for
  encryption. A symmetric key binds an optional encryption context into the
  ciphertext; an RSA key encrypts with RSA-OAEP, whose limit on the plaintext
  depends on the key size and the hash. Each ciphertext is checked by
  decrypting it again: through KMS, and with crypto/rsa where the scenario
  imported the RSA key's private half itself.

  @cond:Encrypt.07 @cond:Encrypt.22
  Scenario: A symmetric encryption key encrypts with SYMMETRIC_DEFAULT when no algorithm is named
    Given a SYMMETRIC_DEFAULT encryption key
    When I encrypt a message under the key
    Then the response names the key by its key ARN and the algorithm SYMMETRIC_DEFAULT
    And the ciphertext decrypts to the message

  @cond:Encrypt.10
  Scenario: A symmetric encryption key encrypts 4096 bytes
    Given a SYMMETRIC_DEFAULT encryption key
    When I encrypt 4096 bytes under the key
    Then the ciphertext decrypts to the message

  @cond:Encrypt.22
  Scenario Outline: An <spec> key encrypts <limit> bytes with <algorithm>, its limit
    Given an <spec> encryption key
    When I encrypt <limit> bytes under the key, using <algorithm>
    Then the response names the key by its key ARN and the algorithm <algorithm>
    And the ciphertext decrypts to the message

    Examples:
      | spec     | algorithm          | limit |
      | RSA_2048 | RSAES_OAEP_SHA_1   | 214   |
      | RSA_2048 | RSAES_OAEP_SHA_256 | 190   |
      | RSA_3072 | RSAES_OAEP_SHA_1   | 342   |
      | RSA_3072 | RSAES_OAEP_SHA_256 | 318   |
      | RSA_4096 | RSAES_OAEP_SHA_1   | 470   |
      | RSA_4096 | RSAES_OAEP_SHA_256 | 446   |

  @error:ValidationException
  Scenario Outline: An <spec> key refuses <over> bytes with <algorithm>, one more than its limit
    Given an <spec> encryption key
    When I encrypt <over> bytes under the key, using <algorithm>
    Then the request fails with ValidationException

    @cond:Encrypt.11
    Examples: RSA_2048, SHA-1
      | spec     | algorithm        | over |
      | RSA_2048 | RSAES_OAEP_SHA_1 | 215  |

    @cond:Encrypt.12
    Examples: RSA_2048, SHA-256
      | spec     | algorithm          | over |
      | RSA_2048 | RSAES_OAEP_SHA_256 | 191  |

    @cond:Encrypt.13
    Examples: RSA_3072, SHA-1
      | spec     | algorithm        | over |
      | RSA_3072 | RSAES_OAEP_SHA_1 | 343  |

    @cond:Encrypt.14
    Examples: RSA_3072, SHA-256
      | spec     | algorithm          | over |
      | RSA_3072 | RSAES_OAEP_SHA_256 | 319  |

    @cond:Encrypt.15
    Examples: RSA_4096, SHA-1
      | spec     | algorithm        | over |
      | RSA_4096 | RSAES_OAEP_SHA_1 | 471  |

    @cond:Encrypt.16
    Examples: RSA_4096, SHA-256
      | spec     | algorithm          | over |
      | RSA_4096 | RSAES_OAEP_SHA_256 | 447  |

  @import @cond:Encrypt.21 @cond:Encrypt.22
  Scenario Outline: An RSA ciphertext is plain RSA-OAEP under the key's public half (<algorithm>)
    Given an RSA_2048 encryption key with key material I imported
    When I encrypt a message under the key, using <algorithm>
    Then the ciphertext decrypts with the private key I imported

    Examples:
      | algorithm          |
      | RSAES_OAEP_SHA_1   |
      | RSAES_OAEP_SHA_256 |

  @cond:Encrypt.06 @error:InvalidKeyUsageException
  Scenario Outline: An algorithm the key spec does not support is refused (<spec>, <algorithm>)
    Given a <spec> encryption key
    When I encrypt a message under the key, using <algorithm>
    Then the request fails with InvalidKeyUsageException

    Examples:
      | spec              | algorithm          |
      | SYMMETRIC_DEFAULT | RSAES_OAEP_SHA_256 |
      | SYMMETRIC_DEFAULT | RSAES_OAEP_SHA_1   |
      | RSA_2048          | SYMMETRIC_DEFAULT  |

  @cond:Encrypt.05 @error:InvalidKeyUsageException
  Scenario Outline: A key that is not for encryption cannot encrypt (<spec>, <usage>)
    Given a <spec> key for <usage>
    When I encrypt a message under the key
    Then the request fails with InvalidKeyUsageException

    Examples:
      | spec     | usage               |
      | RSA_2048 | SIGN_VERIFY         |
      | HMAC_256 | GENERATE_VERIFY_MAC |

  @cond:Encrypt.08
  Scenario: An RSA key needs an algorithm
    Given an RSA_2048 encryption key
    When I encrypt a message under the key, without an algorithm
    Then the request fails with a client error

  @cond:Encrypt.09
  Scenario: SM2PKE is refused outside the China Regions
    Given an RSA_2048 encryption key
    When I encrypt a message under the key, using SM2PKE
    Then the request fails with a client error

  @untestable @cond:Encrypt.17
  Scenario: SM2PKE encrypts at most 1024 bytes
    Given a condition the public API cannot produce: SM2 keys, the only keys SM2PKE works with, exist only in the AWS China Regions, whose partition an endpoint outside China does not serve

  @cond:Encrypt.19
  Scenario: An RSA key takes no encryption context
    Given an RSA_2048 encryption key
    When I encrypt a message under the key, with the encryption context {"purpose":"kmsconform"}
    Then the request fails with a client error

  @cond:Encrypt.18 @cond:Encrypt.20
  Scenario: The ciphertext decrypts with the same encryption context, its pairs in any order
    Given a SYMMETRIC_DEFAULT encryption key
    When I encrypt a message under the key, with the encryption context {"purpose":"kmsconform","Department":"Tests"}
    Then decrypting the ciphertext with the encryption context {"Department":"Tests","purpose":"kmsconform"} gives the message

  @cond:Encrypt.20
  Scenario Outline: The ciphertext does not decrypt with another encryption context (<difference>)
    Given a SYMMETRIC_DEFAULT encryption key
    When I encrypt a message under the key, with the encryption context {"purpose":"kmsconform","Department":"Tests"}
    Then decrypting the ciphertext <context> fails with InvalidCiphertextException

    Examples:
      | difference          | context                                                                       |
      | none at all         | without an encryption context                                                 |
      | a value's case      | with the encryption context {"purpose":"KMSconform","Department":"Tests"}     |
      | a key's case        | with the encryption context {"Purpose":"kmsconform","Department":"Tests"}     |
      | a pair fewer        | with the encryption context {"purpose":"kmsconform"}                          |
      | a pair more         | with the encryption context {"purpose":"kmsconform","Department":"Tests","x":"y"} |

  @cond:Encrypt.01
  Scenario Outline: The key can be named by its <form>
    Given a SYMMETRIC_DEFAULT encryption key
    And the key has an alias
    When I encrypt a message under the key by its <form>
    Then the response names the key by its key ARN and the algorithm SYMMETRIC_DEFAULT
    And the ciphertext decrypts to the message

    Examples:
      | form       |
      | key ID     |
      | key ARN    |
      | alias name |
      | alias ARN  |

  @error:NotFoundException
  Scenario Outline: A <what> that does not exist, named by its <form>
    Given a SYMMETRIC_DEFAULT encryption key
    When I encrypt a message under <missing> by its <form>
    Then the request fails with NotFoundException

    @cond:Encrypt.02
    Examples: keys
      | what | missing                   | form    |
      | key  | a key that does not exist | key ID  |
      | key  | a key that does not exist | key ARN |

    @cond:Encrypt.03
    Examples: aliases
      | what  | missing                      | form       |
      | alias | an alias that does not exist | alias name |
      | alias | an alias that does not exist | alias ARN  |

  @cross-account @cond:Encrypt.04
  Scenario: Another account whose use the key policy allows encrypts with the key by its key ARN
    Given a symmetric encryption key whose key policy lets every account use it
    When the second account encrypts a message under the key by its key ARN
    Then the response names the key by its key ARN and the algorithm SYMMETRIC_DEFAULT
    And the ciphertext decrypts to the message

  @cross-account @cond:Encrypt.04 @error:NotFoundException
  Scenario: Another account cannot name the key by its key ID
    Given a symmetric encryption key whose key policy lets every account use it
    When the second account encrypts a message under the key by its key ID
    Then the request fails with NotFoundException

  @cond:Encrypt.23 @error:InvalidGrantTokenException
  Scenario: A malformed grant token is refused
    Given a SYMMETRIC_DEFAULT encryption key
    When I encrypt a message under the key, with a malformed grant token
    Then the request fails with InvalidGrantTokenException

  @cond:Encrypt.32 @error:DryRunOperationException
  Scenario: A dry run of an encryption that would succeed
    Given a SYMMETRIC_DEFAULT encryption key
    When I encrypt a message under the key, as a dry run
    Then the request fails with DryRunOperationException

  @cond:Encrypt.33
  Scenario: A dry run with a disabled key fails as the encryption would
    Given a SYMMETRIC_DEFAULT encryption key
    And the key is Disabled
    When I encrypt a message under the key, as a dry run
    Then the request fails with DisabledException

  @cond:Encrypt.33 @error:ValidationException
  Scenario: A dry run of too long a plaintext fails as the encryption would
    Given an RSA_2048 encryption key
    When I encrypt 215 bytes under the key, using RSAES_OAEP_SHA_1, as a dry run
    Then the request fails with ValidationException

  @xks @cond:Encrypt.30 @error:KMSInvalidStateException
  Scenario: A key whose external key was disabled cannot encrypt
    Given an external key store that is CONNECTED
    And a KMS key in the key store
    And the key store's backing has a defect: the external key is disabled
    When I encrypt a message under the key
    Then the request fails with KMSInvalidStateException
