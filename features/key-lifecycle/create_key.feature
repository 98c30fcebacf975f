@op:CreateKey
Feature: CreateKey
  CreateKey makes a new KMS key in the caller's account and Region. Without
  parameters it is a symmetric encryption key whose key material KMS
  generates. Origin EXTERNAL makes a key that waits for imported material;
  AWS_CLOUDHSM and EXTERNAL_KEY_STORE put the key in a connected custom key
  store. The key's type, usage, origin and Region scope are fixed once it
  exists.

  @cond:CreateKey.01
  Scenario: With no parameters the key is a symmetric encryption key that KMS generates
    When I request a new KMS key with the run's tag only
    Then the request succeeds
    And the new key is a single-Region symmetric encryption key with key material from KMS
    And the new key has the default key policy

  @cond:CreateKey.02
  Scenario: A key for imported key material starts without material
    When I request a new KMS key with Origin EXTERNAL
    Then the request succeeds
    And the new key has Origin EXTERNAL and is PendingImport

  @error:MalformedPolicyDocumentException @cond:CreateKey.03
  Scenario: A key policy that is not a policy document is rejected
    When I request a new KMS key with a key policy that is not JSON
    Then the request fails with MalformedPolicyDocumentException
    And no KMS key was created

  @cond:CreateKey.04
  Scenario: A key policy that would lock the caller out of it is refused
    When I request a new KMS key with a key policy that does not let me change it later
    Then the request fails with a client error
    And no KMS key was created

  @cond:CreateKey.05
  Scenario: A key policy statement without a principal is refused
    When I request a new KMS key with a key policy statement that names no principal
    Then the request fails with a client error
    And no KMS key was created

  @cond:CreateKey.06
  Scenario: Policy statements without Resource or Action do not fail the request
    When I request a new KMS key with a key policy that has a statement without Resource and one without Action
    Then the request succeeds
    And the new key's policy is the one I gave

  @error:LimitExceededException @cond:CreateKey.07
  Scenario: A key policy larger than the key policy size quota is rejected
    When I request a new KMS key with a key policy larger than 32 KiB
    Then the request fails with LimitExceededException
    And no KMS key was created

  @error:LimitExceededException @cond:CreateKey.08
  Scenario: No key is created beyond the account's key quota
    Given an account of my own whose KMS key quota is 1
    And my account already holds 1 KMS key
    When I request a new KMS key with default settings
    Then the request fails with LimitExceededException
    And my account still holds 1 KMS key

  @error:InvalidArnException @cond:CreateKey.09
  Scenario: A key policy naming a principal by a malformed ARN is rejected
    When I request a new KMS key with a key policy that names a principal by a malformed ARN
    Then the request fails with InvalidArnException
    And no KMS key was created

  @error:TagException @cond:CreateKey.10
  Scenario: A tag with a reserved tag key is rejected
    When I request a new KMS key with a tag whose key starts with aws:
    Then the request fails with TagException
    And no KMS key was created

  @cond:CreateKey.11
  Scenario: Two tags with the same tag key are refused
    When I request a new KMS key with two tags that share a tag key
    Then the request fails with a client error
    And no KMS key was created

  @untestable @cond:CreateKey.12
  Scenario: Tagging a new key needs permission to tag
    Given a condition the public API cannot produce: whether the caller holds kms:TagResource is decided by IAM policy evaluation, and the run's credentials are allowed everything they use

  # Real KMS was recorded answering ValidationException (realkms CreateKey.key-usage-missing).
  @error:ValidationException @cond:CreateKey.13
  Scenario Outline: A <spec> key needs a KeyUsage
    When I request a new KMS key with KeySpec <spec> and no KeyUsage
    Then the request fails with ValidationException
    And no KMS key was created

    Examples:
      | spec          |
      | RSA_2048      |
      | ECC_NIST_P256 |
      | HMAC_256      |

  # Real KMS was recorded answering ValidationException (realkms CreateKey.key-usage-not-for-key-spec).
  @error:ValidationException @cond:CreateKey.14
  Scenario Outline: KeyUsage <usage> does not suit KeySpec <spec>
    When I request a new KMS key with KeySpec <spec> and KeyUsage <usage>
    Then the request fails with ValidationException
    And no KMS key was created

    Examples:
      | spec              | usage               |
      | SYMMETRIC_DEFAULT | SIGN_VERIFY         |
      | HMAC_256          | ENCRYPT_DECRYPT     |
      | RSA_2048          | GENERATE_VERIFY_MAC |
      | ECC_NIST_P256     | ENCRYPT_DECRYPT     |
      | ECC_SECG_P256K1   | KEY_AGREEMENT       |

  @cond:CreateKey.15
  Scenario: SM2 keys exist only in the China Regions
    Given the run's Region is outside China
    When I request a new KMS key with KeySpec SM2 and KeyUsage SIGN_VERIFY
    Then the request fails with a client error
    And no KMS key was created

  @cond:CreateKey.16
  Scenario: CustomerMasterKeySpec is the older name of KeySpec
    When I request a new KMS key with CustomerMasterKeySpec ECC_NIST_P256 and KeyUsage SIGN_VERIFY
    Then the request succeeds
    And the new key has KeySpec ECC_NIST_P256 and KeyUsage SIGN_VERIFY

  @cond:CreateKey.17
  Scenario: Origin AWS_CLOUDHSM needs a custom key store
    When I request a new KMS key with Origin AWS_CLOUDHSM and no CustomKeyStoreId
    Then the request fails with a client error
    And no KMS key was created

  @cond:CreateKey.18
  Scenario: Origin EXTERNAL_KEY_STORE needs a custom key store
    When I request a new KMS key with Origin EXTERNAL_KEY_STORE and an XksKeyId and no CustomKeyStoreId
    Then the request fails with a client error
    And no KMS key was created

  @cond:CreateKey.19 @xks
  Scenario: A key in an external key store needs an external key
    Given a external key store that is CONNECTED
    When I request a new KMS key in the key store with no XksKeyId
    Then the request fails with a client error
    And no KMS key was created

  @cond:CreateKey.20
  Scenario: An XksKeyId is refused for a key outside an external key store
    When I request a new KMS key with Origin AWS_KMS and an XksKeyId
    Then the request fails with a client error
    And no KMS key was created

  @cond:CreateKey.21
  Scenario Outline: A key in a custom key store must be a symmetric encryption key (<type>, <spec>)
    Given a <type> key store that is CONNECTED
    When I request a new KMS key in the key store with KeySpec <spec> and KeyUsage <usage>
    Then the request fails with a client error
    And no KMS key was created

    @cloudhsm
    Examples: CloudHSM
      | type     | spec     | usage               |
      | CloudHSM | RSA_2048 | ENCRYPT_DECRYPT     |
      | CloudHSM | HMAC_256 | GENERATE_VERIFY_MAC |

    @xks
    Examples: external
      | type     | spec     | usage               |
      | external | RSA_2048 | ENCRYPT_DECRYPT     |
      | external | HMAC_256 | GENERATE_VERIFY_MAC |

  @cond:CreateKey.22
  Scenario Outline: A multi-Region key cannot live in a custom key store (<type>)
    Given a <type> key store that is CONNECTED
    When I request a new KMS key in the key store with MultiRegion true
    Then the request fails with a client error
    And no KMS key was created

    @cloudhsm
    Examples: CloudHSM
      | type     |
      | CloudHSM |

    @xks
    Examples: external
      | type     |
      | external |

  @error:CustomKeyStoreNotFoundException @cond:CreateKey.23
  Scenario: A key cannot be created in a custom key store that does not exist
    When I request a new KMS key with Origin AWS_CLOUDHSM and a CustomKeyStoreId that names no key store
    Then the request fails with CustomKeyStoreNotFoundException
    And no KMS key was created

  @error:CloudHsmClusterInvalidConfigurationException @cond:CreateKey.25 @cloudhsm
  Scenario: A key cannot be created while the store's cluster has one active HSM
    Given a CloudHSM key store that is CONNECTED
    And the key store's cluster is down to one active HSM
    When I request a new KMS key in the key store with default settings
    Then the request fails with CloudHsmClusterInvalidConfigurationException
    And no KMS key was created

  @error:XksKeyNotFoundException @cond:CreateKey.26 @xks
  Scenario: A key cannot use an external key the key manager does not have
    Given a external key store that is CONNECTED
    When I request a new KMS key in the key store with an XksKeyId the key manager does not have
    Then the request fails with XksKeyNotFoundException
    And no KMS key was created

  @error:XksKeyAlreadyInUseException @cond:CreateKey.27 @xks
  Scenario: Two KMS keys in one external key store cannot share an external key
    Given a external key store that is CONNECTED
    And a KMS key in the key store
    When I request a new KMS key in the key store with the same external key
    Then the request fails with XksKeyAlreadyInUseException
    And no KMS key was created

  @cond:CreateKey.27 @xks
  Scenario: Another external key of the same key manager can back a second KMS key
    Given a external key store that is CONNECTED
    And a KMS key in the key store
    And another usable external key in the key manager
    When I request a new KMS key in the key store with that external key
    Then the request succeeds
    And the new key is in the key store, backed by that external key

  @error:XksKeyInvalidConfigurationException @xks
  Scenario Outline: An external key that <defect> cannot back a KMS key
    Given a external key store that is CONNECTED
    And an external key in the key manager that <defect>
    When I request a new KMS key in the key store with that external key
    Then the request fails with XksKeyInvalidConfigurationException
    And no KMS key was created

    @cond:CreateKey.28
    Examples: not AES-256
      | defect                   |
      | is not a 256-bit AES key |

    @cond:CreateKey.29
    Examples: disabled
      | defect      |
      | is disabled |

    @cond:CreateKey.30
    Examples: not for encryption
      | defect                     |
      | cannot encrypt and decrypt |

  @error:UnsupportedOperationException @cond:CreateKey.31 @xks
  Scenario: Origin AWS_CLOUDHSM does not suit an external key store
    Given a external key store that is CONNECTED
    When I request a new KMS key in the key store with Origin AWS_CLOUDHSM and no XksKeyId
    Then the request fails with UnsupportedOperationException
    And no KMS key was created

  @cond:CreateKey.32
  Scenario: A key's type, usage, origin and Region scope survive what happens to it
    Given a KMS key created with KeySpec ECC_NIST_P256 and KeyUsage SIGN_VERIFY
    And the key has been disabled, tagged and enabled again
    When I describe the key
    Then the key still has the KeySpec, KeyUsage, Origin and MultiRegion it was created with

  @cond:CreateKey.33
  Scenario: A key for imported key material can be a symmetric encryption key
    When I request a new KMS key with Origin EXTERNAL and KeySpec SYMMETRIC_DEFAULT and KeyUsage ENCRYPT_DECRYPT
    Then the request succeeds
    And the new key has Origin EXTERNAL and is PendingImport

  @fault @error:DependencyTimeoutException @cond:CreateKey.34
  Scenario: After a dependency timeout the account holds no new key
    Given a KMS key whose origin is AWS_KMS
    And the endpoint answers every CreateKey request with DependencyTimeoutException
    When I request a new KMS key with default settings
    Then the request fails with DependencyTimeoutException
    And no KMS key was created

  @fault @error:KMSInternalException @cond:CreateKey.35
  Scenario: After an internal error the account holds no new key
    Given a KMS key whose origin is AWS_KMS
    And the endpoint answers every CreateKey request with KMSInternalException
    When I request a new KMS key with default settings
    Then the request fails with KMSInternalException
    And no KMS key was created
