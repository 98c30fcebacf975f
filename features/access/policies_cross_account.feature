Feature: Key policies and the second account
  A call from another account on a key is allowed only when the key policy
  lets that account make it (or a grant does), and an explicit Deny in the
  policy wins over every Allow. PutKeyPolicy changes the answer at once.
  The second account's principal is read from the AccessDeniedException it
  gets before the policy names it.

  Background:
    Given a SYMMETRIC_DEFAULT KMS key for ENCRYPT_DECRYPT

  @op:PutKeyPolicy @cond:PutKeyPolicy.18
  Scenario Outline: A key policy that lets the second account call <actions> lets it describe the key: <outcome>
    Given the key policy lets the second account call <actions>
    When the second account describes the key by its key ARN
    Then the request <outcome>

    Examples:
      | actions                 | outcome                          |
      | DescribeKey             | succeeds                         |
      | Describe*               | succeeds                         |
      | *                       | succeeds                         |
      | Encrypt                 | fails with AccessDeniedException |
      | Encrypt and DescribeKey | succeeds                         |

  @op:PutKeyPolicy @cond:PutKeyPolicy.18
  Scenario: An explicit Deny wins over an Allow
    Given the key policy lets the second account call * but denies it DescribeKey
    When the second account describes the key by its key ARN
    Then the request fails with AccessDeniedException
    When the second account encrypts a message with the key by its key ARN
    Then the request succeeds

  @op:PutKeyPolicy @cond:PutKeyPolicy.18
  Scenario: An explicit Deny wins over a grant
    Given a grant on the key lets the second account call Encrypt
    And the key policy lets the second account call DescribeKey but denies it Encrypt
    When the second account encrypts a message with the key by its key ARN
    Then the request fails with AccessDeniedException

  @op:PutKeyPolicy @cond:PutKeyPolicy.18
  Scenario: A policy for every account lets the second account in
    Given the key policy lets every account call DescribeKey
    When the second account describes the key by its key ARN
    Then the request succeeds
