Feature: Input constraints of the data key operations
  The API model limits every input member, and KMS rejects a request that
  breaks one of these limits with ValidationException (HTTP 400) without
  generating anything. Each request here is sent as a raw signed request, so
  that no SDK checks or fixes it first, and is valid in every other member: it
  names the scenario's own symmetric encryption key.

  @op:GenerateDataKey
  Scenario Outline: GenerateDataKey rejects a request whose <member> <problem>
    Given a KMS key whose origin is AWS_KMS
    When I send a GenerateDataKey request whose <member> <problem>
    Then the request fails with ValidationException

    @cond:GenerateDataKey.V.KeyId.required @error:ValidationException
    Examples: required
      | member | problem    |
      | KeyId  | is missing |

    @cond:GenerateDataKey.V.KeyId.length @error:ValidationException
    Examples: 1 to 2048 characters
      | member | problem                 |
      | KeyId  | is empty                |
      | KeyId  | is 2049 characters long |

    @cond:GenerateDataKey.V.NumberOfBytes.range @error:ValidationException
    Examples: 1 to 1024
      | member        | problem |
      | NumberOfBytes | is 0    |
      | NumberOfBytes | is 1025 |

    @cond:GenerateDataKey.V.KeySpec.enum @error:ValidationException
    Examples: AES_256 or AES_128
      | member  | problem                             |
      | KeySpec | is not one of the documented values |

    @cond:GenerateDataKey.V.GrantTokens.size @error:ValidationException
    Examples: at most 10 grant tokens
      | member      | problem      |
      | GrantTokens | has 11 items |

    @cond:GenerateDataKey.V.GrantTokens.item.length @error:ValidationException
    Examples: grant tokens of 1 to 8192 characters
      | member        | problem                 |
      | GrantTokens[] | is empty                |
      | GrantTokens[] | is 8193 characters long |

    @cond:GenerateDataKey.V.Recipient.KeyEncryptionAlgorithm.enum @error:ValidationException
    Examples: RSAES_OAEP_SHA_256 only
      | member                           | problem                             |
      | Recipient.KeyEncryptionAlgorithm | is not one of the documented values |

    @cond:GenerateDataKey.V.Recipient.AttestationDocument.length @error:ValidationException
    Examples: 1 to 262144 bytes
      | member                        | problem              |
      | Recipient.AttestationDocument | is empty             |
      | Recipient.AttestationDocument | is 262145 bytes long |

  @op:GenerateDataKeyWithoutPlaintext
  Scenario Outline: GenerateDataKeyWithoutPlaintext rejects a request whose <member> <problem>
    Given a KMS key whose origin is AWS_KMS
    When I send a GenerateDataKeyWithoutPlaintext request whose <member> <problem>
    Then the request fails with ValidationException

    @cond:GenerateDataKeyWithoutPlaintext.V.KeyId.required @error:ValidationException
    Examples: required
      | member | problem    |
      | KeyId  | is missing |

    @cond:GenerateDataKeyWithoutPlaintext.V.KeyId.length @error:ValidationException
    Examples: 1 to 2048 characters
      | member | problem                 |
      | KeyId  | is empty                |
      | KeyId  | is 2049 characters long |

    @cond:GenerateDataKeyWithoutPlaintext.V.NumberOfBytes.range @error:ValidationException
    Examples: 1 to 1024
      | member        | problem |
      | NumberOfBytes | is 0    |
      | NumberOfBytes | is 1025 |

    @cond:GenerateDataKeyWithoutPlaintext.V.KeySpec.enum @error:ValidationException
    Examples: AES_256 or AES_128
      | member  | problem                             |
      | KeySpec | is not one of the documented values |

    @cond:GenerateDataKeyWithoutPlaintext.V.GrantTokens.size @error:ValidationException
    Examples: at most 10 grant tokens
      | member      | problem      |
      | GrantTokens | has 11 items |

    @cond:GenerateDataKeyWithoutPlaintext.V.GrantTokens.item.length @error:ValidationException
    Examples: grant tokens of 1 to 8192 characters
      | member        | problem                 |
      | GrantTokens[] | is empty                |
      | GrantTokens[] | is 8193 characters long |

  @op:GenerateDataKeyPair
  Scenario Outline: GenerateDataKeyPair rejects a request whose <member> <problem>
    Given a KMS key whose origin is AWS_KMS
    When I send a GenerateDataKeyPair request whose <member> <problem>
    Then the request fails with ValidationException

    @cond:GenerateDataKeyPair.V.KeyId.required @error:ValidationException
    Examples: required
      | member | problem    |
      | KeyId  | is missing |

    @cond:GenerateDataKeyPair.V.KeyId.length @error:ValidationException
    Examples: 1 to 2048 characters
      | member | problem                 |
      | KeyId  | is empty                |
      | KeyId  | is 2049 characters long |

    @cond:GenerateDataKeyPair.V.KeyPairSpec.required @error:ValidationException
    Examples: required
      | member      | problem    |
      | KeyPairSpec | is missing |

    @cond:GenerateDataKeyPair.V.KeyPairSpec.enum @error:ValidationException
    Examples: a documented key pair spec
      | member      | problem                             |
      | KeyPairSpec | is not one of the documented values |

    @cond:GenerateDataKeyPair.V.GrantTokens.size @error:ValidationException
    Examples: at most 10 grant tokens
      | member      | problem      |
      | GrantTokens | has 11 items |

    @cond:GenerateDataKeyPair.V.GrantTokens.item.length @error:ValidationException
    Examples: grant tokens of 1 to 8192 characters
      | member        | problem                 |
      | GrantTokens[] | is empty                |
      | GrantTokens[] | is 8193 characters long |

    @cond:GenerateDataKeyPair.V.Recipient.KeyEncryptionAlgorithm.enum @error:ValidationException
    Examples: RSAES_OAEP_SHA_256 only
      | member                           | problem                             |
      | Recipient.KeyEncryptionAlgorithm | is not one of the documented values |

    @cond:GenerateDataKeyPair.V.Recipient.AttestationDocument.length @error:ValidationException
    Examples: 1 to 262144 bytes
      | member                        | problem              |
      | Recipient.AttestationDocument | is empty             |
      | Recipient.AttestationDocument | is 262145 bytes long |

  @op:GenerateDataKeyPairWithoutPlaintext
  Scenario Outline: GenerateDataKeyPairWithoutPlaintext rejects a request whose <member> <problem>
    Given a KMS key whose origin is AWS_KMS
    When I send a GenerateDataKeyPairWithoutPlaintext request whose <member> <problem>
    Then the request fails with ValidationException

    @cond:GenerateDataKeyPairWithoutPlaintext.V.KeyId.required @error:ValidationException
    Examples: required
      | member | problem    |
      | KeyId  | is missing |

    @cond:GenerateDataKeyPairWithoutPlaintext.V.KeyId.length @error:ValidationException
    Examples: 1 to 2048 characters
      | member | problem                 |
      | KeyId  | is empty                |
      | KeyId  | is 2049 characters long |

    @cond:GenerateDataKeyPairWithoutPlaintext.V.KeyPairSpec.required @error:ValidationException
    Examples: required
      | member      | problem    |
      | KeyPairSpec | is missing |

    @cond:GenerateDataKeyPairWithoutPlaintext.V.KeyPairSpec.enum @error:ValidationException
    Examples: a documented key pair spec
      | member      | problem                             |
      | KeyPairSpec | is not one of the documented values |

    @cond:GenerateDataKeyPairWithoutPlaintext.V.GrantTokens.size @error:ValidationException
    Examples: at most 10 grant tokens
      | member      | problem      |
      | GrantTokens | has 11 items |

    @cond:GenerateDataKeyPairWithoutPlaintext.V.GrantTokens.item.length @error:ValidationException
    Examples: grant tokens of 1 to 8192 characters
      | member        | problem                 |
      | GrantTokens[] | is empty                |
      | GrantTokens[] | is 8193 characters long |
