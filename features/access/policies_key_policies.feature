Feature: GetKeyPolicy, PutKeyPolicy and ListKeyPolicies
  A KMS key has one key policy, named "default". PutKeyPolicy replaces it and
  GetKeyPolicy returns it; ListKeyPolicies lists its one name. None of the
  three may be used from another account. PutKeyPolicy refuses a policy that
  would keep the caller from changing the policy again, unless the caller
  bypasses that lockout check.

  Background:
    Given a SYMMETRIC_DEFAULT KMS key for ENCRYPT_DECRYPT

  @op:GetKeyPolicy @cond:GetKeyPolicy.03 @cond:GetKeyPolicy.05 @cond:GetKeyPolicy.07
  Scenario Outline: GetKeyPolicy names the key <how> and returns the policy named default
    When I call GetKeyPolicy <how>
    Then the request succeeds
    And the response holds a JSON policy named default

    Examples:
      | how                           |
      | on the key                    |
      | naming the key by its key ARN |
      | with the policy name default  |

  @op:GetKeyPolicy @cond:GetKeyPolicy.06
  Scenario: GetKeyPolicy with a policy name other than default fails with a client error
    When I call GetKeyPolicy with the policy name other
    Then the request fails with a client error

  @op:PutKeyPolicy @cond:PutKeyPolicy.04 @cond:PutKeyPolicy.13 @cond:PutKeyPolicy.18
  Scenario Outline: PutKeyPolicy names the key <how>, and GetKeyPolicy then returns the new policy
    When I call PutKeyPolicy <how>
    Then the request succeeds with an empty response
    And GetKeyPolicy returns the policy I put

    Examples:
      | how                                            |
      | with a policy that keeps my account in control |
      | naming the key by its key ARN                  |
      | with the policy name default                   |

  @op:PutKeyPolicy @cond:PutKeyPolicy.10
  Scenario: A statement without Action does not make PutKeyPolicy fail
    When I call PutKeyPolicy with a policy one of whose statements has no Action
    Then the request succeeds
    And GetKeyPolicy returns the policy I put

  @op:PutKeyPolicy @cond:PutKeyPolicy.07
  Scenario: PutKeyPolicy refuses a policy that would lock me out
    When I call PutKeyPolicy with a policy that would lock me out
    Then the request fails with a client error
    And the key policy is unchanged

  @op:PutKeyPolicy @cond:PutKeyPolicy.08
  Scenario: PutKeyPolicy takes a policy that would lock me out when I bypass the lockout check
    When I call PutKeyPolicy with a policy that would lock me out and BypassPolicyLockoutSafetyCheck
    Then the request succeeds
    And GetKeyPolicy returns the policy I put

  @op:PutKeyPolicy @cond:PutKeyPolicy.06 @error:MalformedPolicyDocumentException
  Scenario: PutKeyPolicy with a policy that is not JSON fails with MalformedPolicyDocumentException
    When I call PutKeyPolicy with a policy that is not JSON
    Then the request fails with MalformedPolicyDocumentException
    And the key policy is unchanged

  @op:PutKeyPolicy @cond:PutKeyPolicy.03 @error:InvalidArnException
  Scenario: PutKeyPolicy with a policy whose principal is a malformed ARN fails with InvalidArnException
    When I call PutKeyPolicy with a policy whose principal is a malformed ARN
    Then the request fails with InvalidArnException
    And the key policy is unchanged

  @op:PutKeyPolicy @cond:PutKeyPolicy.11 @error:LimitExceededException
  Scenario: PutKeyPolicy with a policy over 32 KiB fails with LimitExceededException
    When I call PutKeyPolicy with a policy of 33000 characters
    Then the request fails with LimitExceededException
    And the key policy is unchanged

  @op:PutKeyPolicy @cond:PutKeyPolicy.12 @error:ValidationException
  Scenario: PutKeyPolicy refuses a policy with characters above U+00FF
    When I send a PutKeyPolicy request whose Policy consists of characters above U+00FF
    Then the request fails with ValidationException

  @op:PutKeyPolicy
  Scenario Outline: PutKeyPolicy <how> fails with a client error
    When I call PutKeyPolicy <how>
    Then the request fails with a client error
    And the key policy is unchanged

    @cond:PutKeyPolicy.09
    Examples: every statement names a principal
      | how                                                      |
      | with a policy one of whose statements names no principal |

    @cond:PutKeyPolicy.14
    Examples: the only policy name is default
      | how                        |
      | with the policy name other |

  @op:ListKeyPolicies @cond:ListKeyPolicies.03 @cond:ListKeyPolicies.05 @cond:ListKeyPolicies.10
  Scenario Outline: ListKeyPolicies names the key <how> and lists default alone
    When I call ListKeyPolicies <how>
    Then the request succeeds
    And PolicyNames is default alone and the list is complete

    Examples:
      | how                           |
      | on the key                    |
      | naming the key by its key ARN |

  @op:ListKeyPolicies @cond:ListKeyPolicies.08
  Scenario: ListKeyPolicies with Limit 1 lists default alone
    When I call ListKeyPolicies with Limit 1
    Then the request succeeds
    And PolicyNames is default alone and the list is complete

  @op:ListKeyPolicies @cond:ListKeyPolicies.09
  Scenario: ListKeyPolicies with a marker it never returned fails with a client error
    When I call ListKeyPolicies with a marker it never returned
    Then the request fails with a client error

  Scenario Outline: <operation> naming <what> fails with <error>
    When I call <operation> naming <what>
    Then the request fails with <error>

    @op:GetKeyPolicy @cond:GetKeyPolicy.01 @error:NotFoundException
    Examples: GetKeyPolicy, no such key
      | operation    | what                      | error             |
      | GetKeyPolicy | a key that does not exist | NotFoundException |

    @op:GetKeyPolicy @cond:GetKeyPolicy.02 @error:InvalidArnException
    Examples: GetKeyPolicy, malformed key ARN
      | operation    | what                           | error               |
      | GetKeyPolicy | the key by a malformed key ARN | InvalidArnException |

    @op:PutKeyPolicy @cond:PutKeyPolicy.01 @error:NotFoundException
    Examples: PutKeyPolicy, no such key
      | operation    | what                      | error             |
      | PutKeyPolicy | a key that does not exist | NotFoundException |

    @op:PutKeyPolicy @cond:PutKeyPolicy.02 @error:InvalidArnException
    Examples: PutKeyPolicy, malformed key ARN
      | operation    | what                           | error               |
      | PutKeyPolicy | the key by a malformed key ARN | InvalidArnException |

    @op:ListKeyPolicies @cond:ListKeyPolicies.01 @error:NotFoundException
    Examples: ListKeyPolicies, no such key
      | operation       | what                      | error             |
      | ListKeyPolicies | a key that does not exist | NotFoundException |

    @op:ListKeyPolicies @cond:ListKeyPolicies.02 @error:InvalidArnException
    Examples: ListKeyPolicies, malformed key ARN
      | operation       | what                           | error               |
      | ListKeyPolicies | the key by a malformed key ARN | InvalidArnException |

  Scenario Outline: The second account may not call <operation>, even when the key policy lets it use the key
    Given the key policy lets the second account call *
    When the second account calls <operation> naming the key by its key ARN
    Then the request fails with a client error

    @op:GetKeyPolicy @cond:GetKeyPolicy.04
    Examples: GetKeyPolicy
      | operation    |
      | GetKeyPolicy |

    @op:PutKeyPolicy @cond:PutKeyPolicy.05
    Examples: PutKeyPolicy
      | operation    |
      | PutKeyPolicy |

    @op:ListKeyPolicies @cond:ListKeyPolicies.04
    Examples: ListKeyPolicies
      | operation       |
      | ListKeyPolicies |

  @untestable
  Scenario Outline: <operation> fails with <error>
    Given a condition the public API cannot produce: <reason>

    @op:GetKeyPolicy @cond:GetKeyPolicy.09 @error:KMSInvalidStateException
    Examples: GetKeyPolicy, KMSInvalidStateException
      | operation    | error                    | reason                                                                                              |
      | GetKeyPolicy | KMSInvalidStateException | the key-state table lets GetKeyPolicy work in every state, and no other cause of it is documented |

    @op:PutKeyPolicy @cond:PutKeyPolicy.15 @error:UnsupportedOperationException
    Examples: PutKeyPolicy, UnsupportedOperationException
      | operation    | error                         | reason                                                                          |
      | PutKeyPolicy | UnsupportedOperationException | the docs model UnsupportedOperationException for PutKeyPolicy but name no case |

    @op:PutKeyPolicy @cond:PutKeyPolicy.17 @error:KMSInvalidStateException
    Examples: PutKeyPolicy, KMSInvalidStateException
      | operation    | error                    | reason                                                                                              |
      | PutKeyPolicy | KMSInvalidStateException | the key-state table lets PutKeyPolicy work in every state, and no other cause of it is documented |

    @op:ListKeyPolicies @cond:ListKeyPolicies.07 @error:KMSInvalidStateException
    Examples: ListKeyPolicies, KMSInvalidStateException
      | operation       | error                    | reason                                                                                                 |
      | ListKeyPolicies | KMSInvalidStateException | the key-state table lets ListKeyPolicies work in every state, and no other cause of it is documented |
