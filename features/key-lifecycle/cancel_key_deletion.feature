@op:CancelKeyDeletion
Feature: CancelKeyDeletion
  Cancelling the scheduled deletion of a KMS key ends its waiting period. The
  key does not go back to what it was: it comes back Disabled, and must be
  enabled before it can be used again. Only a key that is pending deletion has
  a deletion to cancel.

  @error:NotFoundException @cond:CancelKeyDeletion.01
  Scenario: The deletion of a key that does not exist cannot be cancelled
    When I cancel the deletion of a key that does not exist
    Then the request fails with NotFoundException

  @error:InvalidArnException @cond:CancelKeyDeletion.02
  Scenario: A malformed key ARN is rejected
    When I cancel the deletion of a key named by a malformed key ARN
    Then the request fails with InvalidArnException

  @cross-account @cond:CancelKeyDeletion.03
  Scenario: Another account cannot cancel the deletion of a key
    Given a KMS key with origin AWS_KMS in state PendingDeletion
    When the second account tries to cancel the deletion of the key by its key ARN
    Then the request fails with a client error
    And the key is still PendingDeletion with the same deletion date

  @cond:CancelKeyDeletion.04
  Scenario: A key whose deletion is cancelled comes back disabled
    Given a KMS key with origin AWS_KMS in state PendingDeletion
    When I cancel the deletion of the key
    Then the cancellation response names the key by its ARN
    And the key is Disabled with its Enabled flag false
    And the key is no longer pending deletion

  @error:KMSInvalidStateException
  Scenario Outline: A key that is <state> has no deletion to cancel (<origin>)
    Given a KMS key with origin <origin> in state <state>
    When I cancel the deletion of the key
    Then the request fails with KMSInvalidStateException
    And the key is <state>

    @cond:CancelKeyDeletion.06
    Examples: enabled
      | origin  | state   |
      | AWS_KMS | Enabled |

    @cond:CancelKeyDeletion.07
    Examples: disabled
      | origin  | state    |
      | AWS_KMS | Disabled |

    @cond:CancelKeyDeletion.08
    Examples: waiting for its key material
      | origin   | state         |
      | EXTERNAL | PendingImport |

    @cond:CancelKeyDeletion.09 @cloudhsm
    Examples: in a disconnected CloudHSM key store
      | origin       | state       |
      | AWS_CLOUDHSM | Unavailable |

    @cond:CancelKeyDeletion.09 @xks
    Examples: in a disconnected external key store
      | origin             | state       |
      | EXTERNAL_KEY_STORE | Unavailable |

  @cond:CancelKeyDeletion.12
  Scenario Outline: A key pending deletion stays PendingDeletion when its key store is disconnected (<type>)
    Given a <type> key store that is CONNECTED
    And a KMS key in the key store
    And the key is scheduled for deletion
    And the key store has been disconnected
    When I describe the key
    Then the request succeeds
    And the key is PendingDeletion

    @cloudhsm
    Examples: CloudHSM
      | type     |
      | CloudHSM |

    @xks
    Examples: external
      | type     |
      | external |

  @cond:CancelKeyDeletion.12
  Scenario Outline: The deletion of a key in a disconnected key store can still be cancelled (<type>)
    Given a <type> key store that is CONNECTED
    And a KMS key in the key store
    And the key is scheduled for deletion
    And the key store has been disconnected
    When I cancel the deletion of the key
    Then the cancellation response names the key by its ARN
    And the key is no longer pending deletion
    And once the key store is connected again, the key is Disabled

    @cloudhsm
    Examples: CloudHSM
      | type     |
      | CloudHSM |

    @xks
    Examples: external
      | type     |
      | external |
