import type { Caller } from '../edge/types.js';

/**
 * Who from another account a resource-based policy allows (a Lambda function's `AddPermission`, an SNS topic's
 * policy), as simple lists; a caller of the resource's own account is always allowed.
 */
export interface ResourcePolicy {
  /** Account ids whose principals are allowed (`Principal: { AWS: "<account>" }`). @default none */
  readonly accounts?: readonly string[];
  /**
   * Principal ARNs allowed (`aws:PrincipalArn`): a role ARN or a session's, `*` matching any run of characters
   * (`arn:aws:iam::*:role/stack-relay-*`). @default none
   */
  readonly principals?: readonly string[];
  /** Organizations whose accounts are allowed (`aws:PrincipalOrgID`). @default none */
  readonly organizationIds?: readonly string[];
}

/** True when `policy` lets `caller` act on a resource of `ownerAccountId`. */
export function allowsCaller(policy: ResourcePolicy | undefined, caller: Caller, ownerAccountId: string): boolean {
  if (caller.accountId === ownerAccountId) return true;
  if (!policy) return false;
  if (policy.accounts?.includes(caller.accountId)) return true;
  if (caller.orgId !== undefined && policy.organizationIds?.includes(caller.orgId)) return true;
  const arns = [caller.principalArn, ...(caller.roleArn ? [caller.roleArn] : [])];
  return (policy.principals ?? []).some((pattern) => arns.some((arn) => globMatches(pattern, arn)));
}

function globMatches(pattern: string, value: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`).test(value);
}
