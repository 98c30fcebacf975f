@key-states
Feature: Key states of Encrypt, Decrypt and ReEncrypt
  The key-state table lets an Enabled key encrypt, decrypt and re-encrypt;
  a Disabled key answers DisabledException; a key that is PendingImport, or
  Unavailable because its custom key store is disconnected, answers
  KMSInvalidStateException. For a key pending deletion the table allows
  either error and does not say which, so either is accepted. Decrypt and
  ReEncrypt need a ciphertext made while the key could still encrypt; for
  ReEncrypt the rules apply to the source key and the destination key alike.

  @op:Encrypt
  Scenario Outline: Encrypt with a key of origin <origin> that is <state>
    Given a KMS key with origin <origin> in state <state>
    When I encrypt a message under the key
    Then the request fails with <error>

    @cond:Encrypt.24 @error:DisabledException
    Examples: Disabled
      | origin   | state    | error             |
      | AWS_KMS  | Disabled | DisabledException |
      | EXTERNAL | Disabled | DisabledException |

    @cond:Encrypt.26 @error:KMSInvalidStateException
    Examples: PendingImport
      | origin   | state         | error                    |
      | EXTERNAL | PendingImport | KMSInvalidStateException |

    @cond:Encrypt.27 @error:KMSInvalidStateException @cloudhsm
    Examples: Unavailable, CloudHSM key store
      | origin       | state       | error                    |
      | AWS_CLOUDHSM | Unavailable | KMSInvalidStateException |

    @cond:Encrypt.27 @error:KMSInvalidStateException @xks
    Examples: Unavailable, external key store
      | origin             | state       | error                    |
      | EXTERNAL_KEY_STORE | Unavailable | KMSInvalidStateException |

  @op:Encrypt @cond:Encrypt.25
  Scenario: Encrypt with a key pending deletion
    Given a KMS key with origin AWS_KMS in state PendingDeletion
    When I encrypt a message under the key
    Then the request fails with either DisabledException or KMSInvalidStateException

  @op:Encrypt @cond:Encrypt.29
  Scenario Outline: Encrypt with an Enabled key of origin <origin>
    Given a KMS key with origin <origin> in state Enabled
    When I encrypt a message under the key
    Then the ciphertext decrypts to the message

    Examples:
      | origin   |
      | AWS_KMS  |
      | EXTERNAL |

    @cloudhsm
    Examples: CloudHSM key store
      | origin       |
      | AWS_CLOUDHSM |

    @xks
    Examples: external key store
      | origin             |
      | EXTERNAL_KEY_STORE |

  @op:Decrypt
  Scenario Outline: Decrypt with a key of origin <origin> that became <state>
    Given a KMS key with origin <origin> in state Enabled
    And a message encrypted under the key
    And the key is <state>
    When I decrypt the message
    Then the request fails with <error>

    @cond:Decrypt.23 @error:DisabledException
    Examples: Disabled
      | origin   | state    | error             |
      | AWS_KMS  | Disabled | DisabledException |
      | EXTERNAL | Disabled | DisabledException |

    @cond:Decrypt.25 @error:KMSInvalidStateException
    Examples: PendingImport (its key material deleted)
      | origin   | state         | error                    |
      | EXTERNAL | PendingImport | KMSInvalidStateException |

    @cond:Decrypt.26 @error:KMSInvalidStateException @cloudhsm
    Examples: Unavailable, CloudHSM key store
      | origin       | state       | error                    |
      | AWS_CLOUDHSM | Unavailable | KMSInvalidStateException |

    @cond:Decrypt.26 @error:KMSInvalidStateException @xks
    Examples: Unavailable, external key store
      | origin             | state       | error                    |
      | EXTERNAL_KEY_STORE | Unavailable | KMSInvalidStateException |

  @op:Decrypt @cond:Decrypt.24
  Scenario: Decrypt with a key pending deletion
    Given a KMS key with origin AWS_KMS in state Enabled
    And a message encrypted under the key
    And the key is PendingDeletion
    When I decrypt the message
    Then the request fails with either DisabledException or KMSInvalidStateException

  @op:Decrypt @cond:Decrypt.28
  Scenario Outline: Decrypt with an Enabled key of origin <origin>
    Given a KMS key with origin <origin> in state Enabled
    And a message encrypted under the key
    When I decrypt the message
    Then the plaintext is the message

    Examples:
      | origin   |
      | AWS_KMS  |
      | EXTERNAL |

    @cloudhsm
    Examples: CloudHSM key store
      | origin       |
      | AWS_CLOUDHSM |

    @xks
    Examples: external key store
      | origin             |
      | EXTERNAL_KEY_STORE |

  @op:ReEncrypt
  Scenario Outline: ReEncrypt from a source key of origin <origin> that became <state>
    Given a KMS key with origin <origin> in state Enabled
    And a message encrypted under the key
    And another SYMMETRIC_DEFAULT encryption key
    And the key is <state>
    When I re-encrypt the message under the other key
    Then the request fails with <error>

    @cond:ReEncrypt.23 @error:DisabledException
    Examples: Disabled
      | origin  | state    | error             |
      | AWS_KMS | Disabled | DisabledException |

    @cond:ReEncrypt.25 @error:KMSInvalidStateException
    Examples: PendingImport (its key material deleted)
      | origin   | state         | error                    |
      | EXTERNAL | PendingImport | KMSInvalidStateException |

    @cond:ReEncrypt.26 @error:KMSInvalidStateException @cloudhsm
    Examples: Unavailable, CloudHSM key store
      | origin       | state       | error                    |
      | AWS_CLOUDHSM | Unavailable | KMSInvalidStateException |

    @cond:ReEncrypt.26 @error:KMSInvalidStateException @xks
    Examples: Unavailable, external key store
      | origin             | state       | error                    |
      | EXTERNAL_KEY_STORE | Unavailable | KMSInvalidStateException |

  @op:ReEncrypt
  Scenario Outline: ReEncrypt to a destination key of origin <origin> that is <state>
    Given a KMS key with origin <origin> in state <state>
    And another SYMMETRIC_DEFAULT encryption key
    And a message encrypted under the other key
    When I re-encrypt the message under the key
    Then the request fails with <error>

    @cond:ReEncrypt.23 @error:DisabledException
    Examples: Disabled
      | origin  | state    | error             |
      | AWS_KMS | Disabled | DisabledException |

    @cond:ReEncrypt.25 @error:KMSInvalidStateException
    Examples: PendingImport
      | origin   | state         | error                    |
      | EXTERNAL | PendingImport | KMSInvalidStateException |

    @cond:ReEncrypt.26 @error:KMSInvalidStateException @cloudhsm
    Examples: Unavailable, CloudHSM key store
      | origin       | state       | error                    |
      | AWS_CLOUDHSM | Unavailable | KMSInvalidStateException |

    @cond:ReEncrypt.26 @error:KMSInvalidStateException @xks
    Examples: Unavailable, external key store
      | origin             | state       | error                    |
      | EXTERNAL_KEY_STORE | Unavailable | KMSInvalidStateException |

  @op:ReEncrypt @cond:ReEncrypt.24
  Scenario: ReEncrypt from a source key pending deletion
    Given a KMS key with origin AWS_KMS in state Enabled
    And a message encrypted under the key
    And another SYMMETRIC_DEFAULT encryption key
    And the key is PendingDeletion
    When I re-encrypt the message under the other key
    Then the request fails with either DisabledException or KMSInvalidStateException

  @op:ReEncrypt @cond:ReEncrypt.24
  Scenario: ReEncrypt to a destination key pending deletion
    Given a KMS key with origin AWS_KMS in state PendingDeletion
    And another SYMMETRIC_DEFAULT encryption key
    And a message encrypted under the other key
    When I re-encrypt the message under the key
    Then the request fails with either DisabledException or KMSInvalidStateException

  @op:ReEncrypt @cond:ReEncrypt.28
  Scenario Outline: ReEncrypt between Enabled keys of origins <origin> and AWS_KMS
    Given a KMS key with origin <origin> in state Enabled
    And a message encrypted under the key
    And another SYMMETRIC_DEFAULT encryption key
    When I re-encrypt the message under the other key
    Then the ciphertext decrypts to the message

    Examples:
      | origin   |
      | AWS_KMS  |
      | EXTERNAL |
