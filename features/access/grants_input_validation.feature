Feature: Input constraints of the grant operations
  The API model limits every input member, and KMS rejects a request that
  breaks one of these limits with ValidationException (HTTP 400). Each request
  here is sent as a raw signed request, so that no SDK checks or fixes it
  first, and is valid in every other member: it names the scenario's own key,
  the root of its account as principal, and a grant ID of no grant.

  @op:CreateGrant
  Scenario Outline: CreateGrant rejects a request whose <member> <problem>
    Given a SYMMETRIC_DEFAULT KMS key for ENCRYPT_DECRYPT
    When I send a CreateGrant request whose <member> <problem>
    Then the request fails with ValidationException

    @cond:CreateGrant.V.KeyId.required @error:ValidationException
    Examples: KeyId.required
      | member | problem    |
      | KeyId  | is missing |

    @cond:CreateGrant.V.KeyId.length @error:ValidationException
    Examples: KeyId.length
      | member | problem                 |
      | KeyId  | is empty                |
      | KeyId  | is 2049 characters long |

    @cond:CreateGrant.V.GranteePrincipal.length @error:ValidationException
    Examples: GranteePrincipal.length
      | member           | problem                |
      | GranteePrincipal | is empty               |
      | GranteePrincipal | is 257 characters long |

    @cond:CreateGrant.V.GranteePrincipal.pattern @error:ValidationException
    Examples: GranteePrincipal.pattern
      | member           | problem         |
      | GranteePrincipal | is "not an arn" |

    @cond:CreateGrant.V.RetiringPrincipal.length @error:ValidationException
    Examples: RetiringPrincipal.length
      | member            | problem                |
      | RetiringPrincipal | is empty               |
      | RetiringPrincipal | is 257 characters long |

    @cond:CreateGrant.V.RetiringPrincipal.pattern @error:ValidationException
    Examples: RetiringPrincipal.pattern
      | member            | problem         |
      | RetiringPrincipal | is "not an arn" |

    @cond:CreateGrant.V.Operations.required @error:ValidationException
    Examples: Operations.required
      | member     | problem    |
      | Operations | is missing |

    @cond:CreateGrant.V.Operations.item.enum @error:ValidationException
    Examples: Operations.item.enum
      | member       | problem                             |
      | Operations[] | is not one of the documented values |

    @cond:CreateGrant.V.Constraints.SourceArn.length @error:ValidationException
    Examples: Constraints.SourceArn.length
      | member                | problem                |
      | Constraints.SourceArn | is 19 characters long  |
      | Constraints.SourceArn | is 513 characters long |

    @cond:CreateGrant.V.Constraints.SourceArn.pattern @error:ValidationException
    Examples: Constraints.SourceArn.pattern
      | member                | problem                      |
      | Constraints.SourceArn | is "arn:aws:s3:::no-account" |

    @cond:CreateGrant.V.GrantTokens.size @error:ValidationException
    Examples: GrantTokens.size
      | member      | problem      |
      | GrantTokens | has 11 items |

    @cond:CreateGrant.V.GrantTokens.item.length @error:ValidationException
    Examples: GrantTokens.item.length
      | member        | problem                 |
      | GrantTokens[] | is empty                |
      | GrantTokens[] | is 8193 characters long |

    @cond:CreateGrant.V.Name.length @error:ValidationException
    Examples: Name.length
      | member | problem                |
      | Name   | is empty               |
      | Name   | is 257 characters long |

    @cond:CreateGrant.V.Name.pattern @error:ValidationException
    Examples: Name.pattern
      | member | problem         |
      | Name   | is "not a name" |

    @cond:CreateGrant.V.GranteeServicePrincipal.length @error:ValidationException
    Examples: GranteeServicePrincipal.length
      | member                  | problem                |
      | GranteeServicePrincipal | is empty               |
      | GranteeServicePrincipal | is 129 characters long |

    @cond:CreateGrant.V.GranteeServicePrincipal.pattern @error:ValidationException
    Examples: GranteeServicePrincipal.pattern
      | member                  | problem            |
      | GranteeServicePrincipal | is "not-a-service" |

    @cond:CreateGrant.V.RetiringServicePrincipal.length @error:ValidationException
    Examples: RetiringServicePrincipal.length
      | member                   | problem                |
      | RetiringServicePrincipal | is empty               |
      | RetiringServicePrincipal | is 129 characters long |

    @cond:CreateGrant.V.RetiringServicePrincipal.pattern @error:ValidationException
    Examples: RetiringServicePrincipal.pattern
      | member                   | problem            |
      | RetiringServicePrincipal | is "not-a-service" |
  @op:ListGrants
  Scenario Outline: ListGrants rejects a request whose <member> <problem>
    Given a SYMMETRIC_DEFAULT KMS key for ENCRYPT_DECRYPT
    When I send a ListGrants request whose <member> <problem>
    Then the request fails with ValidationException

    @cond:ListGrants.V.Limit.range @error:ValidationException
    Examples: Limit.range
      | member | problem |
      | Limit  | is 0    |
      | Limit  | is 1001 |

    @cond:ListGrants.V.Marker.length @error:ValidationException
    Examples: Marker.length
      | member | problem                 |
      | Marker | is empty                |
      | Marker | is 1025 characters long |

    @cond:ListGrants.V.Marker.pattern @error:ValidationException
    Examples: Marker.pattern
      | member | problem                             |
      | Marker | consists of characters above U+00FF |

    @cond:ListGrants.V.KeyId.required @error:ValidationException
    Examples: KeyId.required
      | member | problem    |
      | KeyId  | is missing |

    @cond:ListGrants.V.KeyId.length @error:ValidationException
    Examples: KeyId.length
      | member | problem                 |
      | KeyId  | is empty                |
      | KeyId  | is 2049 characters long |

    @cond:ListGrants.V.GrantId.length @error:ValidationException
    Examples: GrantId.length
      | member  | problem                |
      | GrantId | is empty               |
      | GrantId | is 129 characters long |

    @cond:ListGrants.V.GranteePrincipal.length @error:ValidationException
    Examples: GranteePrincipal.length
      | member           | problem                |
      | GranteePrincipal | is empty               |
      | GranteePrincipal | is 257 characters long |

    @cond:ListGrants.V.GranteePrincipal.pattern @error:ValidationException
    Examples: GranteePrincipal.pattern
      | member           | problem         |
      | GranteePrincipal | is "not an arn" |

    @cond:ListGrants.V.GranteeServicePrincipal.length @error:ValidationException
    Examples: GranteeServicePrincipal.length
      | member                  | problem                |
      | GranteeServicePrincipal | is empty               |
      | GranteeServicePrincipal | is 129 characters long |

    @cond:ListGrants.V.GranteeServicePrincipal.pattern @error:ValidationException
    Examples: GranteeServicePrincipal.pattern
      | member                  | problem            |
      | GranteeServicePrincipal | is "not-a-service" |
  @op:ListRetirableGrants
  Scenario Outline: ListRetirableGrants rejects a request whose <member> <problem>
    Given a SYMMETRIC_DEFAULT KMS key for ENCRYPT_DECRYPT
    When I send a ListRetirableGrants request whose <member> <problem>
    Then the request fails with ValidationException

    @cond:ListRetirableGrants.V.Limit.range @error:ValidationException
    Examples: Limit.range
      | member | problem |
      | Limit  | is 0    |
      | Limit  | is 1001 |

    @cond:ListRetirableGrants.V.Marker.length @error:ValidationException
    Examples: Marker.length
      | member | problem                 |
      | Marker | is empty                |
      | Marker | is 1025 characters long |

    @cond:ListRetirableGrants.V.Marker.pattern @error:ValidationException
    Examples: Marker.pattern
      | member | problem                             |
      | Marker | consists of characters above U+00FF |

    @cond:ListRetirableGrants.V.RetiringPrincipal.length @error:ValidationException
    Examples: RetiringPrincipal.length
      | member            | problem                |
      | RetiringPrincipal | is empty               |
      | RetiringPrincipal | is 257 characters long |

    @cond:ListRetirableGrants.V.RetiringPrincipal.pattern @error:ValidationException
    Examples: RetiringPrincipal.pattern
      | member            | problem         |
      | RetiringPrincipal | is "not an arn" |

    @cond:ListRetirableGrants.V.RetiringServicePrincipal.length @error:ValidationException
    Examples: RetiringServicePrincipal.length
      | member                   | problem                |
      | RetiringServicePrincipal | is empty               |
      | RetiringServicePrincipal | is 129 characters long |

    @cond:ListRetirableGrants.V.RetiringServicePrincipal.pattern @error:ValidationException
    Examples: RetiringServicePrincipal.pattern
      | member                   | problem            |
      | RetiringServicePrincipal | is "not-a-service" |
  @op:RetireGrant
  Scenario Outline: RetireGrant rejects a request whose <member> <problem>
    Given a SYMMETRIC_DEFAULT KMS key for ENCRYPT_DECRYPT
    When I send a RetireGrant request whose <member> <problem>
    Then the request fails with ValidationException

    @cond:RetireGrant.V.GrantToken.length @error:ValidationException
    Examples: GrantToken.length
      | member     | problem                 |
      | GrantToken | is empty                |
      | GrantToken | is 8193 characters long |

    @cond:RetireGrant.V.KeyId.length @error:ValidationException
    Examples: KeyId.length
      | member | problem                 |
      | KeyId  | is empty                |
      | KeyId  | is 2049 characters long |

    @cond:RetireGrant.V.GrantId.length @error:ValidationException
    Examples: GrantId.length
      | member  | problem                |
      | GrantId | is empty               |
      | GrantId | is 129 characters long |
  @op:RevokeGrant
  Scenario Outline: RevokeGrant rejects a request whose <member> <problem>
    Given a SYMMETRIC_DEFAULT KMS key for ENCRYPT_DECRYPT
    When I send a RevokeGrant request whose <member> <problem>
    Then the request fails with ValidationException

    @cond:RevokeGrant.V.KeyId.required @error:ValidationException
    Examples: KeyId.required
      | member | problem    |
      | KeyId  | is missing |

    @cond:RevokeGrant.V.KeyId.length @error:ValidationException
    Examples: KeyId.length
      | member | problem                 |
      | KeyId  | is empty                |
      | KeyId  | is 2049 characters long |

    @cond:RevokeGrant.V.GrantId.required @error:ValidationException
    Examples: GrantId.required
      | member  | problem    |
      | GrantId | is missing |

    @cond:RevokeGrant.V.GrantId.length @error:ValidationException
    Examples: GrantId.length
      | member  | problem                |
      | GrantId | is empty               |
      | GrantId | is 129 characters long |
