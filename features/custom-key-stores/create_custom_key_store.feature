@op:CreateCustomKeyStore
Feature: CreateCustomKeyStore
  Creating a custom key store records, in the caller's account and Region, how
  KMS reaches a backing key store: a CloudHSM cluster, or an external key store
  proxy. The new store starts DISCONNECTED. KMS checks the backing while it
  creates the store: the cluster must be free, active and well configured and
  its trust anchor must match; a proxy at a public endpoint must answer with
  the credential given, while a proxy behind a VPC endpoint service is first
  contacted when the store connects.

  # What a successful create leaves behind.

  @cond:CreateCustomKeyStore.36
  Scenario Outline: A new key store is DISCONNECTED and shows what it was created with (<type>)
    When I create a <type> key store
    Then the request succeeds
    And DescribeCustomKeyStores never shows the new key store's secret
    And the new key store is DISCONNECTED and shows the name, type and backing it was created with

    @cloudhsm
    Examples: CloudHSM
      | type     |
      | CloudHSM |

    @xks
    Examples: external
      | type     |
      | external |

  @cloudhsm @cond:CreateCustomKeyStore.03
  Scenario: A key store created without a type is a CloudHSM key store
    When I create a CloudHSM key store without CustomKeyStoreType
    Then the request succeeds
    And the new key store's type is AWS_CLOUDHSM

  @cloudhsm @xks @cond:CreateCustomKeyStore.04
  Scenario: A CloudHSM key store cannot become an external key store
    Given a CloudHSM key store that is DISCONNECTED
    When I try to give the key store the settings of an external key store
    Then the request fails with a client error
    And the key store's type is still AWS_CLOUDHSM

  @cloudhsm @xks @cond:CreateCustomKeyStore.04
  Scenario: An external key store cannot become a CloudHSM key store
    Given an external key store that is DISCONNECTED
    When I try to give the key store the settings of a CloudHSM key store
    Then the request fails with a client error
    And the key store's type is still EXTERNAL_KEY_STORE

  @cloudhsm @cond:CreateCustomKeyStore.16
  Scenario: Creating a key store does not change kmsuser's password in the cluster
    Given a CloudHSM key store created with a kmsuser password that is not the cluster's
    And the key store has been deleted
    When I create a new CloudHSM key store on the same backing
    Then the request succeeds
    And the new key store can be connected

  # Names and quotas.

  @cloudhsm @xks @error:CustomKeyStoreNameInUseException @cond:CreateCustomKeyStore.01
  Scenario: A key store cannot take the name of an external key store
    Given an external key store that is DISCONNECTED
    When I create a CloudHSM key store with the existing key store's name
    Then the request fails with CustomKeyStoreNameInUseException
    And the existing key store still has its name

  @cloudhsm @xks @error:CustomKeyStoreNameInUseException @cond:CreateCustomKeyStore.01
  Scenario: A key store cannot take the name of a CloudHSM key store
    Given a CloudHSM key store that is DISCONNECTED
    When I create an external key store with the existing key store's name
    Then the request fails with CustomKeyStoreNameInUseException
    And the existing key store still has its name

  @cloudhsm @xks @error:LimitExceededException @cond:CreateCustomKeyStore.02
  Scenario: An account at its custom key store quota cannot create another
    Given an account of my own that may hold only 1 custom key store
    And a CloudHSM key store that is DISCONNECTED
    When I create an external key store
    Then the request fails with LimitExceededException
    And no key store was created

  # CloudHSM key stores.

  @cloudhsm
  Scenario Outline: A CloudHSM key store is not created without <member>
    When I create a CloudHSM key store without <member>
    Then the request fails with a client error
    And no key store was created

    @cond:CreateCustomKeyStore.05
    Examples: cluster ID
      | member            |
      | CloudHsmClusterId |

    @cond:CreateCustomKeyStore.06
    Examples: trust anchor
      | member                 |
      | TrustAnchorCertificate |

    @cond:CreateCustomKeyStore.07
    Examples: kmsuser password
      | member           |
      | KeyStorePassword |

  @cloudhsm @error:CloudHsmClusterNotFoundException @cond:CreateCustomKeyStore.08
  Scenario: A key store cannot be created on a cluster that does not exist
    When I create a CloudHSM key store on a cluster that does not exist
    Then the request fails with CloudHsmClusterNotFoundException
    And no key store was created

  @cloudhsm @error:CloudHsmClusterInUseException @cond:CreateCustomKeyStore.09
  Scenario: A cluster backs only one key store of the account
    Given a CloudHSM key store that is DISCONNECTED
    When I create a new CloudHSM key store on the same backing
    Then the request fails with CloudHsmClusterInUseException

  @cloudhsm @error:CloudHsmClusterInUseException @cond:CreateCustomKeyStore.10
  Scenario: A cluster related to one that backs a key store of the account is in use too
    Given a CloudHSM key store that is DISCONNECTED
    When I create a CloudHSM key store on a cluster related to the key store's cluster
    Then the request fails with CloudHsmClusterInUseException
    And no key store was created

  @cloudhsm
  Scenario Outline: A key store cannot be created on a cluster where <defect>
    Given a CloudHSM cluster, where <defect>
    When I create a CloudHSM key store
    Then the request fails with <error>
    And no key store was created

    @error:CloudHsmClusterNotActiveException @cond:CreateCustomKeyStore.11
    Examples: inactive cluster
      | defect                    | error                             |
      | the cluster is not active | CloudHsmClusterNotActiveException |

    @error:CloudHsmClusterInvalidConfigurationException @cond:CreateCustomKeyStore.12
    Examples: one active HSM
      | defect                              | error                                        |
      | the cluster has only one active HSM | CloudHsmClusterInvalidConfigurationException |

    @error:CloudHsmClusterInvalidConfigurationException @cond:CreateCustomKeyStore.13
    Examples: subnets in one Availability Zone
      | defect                                                 | error                                        |
      | the cluster's subnets are all in one Availability Zone | CloudHsmClusterInvalidConfigurationException |

    @error:CloudHsmClusterInvalidConfigurationException @cond:CreateCustomKeyStore.14
    Examples: security group
      | defect                                            | error                                        |
      | the cluster's security group blocks the HSM ports | CloudHsmClusterInvalidConfigurationException |

  @cloudhsm @error:IncorrectTrustAnchorException @cond:CreateCustomKeyStore.15
  Scenario: A key store cannot be created with a trust anchor that is not the cluster's
    When I create a CloudHSM key store with a trust anchor certificate that is not the cluster's
    Then the request fails with IncorrectTrustAnchorException
    And no key store was created

  @cross-account @cloudhsm @cond:CreateCustomKeyStore.37
  Scenario: Another account cannot create a key store on my cluster
    Given a CloudHSM key store that is DISCONNECTED
    When the second account creates a CloudHSM key store on the key store's cluster
    Then the request fails with a client error
    And no key store was created

  # External key stores.

  @xks
  Scenario Outline: An external key store is not created without <member>
    When I create an external key store without <member>
    Then the request fails with a client error
    And no key store was created

    @cond:CreateCustomKeyStore.17
    Examples: connectivity
      | member               |
      | XksProxyConnectivity |

    @cond:CreateCustomKeyStore.18
    Examples: credential
      | member                           |
      | XksProxyAuthenticationCredential |

    @cond:CreateCustomKeyStore.19
    Examples: endpoint
      | member              |
      | XksProxyUriEndpoint |

    @cond:CreateCustomKeyStore.20
    Examples: path
      | member          |
      | XksProxyUriPath |

  @xks @cond:CreateCustomKeyStore.21
  Scenario: An external key store behind a VPC endpoint service is not created without the service's name
    When I create an external key store with VPC_ENDPOINT_SERVICE connectivity but without XksProxyVpcEndpointServiceName
    Then the request fails with a client error
    And no key store was created

  @xks @cond:CreateCustomKeyStore.22
  Scenario: The VPC endpoint service belongs to the caller's account unless the request says otherwise
    Given an account of my own
    When I create an external key store with VPC_ENDPOINT_SERVICE connectivity, leaving out XksProxyVpcEndpointServiceOwner
    Then the request succeeds
    And the new key store's VPC endpoint service owner is my account

  @xks @cond:CreateCustomKeyStore.23
  Scenario Outline: The proxy's endpoint is a bare https host name: an endpoint that <extra> is refused
    When I create an external key store whose XksProxyUriEndpoint <extra>
    Then the request fails with a client error
    And no key store was created

    Examples:
      | extra      |
      | has a port |
      | has a path |

  @xks @error:XksProxyUriInUseException @cond:CreateCustomKeyStore.24
  Scenario: Two external key stores of the account cannot share a proxy endpoint and path
    Given an external key store that is DISCONNECTED
    When I create a new external key store on the same backing
    Then the request fails with XksProxyUriInUseException

  @xks @error:XksProxyUriEndpointInUseException @cond:CreateCustomKeyStore.25
  Scenario: A public endpoint cannot be the endpoint of a key store behind a VPC endpoint service
    Given an external key store with VPC connectivity that is DISCONNECTED
    When I create an external key store with PUBLIC_ENDPOINT connectivity at the key store's XksProxyUriEndpoint
    Then the request fails with XksProxyUriEndpointInUseException
    And no key store was created

  @xks @error:XksProxyUriEndpointInUseException @cond:CreateCustomKeyStore.26
  Scenario: Two key stores behind VPC endpoint services cannot share a private DNS name
    Given an external key store with VPC connectivity that is DISCONNECTED
    When I create an external key store on another VPC endpoint service at the key store's XksProxyUriEndpoint
    Then the request fails with XksProxyUriEndpointInUseException
    And no key store was created

  @xks @cross-account @error:XksProxyVpcEndpointServiceInUseException @cond:CreateCustomKeyStore.27
  Scenario: A VPC endpoint service backs only one external key store in the Region
    Given an external key store with VPC connectivity that is DISCONNECTED
    When the second account creates an external key store on the key store's VPC endpoint service
    Then the request fails with XksProxyVpcEndpointServiceInUseException
    And no key store was created

  @xks @error:XksProxyVpcEndpointServiceNotFoundException @cond:CreateCustomKeyStore.28
  Scenario: An external key store cannot be created on a VPC endpoint service that does not exist
    When I create an external key store on a VPC endpoint service that does not exist
    Then the request fails with XksProxyVpcEndpointServiceNotFoundException
    And no key store was created

  @xks @error:XksProxyVpcEndpointServiceInvalidConfigurationException @cond:CreateCustomKeyStore.29
  Scenario: An external key store cannot be created on a VPC endpoint service that does not meet KMS's requirements
    Given a VPC XKS proxy, where the VPC endpoint service does not meet KMS's requirements
    When I create an external key store with VPC_ENDPOINT_SERVICE connectivity
    Then the request fails with XksProxyVpcEndpointServiceInvalidConfigurationException
    And no key store was created

  @xks
  Scenario Outline: An external key store cannot be created on a public proxy where <defect>
    Given a public XKS proxy, where <defect>
    When I create an external key store
    Then the request fails with <error>
    And no key store was created

    @error:XksProxyUriUnreachableException @cond:CreateCustomKeyStore.30
    Examples: unreachable
      | defect                   | error                           |
      | the proxy is unreachable | XksProxyUriUnreachableException |

    @error:XksProxyUriUnreachableException @cond:CreateCustomKeyStore.31
    Examples: no external key manager
      | defect                                        | error                           |
      | no external key manager instance is available | XksProxyUriUnreachableException |

    @error:XksProxyInvalidResponseException @cond:CreateCustomKeyStore.33
    Examples: invalid responses
      | defect                                   | error                            |
      | the proxy answers with invalid responses | XksProxyInvalidResponseException |

    @error:XksProxyInvalidConfigurationException @cond:CreateCustomKeyStore.34
    Examples: misconfigured
      | defect                     | error                                 |
      | the proxy is misconfigured | XksProxyInvalidConfigurationException |

  @xks @error:XksProxyIncorrectAuthenticationCredentialException @cond:CreateCustomKeyStore.32
  Scenario: An external key store cannot be created with a credential the proxy does not accept
    When I create an external key store with an authentication credential the proxy does not accept
    Then the request fails with XksProxyIncorrectAuthenticationCredentialException
    And no key store was created

  @xks @error:XksProxyUriUnreachableException @cond:CreateCustomKeyStore.35
  Scenario: KMS contacts a proxy at a public endpoint while it creates the key store
    Given a public XKS proxy, where the proxy is unreachable
    When I create an external key store
    Then the request fails with XksProxyUriUnreachableException
    And no key store was created

  @xks @cond:CreateCustomKeyStore.35
  Scenario: KMS first contacts a proxy behind a VPC endpoint service when the key store connects
    Given a VPC XKS proxy, where the proxy is unreachable
    When I create an external key store with VPC_ENDPOINT_SERVICE connectivity
    Then the request succeeds
    And the new key store is DISCONNECTED and shows the name, type and backing it was created with
    And the new key store fails to connect with XKS_PROXY_NOT_REACHABLE
