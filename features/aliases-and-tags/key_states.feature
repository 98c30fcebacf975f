@key-states
Feature: Key states of the alias, tag and description operations
  The key-state table lets CreateAlias, TagResource, UntagResource and
  UpdateKeyDescription work on a key in every state but one: a key waiting to
  be deleted is refused with KMSInvalidStateException. UpdateAlias refuses
  such a key as the alias's new key, not as its current one. DeleteAlias,
  ListAliases and ListResourceTags work whatever the state. A key of a custom
  key store is Unavailable while its store is disconnected; PendingImport
  exists only for keys with imported key material (origin EXTERNAL).

  Scenario Outline: <operation> on a key of origin <origin> that is <state> succeeds
    Given a KMS key with origin <origin> in state <state>
    When I call <operation> on the key
    Then the request succeeds
    And the key is <state>

    @op:CreateAlias @cond:CreateAlias.12
    Examples: CreateAlias
      | operation   | origin   | state         |
      | CreateAlias | AWS_KMS  | Enabled       |
      | CreateAlias | AWS_KMS  | Disabled      |
      | CreateAlias | EXTERNAL | PendingImport |

    @op:TagResource @cond:TagResource.15
    Examples: TagResource
      | operation   | origin   | state         |
      | TagResource | AWS_KMS  | Enabled       |
      | TagResource | AWS_KMS  | Disabled      |
      | TagResource | EXTERNAL | PendingImport |

    @op:UntagResource @cond:UntagResource.10
    Examples: UntagResource
      | operation     | origin   | state         |
      | UntagResource | AWS_KMS  | Enabled       |
      | UntagResource | AWS_KMS  | Disabled      |
      | UntagResource | EXTERNAL | PendingImport |

    @op:UpdateKeyDescription @cond:UpdateKeyDescription.08
    Examples: UpdateKeyDescription
      | operation            | origin   | state         |
      | UpdateKeyDescription | AWS_KMS  | Enabled       |
      | UpdateKeyDescription | AWS_KMS  | Disabled      |
      | UpdateKeyDescription | EXTERNAL | PendingImport |

    @op:ListResourceTags @cond:ListResourceTags.06
    Examples: ListResourceTags
      | operation        | origin   | state           |
      | ListResourceTags | AWS_KMS  | Enabled         |
      | ListResourceTags | AWS_KMS  | Disabled        |
      | ListResourceTags | AWS_KMS  | PendingDeletion |
      | ListResourceTags | EXTERNAL | PendingImport   |

    @op:ListAliases @cond:ListAliases.11
    Examples: ListAliases
      | operation   | origin   | state           |
      | ListAliases | AWS_KMS  | Enabled         |
      | ListAliases | AWS_KMS  | Disabled        |
      | ListAliases | AWS_KMS  | PendingDeletion |
      | ListAliases | EXTERNAL | PendingImport   |

    @cloudhsm @op:CreateAlias @cond:CreateAlias.12
    Examples: CreateAlias, CloudHSM key store
      | operation   | origin       | state       |
      | CreateAlias | AWS_CLOUDHSM | Unavailable |

    @cloudhsm @op:TagResource @cond:TagResource.15
    Examples: TagResource, CloudHSM key store
      | operation   | origin       | state       |
      | TagResource | AWS_CLOUDHSM | Unavailable |

    @cloudhsm @op:UpdateKeyDescription @cond:UpdateKeyDescription.08
    Examples: UpdateKeyDescription, CloudHSM key store
      | operation            | origin       | state       |
      | UpdateKeyDescription | AWS_CLOUDHSM | Unavailable |

  Scenario Outline: <operation> on a key that is PendingDeletion fails with KMSInvalidStateException
    Given a KMS key with origin AWS_KMS in state PendingDeletion
    When I call <operation> on the key
    Then the request fails with KMSInvalidStateException
    And the key is PendingDeletion

    @op:CreateAlias @cond:CreateAlias.13 @error:KMSInvalidStateException
    Examples: CreateAlias
      | operation   |
      | CreateAlias |

    @op:TagResource @cond:TagResource.14 @error:KMSInvalidStateException
    Examples: TagResource
      | operation   |
      | TagResource |

    @op:UntagResource @cond:UntagResource.09 @error:KMSInvalidStateException
    Examples: UntagResource
      | operation     |
      | UntagResource |

    @op:UpdateKeyDescription @cond:UpdateKeyDescription.07 @error:KMSInvalidStateException
    Examples: UpdateKeyDescription
      | operation            |
      | UpdateKeyDescription |

  @op:UpdateAlias
  Scenario Outline: UpdateAlias to a key of origin <origin> that is <state> succeeds
    Given a KMS key with origin <origin> in state <state>
    And an alias of another symmetric encryption KMS key
    When I call UpdateAlias on the key
    Then the request succeeds
    And the alias names the key

    @cond:UpdateAlias.12
    Examples:
      | origin   | state         |
      | AWS_KMS  | Enabled       |
      | AWS_KMS  | Disabled      |
      | EXTERNAL | PendingImport |

    @cloudhsm @cond:UpdateAlias.12
    Examples: CloudHSM key store
      | origin       | state       |
      | AWS_CLOUDHSM | Unavailable |

  @op:UpdateAlias @cond:UpdateAlias.10 @error:KMSInvalidStateException
  Scenario: UpdateAlias to a key that is PendingDeletion fails with KMSInvalidStateException
    Given a KMS key with origin AWS_KMS in state PendingDeletion
    And an alias of another symmetric encryption KMS key
    When I call UpdateAlias on the key
    Then the request fails with KMSInvalidStateException
    And the alias names the other key

  @op:UpdateAlias @cond:UpdateAlias.11
  Scenario: The alias of a key that is PendingDeletion can be pointed at another key
    Given a KMS key whose origin is AWS_KMS
    And the key has been given an alias
    And the key is PendingDeletion
    And another symmetric encryption KMS key
    When I point the alias at the other key
    Then the request succeeds
    And the alias names the other key

  @op:DeleteAlias @cond:DeleteAlias.04
  Scenario Outline: DeleteAlias of a key of origin <origin> that is <state> succeeds
    Given a KMS key with origin <origin> in state <first>
    And the key has been given an alias
    And the key is <state>
    When I call DeleteAlias on the key
    Then the request succeeds
    And the alias names no key

    Examples:
      | origin   | first         | state           |
      | AWS_KMS  | Enabled       | Enabled         |
      | AWS_KMS  | Enabled       | Disabled        |
      | AWS_KMS  | Enabled       | PendingDeletion |
      | EXTERNAL | PendingImport | PendingImport   |
