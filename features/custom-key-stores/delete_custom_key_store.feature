@op:DeleteCustomKeyStore
Feature: DeleteCustomKeyStore
  Deleting a custom key store removes KMS's record of it and nothing else. KMS
  allows it only for a store that is disconnected and no longer holds KMS keys,
  including keys that are merely scheduled for deletion.

  @error:CustomKeyStoreNotFoundException @cond:DeleteCustomKeyStore.01
  Scenario: A key store that does not exist cannot be deleted
    When I delete a custom key store that does not exist
    Then the request fails with CustomKeyStoreNotFoundException

  @cross-account @cond:DeleteCustomKeyStore.02
  Scenario Outline: Another account cannot delete a key store (<type>)
    Given a <type> key store that is DISCONNECTED
    When the second account deletes the key store by its ID
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
  Scenario Outline: A key store that is <state> cannot be deleted (<type>)
    Given a <type> key store that is <state>
    When I delete the key store
    Then the request fails with CustomKeyStoreInvalidStateException
    And the key store still exists and is <state>

    @cond:DeleteCustomKeyStore.03 @cloudhsm
    Examples: CloudHSM, connected
      | type     | state     |
      | CloudHSM | CONNECTED |

    @cond:DeleteCustomKeyStore.03 @xks
    Examples: external, connected
      | type     | state     |
      | external | CONNECTED |

    @cond:DeleteCustomKeyStore.04 @cloudhsm
    Examples: CloudHSM, connecting
      | type     | state      |
      | CloudHSM | CONNECTING |

    @cond:DeleteCustomKeyStore.04 @xks
    Examples: external, connecting
      | type     | state      |
      | external | CONNECTING |

    @cond:DeleteCustomKeyStore.05 @cloudhsm
    Examples: CloudHSM, failed
      | type     | state  |
      | CloudHSM | FAILED |

    @cond:DeleteCustomKeyStore.05 @xks
    Examples: external, failed
      | type     | state  |
      | external | FAILED |

    @cond:DeleteCustomKeyStore.06 @cloudhsm
    Examples: CloudHSM, disconnecting
      | type     | state         |
      | CloudHSM | DISCONNECTING |

    @cond:DeleteCustomKeyStore.06 @xks
    Examples: external, disconnecting
      | type     | state         |
      | external | DISCONNECTING |

  @error:CustomKeyStoreHasCMKsException @cond:DeleteCustomKeyStore.07
  Scenario Outline: A disconnected key store that holds a KMS key cannot be deleted (<type>)
    Given a <type> key store that is CONNECTED
    And a KMS key in the key store
    And the key store has been disconnected
    When I delete the key store
    Then the request fails with CustomKeyStoreHasCMKsException
    And the key store still exists and is DISCONNECTED

    @cloudhsm
    Examples: CloudHSM
      | type     |
      | CloudHSM |

    @xks
    Examples: external
      | type     |
      | external |

  @error:CustomKeyStoreHasCMKsException @cond:DeleteCustomKeyStore.08
  Scenario Outline: A key scheduled for deletion still keeps its key store from being deleted (<type>)
    Given a <type> key store that is CONNECTED
    And a KMS key in the key store
    And the key is scheduled for deletion
    And the key store has been disconnected
    When I delete the key store
    Then the request fails with CustomKeyStoreHasCMKsException
    And the key store still exists and is DISCONNECTED

    @cloudhsm
    Examples: CloudHSM
      | type     |
      | CloudHSM |

    @xks
    Examples: external
      | type     |
      | external |

  @cond:DeleteCustomKeyStore.09
  Scenario Outline: A disconnected key store without keys is deleted (<type>)
    Given a <type> key store that is DISCONNECTED
    When I delete the key store
    Then the request succeeds with an empty response

    @cloudhsm
    Examples: CloudHSM
      | type     |
      | CloudHSM |

    @xks
    Examples: external
      | type     |
      | external |

  @cond:DeleteCustomKeyStore.10
  Scenario Outline: A deleted key store can no longer be found by its ID (<type>)
    Given a <type> key store that is DISCONNECTED
    And the key store has been deleted
    When I look up the key store by its ID
    Then the request fails with CustomKeyStoreNotFoundException

    @cloudhsm
    Examples: CloudHSM
      | type     |
      | CloudHSM |

    @xks
    Examples: external
      | type     |
      | external |

  @cond:DeleteCustomKeyStore.11
  Scenario Outline: Deleting a key store leaves its backing in place (<type>)
    Given a <type> key store that is DISCONNECTED
    And the key store has been deleted
    When I create a new <type> key store on the same backing
    Then the request succeeds
    And the new key store can be connected

    @cloudhsm
    Examples: CloudHSM
      | type     |
      | CloudHSM |

    @xks
    Examples: external
      | type     |
      | external |
