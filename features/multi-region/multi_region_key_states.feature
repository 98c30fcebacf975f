@key-states @multi-region
Feature: Key states only multi-Region keys reach
  A replica is Creating while ReplicateKey makes it, a primary and its
  replica are Updating while UpdatePrimaryRegion moves the primary, and a
  primary whose deletion is scheduled while it has replicas is
  PendingReplicaDeletion until they are gone. The key-state table says what
  each focus operation does in these states. Creating and Updating last a few
  seconds on real KMS; the reference's control API holds them, so that the
  scenarios can observe them, and they are skipped on endpoints without one.
  The scenarios act on the key in the state: a Creating replica in the
  second Region, the former primary in the run's own Region while both are
  Updating, the primary while it waits for its replica.

  Scenario Outline: <operation> on a multi-Region key of origin <origin> that is <state> succeeds
    Given a multi-Region KMS key of origin <origin> that is <state>
    When I call <operation> on the key
    Then the request succeeds
    And the key is <after>

    @op:CancelKeyDeletion @cond:CancelKeyDeletion.05
    Examples: CancelKeyDeletion (the key becomes Disabled)
      | operation         | origin  | state                  | after    |
      | CancelKeyDeletion | AWS_KMS | PendingReplicaDeletion | Disabled |

    @op:DeleteImportedKeyMaterial @cond:DeleteImportedKeyMaterial.08 @import
    Examples: DeleteImportedKeyMaterial (the table's column shared with PendingDeletion)
      | operation                 | origin   | state                  | after                  |
      | DeleteImportedKeyMaterial | EXTERNAL | PendingReplicaDeletion | PendingReplicaDeletion |

    @op:DescribeKey @cond:DescribeKey.01
    Examples: DescribeKey
      | operation   | origin  | state                  | after                  |
      | DescribeKey | AWS_KMS | PendingReplicaDeletion | PendingReplicaDeletion |
      | DescribeKey | AWS_KMS | Creating               | Creating               |
      | DescribeKey | AWS_KMS | Updating               | Updating               |

    @op:ScheduleKeyDeletion @cond:ScheduleKeyDeletion.08 @cond:ReplicateKey.11
    Examples: ScheduleKeyDeletion
      | operation           | origin  | state    | after           |
      | ScheduleKeyDeletion | AWS_KMS | Creating | PendingDeletion |

  Scenario Outline: <operation> on a multi-Region key of origin <origin> that is <state> fails with KMSInvalidStateException
    Given a multi-Region KMS key of origin <origin> that is <state>
    When I call <operation> on the key
    Then the request fails with KMSInvalidStateException
    And the key is <state>

    @op:CancelKeyDeletion @cond:CancelKeyDeletion.10 @cond:CancelKeyDeletion.11 @error:KMSInvalidStateException
    Examples: CancelKeyDeletion
      | operation         | origin  | state    |
      | CancelKeyDeletion | AWS_KMS | Creating |
      | CancelKeyDeletion | AWS_KMS | Updating |

    @op:DeleteImportedKeyMaterial @cond:DeleteImportedKeyMaterial.10 @cond:DeleteImportedKeyMaterial.11 @error:KMSInvalidStateException @import
    Examples: DeleteImportedKeyMaterial
      | operation                 | origin   | state    |
      | DeleteImportedKeyMaterial | EXTERNAL | Creating |
      | DeleteImportedKeyMaterial | EXTERNAL | Updating |

    @op:DisableKey @cond:DisableKey.06 @cond:DisableKey.09 @cond:DisableKey.10 @cond:UpdatePrimaryRegion.11 @error:KMSInvalidStateException
    Examples: DisableKey
      | operation  | origin  | state                  |
      | DisableKey | AWS_KMS | PendingReplicaDeletion |
      | DisableKey | AWS_KMS | Creating               |
      | DisableKey | AWS_KMS | Updating               |

    @op:EnableKey @cond:EnableKey.06 @cond:EnableKey.09 @cond:EnableKey.10 @cond:UpdatePrimaryRegion.11 @error:KMSInvalidStateException
    Examples: EnableKey
      | operation | origin  | state                  |
      | EnableKey | AWS_KMS | PendingReplicaDeletion |
      | EnableKey | AWS_KMS | Creating               |
      | EnableKey | AWS_KMS | Updating               |

    @op:GetParametersForImport @cond:GetParametersForImport.09 @cond:GetParametersForImport.10 @cond:GetParametersForImport.11 @error:KMSInvalidStateException @import
    Examples: GetParametersForImport
      | operation              | origin   | state                  |
      | GetParametersForImport | EXTERNAL | PendingReplicaDeletion |
      | GetParametersForImport | EXTERNAL | Creating               |
      | GetParametersForImport | EXTERNAL | Updating               |

    @op:ImportKeyMaterial @cond:ImportKeyMaterial.09 @cond:ImportKeyMaterial.10 @error:KMSInvalidStateException @import
    Examples: ImportKeyMaterial
      | operation         | origin   | state                  |
      | ImportKeyMaterial | EXTERNAL | PendingReplicaDeletion |
      | ImportKeyMaterial | EXTERNAL | Creating               |

    @op:ScheduleKeyDeletion @cond:ScheduleKeyDeletion.09 @cond:ScheduleKeyDeletion.10 @error:KMSInvalidStateException
    Examples: ScheduleKeyDeletion
      | operation           | origin  | state                  |
      | ScheduleKeyDeletion | AWS_KMS | PendingReplicaDeletion |
      | ScheduleKeyDeletion | AWS_KMS | Updating               |

  @op:ImportKeyMaterial @cond:ImportKeyMaterial.11 @import
  Scenario: ImportKeyMaterial on a multi-Region key that is Updating succeeds
    Given a multi-Region KMS key of origin EXTERNAL that is Updating
    When I import the key's key material again
    Then the request succeeds
    And the key is Updating

  @op:ScheduleKeyDeletion @cond:ScheduleKeyDeletion.13
  Scenario: A primary key with a replica waits for its replica before its own waiting period starts
    Given a multi-Region KMS key
    And the key has a replica in the second Region
    When I call ScheduleKeyDeletion on the key
    Then the request succeeds
    And the key is PendingReplicaDeletion
    And the key has no deletion date

  @op:ScheduleKeyDeletion @cond:ScheduleKeyDeletion.13
  Scenario: Once its last replica is deleted the primary key's own waiting period starts
    Given a multi-Region KMS key in an account of my own
    And the key has a replica in the second Region
    And the key is scheduled for deletion while it has a replica
    And the replica's deletion is scheduled and its waiting period has passed
    When I describe the key
    Then the request succeeds
    And the key is PendingDeletion

  @op:ImportKeyMaterial @cond:ImportKeyMaterial.30 @import
  Scenario: New key material imported straight into a replica is refused
    Given a multi-Region KMS key with imported key material
    And the key has a replica in the second Region
    And the scenario acts on the replica in the second Region
    When I import new key material into the replica as NEW_KEY_MATERIAL
    Then the request fails with a client error
    And the key is PendingImport

  @op:DeleteImportedKeyMaterial @cond:DeleteImportedKeyMaterial.16 @import
  Scenario: Deleting a replica's key material leaves its primary alone
    Given a multi-Region KMS key with imported key material
    And the key has a replica in the second Region
    And the primary's key material has been imported into the replica
    When I call DeleteImportedKeyMaterial on the key
    Then the request succeeds
    And the key is PendingImport
    And the primary is still Enabled

  Scenario Outline: <operation> with a multi-Region replica that is Creating fails with KMSInvalidStateException
    Given a multi-Region <spec> KMS key for <usage>
    And the key has a replica in the second Region that is Creating
    When I call <operation> on the key
    Then the request fails with KMSInvalidStateException
    And the key is Creating

    @op:GenerateDataKey @cond:GenerateDataKey.22 @cond:ReplicateKey.11 @error:KMSInvalidStateException
    Examples: GenerateDataKey
      | operation       | spec              | usage           |
      | GenerateDataKey | SYMMETRIC_DEFAULT | ENCRYPT_DECRYPT |

    @op:GenerateDataKeyWithoutPlaintext @cond:GenerateDataKeyWithoutPlaintext.20 @error:KMSInvalidStateException
    Examples: GenerateDataKeyWithoutPlaintext
      | operation                       | spec              | usage           |
      | GenerateDataKeyWithoutPlaintext | SYMMETRIC_DEFAULT | ENCRYPT_DECRYPT |

    @op:GenerateDataKeyPair @cond:GenerateDataKeyPair.21 @error:KMSInvalidStateException
    Examples: GenerateDataKeyPair
      | operation           | spec              | usage           |
      | GenerateDataKeyPair | SYMMETRIC_DEFAULT | ENCRYPT_DECRYPT |

    @op:GenerateDataKeyPairWithoutPlaintext @cond:GenerateDataKeyPairWithoutPlaintext.18 @error:KMSInvalidStateException
    Examples: GenerateDataKeyPairWithoutPlaintext
      | operation                           | spec              | usage           |
      | GenerateDataKeyPairWithoutPlaintext | SYMMETRIC_DEFAULT | ENCRYPT_DECRYPT |

    @op:GenerateMac @cond:GenerateMac.12 @error:KMSInvalidStateException
    Examples: GenerateMac
      | operation   | spec     | usage               |
      | GenerateMac | HMAC_256 | GENERATE_VERIFY_MAC |

  @op:DeriveSharedSecret @cond:DeriveSharedSecret.18
  Scenario: DeriveSharedSecret with a multi-Region replica that is Creating fails with a client error
    Given a multi-Region ECC_NIST_P256 KMS key for KEY_AGREEMENT
    And the key has a replica in the second Region that is Creating
    When I call DeriveSharedSecret on the key
    Then the request fails with a client error
    And the key is Creating

  @op:VerifyMac @cond:VerifyMac.15 @error:KMSInvalidStateException
  Scenario: VerifyMac with a multi-Region replica that is Creating fails with KMSInvalidStateException
    Given a multi-Region HMAC_256 KMS key for GENERATE_VERIFY_MAC
    And a MAC of a message has been generated with the key
    And the key has a replica in the second Region that is Creating
    When I call VerifyMac on the key
    Then the request fails with KMSInvalidStateException
    And the key is Creating

  @op:Encrypt @cond:Encrypt.28 @cond:ReplicateKey.11 @error:KMSInvalidStateException
  Scenario: Encrypt with a multi-Region replica that is Creating fails with KMSInvalidStateException
    Given a multi-Region SYMMETRIC_DEFAULT KMS key for ENCRYPT_DECRYPT
    And the key has a replica in the second Region that is Creating
    When I encrypt a message under the key
    Then the request fails with KMSInvalidStateException
    And the key is Creating

  @op:Decrypt @cond:Decrypt.27 @error:KMSInvalidStateException
  Scenario: Decrypt with a multi-Region replica that is Creating fails with KMSInvalidStateException
    Given a multi-Region SYMMETRIC_DEFAULT KMS key for ENCRYPT_DECRYPT
    And a message encrypted under the key
    And the key has a replica in the second Region that is Creating
    When I decrypt the message
    Then the request fails with KMSInvalidStateException
    And the key is Creating

  @op:ReEncrypt @cond:ReEncrypt.27 @error:KMSInvalidStateException
  Scenario: ReEncrypt with a multi-Region replica that is Creating fails with KMSInvalidStateException
    Given a multi-Region SYMMETRIC_DEFAULT KMS key for ENCRYPT_DECRYPT
    And a message encrypted under the key
    And the key has a replica in the second Region that is Creating
    When I re-encrypt the message under the key
    Then the request fails with KMSInvalidStateException
    And the key is Creating

  @op:Sign @cond:Sign.21 @error:KMSInvalidStateException
  Scenario: Sign with a multi-Region replica that is Creating fails with KMSInvalidStateException
    Given a multi-Region ECC_NIST_P256 KMS key for SIGN_VERIFY
    And the key has a replica in the second Region that is Creating
    When I sign a message with the key
    Then the request fails with KMSInvalidStateException
    And the key is Creating

  @op:Verify @cond:Verify.23 @error:KMSInvalidStateException
  Scenario: Verify with a multi-Region replica that is Creating fails with KMSInvalidStateException
    Given a multi-Region ECC_NIST_P256 KMS key for SIGN_VERIFY
    And a message signed with the key, using ECDSA_SHA_256
    And the key has a replica in the second Region that is Creating
    When I verify the signature with the key
    Then the request fails with KMSInvalidStateException
    And the key is Creating

  @op:GetPublicKey @cond:GetPublicKey.19 @error:KMSInvalidStateException
  Scenario: GetPublicKey with a multi-Region replica that is Creating fails with KMSInvalidStateException
    Given a multi-Region ECC_NIST_P256 KMS key for SIGN_VERIFY
    And the key has a replica in the second Region that is Creating
    When I get the public key of the key
    Then the request fails with KMSInvalidStateException
    And the key is Creating
