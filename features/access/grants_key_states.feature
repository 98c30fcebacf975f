@key-states
Feature: Key states and kinds of the grant operations
  The key-state table lets CreateGrant make a grant on a key that is
  Enabled, Unavailable or Updating, refuses a Disabled key with
  DisabledException, a key waiting for imported material with
  KMSInvalidStateException, and a key pending deletion with either
  DisabledException or KMSInvalidStateException (the table does not say which;
  the scenarios accept either and record the one chosen). ListGrants,
  RetireGrant and RevokeGrant work in every state: their grants are made while
  the key is Enabled, and then the key is brought into the state.

  Scenario Outline: CreateGrant on a key of origin <origin> that is <state> succeeds
    Given a KMS key with origin <origin> in state <state>
    When I call CreateGrant to call Encrypt
    Then the request succeeds

    @op:CreateGrant @cond:CreateGrant.27
    Examples: Enabled
      | origin  | state   |
      | AWS_KMS | Enabled |

    @op:CreateGrant @cond:CreateGrant.27 @cloudhsm
    Examples: CloudHSM key store
      | origin       | state       |
      | AWS_CLOUDHSM | Unavailable |

    @op:CreateGrant @cond:CreateGrant.27 @xks
    Examples: external key store
      | origin             | state       |
      | EXTERNAL_KEY_STORE | Unavailable |

  Scenario Outline: CreateGrant on a key of origin <origin> that is <state> fails with <error>
    Given a KMS key with origin <origin> in state <state>
    When I call CreateGrant to call Encrypt
    Then the request fails with <error>
    And the key is <state>

    @op:CreateGrant @cond:CreateGrant.23 @error:DisabledException
    Examples: Disabled
      | origin  | state    | error             |
      | AWS_KMS | Disabled | DisabledException |

    @op:CreateGrant @cond:CreateGrant.25 @error:KMSInvalidStateException
    Examples: PendingImport
      | origin   | state         | error                    |
      | EXTERNAL | PendingImport | KMSInvalidStateException |

  @op:CreateGrant @cond:CreateGrant.24
  Scenario: CreateGrant on a key pending deletion fails with DisabledException or KMSInvalidStateException
    Given a KMS key with origin AWS_KMS in state PendingDeletion
    When I call CreateGrant to call Encrypt
    Then the request fails with either DisabledException or KMSInvalidStateException
    And the key is PendingDeletion

  @op:CreateGrant @cond:CreateGrant.12
  Scenario Outline: CreateGrant with an encryption context constraint on a <spec> key fails with a client error
    Given a <spec> KMS key for <usage>
    When I call CreateGrant with an encryption context constraint
    Then the request fails with a client error

    Examples:
      | spec          | usage               |
      | ECC_NIST_P256 | SIGN_VERIFY         |
      | HMAC_256      | GENERATE_VERIFY_MAC |

  Scenario Outline: <operation> works on a key of origin <origin> that is <state>
    Given a KMS key with origin <origin> in state Enabled
    And a grant on the key for my own account
    And the key is <state>
    When I call <call>
    Then the request succeeds

    @op:ListGrants @cond:ListGrants.13
    Examples: ListGrants
      | operation  | call                  | origin   | state           |
      | ListGrants | ListGrants on the key | AWS_KMS  | Enabled         |
      | ListGrants | ListGrants on the key | AWS_KMS  | Disabled        |
      | ListGrants | ListGrants on the key | AWS_KMS  | PendingDeletion |
      | ListGrants | ListGrants on the key | EXTERNAL | PendingImport   |

    @op:ListGrants @cond:ListGrants.13 @cloudhsm
    Examples: ListGrants, CloudHSM key store
      | operation  | call                  | origin       | state       |
      | ListGrants | ListGrants on the key | AWS_CLOUDHSM | Unavailable |

    @op:RetireGrant @cond:RetireGrant.14
    Examples: RetireGrant
      | operation   | call                                          | origin   | state           |
      | RetireGrant | RetireGrant with the key ARN and the grant ID | AWS_KMS  | Enabled         |
      | RetireGrant | RetireGrant with the key ARN and the grant ID | AWS_KMS  | Disabled        |
      | RetireGrant | RetireGrant with the key ARN and the grant ID | AWS_KMS  | PendingDeletion |
      | RetireGrant | RetireGrant with the key ARN and the grant ID | EXTERNAL | PendingImport   |

    @op:RetireGrant @cond:RetireGrant.14 @cloudhsm
    Examples: RetireGrant, CloudHSM key store
      | operation   | call                                          | origin       | state       |
      | RetireGrant | RetireGrant with the key ARN and the grant ID | AWS_CLOUDHSM | Unavailable |

    @op:RevokeGrant @cond:RevokeGrant.08
    Examples: RevokeGrant
      | operation   | call                     | origin   | state           |
      | RevokeGrant | RevokeGrant on the grant | AWS_KMS  | Enabled         |
      | RevokeGrant | RevokeGrant on the grant | AWS_KMS  | Disabled        |
      | RevokeGrant | RevokeGrant on the grant | AWS_KMS  | PendingDeletion |
      | RevokeGrant | RevokeGrant on the grant | EXTERNAL | PendingImport   |

    @op:RevokeGrant @cond:RevokeGrant.08 @cloudhsm
    Examples: RevokeGrant, CloudHSM key store
      | operation   | call                     | origin       | state       |
      | RevokeGrant | RevokeGrant on the grant | AWS_CLOUDHSM | Unavailable |

  @multi-region @op:CreateGrant @cond:CreateGrant.26 @error:KMSInvalidStateException
  Scenario: CreateGrant on a multi-Region replica that is Creating fails with KMSInvalidStateException
    Given a multi-Region KMS key of origin AWS_KMS that is Creating
    When I call CreateGrant to call Encrypt
    Then the request fails with KMSInvalidStateException
    And the key is Creating

  @untestable
  Scenario Outline: <operation> fails with KMSInvalidStateException
    Given a condition the public API cannot produce: the key-state table lets <operation> work in every state, and no other cause of KMSInvalidStateException is documented

    @op:ListGrants @cond:ListGrants.14 @error:KMSInvalidStateException
    Examples: ListGrants
      | operation  |
      | ListGrants |

    @op:RetireGrant @cond:RetireGrant.15 @error:KMSInvalidStateException
    Examples: RetireGrant
      | operation   |
      | RetireGrant |

    @op:RevokeGrant @cond:RevokeGrant.09 @error:KMSInvalidStateException
    Examples: RevokeGrant
      | operation   |
      | RevokeGrant |
