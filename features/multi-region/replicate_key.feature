@op:ReplicateKey @multi-region
Feature: ReplicateKey
  ReplicateKey makes a replica of a multi-Region primary key in another
  Region of the same partition and account. The replica has the primary's key
  ID, key material, key spec, key usage and origin; its key policy, tags,
  description and key state are its own. It starts Creating, and becomes
  Enabled a few seconds later, or PendingImport when the primary holds
  imported key material, which must then be imported into the replica too.
  The scenarios run in the target's Region and its second Region: the
  embedded reference serves two, a standalone reference lists them in its
  control API, and against any other endpoint the second Region comes from
  secondRegion in the --config file. Without one they are skipped.

  @cond:ReplicateKey.03 @cond:ReplicateKey.09 @cond:ReplicateKey.14 @cond:ReplicateKey.29
  Scenario: Replicating an Enabled primary key answers a replica that is Creating
    Given a multi-Region KMS key
    When I replicate the key to the second Region
    Then the request succeeds
    And the answer shows the replica Creating, listing its primary and itself as a replica

  @cond:ReplicateKey.10 @cond:ReplicateKey.12 @cond:ReplicateKey.19
  Scenario: The replica becomes Enabled and shares the primary's key material
    Given a multi-Region KMS key
    When I replicate the key to the second Region
    Then the replica becomes Enabled
    And the primary lists the replica
    And the replica has the key spec, key usage and origin of the primary, and a description of its own
    And what either Region encrypts, the other decrypts

  @cond:ReplicateKey.12
  Scenario: A replica of a signing key signs what the primary verifies
    Given a multi-Region ECC_NIST_P256 KMS key for SIGN_VERIFY
    When I replicate the key to the second Region
    Then the replica becomes Enabled
    And what the replica signs, the primary verifies

  @cond:ReplicateKey.03
  Scenario: The primary key may be named by its key ARN
    Given a multi-Region KMS key
    When I replicate the key to the second Region naming it by its key ARN
    Then the request succeeds
    And the replica becomes Enabled

  @cond:ReplicateKey.10 @cond:ReplicateKey.13 @import
  Scenario: A replica of a key with imported key material waits for that material
    Given a multi-Region KMS key with imported key material
    When I replicate the key to the second Region
    Then the replica becomes PendingImport

  @cond:ReplicateKey.13 @import
  Scenario: The replica takes the primary's key material and then decrypts what the primary encrypts
    Given a multi-Region KMS key with imported key material
    And the key has a replica in the second Region
    And the primary's key material has been imported into the replica
    When I describe the key
    Then the request succeeds
    And the key is Enabled
    And what either Region encrypts, the other decrypts

  @error:NotFoundException @cond:ReplicateKey.01
  Scenario: A key that does not exist cannot be replicated
    Given a multi-Region KMS key
    When I replicate a key that does not exist to the second Region
    Then the request fails with NotFoundException

  @error:InvalidArnException @cond:ReplicateKey.02
  Scenario: A malformed key ARN is refused
    Given a multi-Region KMS key
    When I replicate the key named by a malformed key ARN to the second Region
    Then the request fails with InvalidArnException

  @cond:ReplicateKey.04
  Scenario: A single-Region key cannot be replicated
    Given a single-Region KMS key
    When I replicate the key to the second Region
    Then the request fails with a client error

  # Real KMS was recorded answering UnsupportedOperationException, "... is not
  # a multi-region primary key.", for a replica named in its own Region.
  @error:UnsupportedOperationException @cond:ReplicateKey.05 @cond:ReplicateKey.30
  Scenario: A replica cannot be replicated
    Given a multi-Region KMS key
    And the key has a replica in the second Region
    When I replicate the replica to the run's own Region
    Then the request fails with UnsupportedOperationException

  @cond:ReplicateKey.06
  Scenario: A key cannot be replicated into its own Region
    Given a multi-Region KMS key
    When I replicate the key to its own Region
    Then the request fails with a client error

  @cond:ReplicateKey.07
  Scenario: A key cannot be replicated into a Region that does not exist
    Given a multi-Region KMS key
    When I replicate the key to a Region that does not exist
    Then the request fails with a client error

  @error:AlreadyExistsException @cond:ReplicateKey.08
  Scenario: A second replica in the same Region is refused
    Given a multi-Region KMS key
    And the key has a replica in the second Region
    When I replicate the key to the second Region
    Then the request fails with AlreadyExistsException

  @error:MalformedPolicyDocumentException @cond:ReplicateKey.15
  Scenario: A key policy that is not a policy document is refused
    Given a multi-Region KMS key
    When I replicate the key to the second Region with a key policy that is not JSON
    Then the request fails with MalformedPolicyDocumentException

  @cond:ReplicateKey.16
  Scenario: A key policy that would lock the caller out of the replica is refused
    Given a multi-Region KMS key
    When I replicate the key to the second Region with a key policy that does not let me change it later
    Then the request fails with a client error

  @cond:ReplicateKey.17
  Scenario: A key policy statement without a principal is refused
    Given a multi-Region KMS key
    When I replicate the key to the second Region with a key policy statement that names no principal
    Then the request fails with a client error

  @error:InvalidArnException @cond:ReplicateKey.18
  Scenario: A key policy naming a principal by a malformed ARN is refused
    Given a multi-Region KMS key
    When I replicate the key to the second Region with a key policy that names a principal by a malformed ARN
    Then the request fails with InvalidArnException

  @error:TagException @cond:ReplicateKey.20
  Scenario: A reserved tag key is refused
    Given a multi-Region KMS key
    When I replicate the key to the second Region with a tag whose key starts with aws:
    Then the request fails with TagException

  @cond:ReplicateKey.21
  Scenario: Two tags with one tag key are refused
    Given a multi-Region KMS key
    When I replicate the key to the second Region with two tags that share a tag key
    Then the request fails with a client error

  @untestable @cond:ReplicateKey.22
  Scenario: Tags on a replica need kms:TagResource in the replica's Region
    Given a condition the public API cannot produce: whether the caller holds kms:TagResource is decided by IAM policy evaluation, and the run's credentials are allowed everything they use

  @error:LimitExceededException @cond:ReplicateKey.23
  Scenario: No replica is made beyond the key quota of its Region
    Given a multi-Region KMS key in an account of my own that may hold one KMS key per Region
    And the second Region already holds a KMS key of my account
    When I replicate the key to the second Region
    Then the request fails with LimitExceededException

  @error:DisabledException @cond:ReplicateKey.24
  Scenario: A Disabled primary key cannot be replicated
    Given a multi-Region KMS key
    And the key is Disabled
    When I replicate the key to the second Region
    Then the request fails with DisabledException

  @cond:ReplicateKey.25
  Scenario: A primary key pending deletion cannot be replicated
    Given a multi-Region KMS key
    And the key is scheduled for deletion
    When I replicate the key to the second Region
    Then the request fails with either DisabledException or KMSInvalidStateException

  @error:KMSInvalidStateException @cond:ReplicateKey.25
  Scenario: A primary key waiting for its replica's deletion cannot be replicated again
    Given a multi-Region KMS key
    And the key is scheduled for deletion while it has a replica
    When I replicate the key to the second Region
    Then the request fails with either DisabledException or KMSInvalidStateException

  @error:KMSInvalidStateException @cond:ReplicateKey.26 @import
  Scenario: A primary key waiting for imported key material cannot be replicated
    Given a multi-Region KMS key waiting for imported key material
    When I replicate the key to the second Region
    Then the request fails with KMSInvalidStateException

  @untestable @error:KMSInvalidStateException @cond:ReplicateKey.27
  Scenario: A primary key that is Creating cannot be replicated
    Given a condition the public API cannot produce: only a replica is ever Creating, and a replica is not a primary key, so ReplicateKey refuses it for that (ReplicateKey.05) whatever its state

  @error:KMSInvalidStateException @cond:ReplicateKey.28
  Scenario: A new primary key that is Updating cannot be replicated
    The new primary's only other Region holds its former primary, so the
    replica would go to a third Region; a run without one skips this.

    Given the run has a third Region
    And a multi-Region KMS key
    And the key's primary Region has moved to the second Region, and both keys are Updating
    When I replicate the new primary key in the second Region to the third Region
    Then the request fails with KMSInvalidStateException

  @cond:ReplicateKey.31
  Scenario: Another account cannot replicate the key
    Given a multi-Region KMS key
    When the second account tries to replicate the key by its key ARN to the second Region
    Then the request fails with a client error
