Feature: Naming the KMS key of a data key operation, and the calls it refuses
  The four data key operations take the KMS key as a key ID, key ARN, alias
  name or alias ARN; another account must use an ARN, and only where the key
  policy lets it. Data keys and key pairs need a symmetric encryption key for
  ENCRYPT_DECRYPT: a key for signing or MACs is refused with
  InvalidKeyUsageException, an asymmetric encryption key with an error the
  docs do not name. A grant token no grant issued, and DryRun, are refused
  without generating anything.

  Scenario Outline: <operation> names its key by <form>
    Given a symmetric encryption KMS key with an alias
    When I call <operation> naming the key by its <form>
    Then the request succeeds
    And the response names the key by its ARN

    @op:GenerateDataKey @cond:GenerateDataKey.06
    Examples: GenerateDataKey
      | operation       | form       |
      | GenerateDataKey | key ID     |
      | GenerateDataKey | key ARN    |
      | GenerateDataKey | alias name |
      | GenerateDataKey | alias ARN  |

    @op:GenerateDataKeyWithoutPlaintext @cond:GenerateDataKeyWithoutPlaintext.05
    Examples: GenerateDataKeyWithoutPlaintext
      | operation                       | form       |
      | GenerateDataKeyWithoutPlaintext | key ID     |
      | GenerateDataKeyWithoutPlaintext | key ARN    |
      | GenerateDataKeyWithoutPlaintext | alias name |
      | GenerateDataKeyWithoutPlaintext | alias ARN  |

    @op:GenerateDataKeyPair @cond:GenerateDataKeyPair.06
    Examples: GenerateDataKeyPair
      | operation           | form       |
      | GenerateDataKeyPair | key ID     |
      | GenerateDataKeyPair | key ARN    |
      | GenerateDataKeyPair | alias name |
      | GenerateDataKeyPair | alias ARN  |

    @op:GenerateDataKeyPairWithoutPlaintext @cond:GenerateDataKeyPairWithoutPlaintext.04
    Examples: GenerateDataKeyPairWithoutPlaintext
      | operation                           | form       |
      | GenerateDataKeyPairWithoutPlaintext | key ID     |
      | GenerateDataKeyPairWithoutPlaintext | key ARN    |
      | GenerateDataKeyPairWithoutPlaintext | alias name |
      | GenerateDataKeyPairWithoutPlaintext | alias ARN  |

  Scenario Outline: <operation> on a key that does not exist fails with NotFoundException (<form>)
    Given a KMS key whose origin is AWS_KMS
    When I call <operation> naming a key that does not exist by its <form>
    Then the request fails with NotFoundException

    @op:GenerateDataKey @cond:GenerateDataKey.07 @error:NotFoundException
    Examples: GenerateDataKey
      | operation       | form    |
      | GenerateDataKey | key ID  |
      | GenerateDataKey | key ARN |

    @op:GenerateDataKeyWithoutPlaintext @cond:GenerateDataKeyWithoutPlaintext.06 @error:NotFoundException
    Examples: GenerateDataKeyWithoutPlaintext
      | operation                       | form    |
      | GenerateDataKeyWithoutPlaintext | key ID  |
      | GenerateDataKeyWithoutPlaintext | key ARN |

    @op:GenerateDataKeyPair @cond:GenerateDataKeyPair.07 @error:NotFoundException
    Examples: GenerateDataKeyPair
      | operation           | form    |
      | GenerateDataKeyPair | key ID  |
      | GenerateDataKeyPair | key ARN |

    @op:GenerateDataKeyPairWithoutPlaintext @cond:GenerateDataKeyPairWithoutPlaintext.05 @error:NotFoundException
    Examples: GenerateDataKeyPairWithoutPlaintext
      | operation                           | form    |
      | GenerateDataKeyPairWithoutPlaintext | key ID  |
      | GenerateDataKeyPairWithoutPlaintext | key ARN |

  Scenario Outline: <operation> naming an alias that does not exist fails with NotFoundException (<form>)
    Given a KMS key whose origin is AWS_KMS
    When I call <operation> naming an alias that does not exist by its <form>
    Then the request fails with NotFoundException

    @op:GenerateDataKey @cond:GenerateDataKey.08 @error:NotFoundException
    Examples: GenerateDataKey
      | operation       | form       |
      | GenerateDataKey | alias name |
      | GenerateDataKey | alias ARN  |

    @op:GenerateDataKeyWithoutPlaintext @cond:GenerateDataKeyWithoutPlaintext.07 @error:NotFoundException
    Examples: GenerateDataKeyWithoutPlaintext
      | operation                       | form       |
      | GenerateDataKeyWithoutPlaintext | alias name |
      | GenerateDataKeyWithoutPlaintext | alias ARN  |

    @op:GenerateDataKeyPair @cond:GenerateDataKeyPair.08 @error:NotFoundException
    Examples: GenerateDataKeyPair
      | operation           | form       |
      | GenerateDataKeyPair | alias name |
      | GenerateDataKeyPair | alias ARN  |

    @op:GenerateDataKeyPairWithoutPlaintext @cond:GenerateDataKeyPairWithoutPlaintext.06 @error:NotFoundException
    Examples: GenerateDataKeyPairWithoutPlaintext
      | operation                           | form       |
      | GenerateDataKeyPairWithoutPlaintext | alias name |
      | GenerateDataKeyPairWithoutPlaintext | alias ARN  |

  @cross-account
  Scenario Outline: Another account whose use the key policy allows calls <operation> by the key ARN
    Given a symmetric encryption KMS key whose key policy lets every account generate data keys
    When the second account calls <operation> naming the key by its key ARN
    Then the request succeeds
    And the response names the key by its ARN

    @op:GenerateDataKey @cond:GenerateDataKey.09
    Examples: GenerateDataKey
      | operation       |
      | GenerateDataKey |

    @op:GenerateDataKeyWithoutPlaintext @cond:GenerateDataKeyWithoutPlaintext.08
    Examples: GenerateDataKeyWithoutPlaintext
      | operation                       |
      | GenerateDataKeyWithoutPlaintext |

    @op:GenerateDataKeyPair @cond:GenerateDataKeyPair.09
    Examples: GenerateDataKeyPair
      | operation           |
      | GenerateDataKeyPair |

    @op:GenerateDataKeyPairWithoutPlaintext @cond:GenerateDataKeyPairWithoutPlaintext.07
    Examples: GenerateDataKeyPairWithoutPlaintext
      | operation                           |
      | GenerateDataKeyPairWithoutPlaintext |

  @cross-account
  Scenario Outline: Another account cannot name the key by its key ID in <operation>
    Given a symmetric encryption KMS key whose key policy lets every account generate data keys
    When the second account calls <operation> naming the key by its key ID
    Then the request fails with NotFoundException

    @op:GenerateDataKey @cond:GenerateDataKey.09 @error:NotFoundException
    Examples: GenerateDataKey
      | operation       |
      | GenerateDataKey |

    @op:GenerateDataKeyWithoutPlaintext @cond:GenerateDataKeyWithoutPlaintext.08 @error:NotFoundException
    Examples: GenerateDataKeyWithoutPlaintext
      | operation                       |
      | GenerateDataKeyWithoutPlaintext |

    @op:GenerateDataKeyPair @cond:GenerateDataKeyPair.09 @error:NotFoundException
    Examples: GenerateDataKeyPair
      | operation           |
      | GenerateDataKeyPair |

    @op:GenerateDataKeyPairWithoutPlaintext @cond:GenerateDataKeyPairWithoutPlaintext.07 @error:NotFoundException
    Examples: GenerateDataKeyPairWithoutPlaintext
      | operation                           |
      | GenerateDataKeyPairWithoutPlaintext |

  Scenario Outline: <operation> refuses a key of spec <spec> for <usage> with InvalidKeyUsageException
    Given a <spec> KMS key for <usage>
    When I call <operation> on the key
    Then the request fails with InvalidKeyUsageException

    @op:GenerateDataKey @cond:GenerateDataKey.10 @error:InvalidKeyUsageException
    Examples: GenerateDataKey
      | operation       | spec          | usage               |
      | GenerateDataKey | ECC_NIST_P256 | SIGN_VERIFY         |
      | GenerateDataKey | HMAC_256      | GENERATE_VERIFY_MAC |

    @op:GenerateDataKeyWithoutPlaintext @cond:GenerateDataKeyWithoutPlaintext.09 @error:InvalidKeyUsageException
    Examples: GenerateDataKeyWithoutPlaintext
      | operation                       | spec          | usage               |
      | GenerateDataKeyWithoutPlaintext | ECC_NIST_P256 | SIGN_VERIFY         |
      | GenerateDataKeyWithoutPlaintext | HMAC_256      | GENERATE_VERIFY_MAC |

    @op:GenerateDataKeyPair @cond:GenerateDataKeyPair.10 @error:InvalidKeyUsageException
    Examples: GenerateDataKeyPair
      | operation           | spec          | usage               |
      | GenerateDataKeyPair | ECC_NIST_P256 | SIGN_VERIFY         |
      | GenerateDataKeyPair | HMAC_256      | GENERATE_VERIFY_MAC |

    @op:GenerateDataKeyPairWithoutPlaintext @cond:GenerateDataKeyPairWithoutPlaintext.08 @error:InvalidKeyUsageException
    Examples: GenerateDataKeyPairWithoutPlaintext
      | operation                           | spec          | usage               |
      | GenerateDataKeyPairWithoutPlaintext | ECC_NIST_P256 | SIGN_VERIFY         |
      | GenerateDataKeyPairWithoutPlaintext | HMAC_256      | GENERATE_VERIFY_MAC |

  Scenario Outline: <operation> refuses an asymmetric encryption key
    Given an RSA_2048 KMS key for ENCRYPT_DECRYPT
    When I call <operation> on the key
    Then the request fails with a client error

    @op:GenerateDataKey @cond:GenerateDataKey.11
    Examples: GenerateDataKey
      | operation       |
      | GenerateDataKey |

    @op:GenerateDataKeyWithoutPlaintext @cond:GenerateDataKeyWithoutPlaintext.10
    Examples: GenerateDataKeyWithoutPlaintext
      | operation                       |
      | GenerateDataKeyWithoutPlaintext |

    @op:GenerateDataKeyPair @cond:GenerateDataKeyPair.11
    Examples: GenerateDataKeyPair
      | operation           |
      | GenerateDataKeyPair |

    @op:GenerateDataKeyPairWithoutPlaintext @cond:GenerateDataKeyPairWithoutPlaintext.09
    Examples: GenerateDataKeyPairWithoutPlaintext
      | operation                           |
      | GenerateDataKeyPairWithoutPlaintext |

  Scenario Outline: <operation> refuses a grant token that no grant issued
    Given a KMS key whose origin is AWS_KMS
    When I call <operation> with a grant token that no grant issued
    Then the request fails with InvalidGrantTokenException

    @op:GenerateDataKey @cond:GenerateDataKey.17 @error:InvalidGrantTokenException
    Examples: GenerateDataKey
      | operation       |
      | GenerateDataKey |

    @op:GenerateDataKeyWithoutPlaintext @cond:GenerateDataKeyWithoutPlaintext.15 @error:InvalidGrantTokenException
    Examples: GenerateDataKeyWithoutPlaintext
      | operation                       |
      | GenerateDataKeyWithoutPlaintext |

    @op:GenerateDataKeyPair @cond:GenerateDataKeyPair.16 @error:InvalidGrantTokenException
    Examples: GenerateDataKeyPair
      | operation           |
      | GenerateDataKeyPair |

    @op:GenerateDataKeyPairWithoutPlaintext @cond:GenerateDataKeyPairWithoutPlaintext.13 @error:InvalidGrantTokenException
    Examples: GenerateDataKeyPairWithoutPlaintext
      | operation                           |
      | GenerateDataKeyPairWithoutPlaintext |

  Scenario Outline: <operation> with DryRun is refused with DryRunOperationException
    Given a KMS key whose origin is AWS_KMS
    When I call <operation> with DryRun
    Then the request fails with DryRunOperationException

    @op:GenerateDataKey @cond:GenerateDataKey.26 @error:DryRunOperationException
    Examples: GenerateDataKey
      | operation       |
      | GenerateDataKey |

    @op:GenerateDataKeyWithoutPlaintext @cond:GenerateDataKeyWithoutPlaintext.24 @error:DryRunOperationException
    Examples: GenerateDataKeyWithoutPlaintext
      | operation                       |
      | GenerateDataKeyWithoutPlaintext |

    @op:GenerateDataKeyPair @cond:GenerateDataKeyPair.24 @error:DryRunOperationException
    Examples: GenerateDataKeyPair
      | operation           |
      | GenerateDataKeyPair |

    @op:GenerateDataKeyPairWithoutPlaintext @cond:GenerateDataKeyPairWithoutPlaintext.21 @error:DryRunOperationException
    Examples: GenerateDataKeyPairWithoutPlaintext
      | operation                           |
      | GenerateDataKeyPairWithoutPlaintext |

  Scenario Outline: <operation> with DryRun on a Disabled key answers the failure it would have
    Given a KMS key with origin AWS_KMS in state Disabled
    When I call <operation> with DryRun
    Then the request fails with DisabledException

    @op:GenerateDataKey @cond:GenerateDataKey.27
    Examples: GenerateDataKey
      | operation       |
      | GenerateDataKey |

    @op:GenerateDataKeyWithoutPlaintext @cond:GenerateDataKeyWithoutPlaintext.25
    Examples: GenerateDataKeyWithoutPlaintext
      | operation                       |
      | GenerateDataKeyWithoutPlaintext |

    @op:GenerateDataKeyPair @cond:GenerateDataKeyPair.25
    Examples: GenerateDataKeyPair
      | operation           |
      | GenerateDataKeyPair |

    @op:GenerateDataKeyPairWithoutPlaintext @cond:GenerateDataKeyPairWithoutPlaintext.22
    Examples: GenerateDataKeyPairWithoutPlaintext
      | operation                           |
      | GenerateDataKeyPairWithoutPlaintext |
