Feature: VerifyMac
  VerifyMac recomputes the HMAC of a message under an HMAC KMS key and
  compares it with the MAC given. A match answers MacValid true; anything else
  (another message, another key, a changed MAC) is KMSInvalidMacException,
  never MacValid false.

  @op:VerifyMac @cond:VerifyMac.08 @cond:VerifyMac.16
  Scenario Outline: VerifyMac accepts a MAC of an <spec> key for its message
    Given an <spec> KMS key for GENERATE_VERIFY_MAC
    And a MAC of a message has been generated with the key
    When I verify the MAC for its message
    Then the request succeeds
    And the response says the MAC is valid and names the key by its ARN and the algorithm <algorithm>

    Examples:
      | spec     | algorithm    |
      | HMAC_224 | HMAC_SHA_224 |
      | HMAC_256 | HMAC_SHA_256 |
      | HMAC_384 | HMAC_SHA_384 |
      | HMAC_512 | HMAC_SHA_512 |

  @op:VerifyMac @cond:VerifyMac.07 @cond:VerifyMac.09 @error:KMSInvalidMacException
  Scenario: VerifyMac of a MAC for another message fails with KMSInvalidMacException
    Given an HMAC_256 KMS key for GENERATE_VERIFY_MAC
    And a MAC of a message has been generated with the key
    When I verify the MAC for another message
    Then the request fails with KMSInvalidMacException

  @op:VerifyMac @cond:VerifyMac.06 @cond:VerifyMac.09 @error:KMSInvalidMacException
  Scenario: VerifyMac with another key than the one that made the MAC fails with KMSInvalidMacException
    Given an HMAC_256 KMS key for GENERATE_VERIFY_MAC
    And a MAC of a message has been generated with the key
    When I verify the MAC with another key of the same spec
    Then the request fails with KMSInvalidMacException

  @op:VerifyMac @cond:VerifyMac.05 @cond:VerifyMac.09 @error:KMSInvalidMacException
  Scenario: VerifyMac of a MAC with one bit flipped fails with KMSInvalidMacException
    Given an HMAC_256 KMS key for GENERATE_VERIFY_MAC
    And a MAC of a message has been generated with the key
    When I verify the MAC with one bit flipped
    Then the request fails with KMSInvalidMacException

  @op:VerifyMac @cond:VerifyMac.05 @cond:VerifyMac.08
  Scenario: VerifyMac accepts a MAC computed outside KMS with the imported key material
    Given an HMAC_512 KMS key for imported key material
    And the key material has been imported
    When I verify a MAC of a message computed locally with the imported key material
    Then the request succeeds
    And the response says the MAC is valid and names the key by its ARN and the algorithm HMAC_SHA_512

  @op:VerifyMac @cond:VerifyMac.10 @error:KMSInvalidMacException
  Scenario: VerifyMac of a MAC for the digest of its message fails with KMSInvalidMacException
    Given an HMAC_256 KMS key for GENERATE_VERIFY_MAC
    And a MAC of a message has been generated with the key
    When I verify the MAC for the SHA-256 digest of its message
    Then the request fails with KMSInvalidMacException

  @op:VerifyMac @cond:VerifyMac.04 @error:InvalidKeyUsageException
  Scenario: VerifyMac with the algorithm of another key spec fails with InvalidKeyUsageException
    Given an HMAC_256 KMS key for GENERATE_VERIFY_MAC
    And a MAC of a message has been generated with the key
    When I verify the MAC with HMAC_SHA_512
    Then the request fails with InvalidKeyUsageException

  @op:VerifyMac @cond:VerifyMac.03 @error:InvalidKeyUsageException
  Scenario Outline: VerifyMac with a <spec> key for <usage> fails with InvalidKeyUsageException
    Given a <spec> KMS key for <usage>
    When I call VerifyMac on the key
    Then the request fails with InvalidKeyUsageException

    Examples:
      | spec              | usage           |
      | SYMMETRIC_DEFAULT | ENCRYPT_DECRYPT |
      | ECC_NIST_P256     | SIGN_VERIFY     |

  @op:VerifyMac @cond:VerifyMac.01
  Scenario Outline: VerifyMac names its key by <form>
    Given an HMAC_256 KMS key for GENERATE_VERIFY_MAC
    And a MAC of a message has been generated with the key
    When I call VerifyMac naming the key by its <form>
    Then the request succeeds
    And the response says the MAC is valid and names the key by its ARN and the algorithm HMAC_SHA_256

    Examples:
      | form       |
      | key ID     |
      | key ARN    |
      | alias name |
      | alias ARN  |

  @op:VerifyMac @cond:VerifyMac.02 @error:NotFoundException
  Scenario Outline: VerifyMac naming a key that does not exist by its <form> fails with NotFoundException
    Given an HMAC_256 KMS key for GENERATE_VERIFY_MAC
    And a MAC of a message has been generated with the key
    When I call VerifyMac naming a key that does not exist by its <form>
    Then the request fails with NotFoundException

    Examples:
      | form    |
      | key ID  |
      | key ARN |

  @op:VerifyMac @cond:VerifyMac.01 @second-account
  Scenario: Another account verifies a MAC with the key named by its key ARN
    Given an HMAC_256 KMS key for GENERATE_VERIFY_MAC whose key policy lets every account use it
    And a MAC of a message has been generated with the key
    When the second account calls VerifyMac naming the key by its key ARN
    Then the request succeeds

  @op:VerifyMac @cond:VerifyMac.01 @second-account @error:NotFoundException
  Scenario: Another account verifying with the key named by its key ID fails with NotFoundException
    Given an HMAC_256 KMS key for GENERATE_VERIFY_MAC whose key policy lets every account use it
    And a MAC of a message has been generated with the key
    When the second account calls VerifyMac naming the key by its key ID
    Then the request fails with NotFoundException

  @op:VerifyMac @cond:VerifyMac.11 @error:InvalidGrantTokenException
  Scenario: VerifyMac with a grant token that no grant issued fails with InvalidGrantTokenException
    Given an HMAC_256 KMS key for GENERATE_VERIFY_MAC
    And a MAC of a message has been generated with the key
    When I call VerifyMac with a grant token that no grant issued
    Then the request fails with InvalidGrantTokenException

  @op:VerifyMac @cond:VerifyMac.18 @error:DryRunOperationException
  Scenario: VerifyMac with DryRun is refused with DryRunOperationException
    Given an HMAC_256 KMS key for GENERATE_VERIFY_MAC
    And a MAC of a message has been generated with the key
    When I call VerifyMac with DryRun
    Then the request fails with DryRunOperationException

  @op:VerifyMac @cond:VerifyMac.19
  Scenario: VerifyMac with DryRun on a Disabled key answers the failure it would have
    Given an HMAC_256 KMS key for GENERATE_VERIFY_MAC
    And a MAC of a message has been generated with the key
    And the key is Disabled
    When I call VerifyMac with DryRun
    Then the request fails with DisabledException
