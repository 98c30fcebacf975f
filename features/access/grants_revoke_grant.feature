Feature: RevokeGrant
  RevokeGrant ends a grant by its key and grant ID. It takes kms:RevokeGrant
  on the key, from the key policy: the grant's retiring principal may not
  revoke it. A revoked grant allows nothing, at once.

  Background:
    Given a SYMMETRIC_DEFAULT KMS key for ENCRYPT_DECRYPT

  @op:RevokeGrant @cond:RevokeGrant.05 @cond:RevokeGrant.10
  Scenario Outline: RevokeGrant names the key <how>
    Given a grant on the key for my own account
    When I call RevokeGrant <how>
    Then the request succeeds with an empty response
    And ListGrants no longer lists the grant

    Examples:
      | how                           |
      | on the grant                  |
      | naming the key by its key ARN |

  @op:RevokeGrant @cond:RevokeGrant.10
  Scenario: A revoked grant no longer lets the second account use the key
    Given a grant on the key lets the second account call Encrypt
    And the grant has been revoked
    When the second account encrypts a message with the key by its key ARN
    Then the request fails with AccessDeniedException

  @op:RevokeGrant @cond:RevokeGrant.10
  Scenario: A revoked grant's token no longer lets the second account use the key
    Given a grant on the key lets the second account call Encrypt
    And the grant has been revoked
    When the second account encrypts a message with the key by its key ARN and the grant token
    Then the request fails with a client error

  @op:RevokeGrant @cond:RevokeGrant.06
  Scenario: The second account revokes a grant when the key policy lets it
    Given a grant on the key for my own account
    And the key policy lets the second account call RevokeGrant
    When the second account calls RevokeGrant on the grant
    Then the request succeeds
    And ListGrants no longer lists the grant

  @op:RevokeGrant @cond:RevokeGrant.07
  Scenario: The retiring principal may not revoke the grant
    Given a grant on the key that the second account may retire
    When the second account calls RevokeGrant on the grant
    Then the request fails with AccessDeniedException
    And ListGrants still lists the grant

  @op:RevokeGrant @cond:RevokeGrant.11 @error:DryRunOperationException
  Scenario: RevokeGrant with DryRun leaves the grant
    Given a grant on the key for my own account
    When I call RevokeGrant on the grant with DryRun
    Then the request fails with DryRunOperationException
    And ListGrants still lists the grant

  @op:RevokeGrant @cond:RevokeGrant.12 @error:InvalidGrantIdException
  Scenario: RevokeGrant with DryRun and a malformed grant ID fails as it would without DryRun
    When I call RevokeGrant with a malformed grant ID and DryRun
    Then the request fails with InvalidGrantIdException

  @op:RevokeGrant @cond:RevokeGrant.01 @error:NotFoundException
  Scenario: RevokeGrant naming a key that does not exist fails with NotFoundException
    When I call RevokeGrant naming a key that does not exist
    Then the request fails with NotFoundException

  @op:RevokeGrant @cond:RevokeGrant.02 @error:InvalidArnException
  Scenario: RevokeGrant naming the key by a malformed key ARN fails with InvalidArnException
    When I call RevokeGrant naming the key by a malformed key ARN
    Then the request fails with InvalidArnException

  @op:RevokeGrant @cond:RevokeGrant.03 @error:InvalidGrantIdException
  Scenario: RevokeGrant with a malformed grant ID fails with InvalidGrantIdException
    When I call RevokeGrant with a malformed grant ID
    Then the request fails with InvalidGrantIdException

  @op:RevokeGrant @cond:RevokeGrant.04
  Scenario: RevokeGrant with the ID of no grant fails with a client error
    When I call RevokeGrant with the ID of no grant
    Then the request fails with a client error
