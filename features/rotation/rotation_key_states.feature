@key-states
Feature: Key states and key kinds of the rotation operations
  The key-state table gives EnableKeyRotation and DisableKeyRotation to an
  Enabled symmetric key whose material KMS generated: Disabled is
  DisabledException, a key pending deletion KMSInvalidStateException. A key
  with imported key material or in a custom key store is
  UnsupportedOperationException in every state, for GetKeyRotationStatus as
  well (catalog conflict E40), which otherwise answers in every state.
  Asymmetric, HMAC and AWS managed keys have no automatic rotation to
  configure; the docs name no error, so the scenarios expect a client error and
  record the code (E45). RotateKeyOnDemand has no table row: real KMS was
  recorded refusing a Disabled key with DisabledException and a key waiting
  for imported material with KMSInvalidStateException (E41). A key of a custom
  key store is Unavailable while its store is disconnected.

  Scenario Outline: <operation> on a key of origin <origin> that is <state> fails with <error>
    Given a KMS key with origin <origin> in state <state>
    When I call <operation> on the key
    Then the request fails with <error>
    And the key is <state>

    @op:EnableKeyRotation @cond:EnableKeyRotation.14 @error:DisabledException
    Examples: EnableKeyRotation, Disabled
      | operation         | origin  | state    | error             |
      | EnableKeyRotation | AWS_KMS | Disabled | DisabledException |

    @op:EnableKeyRotation @cond:EnableKeyRotation.15 @error:KMSInvalidStateException
    Examples: EnableKeyRotation, pending deletion
      | operation         | origin  | state           | error                    |
      | EnableKeyRotation | AWS_KMS | PendingDeletion | KMSInvalidStateException |

    @op:EnableKeyRotation @cond:EnableKeyRotation.08 @error:UnsupportedOperationException
    Examples: EnableKeyRotation, imported key material
      | operation         | origin   | state           | error                         |
      | EnableKeyRotation | EXTERNAL | Enabled         | UnsupportedOperationException |
      | EnableKeyRotation | EXTERNAL | Disabled        | UnsupportedOperationException |
      | EnableKeyRotation | EXTERNAL | PendingDeletion | UnsupportedOperationException |

    @op:EnableKeyRotation @cond:EnableKeyRotation.16 @error:UnsupportedOperationException
    Examples: EnableKeyRotation, waiting for imported key material
      | operation         | origin   | state         | error                         |
      | EnableKeyRotation | EXTERNAL | PendingImport | UnsupportedOperationException |

    @op:EnableKeyRotation @cond:EnableKeyRotation.09 @cond:EnableKeyRotation.17 @error:UnsupportedOperationException @cloudhsm
    Examples: EnableKeyRotation, CloudHSM key store
      | operation         | origin       | state       | error                         |
      | EnableKeyRotation | AWS_CLOUDHSM | Enabled     | UnsupportedOperationException |
      | EnableKeyRotation | AWS_CLOUDHSM | Unavailable | UnsupportedOperationException |

    @op:EnableKeyRotation @cond:EnableKeyRotation.09 @cond:EnableKeyRotation.17 @error:UnsupportedOperationException @xks
    Examples: EnableKeyRotation, external key store
      | operation         | origin             | state       | error                         |
      | EnableKeyRotation | EXTERNAL_KEY_STORE | Enabled     | UnsupportedOperationException |
      | EnableKeyRotation | EXTERNAL_KEY_STORE | Unavailable | UnsupportedOperationException |

    @op:DisableKeyRotation @cond:DisableKeyRotation.12 @error:DisabledException
    Examples: DisableKeyRotation, Disabled
      | operation          | origin  | state    | error             |
      | DisableKeyRotation | AWS_KMS | Disabled | DisabledException |

    @op:DisableKeyRotation @cond:DisableKeyRotation.13 @error:KMSInvalidStateException
    Examples: DisableKeyRotation, pending deletion
      | operation          | origin  | state           | error                    |
      | DisableKeyRotation | AWS_KMS | PendingDeletion | KMSInvalidStateException |

    @op:DisableKeyRotation @cond:DisableKeyRotation.06 @error:UnsupportedOperationException
    Examples: DisableKeyRotation, imported key material
      | operation          | origin   | state           | error                         |
      | DisableKeyRotation | EXTERNAL | Enabled         | UnsupportedOperationException |
      | DisableKeyRotation | EXTERNAL | Disabled        | UnsupportedOperationException |
      | DisableKeyRotation | EXTERNAL | PendingDeletion | UnsupportedOperationException |

    @op:DisableKeyRotation @cond:DisableKeyRotation.14 @error:UnsupportedOperationException
    Examples: DisableKeyRotation, waiting for imported key material
      | operation          | origin   | state         | error                         |
      | DisableKeyRotation | EXTERNAL | PendingImport | UnsupportedOperationException |

    @op:DisableKeyRotation @cond:DisableKeyRotation.07 @cond:DisableKeyRotation.15 @error:UnsupportedOperationException @cloudhsm
    Examples: DisableKeyRotation, CloudHSM key store
      | operation          | origin       | state       | error                         |
      | DisableKeyRotation | AWS_CLOUDHSM | Enabled     | UnsupportedOperationException |
      | DisableKeyRotation | AWS_CLOUDHSM | Unavailable | UnsupportedOperationException |

    @op:DisableKeyRotation @cond:DisableKeyRotation.07 @cond:DisableKeyRotation.15 @error:UnsupportedOperationException @xks
    Examples: DisableKeyRotation, external key store
      | operation          | origin             | state       | error                         |
      | DisableKeyRotation | EXTERNAL_KEY_STORE | Enabled     | UnsupportedOperationException |
      | DisableKeyRotation | EXTERNAL_KEY_STORE | Unavailable | UnsupportedOperationException |

    @op:GetKeyRotationStatus @cond:GetKeyRotationStatus.11 @error:UnsupportedOperationException
    Examples: GetKeyRotationStatus, imported key material
      | operation            | origin   | state           | error                         |
      | GetKeyRotationStatus | EXTERNAL | Enabled         | UnsupportedOperationException |
      | GetKeyRotationStatus | EXTERNAL | Disabled        | UnsupportedOperationException |
      | GetKeyRotationStatus | EXTERNAL | PendingDeletion | UnsupportedOperationException |

    @op:GetKeyRotationStatus @cond:GetKeyRotationStatus.13 @error:UnsupportedOperationException
    Examples: GetKeyRotationStatus, waiting for imported key material
      | operation            | origin   | state         | error                         |
      | GetKeyRotationStatus | EXTERNAL | PendingImport | UnsupportedOperationException |

    @op:GetKeyRotationStatus @cond:GetKeyRotationStatus.12 @cond:GetKeyRotationStatus.14 @error:UnsupportedOperationException @cloudhsm
    Examples: GetKeyRotationStatus, CloudHSM key store
      | operation            | origin       | state       | error                         |
      | GetKeyRotationStatus | AWS_CLOUDHSM | Enabled     | UnsupportedOperationException |
      | GetKeyRotationStatus | AWS_CLOUDHSM | Unavailable | UnsupportedOperationException |

    @op:GetKeyRotationStatus @cond:GetKeyRotationStatus.12 @cond:GetKeyRotationStatus.14 @error:UnsupportedOperationException @xks
    Examples: GetKeyRotationStatus, external key store
      | operation            | origin             | state       | error                         |
      | GetKeyRotationStatus | EXTERNAL_KEY_STORE | Enabled     | UnsupportedOperationException |
      | GetKeyRotationStatus | EXTERNAL_KEY_STORE | Unavailable | UnsupportedOperationException |

    @op:RotateKeyOnDemand @cond:RotateKeyOnDemand.18 @error:DisabledException
    Examples: RotateKeyOnDemand, Disabled
      | operation         | origin   | state    | error             |
      | RotateKeyOnDemand | AWS_KMS  | Disabled | DisabledException |
      | RotateKeyOnDemand | EXTERNAL | Disabled | DisabledException |

    @op:RotateKeyOnDemand @cond:RotateKeyOnDemand.19 @error:KMSInvalidStateException
    Examples: RotateKeyOnDemand, waiting for imported key material
      | operation         | origin   | state         | error                    |
      | RotateKeyOnDemand | EXTERNAL | PendingImport | KMSInvalidStateException |

  Scenario Outline: <operation> on a key of origin <origin> that is <state> succeeds
    Given a KMS key with origin <origin> in state <state>
    When I call <operation> on the key
    Then the request succeeds
    And the key is <state>

    @op:EnableKeyRotation @cond:EnableKeyRotation.05
    Examples: EnableKeyRotation
      | operation         | origin  | state   |
      | EnableKeyRotation | AWS_KMS | Enabled |

    @op:DisableKeyRotation @cond:DisableKeyRotation.05
    Examples: DisableKeyRotation
      | operation          | origin  | state   |
      | DisableKeyRotation | AWS_KMS | Enabled |

    @op:GetKeyRotationStatus @cond:GetKeyRotationStatus.10 @cond:GetKeyRotationStatus.08 @cond:GetKeyRotationStatus.09
    Examples: GetKeyRotationStatus
      | operation            | origin  | state           |
      | GetKeyRotationStatus | AWS_KMS | Enabled         |
      | GetKeyRotationStatus | AWS_KMS | Disabled        |
      | GetKeyRotationStatus | AWS_KMS | PendingDeletion |

    @op:GetKeyLastUsage @cond:GetKeyLastUsage.07
    Examples: GetKeyLastUsage
      | operation       | origin   | state         |
      | GetKeyLastUsage | AWS_KMS  | Enabled       |
      | GetKeyLastUsage | AWS_KMS  | Disabled      |
      | GetKeyLastUsage | EXTERNAL | PendingImport |

  Scenario Outline: <operation> on <kind> fails with a client error
    Given an <spec> KMS key for <usage>
    When I call <operation> on the key
    Then the request fails with a client error

    @op:EnableKeyRotation @cond:EnableKeyRotation.10
    Examples: EnableKeyRotation, asymmetric
      | operation         | kind            | spec          | usage       |
      | EnableKeyRotation | an asymmetric key | ECC_NIST_P256 | SIGN_VERIFY |

    @op:EnableKeyRotation @cond:EnableKeyRotation.11
    Examples: EnableKeyRotation, HMAC
      | operation         | kind        | spec     | usage               |
      | EnableKeyRotation | an HMAC key | HMAC_256 | GENERATE_VERIFY_MAC |

    @op:DisableKeyRotation @cond:DisableKeyRotation.08
    Examples: DisableKeyRotation, asymmetric
      | operation          | kind              | spec          | usage       |
      | DisableKeyRotation | an asymmetric key | ECC_NIST_P256 | SIGN_VERIFY |

    @op:DisableKeyRotation @cond:DisableKeyRotation.09
    Examples: DisableKeyRotation, HMAC
      | operation          | kind        | spec     | usage               |
      | DisableKeyRotation | an HMAC key | HMAC_256 | GENERATE_VERIFY_MAC |

    @op:GetKeyRotationStatus @cond:GetKeyRotationStatus.15
    Examples: GetKeyRotationStatus
      | operation            | kind              | spec          | usage               |
      | GetKeyRotationStatus | an asymmetric key | ECC_NIST_P256 | SIGN_VERIFY         |
      | GetKeyRotationStatus | an HMAC key       | HMAC_256      | GENERATE_VERIFY_MAC |

  Scenario Outline: <operation> on an AWS managed key fails with a client error
    Given an AWS managed key in an account of my own
    When I call <operation> on the key
    Then the request fails with a client error

    @op:EnableKeyRotation @cond:EnableKeyRotation.12
    Examples: EnableKeyRotation
      | operation         |
      | EnableKeyRotation |

    @op:DisableKeyRotation @cond:DisableKeyRotation.10
    Examples: DisableKeyRotation
      | operation          |
      | DisableKeyRotation |

  Scenario Outline: RotateKeyOnDemand on a key of origin <origin> fails with a client error
    Given a KMS key with origin <origin> in state Enabled
    When I call RotateKeyOnDemand on the key
    Then the request fails with a client error

    @op:RotateKeyOnDemand @cond:RotateKeyOnDemand.12 @cloudhsm
    Examples: CloudHSM key store
      | origin       |
      | AWS_CLOUDHSM |

    @op:RotateKeyOnDemand @cond:RotateKeyOnDemand.12 @xks
    Examples: external key store
      | origin             |
      | EXTERNAL_KEY_STORE |

  @multi-region
  Scenario Outline: <operation> on a multi-Region replica that is Creating fails with KMSInvalidStateException
    Given a multi-Region KMS key of origin AWS_KMS that is Creating
    When I call <operation> on the key
    Then the request fails with KMSInvalidStateException
    And the key is Creating

    @op:EnableKeyRotation @cond:EnableKeyRotation.18 @error:KMSInvalidStateException
    Examples: EnableKeyRotation
      | operation         |
      | EnableKeyRotation |

    @op:DisableKeyRotation @cond:DisableKeyRotation.16 @error:KMSInvalidStateException
    Examples: DisableKeyRotation
      | operation          |
      | DisableKeyRotation |

  @multi-region
  Scenario Outline: <operation> on a new multi-Region primary key that is Updating succeeds
    Given a multi-Region KMS key
    And the key's primary Region has moved to the second Region, and both keys are Updating
    And the scenario acts on the new primary key in the second Region
    When I call <operation> on the key
    Then the request succeeds
    And the key is Updating
    And GetKeyRotationStatus then shows <status>

    @op:EnableKeyRotation @cond:EnableKeyRotation.19
    Examples: EnableKeyRotation
      | operation         | status                       |
      | EnableKeyRotation | rotation on every 365 days |

    @op:DisableKeyRotation @cond:DisableKeyRotation.17
    Examples: DisableKeyRotation
      | operation          | status       |
      | DisableKeyRotation | rotation off |

  @multi-region
  Scenario Outline: <operation> on a multi-Region replica fails with a client error
    Automatic rotation of a multi-Region key is set on its primary key, and
    the replicas follow it; the docs name no error for a replica.

    Given a multi-Region KMS key
    And the key has a replica in the second Region
    And the scenario acts on the replica in the second Region
    When I call <operation> on the key
    Then the request fails with a client error
    And GetKeyRotationStatus then shows rotation off

    @op:EnableKeyRotation @cond:EnableKeyRotation.13
    Examples: EnableKeyRotation
      | operation         |
      | EnableKeyRotation |

    @op:DisableKeyRotation @cond:DisableKeyRotation.11
    Examples: DisableKeyRotation
      | operation          |
      | DisableKeyRotation |
