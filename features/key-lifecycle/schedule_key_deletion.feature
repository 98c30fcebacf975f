@op:ScheduleKeyDeletion
Feature: ScheduleKeyDeletion
  Scheduling the deletion of a KMS key starts a waiting period of 7 to 30
  days (30 unless the caller names one). Meanwhile the key is PendingDeletion:
  it cannot be used, and its deletion can still be cancelled. When the period
  ends, KMS deletes the key for good.

  @error:NotFoundException @cond:ScheduleKeyDeletion.01
  Scenario: Deletion of a key that does not exist cannot be scheduled
    When I schedule deletion of a key that does not exist
    Then the request fails with NotFoundException

  @error:InvalidArnException @cond:ScheduleKeyDeletion.02
  Scenario: A malformed key ARN is rejected
    When I schedule deletion of a key named by a malformed key ARN
    Then the request fails with InvalidArnException

  @cross-account @cond:ScheduleKeyDeletion.03
  Scenario: Another account cannot schedule the deletion of a key
    Given a KMS key with origin AWS_KMS in state Enabled
    When the second account tries to schedule deletion of the key by its key ARN
    Then the request fails with a client error
    And the key is Enabled

  @cond:ScheduleKeyDeletion.04
  Scenario: An enabled key becomes PendingDeletion, and the answer says until when
    Given a KMS key with origin AWS_KMS in state Enabled
    When I schedule deletion of the key with a waiting period of 7 days
    Then the response reports the key PendingDeletion with a waiting period of 7 days
    And the key is PendingDeletion, to be deleted in 7 days

  Scenario Outline: A key that is <state> becomes PendingDeletion
    Given a KMS key with origin <origin> in state <state>
    When I schedule deletion of the key with a waiting period of 10 days
    Then the response reports the key PendingDeletion with a waiting period of 10 days
    And the key is PendingDeletion, to be deleted in 10 days

    @cond:ScheduleKeyDeletion.05
    Examples: disabled
      | origin  | state    |
      | AWS_KMS | Disabled |

    @cond:ScheduleKeyDeletion.06
    Examples: waiting for its key material
      | origin   | state         |
      | EXTERNAL | PendingImport |

  @cond:ScheduleKeyDeletion.07
  Scenario Outline: A key of a disconnected key store becomes PendingDeletion (<type>)
    Given a <type> key store that is CONNECTED
    And a KMS key in the key store
    And the key store has been disconnected
    When I schedule deletion of the key with a waiting period of 7 days
    Then the response reports the key PendingDeletion with a waiting period of 7 days
    And the key is PendingDeletion, to be deleted in 7 days

    @cloudhsm
    Examples: CloudHSM
      | type     |
      | CloudHSM |

    @xks
    Examples: external
      | type     |
      | external |

  @error:KMSInvalidStateException @cond:ScheduleKeyDeletion.09
  Scenario: Deletion cannot be scheduled twice
    Given a KMS key with origin AWS_KMS in state PendingDeletion
    When I schedule deletion of the key with a waiting period of 30 days
    Then the request fails with KMSInvalidStateException
    And the key is still PendingDeletion with the same deletion date

  @cond:ScheduleKeyDeletion.11
  Scenario: Without a waiting period the key waits 30 days
    Given a KMS key with origin AWS_KMS in state Enabled
    When I schedule deletion of the key without naming a waiting period
    Then the response reports the key PendingDeletion with a waiting period of 30 days
    And the key is PendingDeletion, to be deleted in 30 days

  @cond:ScheduleKeyDeletion.12
  Scenario Outline: A waiting period of <days> days is refused
    Given a KMS key with origin AWS_KMS in state Enabled
    When I schedule deletion of the key with a waiting period of <days> days
    Then the request fails with a client error
    And the key is Enabled

    Examples: shorter than 7 days
      | days |
      | 1    |
      | 6    |

    Examples: longer than 30 days
      | days |
      | 31   |
      | 365  |

  @cond:ScheduleKeyDeletion.14
  Scenario: A key pending deletion cannot encrypt
    Given a KMS key with origin AWS_KMS in state PendingDeletion
    When I encrypt a message with the key
    Then the request fails with either KMSInvalidStateException or DisabledException
