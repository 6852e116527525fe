import { SETTINGS } from './settings/index.js';

/**
 * Names of the environment variables the enforcer function and the client connect handler read. The CDK
 * stack sets them from these names and the handlers read them through `loadEnforcerConfig` and
 * `loadGateConfig`, so the two can never drift. The variables
 * that carry a deployment setting take their names from the settings registry (lambda/settings), which
 * also holds each one's default, what it accepts and what it does.
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
  /**
   * Name of the client connect handler's function, which each run invokes with a synthetic attempt (the canary).
   * Optional: no canary when unset.
   */
  CONNECT_HANDLER_FUNCTION: 'CVPN_GUARD_CONNECT_HANDLER_FUNCTION',
  /**
   * Organization deployments only (a spoke): the hub's Region. When set, the policies and audit tables (named by
   * ARN in POLICIES_TABLE and AUDIT_TABLE) and the topic are reached there, run ids are placed
   * (`<accountId>.<region>/<runId>`) and every record carries the spoke's account and Region.
   */
  HUB_REGION: 'CVPN_GUARD_HUB_REGION',
  /** The account the function runs in (the stack sets it from `AWS::AccountId`). */
  ACCOUNT_ID: 'CVPN_GUARD_ACCOUNT_ID',
  /** Hub functions only: the stack name, from which each spoke's function names follow (lambda/settings/spoke-names.ts). */
  STACK_NAME: 'CVPN_GUARD_STACK_NAME',
  /** Hub functions only: a spoke whose last heartbeat is older than this many seconds is reported unreachable. */
  SPOKE_STALE_SECONDS: 'CVPN_GUARD_SPOKE_STALE_SECONDS',
  /** The `endpointIds` setting, comma-separated. */
  ENDPOINT_IDS: SETTINGS.endpointIds.env,
  /** The `endpointTag` setting, `key=value`. */
  ENDPOINT_TAG: SETTINGS.endpointTag.env,
  /** The `dryRun` setting. */
  DRY_RUN: SETTINGS.dryRun.env,
  /** The `disabled` setting (the kill switch). */
  DISABLED: SETTINGS.disabled.env,
  /** The `maxTerminationsPerRun` setting. */
  MAX_TERMINATIONS_PER_RUN: SETTINGS.maxTerminationsPerRun.env,
  /** The `auditRetentionDays` setting. */
  AUDIT_RETENTION_DAYS: SETTINGS.auditRetentionDays.env,
  /** The `stateRetentionDays` setting. */
  STATE_RETENTION_DAYS: SETTINGS.stateRetentionDays.env,
  /** The `terminateRate` setting. */
  TERMINATE_RATE: SETTINGS.terminateRate.env,
  /** The `terminateBurst` setting. */
  TERMINATE_BURST: SETTINGS.terminateBurst.env,
  /** The `terminateConcurrency` setting. */
  TERMINATE_CONCURRENCY: SETTINGS.terminateConcurrency.env,
  /** The `maxContinuations` setting. */
  MAX_CONTINUATIONS: SETTINGS.maxContinuations.env,
  /** The `connectionHourPrices` setting, `region=usd,…`. */
  CONNECTION_HOUR_PRICES: SETTINGS.connectionHourPrices.env,
  /** The `timeMarginSeconds` setting. */
  TIME_MARGIN_SECONDS: SETTINGS.timeMarginSeconds.env,
  /** The `leaseSeconds` setting. */
  LEASE_SECONDS: SETTINGS.leaseSeconds.env,
  /** The `connectFailMode` setting (the client connect handler's). */
  CONNECT_FAIL_MODE: SETTINGS.connectFailMode.env,
  /** The `connectDeadlineMs` setting (the client connect handler's). */
  CONNECT_DEADLINE_MS: SETTINGS.connectDeadlineMs.env,
  /** The `policyCacheSeconds` setting (the client connect handler's). */
  POLICY_CACHE_SECONDS: SETTINGS.policyCacheSeconds.env,
} as const;
/** One of the enforcer's environment variable names. */
export type EnvVar = (typeof EnvVar)[keyof typeof EnvVar];
