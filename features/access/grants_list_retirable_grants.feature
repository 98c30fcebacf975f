Feature: ListRetirableGrants
  ListRetirableGrants lists every grant, on keys of any account, that a
  principal of the caller's own account may retire. It names no key, so no
  key-state rule applies. The grants here are made on my account's key with
  the second account as retiring principal, or my own account.

  Background:
    Given a SYMMETRIC_DEFAULT KMS key for ENCRYPT_DECRYPT

  @op:ListRetirableGrants @cond:ListRetirableGrants.01 @cond:ListRetirableGrants.08 @cond:ListRetirableGrants.10
  Scenario: The second account lists the grants it may retire on a key of my account
    Given a grant on the key that the second account may retire
    When the second account calls ListRetirableGrants for its own principal
    Then the request succeeds
    And the listing holds the grant

  @op:ListRetirableGrants @cond:ListRetirableGrants.09
  Scenario: A grant on a Disabled key is still listed
    Given a grant on the key that the second account may retire
    And the key is Disabled
    When the second account calls ListRetirableGrants for its own principal
    Then the request succeeds
    And the listing holds the grant

  @op:ListRetirableGrants @cond:ListRetirableGrants.11 @cond:ListRetirableGrants.14
  Scenario: ListRetirableGrants with Limit 1 returns at most one grant
    Given the key has 2 grants for my own account
    When I call ListRetirableGrants for my own account with Limit 1
    Then the request succeeds
    And the listing holds at most 1 grant

  @op:ListRetirableGrants @cond:ListRetirableGrants.13 @error:InvalidMarkerException
  Scenario: ListRetirableGrants with a marker it never returned fails with InvalidMarkerException
    When I call ListRetirableGrants for my own account with a marker it never returned
    Then the request fails with InvalidMarkerException

  @op:ListRetirableGrants @cond:ListRetirableGrants.06 @error:InvalidArnException
  Scenario: ListRetirableGrants for a principal that is not an ARN fails with InvalidArnException
    When I call ListRetirableGrants for a principal that is not an ARN
    Then the request fails with InvalidArnException

  @op:ListRetirableGrants
  Scenario Outline: ListRetirableGrants <how> fails with a client error
    When I call ListRetirableGrants <how>
    Then the request fails with a client error

    @cond:ListRetirableGrants.02
    Examples: a retiring principal is required
      | how                          |
      | without a retiring principal |

    @cond:ListRetirableGrants.03
    Examples: one retiring principal only
      | how                                                             |
      | with both a retiring principal and a retiring service principal |

    @cond:ListRetirableGrants.04
    Examples: only a service principal asks for a service principal
      | how                              |
      | for a retiring service principal |

    @cond:ListRetirableGrants.05
    Examples: a principal of another account
      | how                                |
      | for the second account's principal |

    @cond:ListRetirableGrants.12
    Examples: a Limit above the documented 100
      | how                                |
      | for my own account with Limit 1000 |

  @op:ListRetirableGrants @untestable
  Scenario Outline: ListRetirableGrants fails with <error>
    Given a condition the public API cannot produce: <reason>

    @cond:ListRetirableGrants.07 @error:NotFoundException
    Examples: NotFoundException
      | error             | reason                                                                             |
      | NotFoundException | the docs model NotFoundException for ListRetirableGrants but name nothing it looks up |
