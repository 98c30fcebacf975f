@op:GenerateRandom
Feature: GenerateRandom
  GenerateRandom returns a random byte string of the length asked for, from
  1 to 1024 bytes. It uses no KMS key. Given a CloudHSM key store, the bytes
  come from the store's cluster, which must be connected; an external key
  store cannot be used.

  # Real KMS was recorded answering ValidationException (realkms GenerateRandom.number-of-bytes-missing).
  @error:ValidationException @cond:GenerateRandom.01
  Scenario: The number of bytes must be given
    When I ask for random bytes without saying how many
    Then the request fails with ValidationException

  @cond:GenerateRandom.02
  Scenario Outline: <n> random bytes are exactly <n> bytes
    When I ask for <n> random bytes
    Then the request succeeds
    And the answer holds <n> bytes

    Examples:
      | n    |
      | 1    |
      | 32   |
      | 1024 |

  @cond:GenerateRandom.02
  Scenario: Random bytes do not repeat and follow no pattern
    When I ask for 64 random bytes
    Then the request succeeds
    And the answer holds 64 bytes with no visible pattern
    And a second request for 64 random bytes answers different bytes

  @error:CustomKeyStoreNotFoundException @cond:GenerateRandom.03
  Scenario: A custom key store that does not exist cannot generate random bytes
    When I ask for 32 random bytes from a custom key store that does not exist
    Then the request fails with CustomKeyStoreNotFoundException

  @error:UnsupportedOperationException @cond:GenerateRandom.04 @xks
  Scenario: An external key store cannot generate random bytes
    Given a external key store that is CONNECTED
    When I ask for 32 random bytes from the key store
    Then the request fails with UnsupportedOperationException

  @error:CustomKeyStoreInvalidStateException @cond:GenerateRandom.05 @cloudhsm
  Scenario Outline: A CloudHSM key store that is <state> cannot generate random bytes
    Given a CloudHSM key store that is <state>
    When I ask for 32 random bytes from the key store
    Then the request fails with CustomKeyStoreInvalidStateException
    And the key store still exists and is <state>

    Examples:
      | state         |
      | DISCONNECTED  |
      | CONNECTING    |
      | FAILED        |
      | DISCONNECTING |

  @cond:GenerateRandom.06 @cloudhsm
  Scenario: A connected CloudHSM key store generates random bytes
    Given a CloudHSM key store that is CONNECTED
    When I ask for 48 random bytes from the key store
    Then the request succeeds
    And the answer holds 48 bytes with no visible pattern

  @untestable @cond:GenerateRandom.07
  Scenario: Random bytes for a Nitro enclave come encrypted to the enclave
    Given a condition the public API cannot produce: a Recipient needs an attestation document signed by an AWS Nitro enclave, which only such an enclave can produce

  @cond:GenerateRandom.08
  Scenario: An account without any KMS key can generate random bytes
    Given an account of my own with no KMS keys
    When I ask for 32 random bytes
    Then the request succeeds
    And the answer holds 32 bytes with no visible pattern

  @fault @error:DependencyTimeoutException @cond:GenerateRandom.09
  Scenario: A dependency timeout is reported as such
    Given a request for 32 random bytes has been answered in full
    And the endpoint answers every GenerateRandom request with DependencyTimeoutException
    When I ask for 32 random bytes
    Then the request fails with DependencyTimeoutException

  @fault @error:KMSInternalException @cond:GenerateRandom.10
  Scenario: An internal error is reported as such
    Given a request for 32 random bytes has been answered in full
    And the endpoint answers every GenerateRandom request with KMSInternalException
    When I ask for 32 random bytes
    Then the request fails with KMSInternalException
