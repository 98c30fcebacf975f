# Server faults of the alias, tag, description, listing, grant and key policy
# operations, checked as server_faults.feature checks those of the other
# operations: the proxy injects the fault into every attempt of one call, which
# names a made-up key (or alias, or grant) so that, should the fault not apply,
# the endpoint refuses the call rather than change anything; the scenario
# checks that the Go SDK retries it as its documentation says and then reports
# it. `kmsconform coverage` counts these (operation, error) pairs as "checked
# through injected faults".
Feature: What a client sees when an alias, tag, listing, grant or key policy operation meets a server fault

  @retries @fault @fault:KMSInternalException @error:KMSInternalException @client:aws-sdk-go-v2
  Scenario Outline: KMSInternalException (HTTP 500) from <operation> on every attempt, seen by aws-sdk-go-v2
    Given the client under test is aws-sdk-go-v2 with its default retry settings
    And the call under test names only resources that do not exist
    And the proxy injects KMSInternalException into <operation> calls
    When the client under test calls <operation>
    Then the proxy saw the documented number of attempts
    And every wait between attempts is within the documented backoff bounds
    And the client under test reports the documented outcome

    @op:CreateAlias @cond:CreateAlias.18
    Examples: CreateAlias
      | operation   |
      | CreateAlias |

    @op:DeleteAlias @cond:DeleteAlias.10
    Examples: DeleteAlias
      | operation   |
      | DeleteAlias |

    @op:ListAliases @cond:ListAliases.17
    Examples: ListAliases
      | operation   |
      | ListAliases |

    @op:UpdateAlias @cond:UpdateAlias.16
    Examples: UpdateAlias
      | operation   |
      | UpdateAlias |

    @op:TagResource @cond:TagResource.18
    Examples: TagResource
      | operation   |
      | TagResource |

    @op:UntagResource @cond:UntagResource.11
    Examples: UntagResource
      | operation     |
      | UntagResource |

    @op:ListResourceTags @cond:ListResourceTags.12
    Examples: ListResourceTags
      | operation        |
      | ListResourceTags |

    @op:UpdateKeyDescription @cond:UpdateKeyDescription.10
    Examples: UpdateKeyDescription
      | operation            |
      | UpdateKeyDescription |

    @op:ListKeys @cond:ListKeys.08
    Examples: ListKeys
      | operation |
      | ListKeys  |

    @op:CreateGrant @cond:CreateGrant.32
    Examples: CreateGrant
      | operation   |
      | CreateGrant |

    @op:ListGrants @cond:ListGrants.20
    Examples: ListGrants
      | operation  |
      | ListGrants |

    @op:ListRetirableGrants @cond:ListRetirableGrants.16
    Examples: ListRetirableGrants
      | operation           |
      | ListRetirableGrants |

    @op:RetireGrant @cond:RetireGrant.21
    Examples: RetireGrant
      | operation   |
      | RetireGrant |

    @op:RevokeGrant @cond:RevokeGrant.14
    Examples: RevokeGrant
      | operation   |
      | RevokeGrant |

    @op:GetKeyPolicy @cond:GetKeyPolicy.11
    Examples: GetKeyPolicy
      | operation    |
      | GetKeyPolicy |

    @op:PutKeyPolicy @cond:PutKeyPolicy.20
    Examples: PutKeyPolicy
      | operation    |
      | PutKeyPolicy |

    @op:ListKeyPolicies @cond:ListKeyPolicies.12
    Examples: ListKeyPolicies
      | operation       |
      | ListKeyPolicies |

  @retries @fault @fault:DependencyTimeoutException @error:DependencyTimeoutException @client:aws-sdk-go-v2
  Scenario Outline: DependencyTimeoutException (HTTP 503) from <operation> on every attempt, seen by aws-sdk-go-v2
    Given the client under test is aws-sdk-go-v2 with its default retry settings
    And the call under test names only resources that do not exist
    And the proxy injects DependencyTimeoutException into <operation> calls
    When the client under test calls <operation>
    Then the proxy saw the documented number of attempts
    And every wait between attempts is within the documented backoff bounds
    And the client under test reports the documented outcome

    @op:CreateAlias @cond:CreateAlias.17
    Examples: CreateAlias
      | operation   |
      | CreateAlias |

    @op:DeleteAlias @cond:DeleteAlias.09
    Examples: DeleteAlias
      | operation   |
      | DeleteAlias |

    @op:ListAliases @cond:ListAliases.16
    Examples: ListAliases
      | operation   |
      | ListAliases |

    @op:UpdateAlias @cond:UpdateAlias.15
    Examples: UpdateAlias
      | operation   |
      | UpdateAlias |

    @op:UpdateKeyDescription @cond:UpdateKeyDescription.09
    Examples: UpdateKeyDescription
      | operation            |
      | UpdateKeyDescription |

    @op:ListKeys @cond:ListKeys.07
    Examples: ListKeys
      | operation |
      | ListKeys  |

    @op:CreateGrant @cond:CreateGrant.31
    Examples: CreateGrant
      | operation   |
      | CreateGrant |

    @op:ListGrants @cond:ListGrants.19
    Examples: ListGrants
      | operation  |
      | ListGrants |

    @op:ListRetirableGrants @cond:ListRetirableGrants.15
    Examples: ListRetirableGrants
      | operation           |
      | ListRetirableGrants |

    @op:RetireGrant @cond:RetireGrant.20
    Examples: RetireGrant
      | operation   |
      | RetireGrant |

    @op:RevokeGrant @cond:RevokeGrant.13
    Examples: RevokeGrant
      | operation   |
      | RevokeGrant |

    @op:GetKeyPolicy @cond:GetKeyPolicy.10
    Examples: GetKeyPolicy
      | operation    |
      | GetKeyPolicy |

    @op:PutKeyPolicy @cond:PutKeyPolicy.19
    Examples: PutKeyPolicy
      | operation    |
      | PutKeyPolicy |

    @op:ListKeyPolicies @cond:ListKeyPolicies.11
    Examples: ListKeyPolicies
      | operation       |
      | ListKeyPolicies |
