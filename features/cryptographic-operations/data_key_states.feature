@key-states
Feature: Key states of the data key operations
  The key-state table lets the four data key operations use an Enabled key
  only. A Disabled key is refused with DisabledException; a key waiting for
  its key material (PendingImport) or in a disconnected custom key store
  (Unavailable) with KMSInvalidStateException. For a key pending deletion the
  table allows either code: real KMS was recorded answering GenerateDataKey
  with KMSInvalidStateException, and the other three accept either and record
  the one chosen.

  Scenario Outline: <operation> with a key of origin <origin> that is Enabled succeeds
    Given a KMS key with origin <origin> in state Enabled
    When I call <operation> on the key
    Then the request succeeds

    @op:GenerateDataKey @cond:GenerateDataKey.23
    Examples: GenerateDataKey
      | operation       | origin   |
      | GenerateDataKey | AWS_KMS  |
      | GenerateDataKey | EXTERNAL |

    @op:GenerateDataKeyWithoutPlaintext @cond:GenerateDataKeyWithoutPlaintext.21
    Examples: GenerateDataKeyWithoutPlaintext
      | operation                       | origin   |
      | GenerateDataKeyWithoutPlaintext | AWS_KMS  |
      | GenerateDataKeyWithoutPlaintext | EXTERNAL |

    @op:GenerateDataKeyPair @cond:GenerateDataKeyPair.22
    Examples: GenerateDataKeyPair
      | operation           | origin   |
      | GenerateDataKeyPair | AWS_KMS  |
      | GenerateDataKeyPair | EXTERNAL |

    @op:GenerateDataKeyPairWithoutPlaintext @cond:GenerateDataKeyPairWithoutPlaintext.19
    Examples: GenerateDataKeyPairWithoutPlaintext
      | operation                           | origin   |
      | GenerateDataKeyPairWithoutPlaintext | AWS_KMS  |
      | GenerateDataKeyPairWithoutPlaintext | EXTERNAL |

  Scenario Outline: <operation> with a key of origin <origin> that is <state> fails with <error>
    Given a KMS key with origin <origin> in state <state>
    When I call <operation> on the key
    Then the request fails with <error>
    And the key is <state>

    @op:GenerateDataKey @cond:GenerateDataKey.18 @error:DisabledException
    Examples: GenerateDataKey, Disabled
      | operation       | origin   | state           | error                    |
      | GenerateDataKey | AWS_KMS  | Disabled        | DisabledException        |

    @op:GenerateDataKey @cond:GenerateDataKey.20 @error:KMSInvalidStateException
    Examples: GenerateDataKey, PendingImport
      | operation       | origin   | state           | error                    |
      | GenerateDataKey | EXTERNAL | PendingImport   | KMSInvalidStateException |

    @op:GenerateDataKey @cond:GenerateDataKey.19 @error:KMSInvalidStateException
    Examples: GenerateDataKey, PendingDeletion
      | operation       | origin   | state           | error                    |
      | GenerateDataKey | AWS_KMS  | PendingDeletion | KMSInvalidStateException |

    @op:GenerateDataKey @cond:GenerateDataKey.21 @error:KMSInvalidStateException @cloudhsm
    Examples: GenerateDataKey, CloudHSM key store
      | operation       | origin       | state       | error                    |
      | GenerateDataKey | AWS_CLOUDHSM | Unavailable | KMSInvalidStateException |

    @op:GenerateDataKey @cond:GenerateDataKey.21 @error:KMSInvalidStateException @xks
    Examples: GenerateDataKey, external key store
      | operation       | origin             | state       | error                    |
      | GenerateDataKey | EXTERNAL_KEY_STORE | Unavailable | KMSInvalidStateException |

    @op:GenerateDataKeyWithoutPlaintext @cond:GenerateDataKeyWithoutPlaintext.16 @error:DisabledException
    Examples: GenerateDataKeyWithoutPlaintext, Disabled
      | operation                       | origin   | state           | error                    |
      | GenerateDataKeyWithoutPlaintext | AWS_KMS  | Disabled        | DisabledException        |

    @op:GenerateDataKeyWithoutPlaintext @cond:GenerateDataKeyWithoutPlaintext.18 @error:KMSInvalidStateException
    Examples: GenerateDataKeyWithoutPlaintext, PendingImport
      | operation                       | origin   | state           | error                    |
      | GenerateDataKeyWithoutPlaintext | EXTERNAL | PendingImport   | KMSInvalidStateException |

    @op:GenerateDataKeyWithoutPlaintext @cond:GenerateDataKeyWithoutPlaintext.19 @error:KMSInvalidStateException @cloudhsm
    Examples: GenerateDataKeyWithoutPlaintext, CloudHSM key store
      | operation                       | origin       | state       | error                    |
      | GenerateDataKeyWithoutPlaintext | AWS_CLOUDHSM | Unavailable | KMSInvalidStateException |

    @op:GenerateDataKeyWithoutPlaintext @cond:GenerateDataKeyWithoutPlaintext.19 @error:KMSInvalidStateException @xks
    Examples: GenerateDataKeyWithoutPlaintext, external key store
      | operation                       | origin             | state       | error                    |
      | GenerateDataKeyWithoutPlaintext | EXTERNAL_KEY_STORE | Unavailable | KMSInvalidStateException |

    @op:GenerateDataKeyPair @cond:GenerateDataKeyPair.17 @error:DisabledException
    Examples: GenerateDataKeyPair, Disabled
      | operation           | origin   | state           | error                    |
      | GenerateDataKeyPair | AWS_KMS  | Disabled        | DisabledException        |

    @op:GenerateDataKeyPair @cond:GenerateDataKeyPair.19 @error:KMSInvalidStateException
    Examples: GenerateDataKeyPair, PendingImport
      | operation           | origin   | state           | error                    |
      | GenerateDataKeyPair | EXTERNAL | PendingImport   | KMSInvalidStateException |

    @op:GenerateDataKeyPair @cond:GenerateDataKeyPair.20 @error:KMSInvalidStateException @cloudhsm
    Examples: GenerateDataKeyPair, CloudHSM key store
      | operation           | origin       | state       | error                    |
      | GenerateDataKeyPair | AWS_CLOUDHSM | Unavailable | KMSInvalidStateException |

    @op:GenerateDataKeyPair @cond:GenerateDataKeyPair.20 @error:KMSInvalidStateException @xks
    Examples: GenerateDataKeyPair, external key store
      | operation           | origin             | state       | error                    |
      | GenerateDataKeyPair | EXTERNAL_KEY_STORE | Unavailable | KMSInvalidStateException |

    @op:GenerateDataKeyPairWithoutPlaintext @cond:GenerateDataKeyPairWithoutPlaintext.14 @error:DisabledException
    Examples: GenerateDataKeyPairWithoutPlaintext, Disabled
      | operation                           | origin   | state           | error                    |
      | GenerateDataKeyPairWithoutPlaintext | AWS_KMS  | Disabled        | DisabledException        |

    @op:GenerateDataKeyPairWithoutPlaintext @cond:GenerateDataKeyPairWithoutPlaintext.16 @error:KMSInvalidStateException
    Examples: GenerateDataKeyPairWithoutPlaintext, PendingImport
      | operation                           | origin   | state           | error                    |
      | GenerateDataKeyPairWithoutPlaintext | EXTERNAL | PendingImport   | KMSInvalidStateException |

    @op:GenerateDataKeyPairWithoutPlaintext @cond:GenerateDataKeyPairWithoutPlaintext.17 @error:KMSInvalidStateException @cloudhsm
    Examples: GenerateDataKeyPairWithoutPlaintext, CloudHSM key store
      | operation                           | origin       | state       | error                    |
      | GenerateDataKeyPairWithoutPlaintext | AWS_CLOUDHSM | Unavailable | KMSInvalidStateException |

    @op:GenerateDataKeyPairWithoutPlaintext @cond:GenerateDataKeyPairWithoutPlaintext.17 @error:KMSInvalidStateException @xks
    Examples: GenerateDataKeyPairWithoutPlaintext, external key store
      | operation                           | origin             | state       | error                    |
      | GenerateDataKeyPairWithoutPlaintext | EXTERNAL_KEY_STORE | Unavailable | KMSInvalidStateException |

  Scenario Outline: <operation> with a key pending deletion fails with DisabledException or KMSInvalidStateException
    Given a KMS key with origin AWS_KMS in state PendingDeletion
    When I call <operation> on the key
    Then the request fails with either DisabledException or KMSInvalidStateException
    And the key is PendingDeletion

    @op:GenerateDataKeyWithoutPlaintext @cond:GenerateDataKeyWithoutPlaintext.17
    Examples: GenerateDataKeyWithoutPlaintext
      | operation                       |
      | GenerateDataKeyWithoutPlaintext |

    @op:GenerateDataKeyPair @cond:GenerateDataKeyPair.18
    Examples: GenerateDataKeyPair
      | operation           |
      | GenerateDataKeyPair |

    @op:GenerateDataKeyPairWithoutPlaintext @cond:GenerateDataKeyPairWithoutPlaintext.15
    Examples: GenerateDataKeyPairWithoutPlaintext
      | operation                           |
      | GenerateDataKeyPairWithoutPlaintext |
