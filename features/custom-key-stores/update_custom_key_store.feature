@op:UpdateCustomKeyStore
Feature: UpdateCustomKeyStore
  Updating a custom key store changes its name or the settings KMS uses to
  reach its backing: the cluster and kmsuser password of a CloudHSM key store,
  the proxy endpoint, path, credential and connectivity of an external key
  store. A store may be renamed while it is CONNECTED or DISCONNECTED; most
  other settings change only while it is DISCONNECTED, and nothing changes
  while a connection is starting, stopping or has failed. KMS checks a new
  cluster or proxy before it takes it, and a refused update changes nothing.

  The documents disagree about what an external key store may change while
  CONNECTED: the error's description allows only the name, the operation's
  description also allows the proxy credential and URI path. These scenarios
  follow the operation's description (conflict E.1).

  @error:CustomKeyStoreNotFoundException @cond:UpdateCustomKeyStore.01
  Scenario: A key store that does not exist cannot be updated
    When I update a custom key store that does not exist
    Then the request fails with CustomKeyStoreNotFoundException

  @cross-account @cond:UpdateCustomKeyStore.02
  Scenario Outline: Another account cannot rename a key store (<type>)
    Given a <type> key store that is DISCONNECTED
    When the second account renames the key store by its ID
    Then the request fails with a client error
    And the key store is unchanged

    @cloudhsm
    Examples: CloudHSM
      | type     |
      | CloudHSM |

    @xks
    Examples: external
      | type     |
      | external |

  @error:CustomKeyStoreNameInUseException @cond:UpdateCustomKeyStore.03
  Scenario Outline: A key store cannot take the name of another key store in the account (<type>)
    Given a <type> key store that is DISCONNECTED
    And another <type> key store
    When I rename the key store to the other key store's name
    Then the request fails with CustomKeyStoreNameInUseException
    And the key store is unchanged

    @cloudhsm
    Examples: CloudHSM
      | type     |
      | CloudHSM |

    @xks
    Examples: external
      | type     |
      | external |

  Scenario Outline: A key store that is <state> can be renamed, and shows its new name (<type>)
    Given a <type> key store that is <state>
    When I rename the key store
    Then the request succeeds with an empty response
    And the key store has its new name
    And the key store is <state>

    @cond:UpdateCustomKeyStore.04 @cond:UpdateCustomKeyStore.36 @cloudhsm
    Examples: CloudHSM
      | type     | state        |
      | CloudHSM | CONNECTED    |
      | CloudHSM | DISCONNECTED |

    @cond:UpdateCustomKeyStore.07 @cond:UpdateCustomKeyStore.36 @xks
    Examples: external
      | type     | state        |
      | external | CONNECTED    |
      | external | DISCONNECTED |

  @error:CustomKeyStoreInvalidStateException @cond:UpdateCustomKeyStore.05 @cloudhsm
  Scenario: The kmsuser password of a CONNECTED CloudHSM key store cannot be changed
    Given a CloudHSM key store that is CONNECTED
    When I give the key store its kmsuser password
    Then the request fails with CustomKeyStoreInvalidStateException
    And the key store is unchanged

  @error:CustomKeyStoreInvalidStateException @cond:UpdateCustomKeyStore.06 @cloudhsm
  Scenario: A CONNECTED CloudHSM key store cannot move to another cluster, even a related one
    Given a CloudHSM key store that is CONNECTED
    And a CloudHSM cluster related to the key store's cluster
    When I move the key store to the other CloudHSM cluster
    Then the request fails with CustomKeyStoreInvalidStateException
    And the key store is unchanged

  @cond:UpdateCustomKeyStore.36 @cloudhsm
  Scenario: A DISCONNECTED CloudHSM key store moves to a related cluster, and shows it
    Given a CloudHSM key store that is DISCONNECTED
    And a CloudHSM cluster related to the key store's cluster
    When I move the key store to the other CloudHSM cluster
    Then the request succeeds with an empty response
    And the key store uses the other CloudHSM cluster

  # The store starts with a password that is not kmsuser's, so that only an
  # update that took effect lets it connect.
  @cond:UpdateCustomKeyStore.36 @cloudhsm
  Scenario: The kmsuser password of a DISCONNECTED CloudHSM key store can be set, and the store connects with it
    Given a CloudHSM key store created with a kmsuser password that is not the cluster's
    When I give the key store its kmsuser password
    Then the request succeeds with an empty response
    And the key store is unchanged
    And the key store connects with the password it was given

  @cond:UpdateCustomKeyStore.08 @xks
  Scenario: While CONNECTED, an external key store takes a credential update its proxy accepts (operation doc, E.1)
    Given an external key store with public connectivity that is CONNECTED
    When I give the key store the credential its proxy accepts
    Then the request succeeds with an empty response
    And the key store is CONNECTED
    And the key store shows its credential's access key ID but never its secret

  @cond:UpdateCustomKeyStore.09 @xks
  Scenario: While CONNECTED, an external key store takes a URI path update its proxy answers at (operation doc, E.1)
    Given an external key store with public connectivity that is CONNECTED
    When I give the key store the URI path its proxy answers at
    Then the request succeeds with an empty response
    And the key store is unchanged

  @cond:UpdateCustomKeyStore.36 @xks
  Scenario Outline: A DISCONNECTED external key store moves to another <connectivity> proxy, and shows its URI and access key ID but never its secret
    Given an external key store with <connectivity> connectivity that is DISCONNECTED
    And another <connectivity> XKS proxy
    When I point the key store at the other XKS proxy
    Then the request succeeds with an empty response
    And the key store uses the other XKS proxy, whose credential secret it never shows

    Examples:
      | connectivity |
      | public       |
      | VPC          |

  @error:CustomKeyStoreInvalidStateException @cond:UpdateCustomKeyStore.10 @xks
  Scenario: A CONNECTED external key store cannot move to another proxy endpoint
    Given an external key store with public connectivity that is CONNECTED
    And another public XKS proxy
    When I point the key store at the other XKS proxy
    Then the request fails with CustomKeyStoreInvalidStateException
    And the key store is unchanged

  @error:CustomKeyStoreInvalidStateException @cond:UpdateCustomKeyStore.11 @xks
  Scenario: A CONNECTED external key store cannot change its VPC endpoint service
    Given an external key store with VPC connectivity that is CONNECTED
    And another VPC XKS proxy
    When I give the key store the other proxy's VPC endpoint service
    Then the request fails with CustomKeyStoreInvalidStateException
    And the key store is unchanged

  @error:CustomKeyStoreInvalidStateException @cond:UpdateCustomKeyStore.12 @xks
  Scenario: A CONNECTED external key store cannot change its VPC endpoint service owner
    Given an external key store with VPC connectivity that is CONNECTED
    When I give the key store another VPC endpoint service owner
    Then the request fails with CustomKeyStoreInvalidStateException
    And the key store is unchanged

  @error:CustomKeyStoreInvalidStateException @cond:UpdateCustomKeyStore.13 @xks
  Scenario: A CONNECTED external key store cannot switch to VPC endpoint service connectivity
    Given an external key store with public connectivity that is CONNECTED
    And another VPC XKS proxy
    When I point the key store at the other XKS proxy
    Then the request fails with CustomKeyStoreInvalidStateException
    And the key store is unchanged

  @error:CustomKeyStoreInvalidStateException @cond:UpdateCustomKeyStore.14
  Scenario Outline: A key store that is <state> cannot even be renamed (<type>)
    Given a <type> key store that is <state>
    When I rename the key store
    Then the request fails with CustomKeyStoreInvalidStateException
    And the key store is unchanged

    @cloudhsm
    Examples: CloudHSM
      | type     | state         |
      | CloudHSM | CONNECTING    |
      | CloudHSM | FAILED        |
      | CloudHSM | DISCONNECTING |

    @xks
    Examples: external
      | type     | state         |
      | external | CONNECTING    |
      | external | FAILED        |
      | external | DISCONNECTING |

  @cond:UpdateCustomKeyStore.15 @xks
  Scenario Outline: An external key store refuses the CloudHSM-only member <member>
    Given an external key store with public connectivity that is DISCONNECTED
    When I update the key store giving only a <member>
    Then the request fails with a client error
    And the key store is unchanged

    Examples:
      | member            |
      | KeyStorePassword  |
      | CloudHsmClusterId |

  @cond:UpdateCustomKeyStore.16 @cloudhsm
  Scenario Outline: A CloudHSM key store refuses the external-only member <member>
    Given a CloudHSM key store that is DISCONNECTED
    When I update the key store giving only an <member>
    Then the request fails with a client error
    And the key store is unchanged

    Examples:
      | member                         |
      | XksProxyUriPath                |
      | XksProxyVpcEndpointServiceName |

  @cond:UpdateCustomKeyStore.17 @xks
  Scenario: An external key store with a public endpoint refuses a VPC endpoint service name
    Given an external key store with public connectivity that is DISCONNECTED
    When I update the key store giving only an XksProxyVpcEndpointServiceName
    Then the request fails with a client error
    And the key store is unchanged

  @cond:UpdateCustomKeyStore.18 @xks
  Scenario Outline: A switch to VPC endpoint service connectivity <how> is refused
    Given an external key store with public connectivity that is DISCONNECTED
    When I switch the key store to VPC_ENDPOINT_SERVICE connectivity <how>
    Then the request fails with a client error
    And the key store is unchanged

    Examples:
      | how                                           |
      | without a new endpoint or endpoint service    |
      | with an endpoint service but no new endpoint  |

  @cond:UpdateCustomKeyStore.19 @xks
  Scenario: A switch to public endpoint connectivity without a new endpoint is refused
    Given an external key store with VPC connectivity that is DISCONNECTED
    When I switch the key store to PUBLIC_ENDPOINT connectivity without a new endpoint
    Then the request fails with a client error
    And the key store is unchanged

  @cond:UpdateCustomKeyStore.19 @xks
  Scenario: A switch to public endpoint connectivity that keeps the VPC endpoint service is refused
    Given an external key store with VPC connectivity that is DISCONNECTED
    And another public XKS proxy
    When I switch the key store to the other public XKS proxy, keeping its VPC endpoint service
    Then the request fails with a client error
    And the key store is unchanged

  @error:ValidationException @cond:UpdateCustomKeyStore.20 @xks
  Scenario: A credential update must carry the secret access key along with the access key ID
    Given an external key store with public connectivity that is DISCONNECTED
    When I change the key store's credential giving only its AccessKeyId
    Then the request fails with ValidationException
    And the key store is unchanged

  @error:CloudHsmClusterNotFoundException @cond:UpdateCustomKeyStore.21 @cloudhsm
  Scenario: A CloudHSM key store cannot move to a cluster that does not exist
    Given a CloudHSM key store that is DISCONNECTED
    When I move the key store to a CloudHSM cluster that does not exist
    Then the request fails with CloudHsmClusterNotFoundException
    And the key store is unchanged

  @error:CloudHsmClusterNotRelatedException @cond:UpdateCustomKeyStore.22 @cloudhsm
  Scenario: A CloudHSM key store cannot move to a cluster that shares no backup history with its own
    Given a CloudHSM key store that is DISCONNECTED
    And an unrelated CloudHSM cluster
    When I move the key store to the other CloudHSM cluster
    Then the request fails with CloudHsmClusterNotRelatedException
    And the key store is unchanged

  @error:CloudHsmClusterNotActiveException @cond:UpdateCustomKeyStore.23 @cloudhsm
  Scenario: A CloudHSM key store cannot move to a related cluster that is not active
    Given a CloudHSM key store that is DISCONNECTED
    And a CloudHSM cluster related to the key store's cluster, where the cluster is not active
    When I move the key store to the other CloudHSM cluster
    Then the request fails with CloudHsmClusterNotActiveException
    And the key store is unchanged

  @error:CloudHsmClusterInvalidConfigurationException @cond:UpdateCustomKeyStore.24 @cloudhsm
  Scenario Outline: A CloudHSM key store cannot move to a related cluster where <defect>
    Given a CloudHSM key store that is DISCONNECTED
    And a CloudHSM cluster related to the key store's cluster, where <defect>
    When I move the key store to the other CloudHSM cluster
    Then the request fails with CloudHsmClusterInvalidConfigurationException
    And the key store is unchanged

    Examples:
      | defect                                                  |
      | the cluster has only one active HSM                     |
      | the cluster's subnets are all in one Availability Zone  |
      | the cluster's security group blocks the HSM ports       |

  @error:XksProxyUriInUseException @cond:UpdateCustomKeyStore.25 @xks
  Scenario: An external key store cannot take the endpoint and path another key store uses
    Given an external key store with public connectivity that is DISCONNECTED
    And another external key store with public connectivity
    When I point the key store at the other XKS proxy
    Then the request fails with XksProxyUriInUseException
    And the key store is unchanged

  @error:XksProxyUriEndpointInUseException @cond:UpdateCustomKeyStore.26 @xks
  Scenario: A public endpoint key store cannot take the endpoint of a VPC endpoint service key store
    Given an external key store with public connectivity that is DISCONNECTED
    And another external key store with VPC connectivity
    When I give the key store the other key store's endpoint with a different URI path
    Then the request fails with XksProxyUriEndpointInUseException
    And the key store is unchanged

  @error:XksProxyUriEndpointInUseException @cond:UpdateCustomKeyStore.27 @xks
  Scenario: A VPC endpoint service key store cannot take the endpoint another key store uses
    Given an external key store with VPC connectivity that is DISCONNECTED
    And another external key store with public connectivity
    When I give the key store the other key store's endpoint with a different URI path
    Then the request fails with XksProxyUriEndpointInUseException
    And the key store is unchanged

  @error:XksProxyVpcEndpointServiceInUseException @cond:UpdateCustomKeyStore.28 @xks
  Scenario: An external key store cannot take the VPC endpoint service of another key store
    Given an external key store with VPC connectivity that is DISCONNECTED
    And another external key store with VPC connectivity
    When I give the key store the other proxy's VPC endpoint service
    Then the request fails with XksProxyVpcEndpointServiceInUseException
    And the key store is unchanged

  @error:XksProxyVpcEndpointServiceNotFoundException @cond:UpdateCustomKeyStore.29 @xks
  Scenario: An external key store cannot take a VPC endpoint service that does not exist
    Given an external key store with VPC connectivity that is DISCONNECTED
    When I give the key store a VPC endpoint service that does not exist
    Then the request fails with XksProxyVpcEndpointServiceNotFoundException
    And the key store is unchanged

  @error:XksProxyVpcEndpointServiceInvalidConfigurationException @cond:UpdateCustomKeyStore.30 @xks
  Scenario: An external key store cannot move to a VPC endpoint service that falls short of KMS's requirements
    Given an external key store with VPC connectivity that is DISCONNECTED
    And another VPC XKS proxy, where the VPC endpoint service does not meet KMS's requirements
    When I point the key store at the other XKS proxy
    Then the request fails with XksProxyVpcEndpointServiceInvalidConfigurationException
    And the key store is unchanged

  @error:XksProxyUriUnreachableException @xks
  Scenario Outline: An external key store cannot move to a proxy where <defect>
    Given an external key store with public connectivity that is DISCONNECTED
    And another public XKS proxy, where <defect>
    When I point the key store at the other XKS proxy
    Then the request fails with XksProxyUriUnreachableException
    And the key store is unchanged

    @cond:UpdateCustomKeyStore.31
    Examples: the proxy cannot be reached
      | defect                  |
      | the proxy is unreachable |

    @cond:UpdateCustomKeyStore.32
    Examples: the proxy reports no external key manager
      | defect                                          |
      | no external key manager instance is available   |

  @error:XksProxyIncorrectAuthenticationCredentialException @cond:UpdateCustomKeyStore.33 @xks
  Scenario Outline: A <state> external key store refuses a credential its proxy does not accept
    Given an external key store with public connectivity that is <state>
    When I give the key store a credential its proxy does not accept
    Then the request fails with XksProxyIncorrectAuthenticationCredentialException
    And the key store is unchanged

    Examples:
      | state        |
      | DISCONNECTED |
      | CONNECTED    |

  @error:XksProxyInvalidResponseException @cond:UpdateCustomKeyStore.34 @xks
  Scenario: An external key store cannot move to a proxy whose answers KMS cannot interpret
    Given an external key store with public connectivity that is DISCONNECTED
    And another public XKS proxy, where the proxy answers with invalid responses
    When I point the key store at the other XKS proxy
    Then the request fails with XksProxyInvalidResponseException
    And the key store is unchanged

  @error:XksProxyInvalidConfigurationException @cond:UpdateCustomKeyStore.35 @xks
  Scenario: An external key store cannot move to a misconfigured proxy
    Given an external key store with public connectivity that is DISCONNECTED
    And another public XKS proxy, where the proxy is misconfigured
    When I point the key store at the other XKS proxy
    Then the request fails with XksProxyInvalidConfigurationException
    And the key store is unchanged
