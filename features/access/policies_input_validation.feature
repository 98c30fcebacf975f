Feature: Input constraints of the key policy operations
  The API model limits every input member, and KMS rejects a request that
  breaks one of these limits with ValidationException (HTTP 400). Each request
  here is sent as a raw signed request, valid in every other member: it names
  the scenario's own key, and PutKeyPolicy sends a policy that keeps the
  account in control of it.

  @op:GetKeyPolicy
  Scenario Outline: GetKeyPolicy rejects a request whose <member> <problem>
    Given a SYMMETRIC_DEFAULT KMS key for ENCRYPT_DECRYPT
    When I send a GetKeyPolicy request whose <member> <problem>
    Then the request fails with ValidationException

    @cond:GetKeyPolicy.V.KeyId.required @error:ValidationException
    Examples: KeyId.required
      | member | problem    |
      | KeyId  | is missing |

    @cond:GetKeyPolicy.V.KeyId.length @error:ValidationException
    Examples: KeyId.length
      | member | problem                 |
      | KeyId  | is empty                |
      | KeyId  | is 2049 characters long |

    @cond:GetKeyPolicy.V.PolicyName.length @error:ValidationException
    Examples: PolicyName.length
      | member     | problem                |
      | PolicyName | is empty               |
      | PolicyName | is 129 characters long |

    @cond:GetKeyPolicy.V.PolicyName.pattern @error:ValidationException
    Examples: PolicyName.pattern
      | member     | problem |
      | PolicyName | is "-"  |
  @op:PutKeyPolicy
  Scenario Outline: PutKeyPolicy rejects a request whose <member> <problem>
    Given a SYMMETRIC_DEFAULT KMS key for ENCRYPT_DECRYPT
    When I send a PutKeyPolicy request whose <member> <problem>
    Then the request fails with ValidationException

    @cond:PutKeyPolicy.V.KeyId.required @error:ValidationException
    Examples: KeyId.required
      | member | problem    |
      | KeyId  | is missing |

    @cond:PutKeyPolicy.V.KeyId.length @error:ValidationException
    Examples: KeyId.length
      | member | problem                 |
      | KeyId  | is empty                |
      | KeyId  | is 2049 characters long |

    @cond:PutKeyPolicy.V.PolicyName.length @error:ValidationException
    Examples: PolicyName.length
      | member     | problem                |
      | PolicyName | is empty               |
      | PolicyName | is 129 characters long |

    @cond:PutKeyPolicy.V.PolicyName.pattern @error:ValidationException
    Examples: PolicyName.pattern
      | member     | problem |
      | PolicyName | is "-"  |

    @cond:PutKeyPolicy.V.Policy.required @error:ValidationException
    Examples: Policy.required
      | member | problem    |
      | Policy | is missing |

    @cond:PutKeyPolicy.V.Policy.length @error:ValidationException
    Examples: Policy.length
      | member | problem                   |
      | Policy | is empty                  |
      | Policy | is 131073 characters long |

    @cond:PutKeyPolicy.V.Policy.pattern @error:ValidationException
    Examples: Policy.pattern
      | member | problem                             |
      | Policy | consists of characters above U+00FF |
  @op:ListKeyPolicies
  Scenario Outline: ListKeyPolicies rejects a request whose <member> <problem>
    Given a SYMMETRIC_DEFAULT KMS key for ENCRYPT_DECRYPT
    When I send a ListKeyPolicies request whose <member> <problem>
    Then the request fails with ValidationException

    @cond:ListKeyPolicies.V.KeyId.required @error:ValidationException
    Examples: KeyId.required
      | member | problem    |
      | KeyId  | is missing |

    @cond:ListKeyPolicies.V.KeyId.length @error:ValidationException
    Examples: KeyId.length
      | member | problem                 |
      | KeyId  | is empty                |
      | KeyId  | is 2049 characters long |

    @cond:ListKeyPolicies.V.Limit.range @error:ValidationException
    Examples: Limit.range
      | member | problem |
      | Limit  | is 0    |
      | Limit  | is 1001 |

    @cond:ListKeyPolicies.V.Marker.length @error:ValidationException
    Examples: Marker.length
      | member | problem                 |
      | Marker | is empty                |
      | Marker | is 1025 characters long |

    @cond:ListKeyPolicies.V.Marker.pattern @error:ValidationException
    Examples: Marker.pattern
      | member | problem                             |
      | Marker | consists of characters above U+00FF |
