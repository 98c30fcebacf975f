Feature: Input constraints of the rotation and key usage operations
  The API model limits every input member, and KMS rejects a request that
  breaks one of these limits with ValidationException (HTTP 400). Each request
  here is sent as a raw signed request, so that no SDK checks or fixes it
  first, and is valid in every other member: it names the scenario's own
  symmetric encryption key.

  Scenario Outline: <operation> rejects a request whose <member> <problem>
    Given a KMS key whose origin is AWS_KMS
    When I send a <operation> request whose <member> <problem>
    Then the request fails with ValidationException

    @op:EnableKeyRotation @cond:EnableKeyRotation.V.KeyId.required @error:ValidationException
    Examples: EnableKeyRotation, KeyId required
      | operation         | member | problem    |
      | EnableKeyRotation | KeyId  | is missing |

    @op:EnableKeyRotation @cond:EnableKeyRotation.V.KeyId.length @error:ValidationException
    Examples: EnableKeyRotation, KeyId of 1 to 2048 characters
      | operation         | member | problem                 |
      | EnableKeyRotation | KeyId  | is empty                |
      | EnableKeyRotation | KeyId  | is 2049 characters long |

    @op:EnableKeyRotation @cond:EnableKeyRotation.V.RotationPeriodInDays.range @error:ValidationException
    Examples: EnableKeyRotation, 90 to 2560 days
      | operation         | member               | problem |
      | EnableKeyRotation | RotationPeriodInDays | is 89   |
      | EnableKeyRotation | RotationPeriodInDays | is 2561 |

    @op:DisableKeyRotation @cond:DisableKeyRotation.V.KeyId.required @error:ValidationException
    Examples: DisableKeyRotation, KeyId required
      | operation          | member | problem    |
      | DisableKeyRotation | KeyId  | is missing |

    @op:DisableKeyRotation @cond:DisableKeyRotation.V.KeyId.length @error:ValidationException
    Examples: DisableKeyRotation, KeyId of 1 to 2048 characters
      | operation          | member | problem                 |
      | DisableKeyRotation | KeyId  | is empty                |
      | DisableKeyRotation | KeyId  | is 2049 characters long |

    @op:GetKeyRotationStatus @cond:GetKeyRotationStatus.V.KeyId.required @error:ValidationException
    Examples: GetKeyRotationStatus, KeyId required
      | operation            | member | problem    |
      | GetKeyRotationStatus | KeyId  | is missing |

    @op:GetKeyRotationStatus @cond:GetKeyRotationStatus.V.KeyId.length @error:ValidationException
    Examples: GetKeyRotationStatus, KeyId of 1 to 2048 characters
      | operation            | member | problem                 |
      | GetKeyRotationStatus | KeyId  | is empty                |
      | GetKeyRotationStatus | KeyId  | is 2049 characters long |

    @op:RotateKeyOnDemand @cond:RotateKeyOnDemand.V.KeyId.required @error:ValidationException
    Examples: RotateKeyOnDemand, KeyId required
      | operation         | member | problem    |
      | RotateKeyOnDemand | KeyId  | is missing |

    @op:RotateKeyOnDemand @cond:RotateKeyOnDemand.V.KeyId.length @error:ValidationException
    Examples: RotateKeyOnDemand, KeyId of 1 to 2048 characters
      | operation         | member | problem                 |
      | RotateKeyOnDemand | KeyId  | is empty                |
      | RotateKeyOnDemand | KeyId  | is 2049 characters long |

    @op:ListKeyRotations @cond:ListKeyRotations.V.KeyId.required @error:ValidationException
    Examples: ListKeyRotations, KeyId required
      | operation        | member | problem    |
      | ListKeyRotations | KeyId  | is missing |

    @op:ListKeyRotations @cond:ListKeyRotations.V.KeyId.length @error:ValidationException
    Examples: ListKeyRotations, KeyId of 1 to 2048 characters
      | operation        | member | problem                 |
      | ListKeyRotations | KeyId  | is empty                |
      | ListKeyRotations | KeyId  | is 2049 characters long |

    @op:ListKeyRotations @cond:ListKeyRotations.V.IncludeKeyMaterial.enum @error:ValidationException
    Examples: ListKeyRotations, the two IncludeKeyMaterial values
      | operation        | member             | problem                             |
      | ListKeyRotations | IncludeKeyMaterial | is not one of the documented values |

    @op:ListKeyRotations @cond:ListKeyRotations.V.Limit.range @error:ValidationException
    Examples: ListKeyRotations, Limit of 1 to 1000
      | operation        | member | problem |
      | ListKeyRotations | Limit  | is 0    |
      | ListKeyRotations | Limit  | is 1001 |

    @op:ListKeyRotations @cond:ListKeyRotations.V.Marker.length @error:ValidationException
    Examples: ListKeyRotations, Marker of 1 to 1024 characters
      | operation        | member | problem                 |
      | ListKeyRotations | Marker | is empty                |
      | ListKeyRotations | Marker | is 1025 characters long |

    @op:ListKeyRotations @cond:ListKeyRotations.V.Marker.pattern @error:ValidationException
    Examples: ListKeyRotations, Marker of characters up to U+00FF
      | operation        | member | problem                            |
      | ListKeyRotations | Marker | consists of characters above U+00FF |

    @op:GetKeyLastUsage @cond:GetKeyLastUsage.V.KeyId.required @error:ValidationException
    Examples: GetKeyLastUsage, KeyId required
      | operation       | member | problem    |
      | GetKeyLastUsage | KeyId  | is missing |

    @op:GetKeyLastUsage @cond:GetKeyLastUsage.V.KeyId.length @error:ValidationException
    Examples: GetKeyLastUsage, KeyId of 1 to 2048 characters
      | operation       | member | problem                 |
      | GetKeyLastUsage | KeyId  | is empty                |
      | GetKeyLastUsage | KeyId  | is 2049 characters long |
