@key-states
Feature: Key states of GenerateMac, VerifyMac and DeriveSharedSecret
  The key-state table lets GenerateMac and VerifyMac use an Enabled key only:
  a Disabled key is refused with DisabledException, a key pending deletion
  with DisabledException or KMSInvalidStateException (the table does not say
  which; the scenarios accept either and record the one chosen), and an HMAC
  key waiting for its imported material with a client error (the table marks
  the cell not applicable). DeriveSharedSecret has no row in the table; its
  error doc names DisabledException for a Disabled key, and the scenarios
  treat the other states as the comparable rows do.

  Scenario Outline: <operation> with an Enabled key succeeds
    Given an <spec> KMS key for <usage>
    When I call <operation> on the key
    Then the request succeeds

    @op:GenerateMac @cond:GenerateMac.13
    Examples: GenerateMac
      | operation   | spec     | usage               |
      | GenerateMac | HMAC_256 | GENERATE_VERIFY_MAC |

    @op:DeriveSharedSecret @cond:DeriveSharedSecret.10
    Examples: DeriveSharedSecret
      | operation          | spec          | usage         |
      | DeriveSharedSecret | ECC_NIST_P256 | KEY_AGREEMENT |

  Scenario Outline: <operation> with a Disabled key fails with DisabledException
    Given an <spec> KMS key for <usage>
    And the key is Disabled
    When I call <operation> on the key
    Then the request fails with DisabledException
    And the key is Disabled

    @op:GenerateMac @cond:GenerateMac.09 @error:DisabledException
    Examples: GenerateMac
      | operation   | spec     | usage               |
      | GenerateMac | HMAC_256 | GENERATE_VERIFY_MAC |

    @op:DeriveSharedSecret @cond:DeriveSharedSecret.15 @error:DisabledException
    Examples: DeriveSharedSecret
      | operation          | spec          | usage         |
      | DeriveSharedSecret | ECC_NIST_P256 | KEY_AGREEMENT |

  @op:VerifyMac @cond:VerifyMac.12 @error:DisabledException
  Scenario: VerifyMac with a Disabled key fails with DisabledException
    Given an HMAC_256 KMS key for GENERATE_VERIFY_MAC
    And a MAC of a message has been generated with the key
    And the key is Disabled
    When I call VerifyMac on the key
    Then the request fails with DisabledException
    And the key is Disabled

  Scenario Outline: <operation> with a key pending deletion fails with DisabledException or KMSInvalidStateException
    Given an <spec> KMS key for <usage>
    And the key is PendingDeletion
    When I call <operation> on the key
    Then the request fails with either DisabledException or KMSInvalidStateException
    And the key is PendingDeletion

    @op:GenerateMac @cond:GenerateMac.10
    Examples: GenerateMac
      | operation   | spec     | usage               |
      | GenerateMac | HMAC_256 | GENERATE_VERIFY_MAC |

    @op:DeriveSharedSecret @cond:DeriveSharedSecret.16
    Examples: DeriveSharedSecret
      | operation          | spec          | usage         |
      | DeriveSharedSecret | ECC_NIST_P256 | KEY_AGREEMENT |

  @op:VerifyMac @cond:VerifyMac.13
  Scenario: VerifyMac with a key pending deletion fails with DisabledException or KMSInvalidStateException
    Given an HMAC_256 KMS key for GENERATE_VERIFY_MAC
    And a MAC of a message has been generated with the key
    And the key is PendingDeletion
    When I call VerifyMac on the key
    Then the request fails with either DisabledException or KMSInvalidStateException
    And the key is PendingDeletion

  Scenario Outline: <operation> with an HMAC key waiting for its imported material fails with a client error
    Given an HMAC_256 KMS key for imported key material
    When I call <operation> on the key
    Then the request fails with a client error
    And the key is PendingImport

    @op:GenerateMac @cond:GenerateMac.11
    Examples: GenerateMac
      | operation   |
      | GenerateMac |

    @op:VerifyMac @cond:VerifyMac.14
    Examples: VerifyMac
      | operation |
      | VerifyMac |

  @op:DeriveSharedSecret @cond:DeriveSharedSecret.17 @cond:DeriveSharedSecret.19 @error:KMSInvalidStateException
  Scenario: DeriveSharedSecret with a key waiting for its imported material fails with KMSInvalidStateException
    Given an ECC_NIST_P256 KMS key for KEY_AGREEMENT waiting for imported key material
    When I call DeriveSharedSecret on the key
    Then the request fails with KMSInvalidStateException
    And the key is PendingImport
