import { AccessDecision, Effect, evaluatePolicy, type RequestContext } from '../iam/index.js';
import type { Caller, ServiceResponse } from '../edge/types.js';
import { type AccessCheck, accessChecks } from './access-checks.js';
import type { DynamoDbBackend } from './dynamodb-service.js';
import { jsonError } from './json-errors.js';
import type { ResolvedTable } from './table-names.js';

/**
 * Whether `caller` may do `action` on `table`: its own account's tables as always (identity policies are not
 * emulated) unless the table's resource-based policy denies it; another account's only when that policy allows it.
 * Undefined when allowed; else DynamoDB's AccessDeniedException.
 */
export async function authorize(
  backend: DynamoDbBackend,
  action: string,
  body: Record<string, unknown>,
  table: ResolvedTable,
  caller: Caller,
): Promise<ServiceResponse | undefined> {
  const crossAccount = table.placement.accountId !== caller.accountId;
  const policy = backend.policies.get(table.arn);
  if (!policy) return crossAccount ? denied(caller, `dynamodb:${action}`, table.arn, implicit(action)) : undefined;
  const keys = await backend.tableKeys(table.internal);
  for (const check of accessChecks(action, body, table, keys)) {
    const verdict = evaluatePolicy(policy.document, {
      principal: { accountId: caller.accountId, arn: caller.principalArn, roleArn: caller.roleArn },
      action: check.action,
      resource: check.resource,
      context: contextOf(caller, check),
    });
    const refuse = (why: string) => denied(caller, check.action, check.resource, why);
    switch (verdict.decision) {
      case AccessDecision.EXPLICIT_DENY:
        return refuse('with an explicit deny in a resource-based policy');
      case AccessDecision.UNJUDGEABLE:
        if (crossAccount || verdict.effect === Effect.DENY)
          return refuse(`because the sandbox cannot judge the resource-based policy: ${verdict.reason}`);
        break;
      case AccessDecision.IMPLICIT_DENY:
        if (crossAccount) return refuse(implicit(check.action.replace(/^dynamodb:/, '')));
        break;
      case AccessDecision.ALLOW:
        break;
    }
  }
  return undefined;
}

function implicit(action: string): string {
  return `because no resource-based policy allows the dynamodb:${action} action`;
}

/** The condition keys the sandbox knows, for one check. */
function contextOf(caller: Caller, check: AccessCheck): RequestContext {
  return {
    'aws:PrincipalArn': [caller.roleArn ?? caller.principalArn],
    'aws:PrincipalAccount': [caller.accountId],
    'aws:PrincipalOrgID': caller.orgId ? [caller.orgId] : null,
    'dynamodb:LeadingKeys': check.leadingKeys,
    'dynamodb:Attributes': check.attributes,
    'dynamodb:ReturnValues': check.returnValues,
  };
}

/** IAM's refusal, as DynamoDB answers it. */
function denied(caller: Caller, action: string, resource: string, why: string): ServiceResponse {
  return jsonError(
    400,
    'AccessDeniedException',
    `User: ${caller.principalArn} is not authorized to perform: ${action} on resource: ${resource} ${why}`,
  );
}
