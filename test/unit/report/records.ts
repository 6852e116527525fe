import {
  AuditRecordType,
  type AdmissionRecord,
  type DecisionRecord,
  type InvalidPolicyRecord,
  type RunSummary,
} from '../../../lambda/ports/index.js';
import { ReportAccumulator, type ReportOptions } from '../../../lambda/report/index.js';

/** The period most report tests cover: 2026-11-01 to 2026-11-08 (seven days, drawn by the day). */
export const SINCE = new Date('2026-11-01T00:00:00Z');
export const UNTIL = new Date('2026-11-08T00:00:00Z');
export const ENDPOINT_A = 'cvpn-endpoint-0123456789abcdef0';
export const ENDPOINT_B = 'cvpn-endpoint-0fedcba9876543210';
export const ACCOUNT = '111111111111';
export const OTHER_ACCOUNT = '222222222222';
export const REGION = 'eu-west-1';

/** An ISO time `minutes` after the period's start. */
export function minute(minutes: number): string {
  return new Date(SINCE.getTime() + minutes * 60_000).toISOString();
}

/** An ISO time on day `day` (1-based) of November 2026, at `time` UTC. */
export function on(day: number, time = '10:00:00'): string {
  return `2026-11-${String(day).padStart(2, '0')}T${time}.000Z`;
}

/** A decision record with the evidence fields the enforcer now writes. */
export type EvidenceDecision = DecisionRecord & { readonly conditionAt?: string; readonly connectedAt?: string };

/** A `terminated` decision of the idle row `idle-30` about alice on endpoint A, in account 1's eu-west-1. */
export function decision(overrides: Partial<EvidenceDecision> = {}): EvidenceDecision {
  return {
    recordType: AuditRecordType.DECISION,
    runId: 'run-1',
    at: on(2),
    outcome: 'terminated',
    policyId: 'idle-30',
    policyKind: 'idle',
    mode: 'enforce',
    firedPolicies: ['idle-30 (idle, enforce)'],
    reason: 'idle for 35 min',
    endpointId: ENDPOINT_A,
    connectionId: 'cvpn-connection-0000000000000001',
    username: 'alice',
    accountId: ACCOUNT,
    region: REGION,
    ...overrides,
  } as EvidenceDecision;
}

/** A `refused` admission of alice by the revoked-user row `offboarded`. */
export function admission(overrides: Partial<AdmissionRecord> = {}): AdmissionRecord {
  return {
    recordType: AuditRecordType.ADMISSION,
    outcome: 'refused',
    runId: 'gate-2026-11-02',
    at: on(2),
    endpointId: ENDPOINT_A,
    connectionId: 'cvpn-connection-attempt-1',
    username: 'alice',
    policyId: 'offboarded',
    policyKind: 'revoked-user',
    mode: 'enforce',
    firedPolicies: ['offboarded (revoked-user, enforce)'],
    reason: 'alice is revoked',
    accountId: ACCOUNT,
    region: REGION,
    ...overrides,
  } as AdmissionRecord;
}

/** A finding that the row `broken` was invalid. */
export function invalid(overrides: Partial<InvalidPolicyRecord> = {}): InvalidPolicyRecord {
  return {
    recordType: AuditRecordType.INVALID_POLICY,
    runId: 'run-1',
    at: on(2),
    outcome: 'invalid-policy',
    policyId: 'broken',
    firedPolicies: [],
    reason: 'Policy row "broken" is invalid: idleMinutes: expected a whole number from 1 to 10080',
    accountId: ACCOUNT,
    region: REGION,
    ...overrides,
  } as InvalidPolicyRecord;
}

/** A summary with the endpoint counts the enforcer now keeps. */
export type EvidenceSummary = RunSummary & { readonly connectionsByEndpoint?: Readonly<Record<string, number>> };

/** The summary of a completed scheduled run in account 1's eu-west-1 that saw 10 connections. */
export function summary(overrides: Partial<EvidenceSummary> = {}): EvidenceSummary {
  const at = overrides.at ?? on(2);
  return {
    recordType: AuditRecordType.SUMMARY,
    runId: `run-${at}`,
    at,
    finishedAt: at,
    durationMs: 1200,
    status: 'completed',
    dryRun: false,
    endpoints: 1,
    endpointErrors: [],
    connectionsSeen: 10,
    counts: {},
    invalidPolicies: 0,
    terminateCalls: 0,
    throttledCalls: 0,
    reconciled: 0,
    trigger: 'schedule',
    accountId: ACCOUNT,
    region: REGION,
    ...overrides,
  } as EvidenceSummary;
}

/** Options over the period, every scope, made at its end, with no prices set. */
export function options(overrides: Partial<ReportOptions> = {}): ReportOptions {
  return {
    period: { since: SINCE, until: UNTIL },
    scope: { accounts: [], regions: [], policyIds: [] },
    generatedAt: UNTIL,
    prices: new Map(),
    ...overrides,
  };
}

/** The report of these records and summaries, folded with these options. */
export function reportOf(
  items: readonly (DecisionRecord | InvalidPolicyRecord | AdmissionRecord | RunSummary)[],
  overrides: Partial<ReportOptions> = {},
  rows: Parameters<ReportAccumulator['addPolicyRows']>[0] = [],
) {
  const accumulator = new ReportAccumulator(options(overrides));
  accumulator.addPolicyRows(rows);
  for (const item of items) {
    if (item.recordType === AuditRecordType.SUMMARY) accumulator.addSummary(item);
    else accumulator.addRecord(item);
  }
  return accumulator.finish();
}

/** The evidence of one policy in a report. */
export function policyIn(report: ReturnType<typeof reportOf>, policyId: string) {
  const evidence = report.policies.find((policy) => policy.policyId === policyId);
  if (evidence === undefined) throw new Error(`no evidence for ${policyId}`);
  return evidence;
}
