import { type Judgement, type RequestContext, conditionsHold } from './conditions.js';
import { Effect, type PolicyDocument, type Principal, type Statement } from './policy-document.js';
import { wildcardMatch } from './wildcard.js';

/** Who asks: the account, the principal, and for an assumed role the role. */
export interface RequestPrincipal {
  readonly accountId: string;
  /** `arn:aws:iam::<acct>:user/<name>` or `arn:aws:sts::<acct>:assumed-role/<role>/<session>`. */
  readonly arn: string;
  /** `arn:aws:iam::<acct>:role/<name>` for an assumed-role session. */
  readonly roleArn?: string;
}

/** One authorisation question: may `principal` do `action` on `resource`, with this context. */
export interface AccessRequest {
  readonly principal: RequestPrincipal;
  /** `service:Action`, e.g. `dynamodb:PutItem`. */
  readonly action: string;
  readonly resource: string;
  readonly context: RequestContext;
}

/** What a policy says about a request. */
export const AccessDecision = {
  ALLOW: 'allow',
  EXPLICIT_DENY: 'explicit-deny',
  /** No statement allows it. */
  IMPLICIT_DENY: 'implicit-deny',
  /** A statement that might decide it cannot be judged by the sandbox: refused, never allowed by accident. */
  UNJUDGEABLE: 'unjudgeable',
} as const;
/** One of the four decisions. */
export type AccessDecision = (typeof AccessDecision)[keyof typeof AccessDecision];

/** A decision, with the statement that made it or the reason it could not be made. */
export type AccessVerdict =
  | {
      readonly decision: typeof AccessDecision.ALLOW | typeof AccessDecision.EXPLICIT_DENY;
      readonly statement: Statement;
    }
  | { readonly decision: typeof AccessDecision.IMPLICIT_DENY }
  | {
      readonly decision: typeof AccessDecision.UNJUDGEABLE;
      /** The effect of the statement that could not be judged (a Deny's matters even where no Allow is needed). */
      readonly effect: Effect;
      readonly reason: string;
    };

/**
 * Evaluates a resource-based policy as IAM does: a Deny that applies wins; else an Allow that applies allows; else the
 * request is implicitly denied. A statement the sandbox cannot judge that could deny, or that is the only one that
 * could allow, makes the answer unjudgeable.
 */
export function evaluatePolicy(policy: PolicyDocument, request: AccessRequest): AccessVerdict {
  let allowed: Statement | undefined;
  let unknownAllow: string | undefined;
  let unknownDeny: string | undefined;
  for (const statement of policy.statements) {
    const applies = statementApplies(statement, request);
    if (statement.effect === Effect.DENY) {
      if (applies === true) return { decision: AccessDecision.EXPLICIT_DENY, statement };
      if (applies !== false) unknownDeny ??= applies.unknown;
    } else if (applies === true) allowed ??= statement;
    else if (applies !== false) unknownAllow ??= applies.unknown;
  }
  if (unknownDeny) return { decision: AccessDecision.UNJUDGEABLE, effect: Effect.DENY, reason: unknownDeny };
  if (allowed) return { decision: AccessDecision.ALLOW, statement: allowed };
  if (unknownAllow) return { decision: AccessDecision.UNJUDGEABLE, effect: Effect.ALLOW, reason: unknownAllow };
  return { decision: AccessDecision.IMPLICIT_DENY };
}

/** Principal, action, resource, then conditions: false as soon as one part surely fails. */
export function statementApplies(statement: Statement, request: AccessRequest): Judgement {
  const parts: (() => Judgement)[] = [
    () =>
      statement.notPrincipal
        ? { unknown: 'NotPrincipal is not emulated by the sandbox' }
        : principalMatches(statement.principal ?? {}, request.principal),
    () => listMatches(statement.actions, statement.notActions, (pattern) => actionMatches(pattern, request.action)),
    () =>
      listMatches(statement.resources, statement.notResources, (pattern) => resourceMatches(pattern, request.resource)),
    () => conditionsHold(statement.conditions, request.context),
  ];
  let unknown: Judgement | undefined;
  for (const part of parts) {
    const judged = part();
    if (judged === false) return false;
    if (judged !== true) unknown ??= judged;
  }
  return unknown ?? true;
}

function listMatches(
  list: readonly string[] | undefined,
  notList: readonly string[] | undefined,
  match: (pattern: string) => Judgement,
): Judgement {
  const patterns = list ?? notList ?? [];
  let unknown: Judgement | undefined;
  let any = false;
  for (const pattern of patterns) {
    const judged = match(pattern);
    if (judged === true) any = true;
    else if (judged !== false) unknown ??= judged;
  }
  if (any) return list !== undefined;
  if (unknown) return unknown;
  return list === undefined;
}

/** Actions match case-insensitively, with wildcards. */
function actionMatches(pattern: string, action: string): boolean {
  return wildcardMatch(pattern, action, { ignoreCase: true });
}

function resourceMatches(pattern: string, resource: string): Judgement {
  if (pattern.includes('${'))
    return { unknown: `policy variables in Resource (${pattern}) are not emulated by the sandbox` };
  return wildcardMatch(pattern, resource);
}

const ACCOUNT_ID = /^\d{12}$/;
const ROOT = /^arn:aws:iam::(\d{12}):root$/;

function principalMatches(principal: Principal, caller: RequestPrincipal): Judgement {
  if (principal === '*') return true;
  let unknown: Judgement | undefined;
  for (const id of principal.AWS ?? []) {
    const judged = awsPrincipalMatches(id, caller);
    if (judged === true) return true;
    if (judged !== false) unknown ??= judged;
  }
  return unknown ?? false;
}

function awsPrincipalMatches(id: string, caller: RequestPrincipal): Judgement {
  if (id === '*') return true;
  if (ACCOUNT_ID.test(id)) return id === caller.accountId;
  const root = ROOT.exec(id)?.[1];
  if (root) return root === caller.accountId;
  if (id.includes('*') || id.includes('?'))
    return { unknown: `the principal ${id} has a wildcard; IAM accepts only "*" on its own, use aws:PrincipalArn` };
  return id === caller.arn || id === caller.roleArn;
}
