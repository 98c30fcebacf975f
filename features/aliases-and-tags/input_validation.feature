Feature: Input constraints of the alias, tag, description and listing operations
  The API model limits every input member, and KMS rejects a request that
  breaks one of these limits with ValidationException (HTTP 400). Each request
  here is sent as a raw signed request, so that no SDK checks or fixes it
  first, and is valid in every other member: it names the scenario's own key,
  a new alias name, or an alias name of the run's that names nothing.
  ListAliases and ListResourceTags take a Limit of at most 100 and 50 by
  their docs; the model's 1 to 1000 is checked at its ends.

  @op:CreateAlias
  Scenario Outline: CreateAlias rejects a request whose <member> <problem>
    Given a KMS key whose origin is AWS_KMS
    When I send a CreateAlias request whose <member> <problem>
    Then the request fails with ValidationException

    @cond:CreateAlias.V.AliasName.required @error:ValidationException
    Examples: AliasName required
      | member    | problem    |
      | AliasName | is missing |

    @cond:CreateAlias.V.AliasName.length @error:ValidationException
    Examples: 1 to 256 characters
      | member    | problem                |
      | AliasName | is empty               |
      | AliasName | is 257 characters long |

    @cond:CreateAlias.V.AliasName.pattern @error:ValidationException
    Examples: letters, digits, colon, slash, underscore and hyphen
      | member    | problem               |
      | AliasName | is "alias/has spaces" |

    @cond:CreateAlias.V.TargetKeyId.required @error:ValidationException
    Examples: TargetKeyId required
      | member      | problem    |
      | TargetKeyId | is missing |

    @cond:CreateAlias.V.TargetKeyId.length @error:ValidationException
    Examples: 1 to 2048 characters
      | member      | problem                 |
      | TargetKeyId | is empty                |
      | TargetKeyId | is 2049 characters long |

  @op:DeleteAlias
  Scenario Outline: DeleteAlias rejects a request whose <member> <problem>
    When I send a DeleteAlias request whose <member> <problem>
    Then the request fails with ValidationException

    @cond:DeleteAlias.V.AliasName.required @error:ValidationException
    Examples: AliasName required
      | member    | problem    |
      | AliasName | is missing |

    @cond:DeleteAlias.V.AliasName.length @error:ValidationException
    Examples: 1 to 256 characters
      | member    | problem                |
      | AliasName | is empty               |
      | AliasName | is 257 characters long |

    @cond:DeleteAlias.V.AliasName.pattern @error:ValidationException
    Examples: letters, digits, colon, slash, underscore and hyphen
      | member    | problem               |
      | AliasName | is "alias/has spaces" |

  @op:UpdateAlias
  Scenario Outline: UpdateAlias rejects a request whose <member> <problem>
    Given a KMS key whose origin is AWS_KMS
    When I send a UpdateAlias request whose <member> <problem>
    Then the request fails with ValidationException

    @cond:UpdateAlias.V.AliasName.required @error:ValidationException
    Examples: AliasName required
      | member    | problem    |
      | AliasName | is missing |

    @cond:UpdateAlias.V.AliasName.length @error:ValidationException
    Examples: 1 to 256 characters
      | member    | problem                |
      | AliasName | is empty               |
      | AliasName | is 257 characters long |

    @cond:UpdateAlias.V.AliasName.pattern @error:ValidationException
    Examples: letters, digits, colon, slash, underscore and hyphen
      | member    | problem               |
      | AliasName | is "alias/has spaces" |

    @cond:UpdateAlias.V.TargetKeyId.required @error:ValidationException
    Examples: TargetKeyId required
      | member      | problem    |
      | TargetKeyId | is missing |

    @cond:UpdateAlias.V.TargetKeyId.length @error:ValidationException
    Examples: 1 to 2048 characters
      | member      | problem                 |
      | TargetKeyId | is empty                |
      | TargetKeyId | is 2049 characters long |

  @op:ListAliases
  Scenario Outline: ListAliases rejects a request whose <member> <problem>
    Given a KMS key whose origin is AWS_KMS
    When I send a ListAliases request whose <member> <problem>
    Then the request fails with ValidationException

    @cond:ListAliases.V.KeyId.length @error:ValidationException
    Examples: 1 to 2048 characters
      | member | problem                 |
      | KeyId  | is empty                |
      | KeyId  | is 2049 characters long |

    @cond:ListAliases.V.Limit.range @error:ValidationException
    Examples: 1 to 1000
      | member | problem |
      | Limit  | is 0    |
      | Limit  | is 1001 |

    @cond:ListAliases.V.Marker.length @error:ValidationException
    Examples: 1 to 1024 characters
      | member | problem                 |
      | Marker | is empty                |
      | Marker | is 1025 characters long |

    @cond:ListAliases.V.Marker.pattern @error:ValidationException
    Examples: characters U+0020 to U+00FF
      | member | problem                             |
      | Marker | consists of characters above U+00FF |

  @op:TagResource
  Scenario Outline: TagResource rejects a request whose <member> <problem>
    Given a KMS key whose origin is AWS_KMS
    When I send a TagResource request whose <member> <problem>
    Then the request fails with ValidationException

    @cond:TagResource.V.KeyId.required @error:ValidationException
    Examples: KeyId required
      | member | problem    |
      | KeyId  | is missing |

    @cond:TagResource.V.KeyId.length @error:ValidationException
    Examples: 1 to 2048 characters
      | member | problem                 |
      | KeyId  | is empty                |
      | KeyId  | is 2049 characters long |

    @cond:TagResource.V.Tags.required @error:ValidationException
    Examples: Tags required
      | member | problem    |
      | Tags   | is missing |

    @cond:TagResource.V.Tags.TagKey.required @error:ValidationException
    Examples: a tag key in every tag
      | member        | problem    |
      | Tags[].TagKey | is missing |

    @cond:TagResource.V.Tags.TagKey.length @error:ValidationException
    Examples: tag keys of 1 to 128 characters
      | member        | problem                |
      | Tags[].TagKey | is empty               |
      | Tags[].TagKey | is 129 characters long |

    @cond:TagResource.V.Tags.TagValue.required @error:ValidationException
    Examples: a tag value in every tag
      | member          | problem    |
      | Tags[].TagValue | is missing |

    @cond:TagResource.V.Tags.TagValue.length @error:ValidationException
    Examples: tag values of at most 256 characters
      | member          | problem                |
      | Tags[].TagValue | is 257 characters long |

  @op:UntagResource
  Scenario Outline: UntagResource rejects a request whose <member> <problem>
    Given a KMS key whose origin is AWS_KMS
    When I send a UntagResource request whose <member> <problem>
    Then the request fails with ValidationException

    @cond:UntagResource.V.KeyId.required @error:ValidationException
    Examples: KeyId required
      | member | problem    |
      | KeyId  | is missing |

    @cond:UntagResource.V.KeyId.length @error:ValidationException
    Examples: 1 to 2048 characters
      | member | problem                 |
      | KeyId  | is empty                |
      | KeyId  | is 2049 characters long |

    @cond:UntagResource.V.TagKeys.required @error:ValidationException
    Examples: TagKeys required
      | member  | problem    |
      | TagKeys | is missing |

    @cond:UntagResource.V.TagKeys.item.length @error:ValidationException
    Examples: tag keys of 1 to 128 characters
      | member    | problem                |
      | TagKeys[] | is empty               |
      | TagKeys[] | is 129 characters long |

  @op:ListResourceTags
  Scenario Outline: ListResourceTags rejects a request whose <member> <problem>
    Given a KMS key whose origin is AWS_KMS
    When I send a ListResourceTags request whose <member> <problem>
    Then the request fails with ValidationException

    @cond:ListResourceTags.V.KeyId.required @error:ValidationException
    Examples: KeyId required
      | member | problem    |
      | KeyId  | is missing |

    @cond:ListResourceTags.V.KeyId.length @error:ValidationException
    Examples: 1 to 2048 characters
      | member | problem                 |
      | KeyId  | is empty                |
      | KeyId  | is 2049 characters long |

    @cond:ListResourceTags.V.Limit.range @error:ValidationException
    Examples: 1 to 1000
      | member | problem |
      | Limit  | is 0    |
      | Limit  | is 1001 |

    @cond:ListResourceTags.V.Marker.length @error:ValidationException
    Examples: 1 to 1024 characters
      | member | problem                 |
      | Marker | is empty                |
      | Marker | is 1025 characters long |

    @cond:ListResourceTags.V.Marker.pattern @error:ValidationException
    Examples: characters U+0020 to U+00FF
      | member | problem                             |
      | Marker | consists of characters above U+00FF |

  @op:UpdateKeyDescription
  Scenario Outline: UpdateKeyDescription rejects a request whose <member> <problem>
    Given a KMS key whose origin is AWS_KMS
    When I send a UpdateKeyDescription request whose <member> <problem>
    Then the request fails with ValidationException

    @cond:UpdateKeyDescription.V.KeyId.required @error:ValidationException
    Examples: KeyId required
      | member | problem    |
      | KeyId  | is missing |

    @cond:UpdateKeyDescription.V.KeyId.length @error:ValidationException
    Examples: 1 to 2048 characters
      | member | problem                 |
      | KeyId  | is empty                |
      | KeyId  | is 2049 characters long |

    @cond:UpdateKeyDescription.V.Description.required @error:ValidationException
    Examples: Description required
      | member      | problem    |
      | Description | is missing |

    @cond:UpdateKeyDescription.V.Description.length @error:ValidationException
    Examples: at most 8192 characters
      | member      | problem                 |
      | Description | is 8193 characters long |

  @op:ListKeys
  Scenario Outline: ListKeys rejects a request whose <member> <problem>
    When I send a ListKeys request whose <member> <problem>
    Then the request fails with ValidationException

    @cond:ListKeys.V.Limit.range @error:ValidationException
    Examples: 1 to 1000
      | member | problem |
      | Limit  | is 0    |
      | Limit  | is 1001 |

    @cond:ListKeys.V.Marker.length @error:ValidationException
    Examples: 1 to 1024 characters
      | member | problem                 |
      | Marker | is empty                |
      | Marker | is 1025 characters long |

    @cond:ListKeys.V.Marker.pattern @error:ValidationException
    Examples: characters U+0020 to U+00FF
      | member | problem                             |
      | Marker | consists of characters above U+00FF |

    @cond:ListKeys.V.ResourceOwners.enum @error:ValidationException
    Examples: SELF or OTHER_ACCOUNTS_VIA_RAM
      | member           | problem                             |
      | ResourceOwners[] | is not one of the documented values |
