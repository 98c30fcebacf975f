Feature: Input constraints of the key lifecycle operations
  The API model limits every input member, and KMS rejects a request that
  breaks one of these limits with ValidationException (HTTP 400) without
  touching any key. Each request here is sent as a raw signed request, so that
  no SDK checks or fixes it first, and is valid in every other member: where
  the operation acts on a key, it names a real key in a state that allows it.

  @op:CreateKey
  Scenario Outline: CreateKey rejects a request whose <member> <problem>
    When I send a CreateKey request whose <member> <problem>
    Then the request fails with ValidationException

    @cond:CreateKey.V.Policy.length @error:ValidationException
    Examples: 1 to 131072 characters
      | member | problem                   |
      | Policy | is empty                  |
      | Policy | is 131073 characters long |

    @cond:CreateKey.V.Policy.pattern @error:ValidationException
    Examples: tab, line breaks and characters U+0020 to U+00FF
      | member | problem                             |
      | Policy | consists of characters above U+00FF |

    @cond:CreateKey.V.Description.length @error:ValidationException
    Examples: at most 8192 characters
      | member      | problem                 |
      | Description | is 8193 characters long |

    @cond:CreateKey.V.KeyUsage.enum @error:ValidationException
    Examples: a documented key usage
      | member   | problem                             |
      | KeyUsage | is not one of the documented values |

    @cond:CreateKey.V.CustomerMasterKeySpec.enum @error:ValidationException
    Examples: a documented key spec
      | member                | problem                             |
      | CustomerMasterKeySpec | is not one of the documented values |

    @cond:CreateKey.V.KeySpec.enum @error:ValidationException
    Examples: a documented key spec
      | member  | problem                             |
      | KeySpec | is not one of the documented values |

    @cond:CreateKey.V.Origin.enum @error:ValidationException
    Examples: a documented origin
      | member | problem                             |
      | Origin | is not one of the documented values |

    @cond:CreateKey.V.CustomKeyStoreId.length @error:ValidationException
    Examples: 1 to 64 characters
      | member           | problem               |
      | CustomKeyStoreId | is empty              |
      | CustomKeyStoreId | is 65 characters long |

    @cond:CreateKey.V.Tags.TagKey.required @error:ValidationException
    Examples: required
      | member        | problem    |
      | Tags[].TagKey | is missing |

    @cond:CreateKey.V.Tags.TagKey.length @error:ValidationException
    Examples: 1 to 128 characters
      | member        | problem                |
      | Tags[].TagKey | is empty               |
      | Tags[].TagKey | is 129 characters long |

    @cond:CreateKey.V.Tags.TagValue.required @error:ValidationException
    Examples: required
      | member          | problem    |
      | Tags[].TagValue | is missing |

    @cond:CreateKey.V.Tags.TagValue.length @error:ValidationException
    Examples: at most 256 characters
      | member          | problem                |
      | Tags[].TagValue | is 257 characters long |

  @op:CreateKey @xks
  Scenario Outline: CreateKey rejects a key in an external key store whose <member> <problem>
    Given a external key store that is CONNECTED
    When I send a CreateKey request whose <member> <problem>
    Then the request fails with ValidationException

    @cond:CreateKey.V.XksKeyId.length @error:ValidationException
    Examples: 1 to 128 characters
      | member   | problem                |
      | XksKeyId | is empty               |
      | XksKeyId | is 129 characters long |

    @cond:CreateKey.V.XksKeyId.pattern @error:ValidationException
    Examples: letters, digits and - _ .
      | member   | problem             |
      | XksKeyId | is "external key 1" |

  @op:DescribeKey
  Scenario Outline: DescribeKey rejects a request whose <member> <problem>
    Given a KMS key whose origin is AWS_KMS
    When I send a DescribeKey request whose <member> <problem>
    Then the request fails with ValidationException

    @cond:DescribeKey.V.KeyId.required @error:ValidationException
    Examples: required
      | member | problem    |
      | KeyId  | is missing |

    @cond:DescribeKey.V.KeyId.length @error:ValidationException
    Examples: 1 to 2048 characters
      | member | problem                 |
      | KeyId  | is empty                |
      | KeyId  | is 2049 characters long |

    @cond:DescribeKey.V.GrantTokens.size @error:ValidationException
    Examples: at most 10 grant tokens
      | member      | problem      |
      | GrantTokens | has 11 items |

    @cond:DescribeKey.V.GrantTokens.item.length @error:ValidationException
    Examples: grant tokens of 1 to 8192 characters
      | member        | problem                 |
      | GrantTokens[] | is empty                |
      | GrantTokens[] | is 8193 characters long |

  @op:GenerateRandom
  Scenario Outline: GenerateRandom rejects a request whose <member> <problem>
    When I send a GenerateRandom request whose <member> <problem>
    Then the request fails with ValidationException

    @cond:GenerateRandom.V.NumberOfBytes.range @error:ValidationException
    Examples: 1 to 1024
      | member        | problem |
      | NumberOfBytes | is 0    |
      | NumberOfBytes | is 1025 |

    @cond:GenerateRandom.V.CustomKeyStoreId.length @error:ValidationException
    Examples: 1 to 64 characters
      | member           | problem               |
      | CustomKeyStoreId | is empty              |
      | CustomKeyStoreId | is 65 characters long |

    @cond:GenerateRandom.V.Recipient.KeyEncryptionAlgorithm.enum @error:ValidationException
    Examples: RSAES_OAEP_SHA_256
      | member                           | problem                             |
      | Recipient.KeyEncryptionAlgorithm | is not one of the documented values |

    @cond:GenerateRandom.V.Recipient.AttestationDocument.length @error:ValidationException
    Examples: 1 to 262144 bytes
      | member                        | problem              |
      | Recipient.AttestationDocument | is empty             |
      | Recipient.AttestationDocument | is 262145 bytes long |

  @op:ScheduleKeyDeletion
  Scenario Outline: ScheduleKeyDeletion rejects a request whose <member> <problem>
    Given a KMS key whose origin is AWS_KMS
    When I send a ScheduleKeyDeletion request whose <member> <problem>
    Then the request fails with ValidationException
    And the key is Enabled

    @cond:ScheduleKeyDeletion.V.KeyId.required @error:ValidationException
    Examples: required
      | member | problem    |
      | KeyId  | is missing |

    @cond:ScheduleKeyDeletion.V.KeyId.length @error:ValidationException
    Examples: 1 to 2048 characters
      | member | problem                 |
      | KeyId  | is empty                |
      | KeyId  | is 2049 characters long |

    @cond:ScheduleKeyDeletion.V.PendingWindowInDays.range @error:ValidationException
    Examples: 1 to 365 days in the model
      | member              | problem |
      | PendingWindowInDays | is 0    |
      | PendingWindowInDays | is 366  |

  @op:CancelKeyDeletion
  Scenario Outline: CancelKeyDeletion rejects a request whose <member> <problem>
    Given a KMS key whose origin is AWS_KMS
    And the key is PendingDeletion
    When I send a CancelKeyDeletion request whose <member> <problem>
    Then the request fails with ValidationException
    And the key is PendingDeletion

    @cond:CancelKeyDeletion.V.KeyId.required @error:ValidationException
    Examples: required
      | member | problem    |
      | KeyId  | is missing |

    @cond:CancelKeyDeletion.V.KeyId.length @error:ValidationException
    Examples: 1 to 2048 characters
      | member | problem                 |
      | KeyId  | is empty                |
      | KeyId  | is 2049 characters long |

  @op:EnableKey
  Scenario Outline: EnableKey rejects a request whose <member> <problem>
    Given a KMS key whose origin is AWS_KMS
    And the key is Disabled
    When I send an EnableKey request whose <member> <problem>
    Then the request fails with ValidationException
    And the key is Disabled

    @cond:EnableKey.V.KeyId.required @error:ValidationException
    Examples: required
      | member | problem    |
      | KeyId  | is missing |

    @cond:EnableKey.V.KeyId.length @error:ValidationException
    Examples: 1 to 2048 characters
      | member | problem                 |
      | KeyId  | is empty                |
      | KeyId  | is 2049 characters long |

  @op:DisableKey
  Scenario Outline: DisableKey rejects a request whose <member> <problem>
    Given a KMS key whose origin is AWS_KMS
    When I send a DisableKey request whose <member> <problem>
    Then the request fails with ValidationException
    And the key is Enabled

    @cond:DisableKey.V.KeyId.required @error:ValidationException
    Examples: required
      | member | problem    |
      | KeyId  | is missing |

    @cond:DisableKey.V.KeyId.length @error:ValidationException
    Examples: 1 to 2048 characters
      | member | problem                 |
      | KeyId  | is empty                |
      | KeyId  | is 2049 characters long |
