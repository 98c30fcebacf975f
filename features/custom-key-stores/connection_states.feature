@connection-states
Feature: Which operations a custom key store's ConnectionState allows
  Every operation on a custom key store, or on a key in it, is valid only in
  some of the store's five ConnectionStates; in the others it fails with
  CustomKeyStoreInvalidStateException and changes nothing. Connecting is
  refused while FAILED or DISCONNECTING, disconnecting while DISCONNECTED or
  DISCONNECTING, deleting unless DISCONNECTED. A store can be renamed while
  CONNECTED or DISCONNECTED, but its other properties change only while
  DISCONNECTED. Keys are created, and a CloudHSM store generates random bytes,
  only while CONNECTED. The store can be described in every state.

  Scenario Outline: <operation> is accepted while the key store is <state> (<type>)
    Given a <type> key store that is <state>
    When I call <operation> on the key store
    Then the request succeeds
    And the effect of <operation> shows on the key store that was <state>

    @op:ConnectCustomKeyStore @cond:ConnectCustomKeyStore.06 @cloudhsm
    Examples: ConnectCustomKeyStore, CloudHSM, connected
      | type     | state     | operation             |
      | CloudHSM | CONNECTED | ConnectCustomKeyStore |

    @op:ConnectCustomKeyStore @cond:ConnectCustomKeyStore.06 @xks
    Examples: ConnectCustomKeyStore, external, connected
      | type     | state     | operation             |
      | external | CONNECTED | ConnectCustomKeyStore |

    @op:ConnectCustomKeyStore @cond:ConnectCustomKeyStore.07 @cloudhsm
    Examples: ConnectCustomKeyStore, CloudHSM, connecting
      | type     | state      | operation             |
      | CloudHSM | CONNECTING | ConnectCustomKeyStore |

    @op:ConnectCustomKeyStore @cond:ConnectCustomKeyStore.07 @xks
    Examples: ConnectCustomKeyStore, external, connecting
      | type     | state      | operation             |
      | external | CONNECTING | ConnectCustomKeyStore |

    @op:ConnectCustomKeyStore @cond:ConnectCustomKeyStore.05 @cloudhsm
    Examples: ConnectCustomKeyStore, CloudHSM, disconnected
      | type     | state        | operation             |
      | CloudHSM | DISCONNECTED | ConnectCustomKeyStore |

    @op:ConnectCustomKeyStore @cond:ConnectCustomKeyStore.05 @xks
    Examples: ConnectCustomKeyStore, external, disconnected
      | type     | state        | operation             |
      | external | DISCONNECTED | ConnectCustomKeyStore |

    @op:DisconnectCustomKeyStore @cond:DisconnectCustomKeyStore.05 @cloudhsm
    Examples: DisconnectCustomKeyStore, CloudHSM, connected
      | type     | state     | operation                |
      | CloudHSM | CONNECTED | DisconnectCustomKeyStore |

    @op:DisconnectCustomKeyStore @cond:DisconnectCustomKeyStore.05 @xks
    Examples: DisconnectCustomKeyStore, external, connected
      | type     | state     | operation                |
      | external | CONNECTED | DisconnectCustomKeyStore |

    @op:DisconnectCustomKeyStore @cond:DisconnectCustomKeyStore.06 @cloudhsm
    Examples: DisconnectCustomKeyStore, CloudHSM, connecting
      | type     | state      | operation                |
      | CloudHSM | CONNECTING | DisconnectCustomKeyStore |

    @op:DisconnectCustomKeyStore @cond:DisconnectCustomKeyStore.06 @xks
    Examples: DisconnectCustomKeyStore, external, connecting
      | type     | state      | operation                |
      | external | CONNECTING | DisconnectCustomKeyStore |

    @op:DisconnectCustomKeyStore @cond:DisconnectCustomKeyStore.07 @cloudhsm
    Examples: DisconnectCustomKeyStore, CloudHSM, failed
      | type     | state  | operation                |
      | CloudHSM | FAILED | DisconnectCustomKeyStore |

    @op:DisconnectCustomKeyStore @cond:DisconnectCustomKeyStore.07 @xks
    Examples: DisconnectCustomKeyStore, external, failed
      | type     | state  | operation                |
      | external | FAILED | DisconnectCustomKeyStore |

    @op:DeleteCustomKeyStore @cond:DeleteCustomKeyStore.09 @cloudhsm
    Examples: DeleteCustomKeyStore, CloudHSM, disconnected
      | type     | state        | operation            |
      | CloudHSM | DISCONNECTED | DeleteCustomKeyStore |

    @op:DeleteCustomKeyStore @cond:DeleteCustomKeyStore.09 @xks
    Examples: DeleteCustomKeyStore, external, disconnected
      | type     | state        | operation            |
      | external | DISCONNECTED | DeleteCustomKeyStore |

    @op:UpdateCustomKeyStore @cond:UpdateCustomKeyStore.04 @cloudhsm
    Examples: UpdateCustomKeyStore with a new name, CloudHSM, connected or disconnected
      | type     | state        | operation                            |
      | CloudHSM | CONNECTED    | UpdateCustomKeyStore with a new name |
      | CloudHSM | DISCONNECTED | UpdateCustomKeyStore with a new name |

    @op:UpdateCustomKeyStore @cond:UpdateCustomKeyStore.07 @xks
    Examples: UpdateCustomKeyStore with a new name, external, connected or disconnected
      | type     | state        | operation                            |
      | external | CONNECTED    | UpdateCustomKeyStore with a new name |
      | external | DISCONNECTED | UpdateCustomKeyStore with a new name |

    @op:UpdateCustomKeyStore @cond:UpdateCustomKeyStore.36 @cloudhsm
    Examples: UpdateCustomKeyStore with another property, CloudHSM, disconnected
      | type     | state        | operation                                  |
      | CloudHSM | DISCONNECTED | UpdateCustomKeyStore with another property |

    @op:UpdateCustomKeyStore @cond:UpdateCustomKeyStore.36 @xks
    Examples: UpdateCustomKeyStore with another property, external, disconnected
      | type     | state        | operation                                  |
      | external | DISCONNECTED | UpdateCustomKeyStore with another property |

    @op:CreateKey @cond:DescribeCustomKeyStores.09 @cloudhsm
    Examples: CreateKey, CloudHSM, connected
      | type     | state     | operation |
      | CloudHSM | CONNECTED | CreateKey |

    @op:CreateKey @cond:DescribeCustomKeyStores.09 @xks
    Examples: CreateKey, external, connected
      | type     | state     | operation |
      | external | CONNECTED | CreateKey |

    @op:GenerateRandom @cond:GenerateRandom.06 @cloudhsm
    Examples: GenerateRandom, CloudHSM, connected
      | type     | state     | operation      |
      | CloudHSM | CONNECTED | GenerateRandom |

    @op:DescribeCustomKeyStores @cond:DescribeCustomKeyStores.07 @cloudhsm
    Examples: DescribeCustomKeyStores, CloudHSM, connected or connecting or failed or disconnected or disconnecting
      | type     | state         | operation               |
      | CloudHSM | CONNECTED     | DescribeCustomKeyStores |
      | CloudHSM | CONNECTING    | DescribeCustomKeyStores |
      | CloudHSM | FAILED        | DescribeCustomKeyStores |
      | CloudHSM | DISCONNECTED  | DescribeCustomKeyStores |
      | CloudHSM | DISCONNECTING | DescribeCustomKeyStores |

    @op:DescribeCustomKeyStores @cond:DescribeCustomKeyStores.07 @xks
    Examples: DescribeCustomKeyStores, external, connected or connecting or failed or disconnected or disconnecting
      | type     | state         | operation               |
      | external | CONNECTED     | DescribeCustomKeyStores |
      | external | CONNECTING    | DescribeCustomKeyStores |
      | external | FAILED        | DescribeCustomKeyStores |
      | external | DISCONNECTED  | DescribeCustomKeyStores |
      | external | DISCONNECTING | DescribeCustomKeyStores |

  @error:CustomKeyStoreInvalidStateException
  Scenario Outline: <operation> is refused while the key store is <state> (<type>)
    Given a <type> key store that is <state>
    When I call <operation> on the key store
    Then the request fails with CustomKeyStoreInvalidStateException
    And the key store still exists and is <state>

    @op:ConnectCustomKeyStore @cond:ConnectCustomKeyStore.03 @cloudhsm
    Examples: ConnectCustomKeyStore, CloudHSM, failed
      | type     | state  | operation             |
      | CloudHSM | FAILED | ConnectCustomKeyStore |

    @op:ConnectCustomKeyStore @cond:ConnectCustomKeyStore.03 @xks
    Examples: ConnectCustomKeyStore, external, failed
      | type     | state  | operation             |
      | external | FAILED | ConnectCustomKeyStore |

    @op:ConnectCustomKeyStore @cond:ConnectCustomKeyStore.04 @cloudhsm
    Examples: ConnectCustomKeyStore, CloudHSM, disconnecting
      | type     | state         | operation             |
      | CloudHSM | DISCONNECTING | ConnectCustomKeyStore |

    @op:ConnectCustomKeyStore @cond:ConnectCustomKeyStore.04 @xks
    Examples: ConnectCustomKeyStore, external, disconnecting
      | type     | state         | operation             |
      | external | DISCONNECTING | ConnectCustomKeyStore |

    @op:DisconnectCustomKeyStore @cond:DisconnectCustomKeyStore.03 @cloudhsm
    Examples: DisconnectCustomKeyStore, CloudHSM, disconnected
      | type     | state        | operation                |
      | CloudHSM | DISCONNECTED | DisconnectCustomKeyStore |

    @op:DisconnectCustomKeyStore @cond:DisconnectCustomKeyStore.03 @xks
    Examples: DisconnectCustomKeyStore, external, disconnected
      | type     | state        | operation                |
      | external | DISCONNECTED | DisconnectCustomKeyStore |

    @op:DisconnectCustomKeyStore @cond:DisconnectCustomKeyStore.04 @cloudhsm
    Examples: DisconnectCustomKeyStore, CloudHSM, disconnecting
      | type     | state         | operation                |
      | CloudHSM | DISCONNECTING | DisconnectCustomKeyStore |

    @op:DisconnectCustomKeyStore @cond:DisconnectCustomKeyStore.04 @xks
    Examples: DisconnectCustomKeyStore, external, disconnecting
      | type     | state         | operation                |
      | external | DISCONNECTING | DisconnectCustomKeyStore |

    @op:DeleteCustomKeyStore @cond:DeleteCustomKeyStore.03 @cloudhsm
    Examples: DeleteCustomKeyStore, CloudHSM, connected
      | type     | state     | operation            |
      | CloudHSM | CONNECTED | DeleteCustomKeyStore |

    @op:DeleteCustomKeyStore @cond:DeleteCustomKeyStore.03 @xks
    Examples: DeleteCustomKeyStore, external, connected
      | type     | state     | operation            |
      | external | CONNECTED | DeleteCustomKeyStore |

    @op:DeleteCustomKeyStore @cond:DeleteCustomKeyStore.04 @cloudhsm
    Examples: DeleteCustomKeyStore, CloudHSM, connecting
      | type     | state      | operation            |
      | CloudHSM | CONNECTING | DeleteCustomKeyStore |

    @op:DeleteCustomKeyStore @cond:DeleteCustomKeyStore.04 @xks
    Examples: DeleteCustomKeyStore, external, connecting
      | type     | state      | operation            |
      | external | CONNECTING | DeleteCustomKeyStore |

    @op:DeleteCustomKeyStore @cond:DeleteCustomKeyStore.05 @cloudhsm
    Examples: DeleteCustomKeyStore, CloudHSM, failed
      | type     | state  | operation            |
      | CloudHSM | FAILED | DeleteCustomKeyStore |

    @op:DeleteCustomKeyStore @cond:DeleteCustomKeyStore.05 @xks
    Examples: DeleteCustomKeyStore, external, failed
      | type     | state  | operation            |
      | external | FAILED | DeleteCustomKeyStore |

    @op:DeleteCustomKeyStore @cond:DeleteCustomKeyStore.06 @cloudhsm
    Examples: DeleteCustomKeyStore, CloudHSM, disconnecting
      | type     | state         | operation            |
      | CloudHSM | DISCONNECTING | DeleteCustomKeyStore |

    @op:DeleteCustomKeyStore @cond:DeleteCustomKeyStore.06 @xks
    Examples: DeleteCustomKeyStore, external, disconnecting
      | type     | state         | operation            |
      | external | DISCONNECTING | DeleteCustomKeyStore |

    @op:UpdateCustomKeyStore @cond:UpdateCustomKeyStore.14 @cloudhsm
    Examples: UpdateCustomKeyStore with a new name, CloudHSM, connecting or failed or disconnecting
      | type     | state         | operation                            |
      | CloudHSM | CONNECTING    | UpdateCustomKeyStore with a new name |
      | CloudHSM | FAILED        | UpdateCustomKeyStore with a new name |
      | CloudHSM | DISCONNECTING | UpdateCustomKeyStore with a new name |

    @op:UpdateCustomKeyStore @cond:UpdateCustomKeyStore.14 @xks
    Examples: UpdateCustomKeyStore with a new name, external, connecting or failed or disconnecting
      | type     | state         | operation                            |
      | external | CONNECTING    | UpdateCustomKeyStore with a new name |
      | external | FAILED        | UpdateCustomKeyStore with a new name |
      | external | DISCONNECTING | UpdateCustomKeyStore with a new name |

    @op:UpdateCustomKeyStore @cond:UpdateCustomKeyStore.05 @cloudhsm
    Examples: UpdateCustomKeyStore with another property, CloudHSM, connected
      | type     | state     | operation                                  |
      | CloudHSM | CONNECTED | UpdateCustomKeyStore with another property |

    @op:UpdateCustomKeyStore @cond:UpdateCustomKeyStore.10 @xks
    Examples: UpdateCustomKeyStore with another property, external, connected
      | type     | state     | operation                                  |
      | external | CONNECTED | UpdateCustomKeyStore with another property |

    @op:UpdateCustomKeyStore @cond:UpdateCustomKeyStore.14 @cond:UpdateCustomKeyStore.05 @cloudhsm
    Examples: UpdateCustomKeyStore with another property, CloudHSM, connecting or failed or disconnecting
      | type     | state         | operation                                  |
      | CloudHSM | CONNECTING    | UpdateCustomKeyStore with another property |
      | CloudHSM | FAILED        | UpdateCustomKeyStore with another property |
      | CloudHSM | DISCONNECTING | UpdateCustomKeyStore with another property |

    @op:UpdateCustomKeyStore @cond:UpdateCustomKeyStore.14 @cond:UpdateCustomKeyStore.10 @xks
    Examples: UpdateCustomKeyStore with another property, external, connecting or failed or disconnecting
      | type     | state         | operation                                  |
      | external | CONNECTING    | UpdateCustomKeyStore with another property |
      | external | FAILED        | UpdateCustomKeyStore with another property |
      | external | DISCONNECTING | UpdateCustomKeyStore with another property |

    @op:CreateKey @cond:CreateKey.24 @cond:DescribeCustomKeyStores.09 @cloudhsm
    Examples: CreateKey, CloudHSM, connecting or failed or disconnected or disconnecting
      | type     | state         | operation |
      | CloudHSM | CONNECTING    | CreateKey |
      | CloudHSM | FAILED        | CreateKey |
      | CloudHSM | DISCONNECTED  | CreateKey |
      | CloudHSM | DISCONNECTING | CreateKey |

    @op:CreateKey @cond:CreateKey.24 @cond:DescribeCustomKeyStores.09 @xks
    Examples: CreateKey, external, connecting or failed or disconnected or disconnecting
      | type     | state         | operation |
      | external | CONNECTING    | CreateKey |
      | external | FAILED        | CreateKey |
      | external | DISCONNECTED  | CreateKey |
      | external | DISCONNECTING | CreateKey |

    @op:GenerateRandom @cond:GenerateRandom.05 @cloudhsm
    Examples: GenerateRandom, CloudHSM, connecting or failed or disconnected or disconnecting
      | type     | state         | operation      |
      | CloudHSM | CONNECTING    | GenerateRandom |
      | CloudHSM | FAILED        | GenerateRandom |
      | CloudHSM | DISCONNECTED  | GenerateRandom |
      | CloudHSM | DISCONNECTING | GenerateRandom |
