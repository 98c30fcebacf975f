@op:GenerateDataKeyWithoutPlaintext
Feature: GenerateDataKeyWithoutPlaintext
  GenerateDataKeyWithoutPlaintext returns a fresh data key encrypted under a
  symmetric encryption KMS key and never in the clear: a component that only
  stores the key gets it without seeing it, and Decrypt gives it back when it
  is needed. Its size comes from KeySpec or NumberOfBytes, exactly one of the
  two.

  Background:
    Given a KMS key whose origin is AWS_KMS

  @cond:GenerateDataKeyWithoutPlaintext.03 @cond:GenerateDataKeyWithoutPlaintext.14
  Scenario Outline: The encrypted data key of <size> decrypts to <length> bytes
    When I generate a data key without plaintext with <size>
    Then the request succeeds
    And the CiphertextBlob decrypts through KMS to a data key of <length> bytes

    Examples:
      | size               | length |
      | KeySpec AES_256    | 32     |
      | KeySpec AES_128    | 16     |
      | NumberOfBytes 1    | 1      |
      | NumberOfBytes 32   | 32     |
      | NumberOfBytes 1024 | 1024   |

  @cond:GenerateDataKeyWithoutPlaintext.01
  Scenario: A request that gives neither KeySpec nor NumberOfBytes is refused
    When I call GenerateDataKeyWithoutPlaintext giving neither KeySpec nor NumberOfBytes
    Then the request fails with a client error

  @cond:GenerateDataKeyWithoutPlaintext.02
  Scenario: A request that gives both KeySpec and NumberOfBytes is refused
    When I call GenerateDataKeyWithoutPlaintext giving both KeySpec and NumberOfBytes
    Then the request fails with a client error

  @cond:GenerateDataKeyWithoutPlaintext.13
  Scenario: The response holds the data key only encrypted, and names the key
    When I generate a data key without plaintext with KeySpec AES_256
    Then the request succeeds
    And the response holds the data key only encrypted, and names the key by its ARN and its key material

  @cond:GenerateDataKeyWithoutPlaintext.12
  Scenario: The CiphertextBlob decrypts only with the encryption context it was made with
    When I call GenerateDataKeyWithoutPlaintext with an encryption context
    Then the request succeeds
    And the encrypted key decrypts through KMS only with the same encryption context

  @untestable @cond:GenerateDataKeyWithoutPlaintext.04
  Scenario: In the China Regions a 16-byte data key is an SM4 key
    Given a condition the public API cannot produce: SM4 data keys exist only in the China Regions (aws-cn), and a 16-byte SM4 key is indistinguishable from a 16-byte AES key by its bytes

  @xks @cond:GenerateDataKeyWithoutPlaintext.22 @error:KMSInvalidStateException
  Scenario: A key whose external key was disabled cannot generate data keys
    Given an external key store that is CONNECTED
    And a KMS key in the key store
    And the key store's backing has a defect: the external key is disabled
    When I generate a data key without plaintext with KeySpec AES_256
    Then the request fails with KMSInvalidStateException

  @cond:GenerateDataKeyWithoutPlaintext.11
  Scenario Outline: A key in a connected <type> key store generates data keys
    Given a KMS key whose origin is <origin>
    When I generate a data key without plaintext with KeySpec AES_256
    Then the request succeeds
    And the CiphertextBlob decrypts through KMS to a data key of 32 bytes

    @cloudhsm
    Examples: CloudHSM
      | type     | origin       |
      | CloudHSM | AWS_CLOUDHSM |

    @xks
    Examples: external
      | type     | origin             |
      | external | EXTERNAL_KEY_STORE |
