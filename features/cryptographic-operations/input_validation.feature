Feature: Input constraints of Encrypt, Decrypt and ReEncrypt
  The API model limits every input member, and KMS rejects a request that
  breaks one of these limits with ValidationException (HTTP 400). Each
  request here is sent as a raw signed request, so that no SDK checks or
  fixes it first, and is valid in every other member: it names the
  scenario's Enabled symmetric key and, for Decrypt and ReEncrypt, carries a
  ciphertext that key made.

  Background:
    Given a SYMMETRIC_DEFAULT encryption key

  @error:ValidationException
  Scenario Outline: <op> rejects a request whose <member> <problem>
    When I send a <op> request whose <member> <problem>
    Then the request fails with ValidationException

    @op:Encrypt @cond:Encrypt.V.KeyId.required
    Examples: Encrypt, KeyId required
      | op      | member | problem    |
      | Encrypt | KeyId  | is missing |

    @op:Encrypt @cond:Encrypt.V.KeyId.length
    Examples: Encrypt, KeyId 1 to 2048 characters
      | op      | member | problem                 |
      | Encrypt | KeyId  | is empty                |
      | Encrypt | KeyId  | is 2049 characters long |

    @op:Encrypt @cond:Encrypt.V.Plaintext.required
    Examples: Encrypt, Plaintext required
      | op      | member    | problem    |
      | Encrypt | Plaintext | is missing |

    @op:Encrypt @cond:Encrypt.V.Plaintext.length
    Examples: Encrypt, Plaintext 1 to 4096 bytes
      | op      | member    | problem            |
      | Encrypt | Plaintext | is empty           |
      | Encrypt | Plaintext | is 4097 bytes long |

    @op:Encrypt @cond:Encrypt.V.GrantTokens.size
    Examples: Encrypt, at most 10 grant tokens
      | op      | member      | problem      |
      | Encrypt | GrantTokens | has 11 items |

    @op:Encrypt @cond:Encrypt.V.GrantTokens.item.length
    Examples: Encrypt, grant tokens 1 to 8192 characters
      | op      | member        | problem                 |
      | Encrypt | GrantTokens[] | is empty                |
      | Encrypt | GrantTokens[] | is 8193 characters long |

    @op:Encrypt @cond:Encrypt.V.EncryptionAlgorithm.enum
    Examples: Encrypt, a documented algorithm
      | op      | member              | problem                             |
      | Encrypt | EncryptionAlgorithm | is not one of the documented values |

    @op:Decrypt @cond:Decrypt.V.CiphertextBlob.length
    Examples: Decrypt, CiphertextBlob 1 to 6144 bytes
      | op      | member         | problem            |
      | Decrypt | CiphertextBlob | is empty           |
      | Decrypt | CiphertextBlob | is 6145 bytes long |

    @op:Decrypt @cond:Decrypt.V.GrantTokens.size
    Examples: Decrypt, at most 10 grant tokens
      | op      | member      | problem      |
      | Decrypt | GrantTokens | has 11 items |

    @op:Decrypt @cond:Decrypt.V.GrantTokens.item.length
    Examples: Decrypt, grant tokens 1 to 8192 characters
      | op      | member        | problem                 |
      | Decrypt | GrantTokens[] | is empty                |
      | Decrypt | GrantTokens[] | is 8193 characters long |

    @op:Decrypt @cond:Decrypt.V.KeyId.length
    Examples: Decrypt, KeyId 1 to 2048 characters
      | op      | member | problem                 |
      | Decrypt | KeyId  | is empty                |
      | Decrypt | KeyId  | is 2049 characters long |

    @op:Decrypt @cond:Decrypt.V.EncryptionAlgorithm.enum
    Examples: Decrypt, a documented algorithm
      | op      | member              | problem                             |
      | Decrypt | EncryptionAlgorithm | is not one of the documented values |

    @op:Decrypt @cond:Decrypt.V.Recipient.KeyEncryptionAlgorithm.enum
    Examples: Decrypt, the Recipient's algorithm is RSAES_OAEP_SHA_256
      | op      | member                           | problem                             |
      | Decrypt | Recipient.KeyEncryptionAlgorithm | is not one of the documented values |
      | Decrypt | Recipient.KeyEncryptionAlgorithm | is "RSAES_OAEP_SHA_1"               |

    @op:Decrypt @cond:Decrypt.V.Recipient.AttestationDocument.length
    Examples: Decrypt, attestation document 1 to 262144 bytes
      | op      | member                        | problem              |
      | Decrypt | Recipient.AttestationDocument | is empty             |
      | Decrypt | Recipient.AttestationDocument | is 262145 bytes long |

    @op:Decrypt @cond:Decrypt.V.DryRunModifiers.item.enum
    Examples: Decrypt, a documented dry run modifier
      | op      | member            | problem                             |
      | Decrypt | DryRunModifiers[] | is not one of the documented values |

    @op:ReEncrypt @cond:ReEncrypt.V.CiphertextBlob.length
    Examples: ReEncrypt, CiphertextBlob 1 to 6144 bytes
      | op        | member         | problem            |
      | ReEncrypt | CiphertextBlob | is empty           |
      | ReEncrypt | CiphertextBlob | is 6145 bytes long |

    @op:ReEncrypt @cond:ReEncrypt.V.SourceKeyId.length
    Examples: ReEncrypt, SourceKeyId 1 to 2048 characters
      | op        | member      | problem                 |
      | ReEncrypt | SourceKeyId | is empty                |
      | ReEncrypt | SourceKeyId | is 2049 characters long |

    @op:ReEncrypt @cond:ReEncrypt.V.DestinationKeyId.required
    Examples: ReEncrypt, DestinationKeyId required
      | op        | member           | problem    |
      | ReEncrypt | DestinationKeyId | is missing |

    @op:ReEncrypt @cond:ReEncrypt.V.DestinationKeyId.length
    Examples: ReEncrypt, DestinationKeyId 1 to 2048 characters
      | op        | member           | problem                 |
      | ReEncrypt | DestinationKeyId | is empty                |
      | ReEncrypt | DestinationKeyId | is 2049 characters long |

    @op:ReEncrypt @cond:ReEncrypt.V.SourceEncryptionAlgorithm.enum
    Examples: ReEncrypt, a documented source algorithm
      | op        | member                    | problem                             |
      | ReEncrypt | SourceEncryptionAlgorithm | is not one of the documented values |

    @op:ReEncrypt @cond:ReEncrypt.V.DestinationEncryptionAlgorithm.enum
    Examples: ReEncrypt, a documented destination algorithm
      | op        | member                         | problem                             |
      | ReEncrypt | DestinationEncryptionAlgorithm | is not one of the documented values |

    @op:ReEncrypt @cond:ReEncrypt.V.GrantTokens.size
    Examples: ReEncrypt, at most 10 grant tokens
      | op        | member      | problem      |
      | ReEncrypt | GrantTokens | has 11 items |

    @op:ReEncrypt @cond:ReEncrypt.V.GrantTokens.item.length
    Examples: ReEncrypt, grant tokens 1 to 8192 characters
      | op        | member        | problem                 |
      | ReEncrypt | GrantTokens[] | is empty                |
      | ReEncrypt | GrantTokens[] | is 8193 characters long |

    @op:ReEncrypt @cond:ReEncrypt.V.DryRunModifiers.item.enum
    Examples: ReEncrypt, a documented dry run modifier
      | op        | member            | problem                             |
      | ReEncrypt | DryRunModifiers[] | is not one of the documented values |
