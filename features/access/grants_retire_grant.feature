Feature: RetireGrant
  RetireGrant ends a grant, named by its grant token or by its key's ARN and
  its grant ID. The grant's retiring principal may retire it, and so may its
  grantee when the grant allows RetireGrant, and the account where the grant
  was made; once retired, the grant allows nothing.

  Background:
    Given a SYMMETRIC_DEFAULT KMS key for ENCRYPT_DECRYPT

  @op:RetireGrant @cond:RetireGrant.01 @cond:RetireGrant.06 @cond:RetireGrant.16
  Scenario: I retire a grant by its grant token
    Given a grant on the key for my own account
    When I call RetireGrant with the grant token
    Then the request succeeds with an empty response
    And ListGrants no longer lists the grant

  @op:RetireGrant @cond:RetireGrant.02 @cond:RetireGrant.05 @cond:RetireGrant.16
  Scenario: I retire a grant by its key ARN and grant ID
    Given a grant on the key for my own account
    When I call RetireGrant with the key ARN and the grant ID
    Then the request succeeds with an empty response
    And ListGrants no longer lists the grant

  @op:RetireGrant @cond:RetireGrant.11 @cond:RetireGrant.13
  Scenario: The retiring principal in another account retires a grant on my key
    Given a grant on the key that the second account may retire
    When the second account calls RetireGrant with the key ARN and the grant ID
    Then the request succeeds
    And ListGrants no longer lists the grant

  @op:RetireGrant @cond:RetireGrant.11
  Scenario: The grantee retires its grant when the grant allows RetireGrant, and can then no longer use the key
    Given a grant on the key lets the second account call Encrypt and RetireGrant
    When the second account calls RetireGrant with the grant token
    Then the request succeeds
    When the second account encrypts a message with the key by its key ARN
    Then the request fails with AccessDeniedException

  @op:RetireGrant @cond:RetireGrant.12
  Scenario: The grantee may not retire a grant that does not allow RetireGrant
    Given a grant on the key lets the second account call Encrypt
    When the second account calls RetireGrant with the grant token
    Then the request fails with a client error
    And ListGrants still lists the grant

  @op:RetireGrant @cond:RetireGrant.17
  Scenario: A SourceArn constraint does not stop the grantee from retiring its grant
    Given a grant on the key lets the second account call Encrypt and RetireGrant only on behalf of an S3 bucket
    When the second account calls RetireGrant with the grant token
    Then the request succeeds
    And ListGrants no longer lists the grant

  @op:RetireGrant @cond:RetireGrant.18 @error:DryRunOperationException
  Scenario: RetireGrant with DryRun leaves the grant
    Given a grant on the key for my own account
    When I call RetireGrant with the grant token and DryRun
    Then the request fails with DryRunOperationException
    And ListGrants still lists the grant

  @op:RetireGrant @cond:RetireGrant.19 @error:InvalidGrantTokenException
  Scenario: RetireGrant with DryRun and a token no grant issued fails as it would without DryRun
    When I call RetireGrant with a grant token that no grant issued and DryRun
    Then the request fails with InvalidGrantTokenException

  @op:RetireGrant @cond:RetireGrant.07 @error:InvalidGrantTokenException
  Scenario: RetireGrant with a grant token that no grant issued fails with InvalidGrantTokenException
    Given a grant on the key for my own account
    When I call RetireGrant with a grant token that no grant issued
    Then the request fails with InvalidGrantTokenException
    And ListGrants still lists the grant

  @op:RetireGrant @cond:RetireGrant.08 @error:InvalidGrantIdException
  Scenario: RetireGrant with a malformed grant ID fails with InvalidGrantIdException
    When I call RetireGrant with the key ARN and a malformed grant ID
    Then the request fails with InvalidGrantIdException

  @op:RetireGrant @cond:RetireGrant.09 @error:NotFoundException
  Scenario: RetireGrant with the ID of no grant fails with NotFoundException
    When I call RetireGrant with the key ARN and the ID of no grant
    Then the request fails with NotFoundException

  @op:RetireGrant @cond:RetireGrant.10 @error:InvalidArnException
  Scenario: RetireGrant naming the key by a malformed key ARN fails with InvalidArnException
    Given a grant on the key for my own account
    When I call RetireGrant with a malformed key ARN and the grant ID
    Then the request fails with InvalidArnException

  @op:RetireGrant
  Scenario Outline: RetireGrant <how> fails with a client error
    Given a grant on the key for my own account
    When I call RetireGrant <how>
    Then the request fails with a client error
    And ListGrants still lists the grant

    @cond:RetireGrant.03
    Examples: a grant must be named
      | how          |
      | with nothing |

    @cond:RetireGrant.04
    Examples: a grant ID needs its key
      | how                    |
      | with only the grant ID |
