Feature: GenerateMac
  GenerateMac returns the HMAC (RFC 2104) of a message under an HMAC KMS key,
  with the hash its MacAlgorithm names. Each HMAC key spec supports exactly one
  algorithm. Where the scenario imported the key material, the MAC is checked
  against one computed locally with Go's crypto/hmac; otherwise VerifyMac must
  take it for its message and refuse it for another.

  @op:GenerateMac @cond:GenerateMac.05
  Scenario Outline: The MAC of an <spec> key with imported material is <algorithm> of the message
    Given an <spec> KMS key for imported key material
    And the key material has been imported
    When I generate a MAC of a message with <algorithm>
    Then the request succeeds
    And the MAC is the HMAC of the message under the imported key material

    Examples:
      | spec     | algorithm    |
      | HMAC_224 | HMAC_SHA_224 |
      | HMAC_256 | HMAC_SHA_256 |
      | HMAC_384 | HMAC_SHA_384 |
      | HMAC_512 | HMAC_SHA_512 |

  @op:GenerateMac @cond:GenerateMac.05 @cond:GenerateMac.13
  Scenario Outline: A MAC of an <spec> key that KMS generated verifies for its message only
    Given an <spec> KMS key for GENERATE_VERIFY_MAC
    When I generate a MAC of a message with <algorithm>
    Then the request succeeds
    And the MAC is <bytes> bytes long and VerifyMac accepts it for that message only

    Examples:
      | spec     | algorithm    | bytes |
      | HMAC_224 | HMAC_SHA_224 | 28    |
      | HMAC_256 | HMAC_SHA_256 | 32    |
      | HMAC_384 | HMAC_SHA_384 | 48    |
      | HMAC_512 | HMAC_SHA_512 | 64    |

  @op:GenerateMac @cond:GenerateMac.05
  Scenario: The response holds the MAC and names the key and the algorithm
    Given an HMAC_384 KMS key for GENERATE_VERIFY_MAC
    When I call GenerateMac on the key
    Then the request succeeds
    And the response holds the MAC and names the key by its ARN and the algorithm HMAC_SHA_384

  @op:GenerateMac @cond:GenerateMac.04 @error:InvalidKeyUsageException
  Scenario Outline: GenerateMac with <algorithm> on an <spec> key fails with InvalidKeyUsageException
    Given an <spec> KMS key for GENERATE_VERIFY_MAC
    When I generate a MAC of a message with <algorithm>
    Then the request fails with InvalidKeyUsageException

    Examples:
      | spec     | algorithm    |
      | HMAC_224 | HMAC_SHA_256 |
      | HMAC_512 | HMAC_SHA_384 |

  @op:GenerateMac @cond:GenerateMac.03 @error:InvalidKeyUsageException
  Scenario Outline: GenerateMac with a <spec> key for <usage> fails with InvalidKeyUsageException
    Given a <spec> KMS key for <usage>
    When I call GenerateMac on the key
    Then the request fails with InvalidKeyUsageException

    Examples:
      | spec              | usage           |
      | SYMMETRIC_DEFAULT | ENCRYPT_DECRYPT |
      | ECC_NIST_P256     | SIGN_VERIFY     |
      | ECC_NIST_P256     | KEY_AGREEMENT   |

  @op:GenerateMac @cond:GenerateMac.01
  Scenario Outline: GenerateMac names its key by <form>
    Given an HMAC_256 KMS key for GENERATE_VERIFY_MAC
    When I call GenerateMac naming the key by its <form>
    Then the request succeeds
    And the response holds the MAC and names the key by its ARN and the algorithm HMAC_SHA_256

    Examples:
      | form       |
      | key ID     |
      | key ARN    |
      | alias name |
      | alias ARN  |

  @op:GenerateMac @cond:GenerateMac.02 @error:NotFoundException
  Scenario Outline: GenerateMac naming a key that does not exist by its <form> fails with NotFoundException
    Given an HMAC_256 KMS key for GENERATE_VERIFY_MAC
    When I call GenerateMac naming a key that does not exist by its <form>
    Then the request fails with NotFoundException

    Examples:
      | form    |
      | key ID  |
      | key ARN |

  @op:GenerateMac @cond:GenerateMac.02 @error:NotFoundException
  Scenario: GenerateMac naming an alias that does not exist fails with NotFoundException
    Given an HMAC_256 KMS key for GENERATE_VERIFY_MAC
    When I call GenerateMac naming an alias that does not exist by its alias name
    Then the request fails with NotFoundException

  @op:GenerateMac @cond:GenerateMac.01 @second-account
  Scenario: Another account generates a MAC with the key named by its key ARN
    Given an HMAC_256 KMS key for GENERATE_VERIFY_MAC whose key policy lets every account use it
    When the second account calls GenerateMac naming the key by its key ARN
    Then the request succeeds

  @op:GenerateMac @cond:GenerateMac.01 @second-account @error:NotFoundException
  Scenario: Another account naming the key by its key ID fails with NotFoundException
    Given an HMAC_256 KMS key for GENERATE_VERIFY_MAC whose key policy lets every account use it
    When the second account calls GenerateMac naming the key by its key ID
    Then the request fails with NotFoundException

  @op:GenerateMac @cond:GenerateMac.06
  Scenario: A MAC of a message is no MAC of the message's digest
    Given an HMAC_256 KMS key for GENERATE_VERIFY_MAC
    And a MAC of a message has been generated with the key
    When I verify the MAC for the SHA-256 digest of its message
    Then the request fails with KMSInvalidMacException

  @op:GenerateMac @cond:GenerateMac.08 @error:InvalidGrantTokenException
  Scenario: GenerateMac with a grant token that no grant issued fails with InvalidGrantTokenException
    Given an HMAC_256 KMS key for GENERATE_VERIFY_MAC
    When I call GenerateMac with a grant token that no grant issued
    Then the request fails with InvalidGrantTokenException

  @op:GenerateMac @cond:GenerateMac.15 @error:DryRunOperationException
  Scenario: GenerateMac with DryRun is refused with DryRunOperationException
    Given an HMAC_256 KMS key for GENERATE_VERIFY_MAC
    When I call GenerateMac with DryRun
    Then the request fails with DryRunOperationException

  @op:GenerateMac @cond:GenerateMac.16
  Scenario: GenerateMac with DryRun on a Disabled key answers the failure it would have
    Given an HMAC_256 KMS key for GENERATE_VERIFY_MAC
    And the key is Disabled
    When I call GenerateMac with DryRun
    Then the request fails with DisabledException

  @op:GenerateMac @cond:GenerateMac.07
  Scenario: GenerateMac refuses a message longer than 4096 bytes
    Given an HMAC_256 KMS key for GENERATE_VERIFY_MAC
    When I send a GenerateMac request whose Message is 4097 bytes long
    Then the request fails with ValidationException
