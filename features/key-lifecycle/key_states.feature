@key-states
Feature: Key states of the focus operations
  The KMS Developer Guide's key-state table says, for each operation, in which
  key states it succeeds and which error it returns in the others. These
  outlines run that table for the operations of the key lifecycle and of
  imported key material. A key of a custom key store is Unavailable while its
  store is disconnected; PendingImport exists only for keys with imported key
  material (origin EXTERNAL). Where the operation doc and the 2022 table
  disagree (ImportKeyMaterial on a Disabled key), the current operation doc
  is followed.

  Scenario Outline: <operation> on a key of origin <origin> that is <state> succeeds
    Given a KMS key with origin <origin> in state <state>
    When I call <operation> on the key
    Then the request succeeds
    And the key is <after>

    @op:CancelKeyDeletion @cond:CancelKeyDeletion.04
    Examples: CancelKeyDeletion
      | operation         | origin  | state           | after    |
      | CancelKeyDeletion | AWS_KMS | PendingDeletion | Disabled |

    @op:DeleteImportedKeyMaterial @cond:DeleteImportedKeyMaterial.06 @cond:DeleteImportedKeyMaterial.07 @cond:DeleteImportedKeyMaterial.08 @cond:DeleteImportedKeyMaterial.09
    Examples: DeleteImportedKeyMaterial
      | operation                 | origin   | state           | after           |
      | DeleteImportedKeyMaterial | EXTERNAL | Enabled         | PendingImport   |
      | DeleteImportedKeyMaterial | EXTERNAL | Disabled        | PendingImport   |
      | DeleteImportedKeyMaterial | EXTERNAL | PendingDeletion | PendingDeletion |
      | DeleteImportedKeyMaterial | EXTERNAL | PendingImport   | PendingImport   |

    @op:DescribeKey @cond:DescribeKey.01
    Examples: DescribeKey
      | operation   | origin   | state           | after           |
      | DescribeKey | AWS_KMS  | Enabled         | Enabled         |
      | DescribeKey | AWS_KMS  | Disabled        | Disabled        |
      | DescribeKey | AWS_KMS  | PendingDeletion | PendingDeletion |
      | DescribeKey | EXTERNAL | PendingImport   | PendingImport   |

    @op:DescribeKey @cond:DescribeKey.01 @cloudhsm
    Examples: DescribeKey, CloudHSM key store
      | operation   | origin       | state       | after       |
      | DescribeKey | AWS_CLOUDHSM | Unavailable | Unavailable |

    @op:DescribeKey @cond:DescribeKey.01 @xks
    Examples: DescribeKey, external key store
      | operation   | origin             | state       | after       |
      | DescribeKey | EXTERNAL_KEY_STORE | Unavailable | Unavailable |

    @op:DisableKey @cond:DisableKey.04 @cond:DisableKey.05
    Examples: DisableKey
      | operation  | origin  | state    | after    |
      | DisableKey | AWS_KMS | Enabled  | Disabled |
      | DisableKey | AWS_KMS | Disabled | Disabled |

    @op:DisableKey @cond:DisableKey.08 @cloudhsm
    Examples: DisableKey, CloudHSM key store
      | operation  | origin       | state       | after       |
      | DisableKey | AWS_CLOUDHSM | Unavailable | Unavailable |

    @op:DisableKey @cond:DisableKey.08 @xks
    Examples: DisableKey, external key store
      | operation  | origin             | state       | after       |
      | DisableKey | EXTERNAL_KEY_STORE | Unavailable | Unavailable |

    @op:EnableKey @cond:EnableKey.04 @cond:EnableKey.05
    Examples: EnableKey
      | operation | origin  | state    | after   |
      | EnableKey | AWS_KMS | Enabled  | Enabled |
      | EnableKey | AWS_KMS | Disabled | Enabled |

    @op:EnableKey @cond:EnableKey.08 @cloudhsm
    Examples: EnableKey, CloudHSM key store
      | operation | origin       | state       | after       |
      | EnableKey | AWS_CLOUDHSM | Unavailable | Unavailable |

    @op:EnableKey @cond:EnableKey.08 @xks
    Examples: EnableKey, external key store
      | operation | origin             | state       | after       |
      | EnableKey | EXTERNAL_KEY_STORE | Unavailable | Unavailable |

    @op:GetParametersForImport @cond:GetParametersForImport.06 @cond:GetParametersForImport.07 @cond:GetParametersForImport.08
    Examples: GetParametersForImport
      | operation              | origin   | state         | after         |
      | GetParametersForImport | EXTERNAL | Enabled       | Enabled       |
      | GetParametersForImport | EXTERNAL | Disabled      | Disabled      |
      | GetParametersForImport | EXTERNAL | PendingImport | PendingImport |

    @op:ImportKeyMaterial @cond:ImportKeyMaterial.06 @cond:ImportKeyMaterial.07
    Examples: ImportKeyMaterial
      | operation         | origin   | state         | after   |
      | ImportKeyMaterial | EXTERNAL | Enabled       | Enabled |
      | ImportKeyMaterial | EXTERNAL | PendingImport | Enabled |

    @op:ScheduleKeyDeletion @cond:ScheduleKeyDeletion.04 @cond:ScheduleKeyDeletion.05 @cond:ScheduleKeyDeletion.06
    Examples: ScheduleKeyDeletion
      | operation           | origin   | state         | after           |
      | ScheduleKeyDeletion | AWS_KMS  | Enabled       | PendingDeletion |
      | ScheduleKeyDeletion | AWS_KMS  | Disabled      | PendingDeletion |
      | ScheduleKeyDeletion | EXTERNAL | PendingImport | PendingDeletion |

    @op:ScheduleKeyDeletion @cond:ScheduleKeyDeletion.07 @cloudhsm
    Examples: ScheduleKeyDeletion, CloudHSM key store
      | operation           | origin       | state       | after           |
      | ScheduleKeyDeletion | AWS_CLOUDHSM | Unavailable | PendingDeletion |

    @op:ScheduleKeyDeletion @cond:ScheduleKeyDeletion.07 @xks
    Examples: ScheduleKeyDeletion, external key store
      | operation           | origin             | state       | after           |
      | ScheduleKeyDeletion | EXTERNAL_KEY_STORE | Unavailable | PendingDeletion |

  Scenario Outline: <operation> on a key of origin <origin> that is <state> fails with <error>
    Given a KMS key with origin <origin> in state <state>
    When I call <operation> on the key
    Then the request fails with <error>
    And the key is <state>

    @op:CancelKeyDeletion @cond:CancelKeyDeletion.06 @cond:CancelKeyDeletion.07 @cond:CancelKeyDeletion.08 @error:KMSInvalidStateException
    Examples: CancelKeyDeletion
      | operation         | origin   | state         | error                    |
      | CancelKeyDeletion | AWS_KMS  | Enabled       | KMSInvalidStateException |
      | CancelKeyDeletion | AWS_KMS  | Disabled      | KMSInvalidStateException |
      | CancelKeyDeletion | EXTERNAL | PendingImport | KMSInvalidStateException |

    @op:CancelKeyDeletion @cond:CancelKeyDeletion.09 @error:KMSInvalidStateException @cloudhsm
    Examples: CancelKeyDeletion, CloudHSM key store
      | operation         | origin       | state       | error                    |
      | CancelKeyDeletion | AWS_CLOUDHSM | Unavailable | KMSInvalidStateException |

    @op:CancelKeyDeletion @cond:CancelKeyDeletion.09 @error:KMSInvalidStateException @xks
    Examples: CancelKeyDeletion, external key store
      | operation         | origin             | state       | error                    |
      | CancelKeyDeletion | EXTERNAL_KEY_STORE | Unavailable | KMSInvalidStateException |

    @op:DeleteImportedKeyMaterial @cond:DeleteImportedKeyMaterial.05 @error:UnsupportedOperationException
    Examples: DeleteImportedKeyMaterial, key without imported material
      | operation                 | origin  | state           | error                         |
      | DeleteImportedKeyMaterial | AWS_KMS | Enabled         | UnsupportedOperationException |
      | DeleteImportedKeyMaterial | AWS_KMS | Disabled        | UnsupportedOperationException |
      | DeleteImportedKeyMaterial | AWS_KMS | PendingDeletion | UnsupportedOperationException |

    @op:DeleteImportedKeyMaterial @cond:DeleteImportedKeyMaterial.05 @error:UnsupportedOperationException @cloudhsm
    Examples: DeleteImportedKeyMaterial, CloudHSM key store
      | operation                 | origin       | state       | error                         |
      | DeleteImportedKeyMaterial | AWS_CLOUDHSM | Unavailable | UnsupportedOperationException |

    @op:DeleteImportedKeyMaterial @cond:DeleteImportedKeyMaterial.05 @error:UnsupportedOperationException @xks
    Examples: DeleteImportedKeyMaterial, external key store
      | operation                 | origin             | state       | error                         |
      | DeleteImportedKeyMaterial | EXTERNAL_KEY_STORE | Unavailable | UnsupportedOperationException |

    @op:DisableKey @cond:DisableKey.06 @cond:DisableKey.07 @error:KMSInvalidStateException
    Examples: DisableKey
      | operation  | origin   | state           | error                    |
      | DisableKey | AWS_KMS  | PendingDeletion | KMSInvalidStateException |
      | DisableKey | EXTERNAL | PendingImport   | KMSInvalidStateException |

    @op:EnableKey @cond:EnableKey.06 @cond:EnableKey.07 @error:KMSInvalidStateException
    Examples: EnableKey
      | operation | origin   | state           | error                    |
      | EnableKey | AWS_KMS  | PendingDeletion | KMSInvalidStateException |
      | EnableKey | EXTERNAL | PendingImport   | KMSInvalidStateException |

    @op:GetParametersForImport @cond:GetParametersForImport.04 @error:UnsupportedOperationException
    Examples: GetParametersForImport, key without imported material
      | operation              | origin  | state           | error                         |
      | GetParametersForImport | AWS_KMS | Enabled         | UnsupportedOperationException |
      | GetParametersForImport | AWS_KMS | Disabled        | UnsupportedOperationException |
      | GetParametersForImport | AWS_KMS | PendingDeletion | UnsupportedOperationException |

    @op:GetParametersForImport @cond:GetParametersForImport.09 @error:KMSInvalidStateException
    Examples: GetParametersForImport, imported key pending deletion
      | operation              | origin   | state           | error                    |
      | GetParametersForImport | EXTERNAL | PendingDeletion | KMSInvalidStateException |

    @op:GetParametersForImport @cond:GetParametersForImport.05 @error:UnsupportedOperationException @cloudhsm
    Examples: GetParametersForImport, CloudHSM key store
      | operation              | origin       | state       | error                         |
      | GetParametersForImport | AWS_CLOUDHSM | Unavailable | UnsupportedOperationException |

    @op:GetParametersForImport @cond:GetParametersForImport.05 @error:UnsupportedOperationException @xks
    Examples: GetParametersForImport, external key store
      | operation              | origin             | state       | error                         |
      | GetParametersForImport | EXTERNAL_KEY_STORE | Unavailable | UnsupportedOperationException |

    @op:ImportKeyMaterial @cond:ImportKeyMaterial.04 @error:UnsupportedOperationException
    Examples: ImportKeyMaterial, key without imported material
      | operation         | origin  | state           | error                         |
      | ImportKeyMaterial | AWS_KMS | Enabled         | UnsupportedOperationException |
      | ImportKeyMaterial | AWS_KMS | Disabled        | UnsupportedOperationException |
      | ImportKeyMaterial | AWS_KMS | PendingDeletion | UnsupportedOperationException |

    @op:ImportKeyMaterial @cond:ImportKeyMaterial.08 @error:KMSInvalidStateException
    Examples: ImportKeyMaterial, disabled imported key (the operation doc, not the 2022 table)
      | operation         | origin   | state    | error                    |
      | ImportKeyMaterial | EXTERNAL | Disabled | KMSInvalidStateException |

    @op:ImportKeyMaterial @cond:ImportKeyMaterial.09 @error:KMSInvalidStateException
    Examples: ImportKeyMaterial, imported key pending deletion
      | operation         | origin   | state           | error                    |
      | ImportKeyMaterial | EXTERNAL | PendingDeletion | KMSInvalidStateException |

    @op:ImportKeyMaterial @cond:ImportKeyMaterial.05 @error:UnsupportedOperationException @cloudhsm
    Examples: ImportKeyMaterial, CloudHSM key store
      | operation         | origin       | state       | error                         |
      | ImportKeyMaterial | AWS_CLOUDHSM | Unavailable | UnsupportedOperationException |

    @op:ImportKeyMaterial @cond:ImportKeyMaterial.05 @error:UnsupportedOperationException @xks
    Examples: ImportKeyMaterial, external key store
      | operation         | origin             | state       | error                         |
      | ImportKeyMaterial | EXTERNAL_KEY_STORE | Unavailable | UnsupportedOperationException |

    @op:ScheduleKeyDeletion @cond:ScheduleKeyDeletion.09 @error:KMSInvalidStateException
    Examples: ScheduleKeyDeletion
      | operation           | origin  | state           | error                    |
      | ScheduleKeyDeletion | AWS_KMS | PendingDeletion | KMSInvalidStateException |
