Feature: CreateGrant
  A grant lets a principal use a KMS key for the operations it lists, under
  its constraints. The grantee here is the run's second account, which shows
  what a grant allows and what it does not. Its principal ARN is read from
  the AccessDeniedException it gets for the key before any grant exists (KMS
  has no call that tells a caller who it is). Scenarios that need the second
  account are skipped, with the reason, when the endpoint has none.

  Background:
    Given a SYMMETRIC_DEFAULT KMS key for ENCRYPT_DECRYPT

  @op:CreateGrant @cond:CreateGrant.20 @cond:ListGrants.05 @cond:ListGrants.11
  Scenario: A grant for the second account is listed with every member
    When I call CreateGrant for the second account to call Encrypt
    Then the request succeeds
    And the response holds a grant ID and a grant token
    And ListGrants lists the grant for the second account with every member

  @op:CreateGrant @cond:CreateGrant.04
  Scenario Outline: CreateGrant names the key <how>
    When I call CreateGrant <how>
    Then the request succeeds
    And the response holds a grant ID and a grant token

    Examples:
      | how                                    |
      | for the second account to call Encrypt |
      | naming the key by its key ARN          |

  @op:CreateGrant @cond:CreateGrant.21
  Scenario: The grant token works before ListGrants shows the grant
    When I call CreateGrant for the second account to call Encrypt
    And the second account encrypts a message with the key by its key ARN and the grant token
    Then the request succeeds
    And ListGrants lists the grant for the second account with every member

  @op:CreateGrant @cond:CreateGrant.20 @cond:CreateGrant.16
  Scenario: Without a grant the second account may not use the key, with one it may
    When the second account encrypts a message with the key by its key ARN
    Then the request fails with AccessDeniedException
    When I call CreateGrant for the second account to call Encrypt
    And the second account encrypts a message with the key by its key ARN
    Then the request succeeds

  @op:CreateGrant @cond:CreateGrant.05
  Scenario: The second account creates a grant through its own grant, naming the key by its key ARN
    Given a grant on the key lets the second account call CreateGrant and Encrypt
    When the second account calls CreateGrant naming the key by its key ARN
    Then the request succeeds
    And the response holds a grant ID and a grant token

  @op:CreateGrant @cond:CreateGrant.05 @error:NotFoundException
  Scenario: The second account cannot name the key by its key ID
    Given a grant on the key lets the second account call CreateGrant and Encrypt
    When the second account calls CreateGrant naming the key by its key ID
    Then the request fails with NotFoundException

  @op:CreateGrant @cond:CreateGrant.14
  Scenario: A grant made through a constrained grant may not be looser than it
    Given a grant on the key lets the second account call CreateGrant and Encrypt when the encryption context includes purpose=test
    When the second account calls CreateGrant naming the key by its key ARN without an encryption context constraint
    Then the request fails with a client error

  @op:CreateGrant @cond:CreateGrant.14
  Scenario: A grant made through a constrained grant may keep its constraint
    Given a grant on the key lets the second account call CreateGrant and Encrypt when the encryption context includes purpose=test
    When the second account calls CreateGrant naming the key by its key ARN
    Then the request succeeds

  @op:CreateGrant @cond:CreateGrant.16
  Scenario Outline: A grant whose encryption context <how> <pairs> lets the second account encrypt with <context>: <outcome>
    Given a grant on the key lets the second account call Encrypt when the encryption context <how> <pairs>
    When the second account encrypts a message with the key by its key ARN with the encryption context <context>
    Then the request <outcome>

    Examples:
      | how      | pairs        | context             | outcome                              |
      | includes | purpose=test | purpose=test        | succeeds                             |
      | includes | purpose=test | purpose=test,team=a | succeeds                             |
      | includes | purpose=test | Purpose=test        | succeeds                             |
      | includes | purpose=test | purpose=Test        | fails with AccessDeniedException     |
      | includes | purpose=test | team=a              | fails with AccessDeniedException     |
      | equals   | purpose=test | purpose=test        | succeeds                             |
      | equals   | purpose=test | purpose=test,team=a | fails with AccessDeniedException     |

  @op:CreateGrant @cond:CreateGrant.16
  Scenario: A grant with an encryption context constraint refuses a request without a context
    Given a grant on the key lets the second account call Encrypt when the encryption context includes purpose=test
    When the second account encrypts a message with the key by its key ARN
    Then the request fails with AccessDeniedException

  @op:CreateGrant @cond:CreateGrant.15
  Scenario: An encryption context constraint does not restrict DescribeKey
    Given a grant on the key lets the second account call Encrypt and DescribeKey when the encryption context includes purpose=test
    When the second account describes the key by its key ARN
    Then the request succeeds

  @op:CreateGrant @cond:CreateGrant.17
  Scenario: A grant only on behalf of a resource does not let the grantee call directly
    Given a grant on the key lets the second account call Encrypt only on behalf of an S3 bucket
    When the second account encrypts a message with the key by its key ARN
    Then the request fails with AccessDeniedException

  @op:CreateGrant @cond:CreateGrant.18
  Scenario: A named grant made again with the same parameters is the same grant
    Given a grant named kmsconform-grant lets the second account call Encrypt
    When I call CreateGrant again with the same name and parameters
    Then the grant ID is the one the first CreateGrant returned, and the key has 1 grant

  @op:CreateGrant @cond:CreateGrant.19
  Scenario: Without a name the same parameters make a new grant
    Given a grant named kmsconform-grant lets the second account call Encrypt
    When I call CreateGrant again with the same parameters and no name
    Then the grant ID is a new one, and the key has 2 grants

  @op:CreateGrant @cond:CreateGrant.01 @error:NotFoundException
  Scenario: CreateGrant naming a key that does not exist fails with NotFoundException
    When I call CreateGrant naming a key that does not exist
    Then the request fails with NotFoundException

  @op:CreateGrant @cond:CreateGrant.02 @error:InvalidArnException
  Scenario: CreateGrant naming the key by a malformed key ARN fails with InvalidArnException
    When I call CreateGrant naming the key by a malformed key ARN
    Then the request fails with InvalidArnException

  @op:CreateGrant @cond:CreateGrant.03 @error:InvalidArnException
  Scenario Outline: CreateGrant <how> fails with InvalidArnException
    When I call CreateGrant <how>
    Then the request fails with InvalidArnException
    And the key has 0 grants

    Examples:
      | how                                    |
      | whose grantee principal is not an ARN  |
      | whose retiring principal is not an ARN |

  @op:CreateGrant @cond:CreateGrant.22 @error:InvalidGrantTokenException
  Scenario: CreateGrant with a grant token that no grant issued fails with InvalidGrantTokenException
    When I call CreateGrant with a grant token that no grant issued
    Then the request fails with InvalidGrantTokenException

  @op:CreateGrant @cond:CreateGrant.29 @error:DryRunOperationException
  Scenario: CreateGrant with DryRun makes no grant
    When I call CreateGrant with DryRun
    Then the request fails with DryRunOperationException
    And the key has 0 grants

  @op:CreateGrant @cond:CreateGrant.30 @error:DisabledException
  Scenario: CreateGrant with DryRun on a Disabled key fails as it would without DryRun
    Given the key is Disabled
    When I call CreateGrant with DryRun
    Then the request fails with DisabledException

  @op:CreateGrant
  Scenario Outline: CreateGrant <how> fails with a client error
    When I call CreateGrant <how>
    Then the request fails with a client error
    And the key has 0 grants

    @cond:CreateGrant.06
    Examples: a grantee is required
      | how                         |
      | without a grantee principal |

    @cond:CreateGrant.07
    Examples: one grantee only
      | how                                                           |
      | with both a grantee principal and a grantee service principal |

    @cond:CreateGrant.08
    Examples: a service grantee needs a SourceArn
      | how                                                    |
      | for a service principal without a SourceArn constraint |

    @cond:CreateGrant.09
    Examples: a service grantee needs a retiring principal
      | how                                                  |
      | for a service principal without a retiring principal |

    @cond:CreateGrant.10
    Examples: one retiring principal only
      | how                                                              |
      | with both a retiring principal and a retiring service principal |

    @cond:CreateGrant.11
    Examples: an operation the key cannot do
      | how                               |
      | for Sign, which the key cannot do |

    @cond:CreateGrant.13
    Examples: at most 8 pairs
      | how                                              |
      | with an encryption context constraint of 9 pairs |

  @op:CreateGrant @cond:CreateGrant.28 @error:LimitExceededException
  Scenario: A 501st grant for one grantee on one key fails with LimitExceededException
    Given the second account already holds 500 grants on the key
    When I call CreateGrant for the second account to call Encrypt
    Then the request fails with LimitExceededException
