# Idempotency hazards: the proxy forwards the first attempt, so it takes
# effect, then resets the connection instead of answering. The client's retry
# meets the new state. Every client retries here; what it reports is the
# retry's answer, not the first attempt's success.
Feature: What a client reports when a non-idempotent call's response is lost

  @retries @fault @fault:LostResponse @op:DeleteCustomKeyStore @cond:DeleteCustomKeyStore.09 @cond:DeleteCustomKeyStore.01 @error:CustomKeyStoreNotFoundException
  Scenario Outline: a lost DeleteCustomKeyStore response, retried by <client>
    Given the client under test is <client> with its default retry settings
    And a disconnected external key store for the retry test
    And the proxy injects LostResponse into DeleteCustomKeyStore calls
    When the client under test calls DeleteCustomKeyStore
    Then the proxy saw the documented number of attempts
    And every wait between attempts is within the documented backoff bounds
    And the client under test reports CustomKeyStoreNotFoundException from its retry although the first attempt succeeded
    And the external key store for the retry test no longer exists

    @client:aws-sdk-go-v2
    Examples:
      | client        |
      | aws-sdk-go-v2 |

    @client:boto3
    Examples:
      | client |
      | boto3  |

    @client:aws-cli-v1
    Examples:
      | client     |
      | aws-cli-v1 |

    @client:aws-cli-v2
    Examples:
      | client     |
      | aws-cli-v2 |

    @client:aws-sdk-js-v3
    Examples:
      | client        |
      | aws-sdk-js-v3 |

  @retries @fault @fault:LostResponse @op:ScheduleKeyDeletion @cond:ScheduleKeyDeletion.09 @error:KMSInvalidStateException
  Scenario Outline: a lost ScheduleKeyDeletion response, retried by <client>
    Given the client under test is <client> with its default retry settings
    And a KMS key for the retry test
    And the proxy injects LostResponse into ScheduleKeyDeletion calls
    When the client under test calls ScheduleKeyDeletion
    Then the proxy saw the documented number of attempts
    And every wait between attempts is within the documented backoff bounds
    And the client under test reports KMSInvalidStateException from its retry although the first attempt succeeded
    And the KMS key for the retry test is PendingDeletion

    @client:aws-sdk-go-v2
    Examples:
      | client        |
      | aws-sdk-go-v2 |

    @client:boto3
    Examples:
      | client |
      | boto3  |

    @client:aws-cli-v1
    Examples:
      | client     |
      | aws-cli-v1 |

    @client:aws-cli-v2
    Examples:
      | client     |
      | aws-cli-v2 |

    @client:aws-sdk-js-v3
    Examples:
      | client        |
      | aws-sdk-js-v3 |

  @retries @fault @fault:LostResponse @op:DeleteImportedKeyMaterial @cond:DeleteImportedKeyMaterial.09
  Scenario Outline: a lost DeleteImportedKeyMaterial response, retried by <client>
    Given the client under test is <client> with its default retry settings
    And a KMS key with imported key material for the retry test
    And the proxy injects LostResponse into DeleteImportedKeyMaterial calls
    When the client under test calls DeleteImportedKeyMaterial
    Then the proxy saw the documented number of attempts
    And every wait between attempts is within the documented backoff bounds
    And the client under test reports success from its retry although the first attempt succeeded
    And the KMS key for the retry test is PendingImport

    @client:aws-sdk-go-v2
    Examples:
      | client        |
      | aws-sdk-go-v2 |

    @client:boto3
    Examples:
      | client |
      | boto3  |

    @client:aws-cli-v1
    Examples:
      | client     |
      | aws-cli-v1 |

    @client:aws-cli-v2
    Examples:
      | client     |
      | aws-cli-v2 |

    @client:aws-sdk-js-v3
    Examples:
      | client        |
      | aws-sdk-js-v3 |
