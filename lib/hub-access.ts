/**
 * What a spoke may do with the hub's tables and topic, as the hub's resource-based policies say it: the principals
 * (any role of the organization whose name is a spoke role name) and, per table, the actions each spoke role takes.
 * Each spoke's own role stays the principal in the hub's CloudTrail: there is no hub role to assume.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import { SpokeRole, spokeRoleName } from '../lambda/settings/index.js';
import { AUDIT_COMPLETION_ATTRIBUTES, AuditIndex, SpokeHeartbeat } from '../lambda/tables.js';

/** How the audit records of a spoke's runs are keyed: `RUN#<accountId>.<region>/<runId>` (placed run ids). */
export const RUN_KEY_PREFIX = 'RUN#';

/** The account of the caller, as IAM substitutes it in a policy. */
const PRINCIPAL_ACCOUNT = '${aws:PrincipalAccount}';

/** The partition keys a spoke may write: its own runs' records and its own heartbeat, by its account. */
export const SPOKE_RUN_KEYS = `${RUN_KEY_PREFIX}${PRINCIPAL_ACCOUNT}.*`;
/** The heartbeat items a spoke may write: its own, by its account. */
export const SPOKE_HEARTBEAT_KEYS = `${SpokeHeartbeat.PK_PREFIX}${PRINCIPAL_ACCOUNT}.*`;

/** Who the hub admits: the organization, and the stack's spoke role names in any account and Region. */
export interface SpokeAccess {
  /** The organization (`o-…`). */
  readonly organizationId: string;
  /** The stack name the spoke roles are named from. */
  readonly stackName: string;
}

/** `arn:aws:iam::*:role/<stack>-<purpose>-*`: a spoke role of this stack in any account and Region. */
export function spokeRolePattern(stackName: string, purpose: SpokeRole): string {
  return `arn:aws:iam::*:role/${spokeRoleName(stackName, purpose, '*')}`;
}

/** One statement of a hub resource's policy, before the principal and its conditions are added. */
interface SpokeGrant {
  readonly sid: string;
  readonly actions: string[];
  readonly resources: string[];
  /** Conditions on the request (keys, attributes); never on the principal. @default none */
  readonly conditions?: Record<string, Record<string, unknown>>;
}

/** Any principal, but only a role of the organization named as a spoke role of `purpose`. */
function spokeStatement(access: SpokeAccess, purpose: SpokeRole, grant: SpokeGrant): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: grant.sid,
    principals: [new iam.AnyPrincipal()],
    actions: grant.actions,
    resources: grant.resources,
    conditions: {
      ...grant.conditions,
      StringEquals: { 'aws:PrincipalOrgID': access.organizationId },
      ArnLike: { 'aws:PrincipalArn': spokeRolePattern(access.stackName, purpose) },
    },
  });
}

/** The policies table's resource policy: both spoke roles read the rows; nobody from outside writes them. */
export function policiesTablePolicy(access: SpokeAccess, tableArn: string): iam.PolicyDocument {
  const read = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'];
  return new iam.PolicyDocument({
    statements: [
      spokeStatement(access, SpokeRole.ENFORCER, {
        sid: 'SpokeEnforcersReadPolicies',
        actions: read,
        resources: [tableArn],
      }),
      spokeStatement(access, SpokeRole.GATE, { sid: 'SpokeGatesReadPolicies', actions: read, resources: [tableArn] }),
    ],
  });
}

/**
 * The audit table's resource policy. A spoke's enforcer puts its runs' records and its heartbeat, completes its own
 * records (the completion attributes only), reads records and queries `pending`; its gate puts admissions only. Every
 * write names keys of the caller's own account only (`dynamodb:LeadingKeys` with `${aws:PrincipalAccount}`).
 */
export function auditTablePolicy(access: SpokeAccess, tableArn: string): iam.PolicyDocument {
  const ownKeys = (keys: string[]) => ({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': keys } });
  return new iam.PolicyDocument({
    statements: [
      spokeStatement(access, SpokeRole.ENFORCER, {
        sid: 'SpokeEnforcersPutOwnRecords',
        actions: ['dynamodb:PutItem'],
        resources: [tableArn],
        conditions: ownKeys([SPOKE_RUN_KEYS, SPOKE_HEARTBEAT_KEYS]),
      }),
      spokeStatement(access, SpokeRole.ENFORCER, {
        sid: 'SpokeEnforcersCompleteOwnRecords',
        actions: ['dynamodb:UpdateItem'],
        resources: [tableArn],
        conditions: {
          ...ownKeys([SPOKE_RUN_KEYS]),
          'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...AUDIT_COMPLETION_ATTRIBUTES] },
          StringEqualsIfExists: { 'dynamodb:ReturnValues': ['NONE'] },
        },
      }),
      spokeStatement(access, SpokeRole.ENFORCER, {
        sid: 'SpokeEnforcersReadRecords',
        actions: ['dynamodb:GetItem', 'dynamodb:Query'],
        resources: [tableArn, `${tableArn}/index/${AuditIndex.PENDING}`],
      }),
      spokeStatement(access, SpokeRole.GATE, {
        sid: 'SpokeGatesPutOwnAdmissions',
        actions: ['dynamodb:PutItem'],
        resources: [tableArn],
        conditions: ownKeys([SPOKE_RUN_KEYS]),
      }),
    ],
  });
}

/** The topic's statement: spoke enforcers publish their run digests. */
export function topicPublishStatement(access: SpokeAccess, topicArn: string): iam.PolicyStatement {
  return spokeStatement(access, SpokeRole.ENFORCER, {
    sid: 'SpokeEnforcersPublishDigests',
    actions: ['sns:Publish'],
    resources: [topicArn],
  });
}

/** The topic key's statement: a spoke enforcer publishing to the encrypted topic encrypts with its key. */
export function topicKeyStatement(access: SpokeAccess): iam.PolicyStatement {
  return spokeStatement(access, SpokeRole.ENFORCER, {
    sid: 'SpokeEnforcersEncryptDigests',
    actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
    resources: ['*'],
  });
}
