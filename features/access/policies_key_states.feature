@key-states
Feature: Key states of the key policy operations
  The key-state table lets GetKeyPolicy, PutKeyPolicy and ListKeyPolicies
  work in every key state.

  Scenario Outline: <operation> works on a key of origin <origin> that is <state>
    Given a KMS key with origin <origin> in state <state>
    When I call <call>
    Then the request succeeds

    @op:GetKeyPolicy @cond:GetKeyPolicy.08
    Examples: GetKeyPolicy
      | operation    | call                    | origin   | state           |
      | GetKeyPolicy | GetKeyPolicy on the key | AWS_KMS  | Enabled         |
      | GetKeyPolicy | GetKeyPolicy on the key | AWS_KMS  | Disabled        |
      | GetKeyPolicy | GetKeyPolicy on the key | AWS_KMS  | PendingDeletion |
      | GetKeyPolicy | GetKeyPolicy on the key | EXTERNAL | PendingImport   |

    @op:GetKeyPolicy @cond:GetKeyPolicy.08 @cloudhsm
    Examples: GetKeyPolicy, CloudHSM key store
      | operation    | call                    | origin       | state       |
      | GetKeyPolicy | GetKeyPolicy on the key | AWS_CLOUDHSM | Unavailable |

    @op:PutKeyPolicy @cond:PutKeyPolicy.16
    Examples: PutKeyPolicy
      | operation    | call                                                        | origin   | state           |
      | PutKeyPolicy | PutKeyPolicy with a policy that keeps my account in control | AWS_KMS  | Enabled         |
      | PutKeyPolicy | PutKeyPolicy with a policy that keeps my account in control | AWS_KMS  | Disabled        |
      | PutKeyPolicy | PutKeyPolicy with a policy that keeps my account in control | AWS_KMS  | PendingDeletion |
      | PutKeyPolicy | PutKeyPolicy with a policy that keeps my account in control | EXTERNAL | PendingImport   |

    @op:PutKeyPolicy @cond:PutKeyPolicy.16 @cloudhsm
    Examples: PutKeyPolicy, CloudHSM key store
      | operation    | call                                                        | origin       | state       |
      | PutKeyPolicy | PutKeyPolicy with a policy that keeps my account in control | AWS_CLOUDHSM | Unavailable |

    @op:ListKeyPolicies @cond:ListKeyPolicies.06
    Examples: ListKeyPolicies
      | operation       | call                       | origin   | state           |
      | ListKeyPolicies | ListKeyPolicies on the key | AWS_KMS  | Enabled         |
      | ListKeyPolicies | ListKeyPolicies on the key | AWS_KMS  | Disabled        |
      | ListKeyPolicies | ListKeyPolicies on the key | AWS_KMS  | PendingDeletion |
      | ListKeyPolicies | ListKeyPolicies on the key | EXTERNAL | PendingImport   |

    @op:ListKeyPolicies @cond:ListKeyPolicies.06 @cloudhsm
    Examples: ListKeyPolicies, CloudHSM key store
      | operation       | call                       | origin       | state       |
      | ListKeyPolicies | ListKeyPolicies on the key | AWS_CLOUDHSM | Unavailable |
