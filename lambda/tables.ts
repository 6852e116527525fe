/**
 * The one definition of each table: names of keys, indexes and TTL attributes.
 * The CDK stack, the sandbox and the adapters all build from it, so the three can never disagree.
 */

/** A key attribute: its name and DynamoDB scalar type. */
export interface KeyAttribute {
  readonly name: string;
  readonly type: 'S' | 'N';
}

/** A global secondary index (projection ALL). */
export interface IndexDefinition {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
}

/** One table. */
export interface TableDefinition {
  /** Stable logical id of the table in the stack (never change it: a new id replaces the table). */
  readonly logicalId: string;
  /** Default physical name in the sandbox (in AWS, CloudFormation names the table). */
  readonly sandboxName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly indexes: readonly IndexDefinition[];
  /** Attribute holding the expiry in epoch seconds, when the table has TTL. */
  readonly ttlAttribute?: string;
}

/** Policy rows, one item per policy, keyed by `policyId`: flat attributes a person can write in the console. */
export const POLICIES_TABLE = {
  logicalId: 'PoliciesTable',
  sandboxName: 'cvpn-guard-policies',
  partitionKey: { name: 'policyId', type: 'S' },
  indexes: [],
} as const satisfies TableDefinition;

/** Names of the audit table's indexes. */
export const AuditIndex = {
  /** Every record by day, newest first: `timeKey` = `DAY#YYYY-MM-DD` (decisions) or `RUNS#YYYY-MM-DD` (summaries). */
  BY_TIME: 'byTime',
  /** Records of one identity (folded username, or common name): `identityKey`. */
  BY_IDENTITY: 'byIdentity',
  /** Records of one endpoint: `endpointId`. */
  BY_ENDPOINT: 'byEndpoint',
  /** Records of one policy: `policyId`. */
  BY_POLICY: 'byPolicy',
  /** Sparse: only intents still `pending` carry `pendingKey`. Reconciliation reads it. */
  PENDING: 'pending',
  /** Records of one AWS account (an organization's spoke, or the single deployment's own): `accountId`. */
  BY_ACCOUNT: 'byAccount',
} as const;

const AT = { name: 'at', type: 'S' } as const;

/**
 * Audit records. Base key: `pk` = `RUN#<runId>`, `sk` = `DECISION#<endpointId>#<connectionId>`,
 * `POLICY#<policyId>` (invalid-policy findings) or `SUMMARY`; so records of one run are one query,
 * and a retried run writes the same keys (never a duplicate). Every index sorts on `at` (ISO time).
 */
export const AUDIT_TABLE = {
  logicalId: 'AuditTable',
  sandboxName: 'cvpn-guard-audit',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  indexes: [
    { indexName: AuditIndex.BY_TIME, partitionKey: { name: 'timeKey', type: 'S' }, sortKey: AT },
    { indexName: AuditIndex.BY_IDENTITY, partitionKey: { name: 'identityKey', type: 'S' }, sortKey: AT },
    { indexName: AuditIndex.BY_ENDPOINT, partitionKey: { name: 'endpointId', type: 'S' }, sortKey: AT },
    { indexName: AuditIndex.BY_POLICY, partitionKey: { name: 'policyId', type: 'S' }, sortKey: AT },
    { indexName: AuditIndex.PENDING, partitionKey: { name: 'pendingKey', type: 'S' }, sortKey: AT },
    { indexName: AuditIndex.BY_ACCOUNT, partitionKey: { name: 'accountId', type: 'S' }, sortKey: AT },
  ],
  ttlAttribute: 'ttl',
} as const satisfies TableDefinition;

/**
 * Working state between runs: idle memory (`pk` = `IDLE#<endpointId>`, `sk` = connection id)
 * and the run lease (`pk` = `LEASE`, `sk` = `enforcement`).
 */
export const STATE_TABLE = {
  logicalId: 'StateTable',
  sandboxName: 'cvpn-guard-state',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  indexes: [],
  ttlAttribute: 'ttl',
} as const satisfies TableDefinition;

/**
 * How the partition key of the client connect handler's items in the state table begins (`CONN#<endpointId>`): the
 * facts of each connection it admitted, for the runs to join. Its role may write these items only.
 */
export const CONNECTION_FACTS_KEY_PREFIX = 'CONN#';

/**
 * The heartbeat of each spoke of an organization deployment in the hub's audit table: one item per spoke, keyed
 * `pk` = `SPOKE#<accountId>.<region>`, `sk` = `HEARTBEAT`, overwritten by every run of the spoke, with
 * `timeKey` = `SPOKES` and `at` = the run's time so the `byTime` index lists every spoke in one query. Attributes:
 * `accountId`, `region`, `at`, `runId`, `status`, `functionArn`, `gateFunctionArn`.
 */
export const SpokeHeartbeat = {
  PK_PREFIX: 'SPOKE#',
  SK: 'HEARTBEAT',
  TIME_KEY: 'SPOKES',
} as const;

/** Every table, for code that creates them all (the sandbox). */
export const TABLES = [POLICIES_TABLE, AUDIT_TABLE, STATE_TABLE] as const;

/**
 * The attributes of an audit record that a completion or a confirmation may write (`UpdateItem`), with the key that
 * names the record. The enforcer's role may update these only (`dynamodb:Attributes`): never `ttl`, nor the decision.
 */
export const AUDIT_COMPLETION_ATTRIBUTES = [
  'pk',
  'sk',
  'outcome',
  'calledBy',
  'reason',
  'previousStatus',
  'currentStatus',
  'requestId',
  'errorCode',
  'errorMessage',
  'completedAt',
  'confirmedAt',
  'pendingKey',
] as const;
