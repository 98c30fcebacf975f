@op:DisableKey
Feature: DisableKey
  Disabling a KMS key stops its use in cryptographic operations until it is
  enabled again; nothing else about the key changes. A key that is pending
  deletion or still waiting for its key material cannot be disabled. A key in
  a disconnected custom key store can: the change shows once the key is
  available again.

  @error:NotFoundException @cond:DisableKey.01
  Scenario: A key that does not exist cannot be disabled
    When I disable a key that does not exist
    Then the request fails with NotFoundException

  @error:InvalidArnException @cond:DisableKey.02
  Scenario: A malformed key ARN is rejected
    When I disable a key named by a malformed key ARN
    Then the request fails with InvalidArnException

  @cross-account @cond:DisableKey.03
  Scenario: Another account cannot disable a key
    Given a KMS key with origin AWS_KMS in state Enabled
    When the second account tries to disable the key by its key ARN
    Then the request fails with a client error
    And the key is Enabled

  @cond:DisableKey.04
  Scenario: An enabled key becomes disabled
    Given a KMS key with origin AWS_KMS in state Enabled
    When I disable the key
    Then the request succeeds with an empty response
    And the key is Disabled with its Enabled flag false

  @cond:DisableKey.05
  Scenario: Disabling a disabled key changes nothing
    Given a KMS key with origin AWS_KMS in state Disabled
    When I disable the key
    Then the request succeeds with an empty response
    And the key is Disabled with its Enabled flag false

  @error:KMSInvalidStateException @cond:DisableKey.06
  Scenario: A key pending deletion cannot be disabled
    Given a KMS key with origin AWS_KMS in state PendingDeletion
    When I disable the key
    Then the request fails with KMSInvalidStateException
    And the key is still PendingDeletion with the same deletion date

  @error:KMSInvalidStateException @cond:DisableKey.07
  Scenario: A key waiting for its key material cannot be disabled
    Given a KMS key with origin EXTERNAL in state PendingImport
    When I disable the key
    Then the request fails with KMSInvalidStateException
    And the key is PendingImport

  @cond:DisableKey.08
  Scenario Outline: Disabling a key of a disconnected key store takes effect once it is connected again (<type>)
    Given a <type> key store that is CONNECTED
    And a KMS key in the key store
    And the key store has been disconnected
    When I disable the key
    Then the request succeeds
    And the key is Unavailable
    And once the key store is connected again, the key is Disabled

    @cloudhsm
    Examples: CloudHSM
      | type     |
      | CloudHSM |

    @xks
    Examples: external
      | type     |
      | external |

  @cond:DisableKey.11
  Scenario: A disabled key cannot encrypt
    Given a KMS key with origin AWS_KMS in state Disabled
    When I encrypt a message with the key
    Then the request fails with DisabledException
