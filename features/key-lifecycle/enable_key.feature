@op:EnableKey
Feature: EnableKey
  Enabling a KMS key lets it be used in cryptographic operations again. A key
  that is pending deletion or still waiting for its key material cannot be
  enabled. A key in a disconnected custom key store can: the change shows once
  the key is available again.

  @error:NotFoundException @cond:EnableKey.01
  Scenario: A key that does not exist cannot be enabled
    When I enable a key that does not exist
    Then the request fails with NotFoundException

  @error:InvalidArnException @cond:EnableKey.02
  Scenario: A malformed key ARN is rejected
    When I enable a key named by a malformed key ARN
    Then the request fails with InvalidArnException

  @cross-account @cond:EnableKey.03
  Scenario: Another account cannot enable a key
    Given a KMS key with origin AWS_KMS in state Disabled
    When the second account tries to enable the key by its key ARN
    Then the request fails with a client error
    And the key is Disabled

  @cond:EnableKey.04
  Scenario: A disabled key becomes enabled
    Given a KMS key with origin AWS_KMS in state Disabled
    When I enable the key
    Then the request succeeds with an empty response
    And the key is Enabled with its Enabled flag true

  @cond:EnableKey.05
  Scenario: Enabling an enabled key changes nothing
    Given a KMS key with origin AWS_KMS in state Enabled
    When I enable the key
    Then the request succeeds with an empty response
    And the key is Enabled with its Enabled flag true

  @error:KMSInvalidStateException @cond:EnableKey.06
  Scenario: A key pending deletion cannot be enabled
    Given a KMS key with origin AWS_KMS in state PendingDeletion
    When I enable the key
    Then the request fails with KMSInvalidStateException
    And the key is still PendingDeletion with the same deletion date

  @error:KMSInvalidStateException @cond:EnableKey.07
  Scenario: A key waiting for its key material cannot be enabled
    Given a KMS key with origin EXTERNAL in state PendingImport
    When I enable the key
    Then the request fails with KMSInvalidStateException
    And the key is PendingImport

  @cond:EnableKey.08
  Scenario Outline: Enabling a key of a disconnected key store takes effect once it is connected again (<type>)
    Given a <type> key store that is CONNECTED
    And a KMS key in the key store
    And the key is Disabled
    And the key store has been disconnected
    When I enable the key
    Then the request succeeds
    And the key is Unavailable
    And once the key store is connected again, the key is Enabled

    @cloudhsm
    Examples: CloudHSM
      | type     |
      | CloudHSM |

    @xks
    Examples: external
      | type     |
      | external |

  @untestable @error:LimitExceededException @cond:EnableKey.11
  Scenario: Enabling a key that would exceed a quota is refused
    Given a condition the public API cannot produce: no documented KMS quota counts enabled keys (every key counts against the key quota from CreateKey on, whatever its state), so no sequence of calls makes EnableKey exceed one
