@op:GenerateDataKey
Feature: GenerateDataKey
  GenerateDataKey returns a fresh data key twice: in the clear, to encrypt data
  locally, and encrypted under a symmetric encryption KMS key, to store beside
  that data. Its size comes from KeySpec or NumberOfBytes, exactly one of the
  two. Decrypt turns the CiphertextBlob back into the data key, given the same
  encryption context. Every check here uses crypto of its own: the data key
  encrypts a message with AES-GCM locally, and the key KMS recovers from the
  CiphertextBlob decrypts it.

  Background:
    Given a KMS key whose origin is AWS_KMS

  Scenario Outline: A data key of <size> is <length> bytes long
    When I generate a data key with <size>
    Then the request succeeds
    And the data key is <length> bytes long
    And the CiphertextBlob decrypts through KMS to the data key

    @cond:GenerateDataKey.03
    Examples: KeySpec
      | size            | length |
      | KeySpec AES_256 | 32     |
      | KeySpec AES_128 | 16     |

    @cond:GenerateDataKey.04
    Examples: NumberOfBytes, 1 to 1024
      | size               | length |
      | NumberOfBytes 1    | 1      |
      | NumberOfBytes 32   | 32     |
      | NumberOfBytes 1024 | 1024   |

  @cond:GenerateDataKey.01
  Scenario: A request that gives neither KeySpec nor NumberOfBytes is refused
    When I call GenerateDataKey giving neither KeySpec nor NumberOfBytes
    Then the request fails with a client error

  @cond:GenerateDataKey.02
  Scenario: A request that gives both KeySpec and NumberOfBytes is refused
    When I call GenerateDataKey giving both KeySpec and NumberOfBytes
    Then the request fails with a client error

  @cond:GenerateDataKey.14
  Scenario: The response holds the data key in the clear and encrypted, and names the key
    When I generate a data key with KeySpec AES_256
    Then the request succeeds
    And the response holds the data key in the clear and encrypted, and names the key by its ARN and its key material

  @cond:GenerateDataKey.13
  Scenario: A data key encrypts locally, and KMS recovers it from the CiphertextBlob
    When I generate a data key with KeySpec AES_256
    Then the request succeeds
    And a message encrypted locally with AES-GCM under the data key decrypts with the key KMS recovers from the CiphertextBlob

  @cond:GenerateDataKey.13
  Scenario: The CiphertextBlob decrypts only with the encryption context it was made with
    When I call GenerateDataKey with an encryption context
    Then the request succeeds
    And the encrypted key decrypts through KMS only with the same encryption context

  @cond:GenerateDataKey.15
  Scenario: Every call returns a new data key
    Given a data key has been generated with the key
    When I generate a data key with KeySpec AES_256
    Then the request succeeds
    And the data key differs from the one generated before

  @untestable @cond:GenerateDataKey.05
  Scenario: In the China Regions a 16-byte data key is an SM4 key
    Given a condition the public API cannot produce: SM4 data keys exist only in the China Regions (aws-cn), and a 16-byte SM4 key is indistinguishable from a 16-byte AES key by its bytes

  @untestable @cond:GenerateDataKey.16
  Scenario: With a Recipient, the data key comes back encrypted for a Nitro enclave
    Given a condition the public API cannot produce: only a Nitro enclave can produce a signed attestation document, so no scenario can give a valid Recipient

  @xks @cond:GenerateDataKey.24 @error:KMSInvalidStateException
  Scenario: A key whose external key was disabled cannot generate data keys
    Given an external key store that is CONNECTED
    And a KMS key in the key store
    And the key store's backing has a defect: the external key is disabled
    When I generate a data key with KeySpec AES_256
    Then the request fails with KMSInvalidStateException

  @cond:GenerateDataKey.12
  Scenario Outline: A key in a connected <type> key store generates data keys
    Given a KMS key whose origin is <origin>
    When I generate a data key with KeySpec AES_256
    Then the request succeeds
    And the CiphertextBlob decrypts through KMS to the data key

    @cloudhsm
    Examples: CloudHSM
      | type     | origin       |
      | CloudHSM | AWS_CLOUDHSM |

    @xks
    Examples: external
      | type     | origin             |
      | external | EXTERNAL_KEY_STORE |
