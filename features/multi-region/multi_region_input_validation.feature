@multi-region
Feature: Input constraints of ReplicateKey and UpdatePrimaryRegion
  The API model limits every input member, and KMS rejects a request that
  breaks one of these limits with ValidationException (HTTP 400). Each request
  here is sent as a raw signed request, so that no SDK checks or fixes it
  first, and is valid in every other member: it names the scenario's own
  multi-Region key and the run's second Region.

  @op:ReplicateKey
  Scenario Outline: ReplicateKey rejects a request whose <member> <problem>
    Given a multi-Region KMS key
    When I send a ReplicateKey request whose <member> <problem>
    Then the request fails with ValidationException

    @cond:ReplicateKey.V.KeyId.required @error:ValidationException
    Examples: KeyId required
      | member | problem    |
      | KeyId  | is missing |

    @cond:ReplicateKey.V.KeyId.length @error:ValidationException
    Examples: KeyId of 1 to 2048 characters
      | member | problem                 |
      | KeyId  | is empty                |
      | KeyId  | is 2049 characters long |

    @cond:ReplicateKey.V.ReplicaRegion.required @error:ValidationException
    Examples: ReplicaRegion required
      | member        | problem    |
      | ReplicaRegion | is missing |

    @cond:ReplicateKey.V.ReplicaRegion.length @error:ValidationException
    Examples: ReplicaRegion of 1 to 32 characters
      | member        | problem               |
      | ReplicaRegion | is empty              |
      | ReplicaRegion | is 33 characters long |

    @cond:ReplicateKey.V.ReplicaRegion.pattern @error:ValidationException
    Examples: ReplicaRegion is a Region name
      | member        | problem            |
      | ReplicaRegion | is "US-WEST-2"     |
      | ReplicaRegion | is "us-west"       |

    @cond:ReplicateKey.V.Policy.length @error:ValidationException
    Examples: Policy of 1 to 131072 characters
      | member | problem                   |
      | Policy | is empty                  |
      | Policy | is 131073 characters long |

    @cond:ReplicateKey.V.Policy.pattern @error:ValidationException
    Examples: Policy of printable Latin-1 characters
      | member | problem                             |
      | Policy | consists of characters above U+00FF |

    @cond:ReplicateKey.V.Description.length @error:ValidationException
    Examples: Description of 0 to 8192 characters
      | member      | problem                 |
      | Description | is 8193 characters long |

    @cond:ReplicateKey.V.Tags.TagKey.required @error:ValidationException
    Examples: TagKey required
      | member        | problem    |
      | Tags[].TagKey | is missing |

    @cond:ReplicateKey.V.Tags.TagKey.length @error:ValidationException
    Examples: TagKey of 1 to 128 characters
      | member        | problem                |
      | Tags[].TagKey | is empty               |
      | Tags[].TagKey | is 129 characters long |

    @cond:ReplicateKey.V.Tags.TagValue.required @error:ValidationException
    Examples: TagValue required
      | member          | problem    |
      | Tags[].TagValue | is missing |

    @cond:ReplicateKey.V.Tags.TagValue.length @error:ValidationException
    Examples: TagValue of 0 to 256 characters
      | member          | problem                |
      | Tags[].TagValue | is 257 characters long |

  @op:UpdatePrimaryRegion
  Scenario Outline: UpdatePrimaryRegion rejects a request whose <member> <problem>
    Given a multi-Region KMS key
    When I send an UpdatePrimaryRegion request whose <member> <problem>
    Then the request fails with ValidationException

    @cond:UpdatePrimaryRegion.V.KeyId.required @error:ValidationException
    Examples: KeyId required
      | member | problem    |
      | KeyId  | is missing |

    @cond:UpdatePrimaryRegion.V.KeyId.length @error:ValidationException
    Examples: KeyId of 1 to 2048 characters
      | member | problem                 |
      | KeyId  | is empty                |
      | KeyId  | is 2049 characters long |

    @cond:UpdatePrimaryRegion.V.PrimaryRegion.required @error:ValidationException
    Examples: PrimaryRegion required
      | member        | problem    |
      | PrimaryRegion | is missing |

    @cond:UpdatePrimaryRegion.V.PrimaryRegion.length @error:ValidationException
    Examples: PrimaryRegion of 1 to 32 characters
      | member        | problem               |
      | PrimaryRegion | is empty              |
      | PrimaryRegion | is 33 characters long |

    @cond:UpdatePrimaryRegion.V.PrimaryRegion.pattern @error:ValidationException
    Examples: PrimaryRegion is a Region name
      | member        | problem        |
      | PrimaryRegion | is "US-WEST-2" |
