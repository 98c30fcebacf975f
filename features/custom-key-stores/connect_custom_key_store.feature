@op:ConnectCustomKeyStore
Feature: ConnectCustomKeyStore
  Connecting a custom key store links KMS to its backing: a CloudHSM cluster,
  or an external key store proxy and the external key manager behind it. The
  call only starts the connection and answers at once; the store then moves
  through CONNECTING to CONNECTED, or to FAILED with a ConnectionErrorCode
  that says what went wrong. Only a few problems with a CloudHSM cluster are
  refused by the call itself. A store that is FAILED or DISCONNECTING cannot be
  connected; a FAILED one has to be disconnected first.

  @error:CustomKeyStoreNotFoundException @cond:ConnectCustomKeyStore.01
  Scenario: A key store that does not exist cannot be connected
    When I connect a custom key store that does not exist
    Then the request fails with CustomKeyStoreNotFoundException

  @cross-account @cond:ConnectCustomKeyStore.02
  Scenario Outline: Another account cannot connect a key store (<type>)
    Given a <type> key store that is DISCONNECTED
    When the second account connects the key store by its ID
    Then the request fails with a client error
    And the key store still exists and is DISCONNECTED

    @cloudhsm
    Examples: CloudHSM
      | type     |
      | CloudHSM |

    @xks
    Examples: external
      | type     |
      | external |

  @error:CustomKeyStoreInvalidStateException
  Scenario Outline: A key store that is <state> cannot be connected (<type>)
    Given a <type> key store that is <state>
    When I connect the key store
    Then the request fails with CustomKeyStoreInvalidStateException
    And the key store still exists and is <state>

    @cond:ConnectCustomKeyStore.03 @cloudhsm
    Examples: CloudHSM, failed
      | type     | state  |
      | CloudHSM | FAILED |

    @cond:ConnectCustomKeyStore.03 @xks
    Examples: external, failed
      | type     | state  |
      | external | FAILED |

    @cond:ConnectCustomKeyStore.04 @cloudhsm
    Examples: CloudHSM, disconnecting
      | type     | state         |
      | CloudHSM | DISCONNECTING |

    @cond:ConnectCustomKeyStore.04 @xks
    Examples: external, disconnecting
      | type     | state         |
      | external | DISCONNECTING |

  @cond:ConnectCustomKeyStore.03
  Scenario Outline: A failed key store connects again once it has been disconnected (<type>)
    Given a <type> key store that is FAILED
    And the key store has been disconnected
    When I connect the key store
    Then the request succeeds with an empty response
    And the key store becomes CONNECTED

    @cloudhsm
    Examples: CloudHSM
      | type     |
      | CloudHSM |

    @xks
    Examples: external
      | type     |
      | external |

  @cond:ConnectCustomKeyStore.05 @cond:ConnectCustomKeyStore.08
  Scenario Outline: Connecting answers at once, before the key store is connected (<type>)
    Given a <type> key store that is DISCONNECTED
    And KMS takes its time to connect the key store
    When I connect the key store
    Then the request succeeds with an empty response
    And the key store is still connecting
    And the key store becomes CONNECTED

    @cloudhsm
    Examples: CloudHSM
      | type     |
      | CloudHSM |

    @xks
    Examples: external
      | type     |
      | external |

  Scenario Outline: Connecting a key store that is already <state> is accepted (<type>)
    Given a <type> key store that is <state>
    When I connect the key store
    Then the request succeeds with an empty response
    And the key store still exists and is <state>
    And the key store becomes CONNECTED

    @cond:ConnectCustomKeyStore.06 @cloudhsm
    Examples: CloudHSM, connected
      | type     | state     |
      | CloudHSM | CONNECTED |

    @cond:ConnectCustomKeyStore.06 @xks
    Examples: external, connected
      | type     | state     |
      | external | CONNECTED |

    @cond:ConnectCustomKeyStore.07 @cloudhsm
    Examples: CloudHSM, connecting
      | type     | state      |
      | CloudHSM | CONNECTING |

    @cond:ConnectCustomKeyStore.07 @xks
    Examples: external, connecting
      | type     | state      |
      | external | CONNECTING |

  Scenario Outline: A connection that fails because <defect> is reported as FAILED with <code>, not as an error (<type>)
    Given a <type> key store that is DISCONNECTED
    And the key store's backing has a defect: <defect>
    When I connect the key store
    Then the request succeeds with an empty response
    And the key store ends up FAILED with ConnectionErrorCode <code>

    @cond:ConnectCustomKeyStore.09 @cloudhsm
    Examples: CloudHSM
      | type     | defect                                        | code                                  |
      | CloudHSM | the cluster was deleted                       | CLUSTER_NOT_FOUND                     |
      | CloudHSM | a subnet of the cluster was deleted           | SUBNET_NOT_FOUND                      |
      | CloudHSM | a subnet of the cluster has no free addresses | INSUFFICIENT_FREE_ADDRESSES_IN_SUBNET |
      | CloudHSM | the cluster has no kmsuser                    | USER_NOT_FOUND                        |
      | CloudHSM | kmsuser is locked out                         | USER_LOCKED_OUT                       |
      | CloudHSM | kmsuser's password was changed                | INVALID_CREDENTIALS                   |

    @cond:ConnectCustomKeyStore.09 @cond:ConnectCustomKeyStore.14 @cloudhsm
    Examples: CloudHSM, kmsuser logged in
      | type     | defect                              | code           |
      | CloudHSM | kmsuser is logged in to the cluster | USER_LOGGED_IN |

    @cond:ConnectCustomKeyStore.09 @cond:ConnectCustomKeyStore.16 @xks
    Examples: external
      | type     | defect                                             | code                                |
      | external | the proxy is unreachable                           | XKS_PROXY_NOT_REACHABLE             |
      | external | the proxy was deleted                              | XKS_PROXY_NOT_REACHABLE             |
      | external | no external key manager instance is available      | XKS_PROXY_NOT_REACHABLE             |
      | external | the proxy's TLS certificate is not trusted         | XKS_PROXY_INVALID_TLS_CONFIGURATION |
      | external | the proxy does not answer in time                  | XKS_PROXY_TIMED_OUT                 |
      | external | the proxy is misconfigured                         | XKS_PROXY_INVALID_CONFIGURATION     |
      | external | the proxy's authorization denies KMS               | XKS_PROXY_ACCESS_DENIED             |
      | external | the proxy answers with invalid responses           | XKS_PROXY_INVALID_RESPONSE          |
      | external | the proxy's authentication credential was rotated  | INVALID_CREDENTIALS                 |

  @cond:ConnectCustomKeyStore.09 @cond:ConnectCustomKeyStore.16 @cond:ConnectCustomKeyStore.17 @xks
  Scenario Outline: A connection through a VPC endpoint service fails with <code> when <defect>
    Given an external key store that KMS reaches through a VPC endpoint service
    And the key store's backing has a defect: <defect>
    When I connect the key store
    Then the request succeeds with an empty response
    And the key store ends up FAILED with ConnectionErrorCode <code>

    Examples:
      | defect                                                    | code                                           |
      | the VPC endpoint service does not meet KMS's requirements | XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION |
      | the proxy was deleted                                     | XKS_VPC_ENDPOINT_SERVICE_NOT_FOUND             |

  @cond:ConnectCustomKeyStore.09 @cloudhsm
  Scenario Outline: A cluster that breaks while the key store is connecting fails the connection with <code> when <defect>
    Given a CloudHSM key store that is DISCONNECTED
    And KMS takes its time to connect the key store
    When I connect the key store
    And the key store's backing gets a defect meanwhile: <defect>
    Then the request succeeds with an empty response
    And the key store ends up FAILED with ConnectionErrorCode <code>

    Examples:
      | defect                                            | code                       |
      | the cluster has no active HSM                     | INSUFFICIENT_CLOUDHSM_HSMS |
      | the cluster's security group blocks the HSM ports | NETWORK_ERRORS             |

  @cond:ConnectCustomKeyStore.17 @xks
  Scenario: An external key store behind a VPC endpoint service connects through it
    Given an external key store that KMS reaches through a VPC endpoint service
    When I connect the key store
    Then the request succeeds with an empty response
    And the key store becomes CONNECTED

  @cloudhsm
  Scenario Outline: A cluster that is not fit to connect to is refused by the call itself: <defect>
    Given a CloudHSM key store that is DISCONNECTED
    And the key store's backing has a defect: <defect>
    When I connect the key store
    Then the request fails with <error>
    And the key store still exists and is DISCONNECTED

    @cond:ConnectCustomKeyStore.10 @error:CloudHsmClusterNotActiveException
    Examples: cluster not active
      | defect                    | error                             |
      | the cluster is not active | CloudHsmClusterNotActiveException |

    @cond:ConnectCustomKeyStore.11 @error:CloudHsmClusterInvalidConfigurationException
    Examples: no active HSM
      | defect                        | error                                        |
      | the cluster has no active HSM | CloudHsmClusterInvalidConfigurationException |

    @cond:ConnectCustomKeyStore.12 @error:CloudHsmClusterInvalidConfigurationException
    Examples: subnets in one Availability Zone
      | defect                                                 | error                                        |
      | the cluster's subnets are all in one Availability Zone | CloudHsmClusterInvalidConfigurationException |

    @cond:ConnectCustomKeyStore.13 @error:CloudHsmClusterInvalidConfigurationException
    Examples: security group without the HSM ports
      | defect                                            | error                                        |
      | the cluster's security group blocks the HSM ports | CloudHsmClusterInvalidConfigurationException |

  @cond:ConnectCustomKeyStore.11 @cloudhsm
  Scenario: A cluster with a single active HSM is enough to connect
    Given a CloudHSM key store that is DISCONNECTED
    And the key store's backing has a defect: the cluster has only one active HSM
    When I connect the key store
    Then the request succeeds with an empty response
    And the key store becomes CONNECTED

  @untestable @cond:ConnectCustomKeyStore.15 @cloudhsm
  Scenario: Connecting changes the kmsuser password in the cluster
    Given a condition the public API cannot produce: the kmsuser password lives in the CloudHSM cluster, and KMS keeps the new one to itself, so no KMS call shows whether it was rotated
