Feature: Input constraints of the imported key material operations
  The API model limits every input member, and KMS rejects a request that
  breaks one of these limits with ValidationException (HTTP 400) without
  touching the key. Each request here is sent as a raw signed request, so that
  no SDK checks or fixes it first, and is valid in every other member: it names
  a real key that can take imported key material.

  Background:
    Given a symmetric KMS key for imported key material

  @op:DeleteImportedKeyMaterial
  Scenario Outline: DeleteImportedKeyMaterial rejects a request whose <member> <problem>
    Given the key material has been imported
    When I send a DeleteImportedKeyMaterial request whose <member> <problem>
    Then the request fails with ValidationException
    And the key is Enabled with the same key material

    @cond:DeleteImportedKeyMaterial.V.KeyId.required @error:ValidationException
    Examples: required
      | member | problem    |
      | KeyId  | is missing |

    @cond:DeleteImportedKeyMaterial.V.KeyId.length @error:ValidationException
    Examples: 1 to 2048 characters
      | member | problem                 |
      | KeyId  | is empty                |
      | KeyId  | is 2049 characters long |

    @cond:DeleteImportedKeyMaterial.V.KeyMaterialId.length @error:ValidationException
    Examples: 64 characters
      | member        | problem               |
      | KeyMaterialId | is 63 characters long |
      | KeyMaterialId | is 65 characters long |

    @cond:DeleteImportedKeyMaterial.V.KeyMaterialId.pattern @error:ValidationException
    Examples: lowercase hex
      | member        | problem                                      |
      | KeyMaterialId | has 64 characters that are not lowercase hex |

  @op:GetParametersForImport
  Scenario Outline: GetParametersForImport rejects a request whose <member> <problem>
    When I send a GetParametersForImport request whose <member> <problem>
    Then the request fails with ValidationException
    And the key is PendingImport

    @cond:GetParametersForImport.V.KeyId.required @error:ValidationException
    Examples: required
      | member | problem    |
      | KeyId  | is missing |

    @cond:GetParametersForImport.V.KeyId.length @error:ValidationException
    Examples: 1 to 2048 characters
      | member | problem                 |
      | KeyId  | is empty                |
      | KeyId  | is 2049 characters long |

    @cond:GetParametersForImport.V.WrappingAlgorithm.required @error:ValidationException
    Examples: required
      | member            | problem    |
      | WrappingAlgorithm | is missing |

    @cond:GetParametersForImport.V.WrappingAlgorithm.enum @error:ValidationException
    Examples: a documented wrapping algorithm
      | member            | problem                             |
      | WrappingAlgorithm | is not one of the documented values |

    @cond:GetParametersForImport.V.WrappingKeySpec.required @error:ValidationException
    Examples: required
      | member          | problem    |
      | WrappingKeySpec | is missing |

    @cond:GetParametersForImport.V.WrappingKeySpec.enum @error:ValidationException
    Examples: a documented wrapping key spec
      | member          | problem                             |
      | WrappingKeySpec | is not one of the documented values |

  @op:ImportKeyMaterial
  Scenario Outline: ImportKeyMaterial rejects a request whose <member> <problem>
    When I send an ImportKeyMaterial request whose <member> <problem>
    Then the request fails with ValidationException
    And the key is PendingImport

    @cond:ImportKeyMaterial.V.KeyId.required @error:ValidationException
    Examples: required
      | member | problem    |
      | KeyId  | is missing |

    @cond:ImportKeyMaterial.V.KeyId.length @error:ValidationException
    Examples: 1 to 2048 characters
      | member | problem                 |
      | KeyId  | is empty                |
      | KeyId  | is 2049 characters long |

    @cond:ImportKeyMaterial.V.ImportToken.required @error:ValidationException
    Examples: required
      | member      | problem    |
      | ImportToken | is missing |

    @cond:ImportKeyMaterial.V.ImportToken.length @error:ValidationException
    Examples: 1 to 6144 bytes
      | member      | problem            |
      | ImportToken | is empty           |
      | ImportToken | is 6145 bytes long |

    @cond:ImportKeyMaterial.V.EncryptedKeyMaterial.required @error:ValidationException
    Examples: required
      | member               | problem    |
      | EncryptedKeyMaterial | is missing |

    @cond:ImportKeyMaterial.V.EncryptedKeyMaterial.length @error:ValidationException
    Examples: 1 to 6144 bytes
      | member               | problem            |
      | EncryptedKeyMaterial | is empty           |
      | EncryptedKeyMaterial | is 6145 bytes long |

    @cond:ImportKeyMaterial.V.ExpirationModel.enum @error:ValidationException
    Examples: KEY_MATERIAL_EXPIRES or KEY_MATERIAL_DOES_NOT_EXPIRE
      | member          | problem                             |
      | ExpirationModel | is not one of the documented values |

    @cond:ImportKeyMaterial.V.ImportType.enum @error:ValidationException
    Examples: NEW_KEY_MATERIAL or EXISTING_KEY_MATERIAL
      | member     | problem                             |
      | ImportType | is not one of the documented values |

    @cond:ImportKeyMaterial.V.KeyMaterialDescription.length @error:ValidationException
    Examples: at most 256 characters
      | member                 | problem                |
      | KeyMaterialDescription | is 257 characters long |

    @cond:ImportKeyMaterial.V.KeyMaterialDescription.pattern @error:ValidationException
    Examples: letters, digits, white space and : / _ . -
      | member                 | problem          |
      | KeyMaterialDescription | is "material #1" |

    @cond:ImportKeyMaterial.V.KeyMaterialId.length @error:ValidationException
    Examples: 64 characters
      | member        | problem               |
      | KeyMaterialId | is 63 characters long |
      | KeyMaterialId | is 65 characters long |

    @cond:ImportKeyMaterial.V.KeyMaterialId.pattern @error:ValidationException
    Examples: lowercase hex
      | member        | problem                                      |
      | KeyMaterialId | has 64 characters that are not lowercase hex |
