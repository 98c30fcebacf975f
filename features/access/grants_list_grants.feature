Feature: ListGrants
  ListGrants lists the grants of one key, a page at a time (Limit, Marker,
  Truncated, NextMarker), filtered by grant ID or grantee principal when
  asked. Another account may list them, naming the key by its key ARN, when
  the key policy lets it.

  Background:
    Given a SYMMETRIC_DEFAULT KMS key for ENCRYPT_DECRYPT

  @op:ListGrants @cond:ListGrants.03 @cond:ListGrants.05
  Scenario Outline: ListGrants names the key <how>
    Given a grant on the key for my own account
    When I call ListGrants <how>
    Then the request succeeds
    And the listing holds only the grant

    Examples:
      | how                           |
      | on the key                    |
      | naming the key by its key ARN |

  @op:ListGrants @cond:ListGrants.06
  Scenario: ListGrants for one grant ID lists only that grant
    Given a grant on the key for my own account
    And a grant on the key lets the second account call Encrypt
    When I call ListGrants for the grant's ID
    Then the request succeeds
    And the listing holds only the grant

  @op:ListGrants @cond:ListGrants.08
  Scenario: ListGrants for one grantee principal lists only its grants
    Given a grant on the key for my own account
    And a grant on the key lets the second account call Encrypt
    When I call ListGrants for the second account's principal
    Then the request succeeds
    And the listing holds only the grant

  @op:ListGrants @cond:ListGrants.12
  Scenario: A grant for a service principal is listed with its service principal
    Given a grant on the key for the service principal s3.amazonaws.com
    When I call ListGrants on the key
    Then the request succeeds
    And the grant is listed with its grantee service principal s3.amazonaws.com

  @op:ListGrants @cond:ListGrants.15 @cond:ListGrants.18
  Scenario: ListGrants pages through the grants, each once
    Given the key has 5 grants for my own account
    When I call ListGrants with Limit 2
    Then the request succeeds
    And the page holds 2 grants and its NextMarker leads through the other 3, each once

  @op:ListGrants @cond:ListGrants.17 @error:InvalidMarkerException
  Scenario: ListGrants with a marker it never returned fails with InvalidMarkerException
    Given a grant on the key for my own account
    When I call ListGrants with a marker ListGrants never returned
    Then the request fails with InvalidMarkerException

  @op:ListGrants @cond:ListGrants.16
  Scenario: ListGrants with a Limit above the documented 100 fails with a client error
    When I call ListGrants with Limit 1000
    Then the request fails with a client error

  @op:ListGrants @cond:ListGrants.04
  Scenario: The second account lists the grants when the key policy lets it and it names the key by its key ARN
    Given a grant on the key for my own account
    And the key policy lets the second account call ListGrants
    When the second account calls ListGrants naming the key by its key ARN
    Then the request succeeds
    And the listing holds only the grant

  @op:ListGrants @cond:ListGrants.04
  Scenario: The second account may not list the grants when the key policy does not let it
    When the second account calls ListGrants naming the key by its key ARN
    Then the request fails with AccessDeniedException

  @op:ListGrants @cond:ListGrants.01 @error:NotFoundException
  Scenario: ListGrants naming a key that does not exist fails with NotFoundException
    When I call ListGrants naming a key that does not exist
    Then the request fails with NotFoundException

  @op:ListGrants @cond:ListGrants.02 @error:InvalidArnException
  Scenario: ListGrants naming the key by a malformed key ARN fails with InvalidArnException
    When I call ListGrants naming the key by a malformed key ARN
    Then the request fails with InvalidArnException

  @op:ListGrants @cond:ListGrants.07 @error:InvalidGrantIdException
  Scenario: ListGrants for a malformed grant ID fails with InvalidGrantIdException
    When I call ListGrants for a malformed grant ID
    Then the request fails with InvalidGrantIdException

  @op:ListGrants
  Scenario Outline: ListGrants <how> fails with a client error
    When I call ListGrants <how>
    Then the request fails with a client error

    @cond:ListGrants.09
    Examples: one grantee filter only
      | how                                                           |
      | with both a grantee principal and a grantee service principal |

    @cond:ListGrants.10
    Examples: only a service principal filters by service principal
      | how                             |
      | for a grantee service principal |
