# Server faults (KMSInternalException, DependencyTimeoutException,
# KeyUnavailableException) cannot be produced at an endpoint on demand, so no
# endpoint scenario claims them: an answer the proxy made up says nothing
# about the endpoint. What can be checked is what a client makes of one. Each
# scenario injects the fault into one focus operation that documents it, on
# every attempt, and checks that the Go SDK retries it as its documentation
# says and then reports it. The call names only resources that do not exist
# (a made-up key, ciphertext or CloudHSM cluster; a made-up message,
# signature or MAC, or a fresh peer public key), so that, should the fault
# not apply, the endpoint refuses the call rather than change anything.
# DescribeKey's server faults are checked with every client in
# describe_key_faults.feature.
#
# `kmsconform coverage` counts these (operation, error) pairs as "checked
# through injected faults", apart from what the endpoint's own scenarios check.
Feature: What a client sees when a KMS operation meets a server fault

  @retries @fault @fault:KMSInternalException @error:KMSInternalException @client:aws-sdk-go-v2
  Scenario Outline: KMSInternalException (HTTP 500) from <operation> on every attempt, seen by aws-sdk-go-v2
    Given the client under test is aws-sdk-go-v2 with its default retry settings
    And the call under test names only resources that do not exist
    And the proxy injects KMSInternalException into <operation> calls
    When the client under test calls <operation>
    Then the proxy saw the documented number of attempts
    And every wait between attempts is within the documented backoff bounds
    And the client under test reports the documented outcome

    @op:CreateKey @cond:CreateKey.35
    Examples: CreateKey
      | operation |
      | CreateKey |

    @op:EnableKey @cond:EnableKey.13
    Examples: EnableKey
      | operation |
      | EnableKey |

    @op:DisableKey @cond:DisableKey.13
    Examples: DisableKey
      | operation  |
      | DisableKey |

    @op:ScheduleKeyDeletion @cond:ScheduleKeyDeletion.16
    Examples: ScheduleKeyDeletion
      | operation           |
      | ScheduleKeyDeletion |

    @op:CancelKeyDeletion @cond:CancelKeyDeletion.14
    Examples: CancelKeyDeletion
      | operation         |
      | CancelKeyDeletion |

    @op:GenerateRandom @cond:GenerateRandom.10
    Examples: GenerateRandom
      | operation      |
      | GenerateRandom |

    @op:GetParametersForImport @cond:GetParametersForImport.18
    Examples: GetParametersForImport
      | operation              |
      | GetParametersForImport |

    @op:ImportKeyMaterial @cond:ImportKeyMaterial.36
    Examples: ImportKeyMaterial
      | operation         |
      | ImportKeyMaterial |

    @op:DeleteImportedKeyMaterial @cond:DeleteImportedKeyMaterial.18
    Examples: DeleteImportedKeyMaterial
      | operation                 |
      | DeleteImportedKeyMaterial |

    @op:CreateCustomKeyStore @cond:CreateCustomKeyStore.38
    Examples: CreateCustomKeyStore
      | operation            |
      | CreateCustomKeyStore |

    @op:DescribeCustomKeyStores @cond:DescribeCustomKeyStores.10
    Examples: DescribeCustomKeyStores
      | operation               |
      | DescribeCustomKeyStores |

    @op:UpdateCustomKeyStore @cond:UpdateCustomKeyStore.37
    Examples: UpdateCustomKeyStore
      | operation            |
      | UpdateCustomKeyStore |

    @op:ConnectCustomKeyStore @cond:ConnectCustomKeyStore.18
    Examples: ConnectCustomKeyStore
      | operation             |
      | ConnectCustomKeyStore |

    @op:DisconnectCustomKeyStore @cond:DisconnectCustomKeyStore.09
    Examples: DisconnectCustomKeyStore
      | operation                |
      | DisconnectCustomKeyStore |

    @op:DeleteCustomKeyStore @cond:DeleteCustomKeyStore.12
    Examples: DeleteCustomKeyStore
      | operation            |
      | DeleteCustomKeyStore |

    @op:Encrypt @cond:Encrypt.35
    Examples: Encrypt
      | operation |
      | Encrypt   |

    @op:Decrypt @cond:Decrypt.37
    Examples: Decrypt
      | operation |
      | Decrypt   |

    @op:ReEncrypt @cond:ReEncrypt.35
    Examples: ReEncrypt
      | operation |
      | ReEncrypt |

    @op:GenerateDataKey @cond:GenerateDataKey.29
    Examples: GenerateDataKey
      | operation       |
      | GenerateDataKey |

    @op:GenerateDataKeyWithoutPlaintext @cond:GenerateDataKeyWithoutPlaintext.27
    Examples: GenerateDataKeyWithoutPlaintext
      | operation                       |
      | GenerateDataKeyWithoutPlaintext |

    @op:GenerateDataKeyPair @cond:GenerateDataKeyPair.27
    Examples: GenerateDataKeyPair
      | operation           |
      | GenerateDataKeyPair |

    @op:GenerateDataKeyPairWithoutPlaintext @cond:GenerateDataKeyPairWithoutPlaintext.24
    Examples: GenerateDataKeyPairWithoutPlaintext
      | operation                           |
      | GenerateDataKeyPairWithoutPlaintext |

    @op:Sign @cond:Sign.27
    Examples: Sign
      | operation |
      | Sign      |

    @op:Verify @cond:Verify.29
    Examples: Verify
      | operation |
      | Verify    |

    @op:GetPublicKey @cond:GetPublicKey.23
    Examples: GetPublicKey
      | operation    |
      | GetPublicKey |

    @op:GenerateMac @cond:GenerateMac.17
    Examples: GenerateMac
      | operation   |
      | GenerateMac |

    @op:VerifyMac @cond:VerifyMac.20
    Examples: VerifyMac
      | operation |
      | VerifyMac |

    @op:DeriveSharedSecret @cond:DeriveSharedSecret.24
    Examples: DeriveSharedSecret
      | operation          |
      | DeriveSharedSecret |

    @op:ReplicateKey @cond:ReplicateKey.32
    Examples: ReplicateKey
      | operation    |
      | ReplicateKey |

    @op:UpdatePrimaryRegion @cond:UpdatePrimaryRegion.19
    Examples: UpdatePrimaryRegion
      | operation           |
      | UpdatePrimaryRegion |

  @retries @fault @fault:DependencyTimeoutException @error:DependencyTimeoutException @client:aws-sdk-go-v2
  Scenario Outline: DependencyTimeoutException (HTTP 503) from <operation> on every attempt, seen by aws-sdk-go-v2
    Given the client under test is aws-sdk-go-v2 with its default retry settings
    And the call under test names only resources that do not exist
    And the proxy injects DependencyTimeoutException into <operation> calls
    When the client under test calls <operation>
    Then the proxy saw the documented number of attempts
    And every wait between attempts is within the documented backoff bounds
    And the client under test reports the documented outcome

    @op:CreateKey @cond:CreateKey.34
    Examples: CreateKey
      | operation |
      | CreateKey |

    @op:EnableKey @cond:EnableKey.12
    Examples: EnableKey
      | operation |
      | EnableKey |

    @op:DisableKey @cond:DisableKey.12
    Examples: DisableKey
      | operation  |
      | DisableKey |

    @op:ScheduleKeyDeletion @cond:ScheduleKeyDeletion.15
    Examples: ScheduleKeyDeletion
      | operation           |
      | ScheduleKeyDeletion |

    @op:CancelKeyDeletion @cond:CancelKeyDeletion.13
    Examples: CancelKeyDeletion
      | operation         |
      | CancelKeyDeletion |

    @op:GenerateRandom @cond:GenerateRandom.09
    Examples: GenerateRandom
      | operation      |
      | GenerateRandom |

    @op:GetParametersForImport @cond:GetParametersForImport.17
    Examples: GetParametersForImport
      | operation              |
      | GetParametersForImport |

    @op:ImportKeyMaterial @cond:ImportKeyMaterial.35
    Examples: ImportKeyMaterial
      | operation         |
      | ImportKeyMaterial |

    @op:DeleteImportedKeyMaterial @cond:DeleteImportedKeyMaterial.17
    Examples: DeleteImportedKeyMaterial
      | operation                 |
      | DeleteImportedKeyMaterial |

    @op:Encrypt @cond:Encrypt.34
    Examples: Encrypt
      | operation |
      | Encrypt   |

    @op:Decrypt @cond:Decrypt.36
    Examples: Decrypt
      | operation |
      | Decrypt   |

    @op:ReEncrypt @cond:ReEncrypt.34
    Examples: ReEncrypt
      | operation |
      | ReEncrypt |

    @op:GenerateDataKey @cond:GenerateDataKey.28
    Examples: GenerateDataKey
      | operation       |
      | GenerateDataKey |

    @op:GenerateDataKeyWithoutPlaintext @cond:GenerateDataKeyWithoutPlaintext.26
    Examples: GenerateDataKeyWithoutPlaintext
      | operation                       |
      | GenerateDataKeyWithoutPlaintext |

    @op:GenerateDataKeyPair @cond:GenerateDataKeyPair.26
    Examples: GenerateDataKeyPair
      | operation           |
      | GenerateDataKeyPair |

    @op:GenerateDataKeyPairWithoutPlaintext @cond:GenerateDataKeyPairWithoutPlaintext.23
    Examples: GenerateDataKeyPairWithoutPlaintext
      | operation                           |
      | GenerateDataKeyPairWithoutPlaintext |

    @op:Sign @cond:Sign.26
    Examples: Sign
      | operation |
      | Sign      |

    @op:Verify @cond:Verify.28
    Examples: Verify
      | operation |
      | Verify    |

    @op:GetPublicKey @cond:GetPublicKey.22
    Examples: GetPublicKey
      | operation    |
      | GetPublicKey |

    @op:DeriveSharedSecret @cond:DeriveSharedSecret.23
    Examples: DeriveSharedSecret
      | operation          |
      | DeriveSharedSecret |

  @retries @fault @fault:KeyUnavailableException @error:KeyUnavailableException @client:aws-sdk-go-v2
  Scenario Outline: KeyUnavailableException (HTTP 500) from <operation> on every attempt, seen by aws-sdk-go-v2
    Given the client under test is aws-sdk-go-v2 with its default retry settings
    And the call under test names only resources that do not exist
    And the proxy injects KeyUnavailableException into <operation> calls
    When the client under test calls <operation>
    Then the proxy saw the documented number of attempts
    And every wait between attempts is within the documented backoff bounds
    And the client under test reports the documented outcome

    @op:Encrypt @cond:Encrypt.31
    Examples: Encrypt
      | operation |
      | Encrypt   |

    @op:Decrypt @cond:Decrypt.30
    Examples: Decrypt
      | operation |
      | Decrypt   |

    @op:ReEncrypt @cond:ReEncrypt.30
    Examples: ReEncrypt
      | operation |
      | ReEncrypt |

    @op:GenerateDataKey @cond:GenerateDataKey.25
    Examples: GenerateDataKey
      | operation       |
      | GenerateDataKey |

    @op:GenerateDataKeyWithoutPlaintext @cond:GenerateDataKeyWithoutPlaintext.23
    Examples: GenerateDataKeyWithoutPlaintext
      | operation                       |
      | GenerateDataKeyWithoutPlaintext |

    @op:GenerateDataKeyPair @cond:GenerateDataKeyPair.23
    Examples: GenerateDataKeyPair
      | operation           |
      | GenerateDataKeyPair |

    @op:GenerateDataKeyPairWithoutPlaintext @cond:GenerateDataKeyPairWithoutPlaintext.20
    Examples: GenerateDataKeyPairWithoutPlaintext
      | operation                           |
      | GenerateDataKeyPairWithoutPlaintext |

    @op:Sign @cond:Sign.23
    Examples: Sign
      | operation |
      | Sign      |

    @op:Verify @cond:Verify.25
    Examples: Verify
      | operation |
      | Verify    |

    @op:GetPublicKey @cond:GetPublicKey.21
    Examples: GetPublicKey
      | operation    |
      | GetPublicKey |

    @op:GenerateMac @cond:GenerateMac.14
    Examples: GenerateMac
      | operation   |
      | GenerateMac |

    @op:VerifyMac @cond:VerifyMac.17
    Examples: VerifyMac
      | operation |
      | VerifyMac |

    @op:DeriveSharedSecret @cond:DeriveSharedSecret.20
    Examples: DeriveSharedSecret
      | operation          |
      | DeriveSharedSecret |
