Feature: Input constraints of the custom key store operations
  The API model limits every input member: which members are required, how
  long a string may be, the pattern it must match, the values an enum takes,
  the range of a number. KMS rejects a request that breaks one of these limits
  with ValidationException (HTTP 400), before it looks at any key store. Each
  request here is sent as a raw signed request, so that no SDK checks or fixes
  it first, and is valid in every other member.

  @op:DeleteCustomKeyStore
  Scenario Outline: DeleteCustomKeyStore rejects a request whose <member> <problem>
    When I send a DeleteCustomKeyStore request whose <member> <problem>
    Then the request fails with ValidationException

    @cond:DeleteCustomKeyStore.V.CustomKeyStoreId.required @error:ValidationException
    Examples: required
      | member           | problem    |
      | CustomKeyStoreId | is missing |

    @cond:DeleteCustomKeyStore.V.CustomKeyStoreId.length @error:ValidationException
    Examples: 1 to 64 characters
      | member           | problem               |
      | CustomKeyStoreId | is empty              |
      | CustomKeyStoreId | is 65 characters long |

  @op:DisconnectCustomKeyStore
  Scenario Outline: DisconnectCustomKeyStore rejects a request whose <member> <problem>
    When I send a DisconnectCustomKeyStore request whose <member> <problem>
    Then the request fails with ValidationException

    @cond:DisconnectCustomKeyStore.V.CustomKeyStoreId.required @error:ValidationException
    Examples: required
      | member           | problem    |
      | CustomKeyStoreId | is missing |

    @cond:DisconnectCustomKeyStore.V.CustomKeyStoreId.length @error:ValidationException
    Examples: 1 to 64 characters
      | member           | problem               |
      | CustomKeyStoreId | is empty              |
      | CustomKeyStoreId | is 65 characters long |

  @op:ConnectCustomKeyStore
  Scenario Outline: ConnectCustomKeyStore rejects a request whose <member> <problem>
    When I send a ConnectCustomKeyStore request whose <member> <problem>
    Then the request fails with ValidationException

    @cond:ConnectCustomKeyStore.V.CustomKeyStoreId.required @error:ValidationException
    Examples: required
      | member           | problem    |
      | CustomKeyStoreId | is missing |

    @cond:ConnectCustomKeyStore.V.CustomKeyStoreId.length @error:ValidationException
    Examples: 1 to 64 characters
      | member           | problem               |
      | CustomKeyStoreId | is empty              |
      | CustomKeyStoreId | is 65 characters long |

  @op:CreateCustomKeyStore
  Scenario Outline: CreateCustomKeyStore rejects a new key store whose <member> <problem> (<type>)
    Given a backing for a new <type> key store
    When I send a CreateCustomKeyStore request whose <member> <problem>
    Then the request fails with ValidationException

    @cond:CreateCustomKeyStore.V.CustomKeyStoreName.required @error:ValidationException @cloudhsm
    Examples: required
      | type     | member             | problem    |
      | CloudHSM | CustomKeyStoreName | is missing |

    @cond:CreateCustomKeyStore.V.CustomKeyStoreName.length @error:ValidationException @cloudhsm
    Examples: 1 to 256 characters
      | type     | member             | problem                |
      | CloudHSM | CustomKeyStoreName | is empty               |
      | CloudHSM | CustomKeyStoreName | is 257 characters long |

    @cond:CreateCustomKeyStore.V.CloudHsmClusterId.length @error:ValidationException @cloudhsm
    Examples: 19 to 24 characters
      | type     | member            | problem               |
      | CloudHSM | CloudHsmClusterId | is 18 characters long |
      | CloudHSM | CloudHsmClusterId | is 25 characters long |

    @cond:CreateCustomKeyStore.V.CloudHsmClusterId.pattern @error:ValidationException @cloudhsm
    Examples: "cluster-" and 11 to 16 letters or digits 2 to 7
      | type     | member            | problem                   |
      | CloudHSM | CloudHsmClusterId | is "cluster-1234567890ab" |

    @cond:CreateCustomKeyStore.V.TrustAnchorCertificate.length @error:ValidationException @cloudhsm
    Examples: 1 to 5000 characters
      | type     | member                 | problem                 |
      | CloudHSM | TrustAnchorCertificate | is empty                |
      | CloudHSM | TrustAnchorCertificate | is 5001 characters long |

    @cond:CreateCustomKeyStore.V.KeyStorePassword.length @error:ValidationException @cloudhsm
    Examples: 7 to 32 characters
      | type     | member           | problem               |
      | CloudHSM | KeyStorePassword | is 6 characters long  |
      | CloudHSM | KeyStorePassword | is 33 characters long |

    @cond:CreateCustomKeyStore.V.CustomKeyStoreType.enum @error:ValidationException @cloudhsm
    Examples: AWS_CLOUDHSM or EXTERNAL_KEY_STORE
      | type     | member             | problem                             |
      | CloudHSM | CustomKeyStoreType | is not one of the documented values |

    @cond:CreateCustomKeyStore.V.XksProxyUriEndpoint.length @error:ValidationException @xks
    Examples: 10 to 128 characters
      | type     | member              | problem                |
      | external | XksProxyUriEndpoint | is 9 characters long   |
      | external | XksProxyUriEndpoint | is 129 characters long |

    @cond:CreateCustomKeyStore.V.XksProxyUriEndpoint.pattern @error:ValidationException @xks
    Examples: https:// and a host name
      | type     | member              | problem                     |
      | external | XksProxyUriEndpoint | is "http://xks.example.com" |

    @cond:CreateCustomKeyStore.V.XksProxyUriPath.length @error:ValidationException @xks
    Examples: 10 to 128 characters
      | type     | member          | problem                |
      | external | XksProxyUriPath | is 9 characters long   |
      | external | XksProxyUriPath | is 129 characters long |

    @cond:CreateCustomKeyStore.V.XksProxyUriPath.pattern @error:ValidationException @xks
    Examples: ends in /kms/xks/v and a version
      | type     | member          | problem               |
      | external | XksProxyUriPath | is "/kms/xks/v1/keys" |

    @cond:CreateCustomKeyStore.V.XksProxyVpcEndpointServiceName.length @error:ValidationException @xks
    Examples: 20 to 64 characters
      | type     | member                         | problem               |
      | external | XksProxyVpcEndpointServiceName | is 19 characters long |
      | external | XksProxyVpcEndpointServiceName | is 65 characters long |

    @cond:CreateCustomKeyStore.V.XksProxyVpcEndpointServiceName.pattern @error:ValidationException @xks
    Examples: an Amazon VPC endpoint service name
      | type     | member                         | problem                                    |
      | external | XksProxyVpcEndpointServiceName | is "com.example.vpce.us-east-1.vpce-svc-1" |

    @cond:CreateCustomKeyStore.V.XksProxyVpcEndpointServiceOwner.length @error:ValidationException @xks
    Examples: 12 characters
      | type     | member                          | problem               |
      | external | XksProxyVpcEndpointServiceOwner | is 11 characters long |
      | external | XksProxyVpcEndpointServiceOwner | is 13 characters long |

    @cond:CreateCustomKeyStore.V.XksProxyVpcEndpointServiceOwner.pattern @error:ValidationException @xks
    Examples: 12 digits
      | type     | member                          | problem           |
      | external | XksProxyVpcEndpointServiceOwner | is "11112222333a" |

    @cond:CreateCustomKeyStore.V.XksProxyAuthenticationCredential.AccessKeyId.required @error:ValidationException @xks
    Examples: required
      | type     | member                                       | problem    |
      | external | XksProxyAuthenticationCredential.AccessKeyId | is missing |

    @cond:CreateCustomKeyStore.V.XksProxyAuthenticationCredential.AccessKeyId.length @error:ValidationException @xks
    Examples: 20 to 30 characters
      | type     | member                                       | problem               |
      | external | XksProxyAuthenticationCredential.AccessKeyId | is 19 characters long |
      | external | XksProxyAuthenticationCredential.AccessKeyId | is 31 characters long |

    @cond:CreateCustomKeyStore.V.XksProxyAuthenticationCredential.AccessKeyId.pattern @error:ValidationException @xks
    Examples: capital letters and digits 2 to 7
      | type     | member                                       | problem                  |
      | external | XksProxyAuthenticationCredential.AccessKeyId | has 20 lowercase letters |

    @cond:CreateCustomKeyStore.V.XksProxyAuthenticationCredential.RawSecretAccessKey.required @error:ValidationException @xks
    Examples: required
      | type     | member                                              | problem    |
      | external | XksProxyAuthenticationCredential.RawSecretAccessKey | is missing |

    @cond:CreateCustomKeyStore.V.XksProxyAuthenticationCredential.RawSecretAccessKey.length @error:ValidationException @xks
    Examples: 43 to 64 characters
      | type     | member                                              | problem               |
      | external | XksProxyAuthenticationCredential.RawSecretAccessKey | is 42 characters long |
      | external | XksProxyAuthenticationCredential.RawSecretAccessKey | is 65 characters long |

    @cond:CreateCustomKeyStore.V.XksProxyAuthenticationCredential.RawSecretAccessKey.pattern @error:ValidationException @xks
    Examples: base64 characters
      | type     | member                                              | problem                         |
      | external | XksProxyAuthenticationCredential.RawSecretAccessKey | has 43 characters including "#" |

    @cond:CreateCustomKeyStore.V.XksProxyConnectivity.enum @error:ValidationException @xks
    Examples: PUBLIC_ENDPOINT or VPC_ENDPOINT_SERVICE
      | type     | member               | problem                             |
      | external | XksProxyConnectivity | is not one of the documented values |

  @op:DescribeCustomKeyStores
  Scenario Outline: DescribeCustomKeyStores rejects a request whose <member> <problem>
    When I send a DescribeCustomKeyStores request whose <member> <problem>
    Then the request fails with ValidationException

    @cond:DescribeCustomKeyStores.V.CustomKeyStoreId.length @error:ValidationException
    Examples: 1 to 64 characters
      | member           | problem               |
      | CustomKeyStoreId | is empty              |
      | CustomKeyStoreId | is 65 characters long |

    @cond:DescribeCustomKeyStores.V.CustomKeyStoreName.length @error:ValidationException
    Examples: 1 to 256 characters
      | member             | problem                |
      | CustomKeyStoreName | is empty               |
      | CustomKeyStoreName | is 257 characters long |

    @cond:DescribeCustomKeyStores.V.Limit.range @error:ValidationException
    Examples: 1 to 1000
      | member | problem |
      | Limit  | is 0    |
      | Limit  | is 1001 |

    @cond:DescribeCustomKeyStores.V.Marker.length @error:ValidationException
    Examples: 1 to 1024 characters
      | member | problem                 |
      | Marker | is empty                |
      | Marker | is 1025 characters long |

    @cond:DescribeCustomKeyStores.V.Marker.pattern @error:ValidationException
    Examples: characters U+0020 to U+00FF
      | member | problem                             |
      | Marker | consists of characters above U+00FF |

  @op:UpdateCustomKeyStore
  Scenario Outline: UpdateCustomKeyStore rejects a request whose <member> <problem> (<type>)
    Given a <type> key store that is DISCONNECTED
    When I send an UpdateCustomKeyStore request whose <member> <problem>
    Then the request fails with ValidationException
    And the key store still exists and is DISCONNECTED

    @cond:UpdateCustomKeyStore.V.CustomKeyStoreId.required @error:ValidationException @cloudhsm
    Examples: required
      | type     | member           | problem    |
      | CloudHSM | CustomKeyStoreId | is missing |

    @cond:UpdateCustomKeyStore.V.CustomKeyStoreId.length @error:ValidationException @cloudhsm
    Examples: 1 to 64 characters
      | type     | member           | problem               |
      | CloudHSM | CustomKeyStoreId | is empty              |
      | CloudHSM | CustomKeyStoreId | is 65 characters long |

    @cond:UpdateCustomKeyStore.V.NewCustomKeyStoreName.length @error:ValidationException @cloudhsm
    Examples: 1 to 256 characters
      | type     | member                | problem                |
      | CloudHSM | NewCustomKeyStoreName | is empty               |
      | CloudHSM | NewCustomKeyStoreName | is 257 characters long |

    @cond:UpdateCustomKeyStore.V.KeyStorePassword.length @error:ValidationException @cloudhsm
    Examples: 7 to 32 characters
      | type     | member           | problem               |
      | CloudHSM | KeyStorePassword | is 6 characters long  |
      | CloudHSM | KeyStorePassword | is 33 characters long |

    @cond:UpdateCustomKeyStore.V.CloudHsmClusterId.length @error:ValidationException @cloudhsm
    Examples: 19 to 24 characters
      | type     | member            | problem               |
      | CloudHSM | CloudHsmClusterId | is 18 characters long |
      | CloudHSM | CloudHsmClusterId | is 25 characters long |

    @cond:UpdateCustomKeyStore.V.CloudHsmClusterId.pattern @error:ValidationException @cloudhsm
    Examples: "cluster-" and 11 to 16 letters or digits 2 to 7
      | type     | member            | problem                   |
      | CloudHSM | CloudHsmClusterId | is "cluster-1234567890ab" |

    @cond:UpdateCustomKeyStore.V.XksProxyUriEndpoint.length @error:ValidationException @xks
    Examples: 10 to 128 characters
      | type     | member              | problem                |
      | external | XksProxyUriEndpoint | is 9 characters long   |
      | external | XksProxyUriEndpoint | is 129 characters long |

    @cond:UpdateCustomKeyStore.V.XksProxyUriEndpoint.pattern @error:ValidationException @xks
    Examples: https:// and a host name
      | type     | member              | problem                     |
      | external | XksProxyUriEndpoint | is "http://xks.example.com" |

    @cond:UpdateCustomKeyStore.V.XksProxyUriPath.length @error:ValidationException @xks
    Examples: 10 to 128 characters
      | type     | member          | problem                |
      | external | XksProxyUriPath | is 9 characters long   |
      | external | XksProxyUriPath | is 129 characters long |

    @cond:UpdateCustomKeyStore.V.XksProxyUriPath.pattern @error:ValidationException @xks
    Examples: ends in /kms/xks/v and a version
      | type     | member          | problem               |
      | external | XksProxyUriPath | is "/kms/xks/v1/keys" |

    @cond:UpdateCustomKeyStore.V.XksProxyVpcEndpointServiceName.length @error:ValidationException @xks
    Examples: 20 to 64 characters
      | type     | member                         | problem               |
      | external | XksProxyVpcEndpointServiceName | is 19 characters long |
      | external | XksProxyVpcEndpointServiceName | is 65 characters long |

    @cond:UpdateCustomKeyStore.V.XksProxyVpcEndpointServiceName.pattern @error:ValidationException @xks
    Examples: an Amazon VPC endpoint service name
      | type     | member                         | problem                                    |
      | external | XksProxyVpcEndpointServiceName | is "com.example.vpce.us-east-1.vpce-svc-1" |

    @cond:UpdateCustomKeyStore.V.XksProxyVpcEndpointServiceOwner.length @error:ValidationException @xks
    Examples: 12 characters
      | type     | member                          | problem               |
      | external | XksProxyVpcEndpointServiceOwner | is 11 characters long |
      | external | XksProxyVpcEndpointServiceOwner | is 13 characters long |

    @cond:UpdateCustomKeyStore.V.XksProxyVpcEndpointServiceOwner.pattern @error:ValidationException @xks
    Examples: 12 digits
      | type     | member                          | problem           |
      | external | XksProxyVpcEndpointServiceOwner | is "11112222333a" |

    @cond:UpdateCustomKeyStore.V.XksProxyAuthenticationCredential.AccessKeyId.required @error:ValidationException @xks
    Examples: required
      | type     | member                                       | problem    |
      | external | XksProxyAuthenticationCredential.AccessKeyId | is missing |

    @cond:UpdateCustomKeyStore.V.XksProxyAuthenticationCredential.AccessKeyId.length @error:ValidationException @xks
    Examples: 20 to 30 characters
      | type     | member                                       | problem               |
      | external | XksProxyAuthenticationCredential.AccessKeyId | is 19 characters long |
      | external | XksProxyAuthenticationCredential.AccessKeyId | is 31 characters long |

    @cond:UpdateCustomKeyStore.V.XksProxyAuthenticationCredential.AccessKeyId.pattern @error:ValidationException @xks
    Examples: capital letters and digits 2 to 7
      | type     | member                                       | problem                  |
      | external | XksProxyAuthenticationCredential.AccessKeyId | has 20 lowercase letters |

    @cond:UpdateCustomKeyStore.V.XksProxyAuthenticationCredential.RawSecretAccessKey.required @error:ValidationException @xks
    Examples: required
      | type     | member                                              | problem    |
      | external | XksProxyAuthenticationCredential.RawSecretAccessKey | is missing |

    @cond:UpdateCustomKeyStore.V.XksProxyAuthenticationCredential.RawSecretAccessKey.length @error:ValidationException @xks
    Examples: 43 to 64 characters
      | type     | member                                              | problem               |
      | external | XksProxyAuthenticationCredential.RawSecretAccessKey | is 42 characters long |
      | external | XksProxyAuthenticationCredential.RawSecretAccessKey | is 65 characters long |

    @cond:UpdateCustomKeyStore.V.XksProxyAuthenticationCredential.RawSecretAccessKey.pattern @error:ValidationException @xks
    Examples: base64 characters
      | type     | member                                              | problem                         |
      | external | XksProxyAuthenticationCredential.RawSecretAccessKey | has 43 characters including "#" |

    @cond:UpdateCustomKeyStore.V.XksProxyConnectivity.enum @error:ValidationException @xks
    Examples: PUBLIC_ENDPOINT or VPC_ENDPOINT_SERVICE
      | type     | member               | problem                             |
      | external | XksProxyConnectivity | is not one of the documented values |
