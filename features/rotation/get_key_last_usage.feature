@op:GetKeyLastUsage
Feature: GetKeyLastUsage tells a key's last successful cryptographic use
  KMS records, for each key, the last successful cryptographic operation it
  was used for: which operation, when, and the CloudTrail event and request
  behind it. A refused call does not count, nor does an operation that is not
  cryptographic. ReEncrypt counts for its source and its destination key.

  @cond:GetKeyLastUsage.07 @cond:GetKeyLastUsage.09
  Scenario: A key never used has an empty last usage
    Given a KMS key whose origin is AWS_KMS
    When I call GetKeyLastUsage on the key
    Then the request succeeds
    And the last usage is empty, and the key was created on or after tracking began
    And tracking began when the key was created

  @cond:GetKeyLastUsage.06 @cond:GetKeyLastUsage.10
  Scenario Outline: After <operation>, the last usage names it
    Given an <spec> KMS key for <usage>
    And the key has been used for <operation>
    When I call GetKeyLastUsage on the key
    Then the request succeeds
    And the last usage names <operation> with its time, CloudTrail event ID and request ID

    Examples: symmetric encryption
      | operation                       | spec              | usage           |
      | Encrypt                         | SYMMETRIC_DEFAULT | ENCRYPT_DECRYPT |
      | Decrypt                         | SYMMETRIC_DEFAULT | ENCRYPT_DECRYPT |
      | GenerateDataKey                 | SYMMETRIC_DEFAULT | ENCRYPT_DECRYPT |
      | GenerateDataKeyWithoutPlaintext | SYMMETRIC_DEFAULT | ENCRYPT_DECRYPT |

    Examples: signing
      | operation | spec          | usage       |
      | Sign      | ECC_NIST_P256 | SIGN_VERIFY |
      | Verify    | ECC_NIST_P256 | SIGN_VERIFY |

    Examples: MACs
      | operation   | spec     | usage               |
      | GenerateMac | HMAC_256 | GENERATE_VERIFY_MAC |
      | VerifyMac   | HMAC_256 | GENERATE_VERIFY_MAC |

  @cond:GetKeyLastUsage.10
  Scenario: A refused call and an operation that is not cryptographic do not count
    Given a KMS key whose origin is AWS_KMS
    And the key has been used for Encrypt
    And a Decrypt with the key of a ciphertext it did not make has been refused
    And automatic rotation of the key has been enabled
    When I call GetKeyLastUsage on the key
    Then the request succeeds
    And the last usage names Encrypt with its time, CloudTrail event ID and request ID

  @cond:GetKeyLastUsage.11
  Scenario: ReEncrypt counts for both keys
    Given a KMS key whose origin is AWS_KMS
    And a message has been encrypted under the key's current key material
    And another symmetric encryption key
    And the message has been re-encrypted under the other key
    When I call GetKeyLastUsage on the other key
    Then the request succeeds
    And the last usage names ReEncrypt with its time, CloudTrail event ID and request ID
    And the last usage of the key itself names ReEncrypt as well

  @cond:GetKeyLastUsage.03
  Scenario Outline: The key may be named by its <form>
    Given a KMS key whose origin is AWS_KMS
    When I call GetKeyLastUsage naming the key by its <form>
    Then the request succeeds

    Examples:
      | form    |
      | key ID  |
      | key ARN |

  @cond:GetKeyLastUsage.04
  Scenario: An alias name is not accepted
    Given a KMS key whose origin is AWS_KMS
    When I call GetKeyLastUsage naming the key by an alias name
    Then the request fails with a client error

  @cond:GetKeyLastUsage.01 @error:NotFoundException
  Scenario: A key that does not exist
    When I call GetKeyLastUsage naming a key that does not exist
    Then the request fails with NotFoundException

  @cond:GetKeyLastUsage.02 @error:InvalidArnException
  Scenario: A malformed key ARN
    When I call GetKeyLastUsage naming the key by a malformed ARN
    Then the request fails with InvalidArnException

  @cross-account @cond:GetKeyLastUsage.05
  Scenario: Another account cannot read the key's last usage
    Given a KMS key whose origin is AWS_KMS
    When the second account calls GetKeyLastUsage naming the key by its key ARN
    Then the request fails with a client error

  @untestable @cond:GetKeyLastUsage.08
  Scenario: A key created before tracking began
    Given a condition the public API cannot produce: every key a scenario can create is created after KMS began tracking key usage, so KeyCreationDate is never before TrackingStartDate

  @multi-region @cond:GetKeyLastUsage.12
  Scenario: The keys of a multi-Region key set track their usage apart
    Given a multi-Region KMS key
    And the key has a replica in the second Region
    And the key has been used for Encrypt
    And the scenario acts on the replica in the second Region
    And the key has been used for GenerateDataKey
    When I call GetKeyLastUsage on the key
    Then the request succeeds
    And the last usage names GenerateDataKey with its time, CloudTrail event ID and request ID
    And the last usage of the primary key in the run's own Region still names Encrypt
