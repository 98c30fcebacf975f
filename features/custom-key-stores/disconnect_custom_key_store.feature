@op:DisconnectCustomKeyStore
Feature: DisconnectCustomKeyStore
  Disconnecting a custom key store cuts KMS off from its backing key store. It
  is valid in every ConnectionState except DISCONNECTING and DISCONNECTED, and
  is the first step to recover a store whose connection failed. While a store
  is disconnected its keys are Unavailable: they can be viewed and managed but
  not used.

  @error:CustomKeyStoreNotFoundException @cond:DisconnectCustomKeyStore.01
  Scenario: A key store that does not exist cannot be disconnected
    When I disconnect a custom key store that does not exist
    Then the request fails with CustomKeyStoreNotFoundException

  @cross-account @cond:DisconnectCustomKeyStore.02
  Scenario Outline: Another account cannot disconnect a key store (<type>)
    Given a <type> key store that is CONNECTED
    When the second account disconnects the key store by its ID
    Then the request fails with a client error
    And the key store still exists and is CONNECTED

    @cloudhsm
    Examples: CloudHSM
      | type     |
      | CloudHSM |

    @xks
    Examples: external
      | type     |
      | external |

  @error:CustomKeyStoreInvalidStateException
  Scenario Outline: A key store that is <state> cannot be disconnected (<type>)
    Given a <type> key store that is <state>
    When I disconnect the key store
    Then the request fails with CustomKeyStoreInvalidStateException
    And the key store still exists and is <state>

    @cond:DisconnectCustomKeyStore.03 @cloudhsm
    Examples: CloudHSM, disconnected
      | type     | state        |
      | CloudHSM | DISCONNECTED |

    @cond:DisconnectCustomKeyStore.03 @xks
    Examples: external, disconnected
      | type     | state        |
      | external | DISCONNECTED |

    @cond:DisconnectCustomKeyStore.04 @cloudhsm
    Examples: CloudHSM, disconnecting
      | type     | state         |
      | CloudHSM | DISCONNECTING |

    @cond:DisconnectCustomKeyStore.04 @xks
    Examples: external, disconnecting
      | type     | state         |
      | external | DISCONNECTING |

  Scenario Outline: A key store that is <state> can be disconnected (<type>)
    Given a <type> key store that is <state>
    When I disconnect the key store
    Then the request succeeds with an empty response
    And the key store becomes DISCONNECTED

    @cond:DisconnectCustomKeyStore.05 @cloudhsm
    Examples: CloudHSM, connected
      | type     | state     |
      | CloudHSM | CONNECTED |

    @cond:DisconnectCustomKeyStore.05 @xks
    Examples: external, connected
      | type     | state     |
      | external | CONNECTED |

    @cond:DisconnectCustomKeyStore.06 @cloudhsm
    Examples: CloudHSM, connecting
      | type     | state      |
      | CloudHSM | CONNECTING |

    @cond:DisconnectCustomKeyStore.06 @xks
    Examples: external, connecting
      | type     | state      |
      | external | CONNECTING |

    @cond:DisconnectCustomKeyStore.07 @cloudhsm
    Examples: CloudHSM, failed
      | type     | state  |
      | CloudHSM | FAILED |

    @cond:DisconnectCustomKeyStore.07 @xks
    Examples: external, failed
      | type     | state  |
      | external | FAILED |

  @cond:DisconnectCustomKeyStore.08
  Scenario Outline: A key in a disconnected key store is Unavailable but can still be viewed (<type>)
    Given a <type> key store that is CONNECTED
    And a KMS key in the key store
    And the key store has been disconnected
    When I describe the key
    Then the request succeeds
    And the key is Unavailable

    @cloudhsm
    Examples: CloudHSM
      | type     |
      | CloudHSM |

    @xks
    Examples: external
      | type     |
      | external |

  @cond:DisconnectCustomKeyStore.08
  Scenario Outline: A key in a disconnected key store cannot be used for cryptography (<type>)
    Given a <type> key store that is CONNECTED
    And a KMS key in the key store
    And the key store has been disconnected
    When I encrypt a message with the key
    Then the request fails with KMSInvalidStateException

    @cloudhsm
    Examples: CloudHSM
      | type     |
      | CloudHSM |

    @xks
    Examples: external
      | type     |
      | external |

  @cond:DisconnectCustomKeyStore.08
  Scenario Outline: No key can be created in a disconnected key store (<type>)
    Given a <type> key store that is CONNECTED
    And the key store has been disconnected
    When I create a KMS key in the key store
    Then the request fails with CustomKeyStoreInvalidStateException

    @cloudhsm
    Examples: CloudHSM
      | type     |
      | CloudHSM |

    @xks
    Examples: external
      | type     |
      | external |
