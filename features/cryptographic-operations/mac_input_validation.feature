Feature: Input constraints of GenerateMac, VerifyMac and DeriveSharedSecret
  The API model limits every input member, and KMS rejects a request that
  breaks one of these limits with ValidationException (HTTP 400). Each request
  here is sent as a raw signed request, so that no SDK checks or fixes it
  first, and is valid in every other member: it names the scenario's own key,
  an HMAC_256 key or an ECC_NIST_P256 key for KEY_AGREEMENT.

  @op:GenerateMac
  Scenario Outline: GenerateMac rejects a request whose <member> <problem>
    Given an HMAC_256 KMS key for GENERATE_VERIFY_MAC
    When I send a GenerateMac request whose <member> <problem>
    Then the request fails with ValidationException

    @cond:GenerateMac.V.Message.required @error:ValidationException
    Examples: required
      | member  | problem    |
      | Message | is missing |

    @cond:GenerateMac.V.Message.length @error:ValidationException
    Examples: 1 to 4096 bytes
      | member  | problem            |
      | Message | is empty           |
      | Message | is 4097 bytes long |

    @cond:GenerateMac.V.KeyId.required @error:ValidationException
    Examples: KeyId required
      | member | problem    |
      | KeyId  | is missing |

    @cond:GenerateMac.V.KeyId.length @error:ValidationException
    Examples: 1 to 2048 characters
      | member | problem                 |
      | KeyId  | is empty                |
      | KeyId  | is 2049 characters long |

    @cond:GenerateMac.V.MacAlgorithm.required @error:ValidationException
    Examples: MacAlgorithm required
      | member       | problem    |
      | MacAlgorithm | is missing |

    @cond:GenerateMac.V.MacAlgorithm.enum @error:ValidationException
    Examples: the four HMAC algorithms
      | member       | problem                             |
      | MacAlgorithm | is not one of the documented values |

    @cond:GenerateMac.V.GrantTokens.size @error:ValidationException
    Examples: at most 10 grant tokens
      | member      | problem      |
      | GrantTokens | has 11 items |

    @cond:GenerateMac.V.GrantTokens.item.length @error:ValidationException
    Examples: grant tokens of 1 to 8192 characters
      | member        | problem                 |
      | GrantTokens[] | is empty                |
      | GrantTokens[] | is 8193 characters long |

  @op:VerifyMac
  Scenario Outline: VerifyMac rejects a request whose <member> <problem>
    Given an HMAC_256 KMS key for GENERATE_VERIFY_MAC
    When I send a VerifyMac request whose <member> <problem>
    Then the request fails with ValidationException

    @cond:VerifyMac.V.Message.required @error:ValidationException
    Examples: required
      | member  | problem    |
      | Message | is missing |

    @cond:VerifyMac.V.Message.length @error:ValidationException
    Examples: 1 to 4096 bytes
      | member  | problem            |
      | Message | is empty           |
      | Message | is 4097 bytes long |

    @cond:VerifyMac.V.KeyId.required @error:ValidationException
    Examples: KeyId required
      | member | problem    |
      | KeyId  | is missing |

    @cond:VerifyMac.V.KeyId.length @error:ValidationException
    Examples: 1 to 2048 characters
      | member | problem                 |
      | KeyId  | is empty                |
      | KeyId  | is 2049 characters long |

    @cond:VerifyMac.V.MacAlgorithm.required @error:ValidationException
    Examples: MacAlgorithm required
      | member       | problem    |
      | MacAlgorithm | is missing |

    @cond:VerifyMac.V.MacAlgorithm.enum @error:ValidationException
    Examples: the four HMAC algorithms
      | member       | problem                             |
      | MacAlgorithm | is not one of the documented values |

    @cond:VerifyMac.V.Mac.required @error:ValidationException
    Examples: Mac required
      | member | problem    |
      | Mac    | is missing |

    @cond:VerifyMac.V.Mac.length @error:ValidationException
    Examples: 1 to 6144 bytes
      | member | problem            |
      | Mac    | is empty           |
      | Mac    | is 6145 bytes long |

    @cond:VerifyMac.V.GrantTokens.size @error:ValidationException
    Examples: at most 10 grant tokens
      | member      | problem      |
      | GrantTokens | has 11 items |

    @cond:VerifyMac.V.GrantTokens.item.length @error:ValidationException
    Examples: grant tokens of 1 to 8192 characters
      | member        | problem                 |
      | GrantTokens[] | is empty                |
      | GrantTokens[] | is 8193 characters long |

  @op:DeriveSharedSecret
  Scenario Outline: DeriveSharedSecret rejects a request whose <member> <problem>
    Given an ECC_NIST_P256 KMS key for KEY_AGREEMENT
    When I send a DeriveSharedSecret request whose <member> <problem>
    Then the request fails with ValidationException

    @cond:DeriveSharedSecret.V.KeyId.required @error:ValidationException
    Examples: KeyId required
      | member | problem    |
      | KeyId  | is missing |

    @cond:DeriveSharedSecret.V.KeyId.length @error:ValidationException
    Examples: 1 to 2048 characters
      | member | problem                 |
      | KeyId  | is empty                |
      | KeyId  | is 2049 characters long |

    @cond:DeriveSharedSecret.V.KeyAgreementAlgorithm.required @error:ValidationException
    Examples: KeyAgreementAlgorithm required
      | member                | problem    |
      | KeyAgreementAlgorithm | is missing |

    @cond:DeriveSharedSecret.V.KeyAgreementAlgorithm.enum @error:ValidationException
    Examples: ECDH only
      | member                | problem                             |
      | KeyAgreementAlgorithm | is not one of the documented values |

    @cond:DeriveSharedSecret.V.PublicKey.required @error:ValidationException
    Examples: PublicKey required
      | member    | problem    |
      | PublicKey | is missing |

    @cond:DeriveSharedSecret.V.PublicKey.length @error:ValidationException
    Examples: 1 to 8192 bytes
      | member    | problem            |
      | PublicKey | is empty           |
      | PublicKey | is 8193 bytes long |

    @cond:DeriveSharedSecret.V.GrantTokens.size @error:ValidationException
    Examples: at most 10 grant tokens
      | member      | problem      |
      | GrantTokens | has 11 items |

    @cond:DeriveSharedSecret.V.GrantTokens.item.length @error:ValidationException
    Examples: grant tokens of 1 to 8192 characters
      | member        | problem                 |
      | GrantTokens[] | is empty                |
      | GrantTokens[] | is 8193 characters long |

    @cond:DeriveSharedSecret.V.Recipient.KeyEncryptionAlgorithm.enum @error:ValidationException
    Examples: RSAES_OAEP_SHA_256 only
      | member                           | problem                             |
      | Recipient.KeyEncryptionAlgorithm | is not one of the documented values |

    @cond:DeriveSharedSecret.V.Recipient.AttestationDocument.length @error:ValidationException
    Examples: 1 to 262144 bytes
      | member                        | problem              |
      | Recipient.AttestationDocument | is empty             |
      | Recipient.AttestationDocument | is 262145 bytes long |
