# Server faults of the rotation and key usage operations, checked as
# server_faults.feature checks those of the other operations: the proxy
# injects the fault into every attempt of one call, which names a made-up key
# so that, should the fault not apply, the endpoint refuses the call rather
# than change anything; the scenario checks that the Go SDK retries it as its
# documentation says and then reports it. `kmsconform coverage` counts these
# (operation, error) pairs as "checked through injected faults".
Feature: What a client sees when a rotation or key usage operation meets a server fault

  @retries @fault @fault:KMSInternalException @error:KMSInternalException @client:aws-sdk-go-v2
  Scenario Outline: KMSInternalException (HTTP 500) from <operation> on every attempt, seen by aws-sdk-go-v2
    Given the client under test is aws-sdk-go-v2 with its default retry settings
    And the call under test names only resources that do not exist
    And the proxy injects KMSInternalException into <operation> calls
    When the client under test calls <operation>
    Then the proxy saw the documented number of attempts
    And every wait between attempts is within the documented backoff bounds
    And the client under test reports the documented outcome

    @op:EnableKeyRotation @cond:EnableKeyRotation.21
    Examples: EnableKeyRotation
      | operation         |
      | EnableKeyRotation |

    @op:DisableKeyRotation @cond:DisableKeyRotation.19
    Examples: DisableKeyRotation
      | operation          |
      | DisableKeyRotation |

    @op:GetKeyRotationStatus @cond:GetKeyRotationStatus.19
    Examples: GetKeyRotationStatus
      | operation            |
      | GetKeyRotationStatus |

    @op:RotateKeyOnDemand @cond:RotateKeyOnDemand.22
    Examples: RotateKeyOnDemand
      | operation         |
      | RotateKeyOnDemand |

    @op:ListKeyRotations @cond:ListKeyRotations.16
    Examples: ListKeyRotations
      | operation        |
      | ListKeyRotations |

    @op:GetKeyLastUsage @cond:GetKeyLastUsage.14
    Examples: GetKeyLastUsage
      | operation       |
      | GetKeyLastUsage |

  @retries @fault @fault:DependencyTimeoutException @error:DependencyTimeoutException @client:aws-sdk-go-v2
  Scenario Outline: DependencyTimeoutException (HTTP 503) from <operation> on every attempt, seen by aws-sdk-go-v2
    Given the client under test is aws-sdk-go-v2 with its default retry settings
    And the call under test names only resources that do not exist
    And the proxy injects DependencyTimeoutException into <operation> calls
    When the client under test calls <operation>
    Then the proxy saw the documented number of attempts
    And every wait between attempts is within the documented backoff bounds
    And the client under test reports the documented outcome

    @op:EnableKeyRotation @cond:EnableKeyRotation.20
    Examples: EnableKeyRotation
      | operation         |
      | EnableKeyRotation |

    @op:DisableKeyRotation @cond:DisableKeyRotation.18
    Examples: DisableKeyRotation
      | operation          |
      | DisableKeyRotation |

    @op:GetKeyRotationStatus @cond:GetKeyRotationStatus.18
    Examples: GetKeyRotationStatus
      | operation            |
      | GetKeyRotationStatus |

    @op:RotateKeyOnDemand @cond:RotateKeyOnDemand.21
    Examples: RotateKeyOnDemand
      | operation         |
      | RotateKeyOnDemand |

    @op:GetKeyLastUsage @cond:GetKeyLastUsage.13
    Examples: GetKeyLastUsage
      | operation       |
      | GetKeyLastUsage |
