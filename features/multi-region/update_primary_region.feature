@op:UpdatePrimaryRegion @multi-region
Feature: UpdatePrimaryRegion
  UpdatePrimaryRegion makes the replica of a multi-Region key in the given
  Region its primary, and the former primary a replica. Both keys are
  Updating for a few seconds and then return to their earlier state; they
  keep serving cryptographic operations meanwhile, but management operations
  such as EnableKey and DisableKey fail. The reference's control API holds
  both keys in Updating so that the scenarios can observe it; against other
  endpoints those scenarios are skipped.

  @cond:UpdatePrimaryRegion.03 @cond:UpdatePrimaryRegion.07 @cond:UpdatePrimaryRegion.08 @cond:UpdatePrimaryRegion.16
  Scenario: The replica becomes the primary and the primary a replica
    Given a multi-Region KMS key
    And the key has a replica in the second Region
    When I update the primary Region of the key to the second Region
    Then the request succeeds with an empty response
    And the key in the second Region is the primary, in both Regions

  @cond:UpdatePrimaryRegion.03
  Scenario: The primary key may be named by its key ARN
    Given a multi-Region KMS key
    And the key has a replica in the second Region
    When I update the primary Region of the key to the second Region naming it by its key ARN
    Then the request succeeds with an empty response
    And the key in the second Region is the primary, in both Regions

  @cond:UpdatePrimaryRegion.09 @cond:UpdatePrimaryRegion.16
  Scenario: Both keys are Updating until the update completes
    Given a multi-Region KMS key of origin AWS_KMS that is Updating
    When I describe the key
    Then the key is Updating
    And both keys become Enabled once the update is released

  @cond:UpdatePrimaryRegion.10
  Scenario: A key that is Updating still encrypts
    Given a multi-Region KMS key of origin AWS_KMS that is Updating
    When I encrypt a message with the key
    Then the request succeeds

  @error:NotFoundException @cond:UpdatePrimaryRegion.01
  Scenario: A key that does not exist has no primary Region to update
    Given a multi-Region KMS key
    When I update the primary Region of a key that does not exist
    Then the request fails with NotFoundException

  @error:InvalidArnException @cond:UpdatePrimaryRegion.02
  Scenario: A malformed key ARN is refused
    Given a multi-Region KMS key
    When I update the primary Region of the key named by a malformed key ARN
    Then the request fails with InvalidArnException

  # The docs name no error for a replica (UpdatePrimaryRegion.04); the
  # scenario expects what real KMS was recorded answering ReplicateKey for
  # one, UnsupportedOperationException (see the conflicts, E47).
  @error:UnsupportedOperationException @cond:UpdatePrimaryRegion.04 @cond:UpdatePrimaryRegion.17
  Scenario: A replica's primary Region cannot be updated through the replica
    Given a multi-Region KMS key
    And the key has a replica in the second Region
    When I update the primary Region of the replica to the run's own Region
    Then the request fails with UnsupportedOperationException

  @cond:UpdatePrimaryRegion.05
  Scenario: A single-Region key has no primary Region to update
    Given a single-Region KMS key
    When I update the primary Region of the key to the second Region
    Then the request fails with a client error

  @cond:UpdatePrimaryRegion.06
  Scenario: A Region without a replica cannot become the primary Region
    Given a multi-Region KMS key
    When I update the primary Region of the key to the second Region
    Then the request fails with a client error

  @cond:UpdatePrimaryRegion.06
  Scenario: The primary's own Region cannot become the primary Region again
    Given a multi-Region KMS key
    And the key has a replica in the second Region
    When I update the primary Region of the key to its own Region
    Then the request fails with a client error

  @error:DisabledException @cond:UpdatePrimaryRegion.12
  Scenario: A Disabled primary key's Region cannot be updated
    Given a multi-Region KMS key
    And the key has a replica in the second Region
    And the key is Disabled
    When I update the primary Region of the key to the second Region
    Then the request fails with DisabledException

  @cond:UpdatePrimaryRegion.13
  Scenario: A primary key waiting for its replica's deletion cannot move
    Given a multi-Region KMS key
    And the key is scheduled for deletion while it has a replica
    When I update the primary Region of the key to the second Region
    Then the request fails with either DisabledException or KMSInvalidStateException

  @error:KMSInvalidStateException @cond:UpdatePrimaryRegion.14 @import
  Scenario: A primary key waiting for imported key material cannot move
    Given a multi-Region KMS key with imported key material
    And the key has a replica in the second Region
    And the key is PendingImport
    When I update the primary Region of the key to the second Region
    Then the request fails with KMSInvalidStateException

  @untestable @error:KMSInvalidStateException @cond:UpdatePrimaryRegion.15
  Scenario: A primary key that is Creating cannot move
    Given a condition the public API cannot produce: only a replica is ever Creating, and a replica is not a primary key

  @cond:UpdatePrimaryRegion.18
  Scenario: Another account cannot update the primary Region
    Given a multi-Region KMS key
    And the key has a replica in the second Region
    When the second account tries to update the primary Region of the key by its key ARN
    Then the request fails with a client error
