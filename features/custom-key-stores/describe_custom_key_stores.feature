@op:DescribeCustomKeyStores
Feature: DescribeCustomKeyStores
  DescribeCustomKeyStores shows the custom key stores of the caller's account
  and Region: all of them, page by page, or the one named by its ID or its
  name. Each entry shows the store's configuration and its ConnectionState,
  and, only for a FAILED store, the ConnectionErrorCode that says why. It
  never shows a secret: no kmsuser password, no XKS proxy secret access key.

  @cond:DescribeCustomKeyStores.01
  Scenario Outline: Listing without naming a key store includes every key store (<type>)
    Given a <type> key store that is DISCONNECTED
    When I list the custom key stores without naming one
    Then the request succeeds
    And the list includes the key store

    @cloudhsm
    Examples: CloudHSM
      | type     |
      | CloudHSM |

    @xks
    Examples: external
      | type     |
      | external |

  @cond:DescribeCustomKeyStores.01
  Scenario Outline: A key store's entry shows its configuration but not its secret (<type>)
    Given a <type> key store that is DISCONNECTED
    When I look up the key store by its ID
    Then the request succeeds
    And the entry shows the key store's name, type, backing and creation date
    And the response does not reveal the key store's secret

    @cloudhsm
    Examples: CloudHSM
      | type     |
      | CloudHSM |

    @xks
    Examples: external
      | type     |
      | external |

  @cond:DescribeCustomKeyStores.01
  Scenario Outline: Naming a key store by its <form> returns that key store alone (<type>)
    Given a <type> key store that is DISCONNECTED
    When I look up the key store by its <form>
    Then the request succeeds
    And the response lists the key store and nothing else

    @cloudhsm
    Examples: CloudHSM
      | type     | form |
      | CloudHSM | ID   |
      | CloudHSM | name |

    @xks
    Examples: external
      | type     | form |
      | external | ID   |
      | external | name |

  @error:CustomKeyStoreNotFoundException @cond:DescribeCustomKeyStores.02
  Scenario: Looking up an ID that names no key store fails
    When I look up a custom key store by an ID that names none
    Then the request fails with CustomKeyStoreNotFoundException

  @error:CustomKeyStoreNotFoundException @cond:DescribeCustomKeyStores.03
  Scenario: Looking up a name that names no key store fails
    When I look up a custom key store by a name that names none
    Then the request fails with CustomKeyStoreNotFoundException

  @cond:DescribeCustomKeyStores.04
  Scenario Outline: Naming a key store by both its ID and its name is refused (<type>)
    Given a <type> key store that is DISCONNECTED
    When I look up the key store by both its ID and its name
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

  @error:InvalidMarkerException @cond:DescribeCustomKeyStores.05
  Scenario: A marker that no earlier response gave is refused
    When I list the custom key stores from a marker no response gave
    Then the request fails with InvalidMarkerException

  @cloudhsm @xks @cond:DescribeCustomKeyStores.06
  Scenario: The list comes in pages no longer than the limit, each pointing to the next
    Given a CloudHSM key store and an external key store
    When I list the custom key stores 1 at a time
    Then no page has more than 1 key store
    And every page but the last is truncated and gives the marker of the next
    And the pages list each of the two key stores exactly once

  Scenario Outline: Only a FAILED key store shows a ConnectionErrorCode (<type>, <state>)
    Given a <type> key store that is <state>
    When I look up the key store by its ID
    Then the request succeeds
    And the entry shows the key store as <state> <with or without> a ConnectionErrorCode

    @cond:DescribeCustomKeyStores.07 @cloudhsm
    Examples: CloudHSM
      | type     | state         | with or without |
      | CloudHSM | CONNECTED     | without         |
      | CloudHSM | CONNECTING    | without         |
      | CloudHSM | DISCONNECTED  | without         |
      | CloudHSM | DISCONNECTING | without         |
      | CloudHSM | FAILED        | with            |

    @cond:DescribeCustomKeyStores.07 @xks
    Examples: external
      | type     | state         | with or without |
      | external | CONNECTED     | without         |
      | external | CONNECTING    | without         |
      | external | DISCONNECTED  | without         |
      | external | DISCONNECTING | without         |
      | external | FAILED        | with            |

  @cond:DescribeCustomKeyStores.07
  Scenario Outline: A failed key store loses its ConnectionErrorCode once disconnected (<type>)
    Given a <type> key store that is FAILED
    And the key store has been disconnected
    When I look up the key store by its ID
    Then the request succeeds
    And the entry shows the key store as DISCONNECTED without a ConnectionErrorCode

    @cloudhsm
    Examples: CloudHSM
      | type     |
      | CloudHSM |

    @xks
    Examples: external
      | type     |
      | external |

  @cond:DescribeCustomKeyStores.08
  Scenario Outline: A key store that was never connected is DISCONNECTED (<type>)
    Given a <type> key store that is DISCONNECTED
    When I look up the key store by its ID
    Then the request succeeds
    And the entry shows the key store as DISCONNECTED without a ConnectionErrorCode

    @cloudhsm
    Examples: CloudHSM
      | type     |
      | CloudHSM |

    @xks
    Examples: external
      | type     |
      | external |

  @cond:DescribeCustomKeyStores.08
  Scenario Outline: A key store whose connection failed is FAILED, not DISCONNECTED (<type>)
    Given a <type> key store that is DISCONNECTED
    And the key store's backing has a defect: <defect>
    And the key store has been asked to connect
    When I look up the key store by its ID once it has settled
    Then the request succeeds
    And the entry shows the key store as FAILED with a ConnectionErrorCode

    @cloudhsm
    Examples: CloudHSM
      | type     | defect                     |
      | CloudHSM | the cluster has no kmsuser |

    @xks
    Examples: external
      | type     | defect                   |
      | external | the proxy is unreachable |

  @cond:DescribeCustomKeyStores.08
  Scenario Outline: A connected key store that has been disconnected is DISCONNECTED (<type>)
    Given a <type> key store that is CONNECTED
    And the key store has been disconnected
    When I look up the key store by its ID
    Then the request succeeds
    And the entry shows the key store as DISCONNECTED without a ConnectionErrorCode

    @cloudhsm
    Examples: CloudHSM
      | type     |
      | CloudHSM |

    @xks
    Examples: external
      | type     |
      | external |

  @cond:DescribeCustomKeyStores.09
  Scenario Outline: A key in a connected key store can be used (<type>)
    Given a <type> key store that is CONNECTED
    And a KMS key in the key store
    When I encrypt a message with the key
    Then the request succeeds
    And the ciphertext names the key

    @cloudhsm
    Examples: CloudHSM
      | type     |
      | CloudHSM |

    @xks
    Examples: external
      | type     |
      | external |
