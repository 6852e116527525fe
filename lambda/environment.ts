/**
 * Names of the environment variables the enforcer function reads. The CDK stack sets them from
 * these names and the handler reads them through `loadConfig`, so the two can never drift.
 */
export const EnvVar = {
  /** Name of the policies table. Required. */
  POLICIES_TABLE: 'CVPN_GUARD_POLICIES_TABLE',
  /** Name of the audit table. Required. */
  AUDIT_TABLE: 'CVPN_GUARD_AUDIT_TABLE',
  /** Name of the state table (idle memory and run lease). Required. */
  STATE_TABLE: 'CVPN_GUARD_STATE_TABLE',
  /** ARN of the SNS topic for run digests. Optional: no digest when unset. */
  TOPIC_ARN: 'CVPN_GUARD_TOPIC_ARN',
  /** Comma-separated endpoint ids to enforce on. Optional: every endpoint of the region when unset (and no tag). */
  ENDPOINT_IDS: 'CVPN_GUARD_ENDPOINT_IDS',
  /** `key=value`: only endpoints carrying this tag. Optional; exclusive with ENDPOINT_IDS. */
  ENDPOINT_TAG: 'CVPN_GUARD_ENDPOINT_TAG',
  /** `true`: never call terminate; every `terminate` is recorded as `would-terminate`. @default false */
  DRY_RUN: 'CVPN_GUARD_DRY_RUN',
  /** `true`: the kill switch; runs record a summary and do nothing else. @default false */
  DISABLED: 'CVPN_GUARD_DISABLED',
  /** Global cap of terminations per run; a run over it terminates nothing. @default 100 */
  MAX_TERMINATIONS_PER_RUN: 'CVPN_GUARD_MAX_TERMINATIONS_PER_RUN',
  /** Days audit records are kept (TTL). @default 365 */
  AUDIT_RETENTION_DAYS: 'CVPN_GUARD_AUDIT_RETENTION_DAYS',
  /** Days idle memory of a connection no longer seen is kept (TTL). @default 2 */
  STATE_RETENTION_DAYS: 'CVPN_GUARD_STATE_RETENTION_DAYS',
  /** Sustained terminate calls per second of the client-side token bucket. @default 5 */
  TERMINATE_RATE: 'CVPN_GUARD_TERMINATE_RATE',
  /** Burst of the client-side token bucket. @default 50 */
  TERMINATE_BURST: 'CVPN_GUARD_TERMINATE_BURST',
  /** Terminate calls in flight at once. @default 10 */
  TERMINATE_CONCURRENCY: 'CVPN_GUARD_TERMINATE_CONCURRENCY',
  /** Stop starting terminate calls when the function has less than this many seconds left. @default 20 */
  TIME_MARGIN_SECONDS: 'CVPN_GUARD_TIME_MARGIN_SECONDS',
  /** Seconds the run lease is held before another run may take it (a little longer than the function timeout). @default 300 */
  LEASE_SECONDS: 'CVPN_GUARD_LEASE_SECONDS',
} as const;
/** One of the enforcer's environment variable names. */
export type EnvVar = (typeof EnvVar)[keyof typeof EnvVar];
