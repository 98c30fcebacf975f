@op:DescribeKey
Feature: DescribeKey
  DescribeKey returns the metadata of a KMS key: its state, origin, type and
  usage, the dates of its deletion or of its imported material's expiry, and
  the custom key store it lives in. It does not return the key's aliases,
  tags, policy, rotation status or grants. The key can be named by key ID,
  key ARN, alias name or alias ARN.

  @cond:DescribeKey.02
  Scenario Outline: The key can be named by its <form>
    Given a KMS key with an alias
    When I describe the key by its <form>
    Then the request succeeds
    And the response describes the key

    Examples:
      | form       |
      | key ID     |
      | key ARN    |
      | alias name |
      | alias ARN  |

  @error:NotFoundException @cond:DescribeKey.03
  Scenario Outline: A key that does not exist cannot be described (<form>)
    When I describe a key that does not exist by its <form>
    Then the request fails with NotFoundException

    Examples:
      | form    |
      | key ID  |
      | key ARN |

  @error:NotFoundException @cond:DescribeKey.04
  Scenario Outline: An alias that does not exist names no key (<form>)
    When I describe a key by an alias that does not exist, giving its <form>
    Then the request fails with NotFoundException

    Examples:
      | form       |
      | alias name |
      | alias ARN  |

  @error:InvalidArnException @cond:DescribeKey.05
  Scenario Outline: A malformed <form> is rejected
    When I describe a key by a malformed <form>
    Then the request fails with InvalidArnException

    Examples:
      | form      |
      | key ARN   |
      | alias ARN |

  @cross-account @cond:DescribeKey.06
  Scenario: Another account whose use the key policy allows can describe the key by its ARN
    Given a KMS key whose key policy lets every account describe it
    When the second account describes the key by its key ARN
    Then the request succeeds
    And the response describes the key

  @cross-account @cond:DescribeKey.06
  Scenario: Another account cannot name the key by its key ID
    Given a KMS key whose key policy lets every account describe it
    When the second account describes the key by its key ID
    Then the request fails with NotFoundException

  @cond:DescribeKey.07
  Scenario: Describing an AWS managed key's alias before the key exists creates the key
    Given an account of my own with no KMS keys
    When I describe the key by the alias alias/aws/ebs
    Then the request succeeds
    And the response describes an Enabled symmetric encryption key that AWS manages
    And describing alias/aws/ebs again gives the same key

  @cond:DescribeKey.08
  Scenario: The metadata of a key pending deletion shows its deletion date
    Given a KMS key whose origin is AWS_KMS
    And the key is scheduled for deletion
    When I describe the key
    Then the metadata shows the key PendingDeletion with its deletion date 7 days ahead

  @cond:DescribeKey.08
  Scenario: The metadata of a key with imported material shows its origin and expiration model
    Given a symmetric KMS key for imported key material
    And the key material has been imported
    When I describe the key
    Then the metadata shows the key Enabled with Origin EXTERNAL and key material that does not expire

  @cond:DescribeKey.08 @cloudhsm
  Scenario: The metadata of a key in a CloudHSM key store names the store and its cluster
    Given a KMS key whose origin is AWS_CLOUDHSM
    When I describe the key
    Then the metadata shows the key in the key store and its CloudHSM cluster

  @cond:DescribeKey.08 @xks
  Scenario: The metadata of a key in an external key store names the store and the external key
    Given a KMS key whose origin is EXTERNAL_KEY_STORE
    When I describe the key
    Then the metadata shows the key in the key store with its external key

  @cond:DescribeKey.09
  Scenario: The answer says nothing of the key's aliases, tags, policy, rotation or grants
    Given a KMS key with an alias
    When I describe the key
    Then the request succeeds
    And the response holds only the key's metadata, without its aliases, tags, policy, rotation status or grants
