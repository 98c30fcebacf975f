Feature: Input constraints of Sign, Verify and GetPublicKey
  The API model limits every input member, and KMS rejects a request that
  breaks one of these limits with ValidationException (HTTP 400) without
  signing or verifying anything. Each request here is sent as a raw signed
  request, so that no SDK checks or fixes it first, and is valid in every
  other member: it names the scenario's own ECC_NIST_P256 signing key.

  @op:Sign
  Scenario Outline: Sign rejects a request whose <member> <problem>
    Given an ECC_NIST_P256 KMS key for SIGN_VERIFY
    When I send a Sign request whose <member> <problem>
    Then the request fails with ValidationException

    @cond:Sign.V.KeyId.required @error:ValidationException
    Examples: required
      | member | problem |
      | KeyId | is missing |

    @cond:Sign.V.KeyId.length @error:ValidationException
    Examples: 1 to 2048 characters
      | member | problem |
      | KeyId | is empty |
      | KeyId | is 2049 characters long |

    @cond:Sign.V.Message.required @error:ValidationException
    Examples: required
      | member | problem |
      | Message | is missing |

    @cond:Sign.V.Message.length @error:ValidationException
    Examples: 1 to 4096 bytes
      | member | problem |
      | Message | is empty |
      | Message | is 4097 bytes long |

    @cond:Sign.V.MessageType.enum @error:ValidationException
    Examples: RAW, DIGEST or EXTERNAL_MU
      | member | problem |
      | MessageType | is not one of the documented values |

    @cond:Sign.V.SigningAlgorithm.required @error:ValidationException
    Examples: required
      | member | problem |
      | SigningAlgorithm | is missing |

    @cond:Sign.V.SigningAlgorithm.enum @error:ValidationException
    Examples: the documented algorithms
      | member | problem |
      | SigningAlgorithm | is not one of the documented values |

    @cond:Sign.V.GrantTokens.size @error:ValidationException
    Examples: at most 10 grant tokens
      | member | problem |
      | GrantTokens | has 11 items |

    @cond:Sign.V.GrantTokens.item.length @error:ValidationException
    Examples: grant tokens of 1 to 8192 characters
      | member | problem |
      | GrantTokens[] | is empty |
      | GrantTokens[] | is 8193 characters long |

  @op:Verify
  Scenario Outline: Verify rejects a request whose <member> <problem>
    Given an ECC_NIST_P256 KMS key for SIGN_VERIFY
    When I send a Verify request whose <member> <problem>
    Then the request fails with ValidationException

    @cond:Verify.V.KeyId.required @error:ValidationException
    Examples: required
      | member | problem |
      | KeyId | is missing |

    @cond:Verify.V.KeyId.length @error:ValidationException
    Examples: 1 to 2048 characters
      | member | problem |
      | KeyId | is empty |
      | KeyId | is 2049 characters long |

    @cond:Verify.V.Message.required @error:ValidationException
    Examples: required
      | member | problem |
      | Message | is missing |

    @cond:Verify.V.Message.length @error:ValidationException
    Examples: 1 to 4096 bytes
      | member | problem |
      | Message | is empty |
      | Message | is 4097 bytes long |

    @cond:Verify.V.MessageType.enum @error:ValidationException
    Examples: RAW, DIGEST or EXTERNAL_MU
      | member | problem |
      | MessageType | is not one of the documented values |

    @cond:Verify.V.SigningAlgorithm.required @error:ValidationException
    Examples: required
      | member | problem |
      | SigningAlgorithm | is missing |

    @cond:Verify.V.SigningAlgorithm.enum @error:ValidationException
    Examples: the documented algorithms
      | member | problem |
      | SigningAlgorithm | is not one of the documented values |

    @cond:Verify.V.Signature.required @error:ValidationException
    Examples: required
      | member | problem |
      | Signature | is missing |

    @cond:Verify.V.Signature.length @error:ValidationException
    Examples: 1 to 6144 bytes
      | member | problem |
      | Signature | is empty |
      | Signature | is 6145 bytes long |

    @cond:Verify.V.GrantTokens.size @error:ValidationException
    Examples: at most 10 grant tokens
      | member | problem |
      | GrantTokens | has 11 items |

    @cond:Verify.V.GrantTokens.item.length @error:ValidationException
    Examples: grant tokens of 1 to 8192 characters
      | member | problem |
      | GrantTokens[] | is empty |
      | GrantTokens[] | is 8193 characters long |

  @op:GetPublicKey
  Scenario Outline: GetPublicKey rejects a request whose <member> <problem>
    Given an ECC_NIST_P256 KMS key for SIGN_VERIFY
    When I send a GetPublicKey request whose <member> <problem>
    Then the request fails with ValidationException

    @cond:GetPublicKey.V.KeyId.required @error:ValidationException
    Examples: required
      | member | problem |
      | KeyId | is missing |

    @cond:GetPublicKey.V.KeyId.length @error:ValidationException
    Examples: 1 to 2048 characters
      | member | problem |
      | KeyId | is empty |
      | KeyId | is 2049 characters long |

    @cond:GetPublicKey.V.GrantTokens.size @error:ValidationException
    Examples: at most 10 grant tokens
      | member | problem |
      | GrantTokens | has 11 items |

    @cond:GetPublicKey.V.GrantTokens.item.length @error:ValidationException
    Examples: grant tokens of 1 to 8192 characters
      | member | problem |
      | GrantTokens[] | is empty |
      | GrantTokens[] | is 8193 characters long |
