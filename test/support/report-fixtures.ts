import { COST_METHOD } from '../../lambda/domain/report/early-end.js';
import type { EvidenceReport, PolicyEvidence } from '../../lambda/domain/report/types.js';

/**
 * Evidence reports for the renderings' tests, built by hand from the model's types: a full one with every section
 * populated (distinct, unusual numbers, so a number found in a rendering was put there on purpose), an empty
 * period, and one whose only evidence is invalid rows. Texts from records carry markup and control characters.
 */

const SINCE = '2026-11-01T00:00:00.000Z';
const UNTIL = '2026-11-04T00:00:00.000Z';

/** A user name a VPN client could send: markup, a quote and a bidirectional override. */
export const HOSTILE_IDENTITY = '<img src=x onerror="alert(1)">mallory\u202e';
/** A row reason that tries to end its table cell and start a script. */
export const HOSTILE_REASON = 'Offboarded </td><script>alert("x")</script> & gone';

const NO_EXCEPTIONS = { failed: 0, cappedRuns: 0, deferred: 0, invalid: [] } as const;

const idle: PolicyEvidence = {
  policyId: 'idle-30',
  kind: 'idle',
  mode: 'enforce',
  rule: 'idle 30 min (traffic ≤ 0 bytes)',
  scope: 'endpoints *, groups contractors',
  reason: 'Idle sessions are ended after 30 minutes',
  rowExists: true,
  ended: 137,
  refused: 0,
  wouldEnd: 0,
  wouldRefuse: 0,
  exempted: 11,
  capped: 7,
  timeToEnforce: { count: 131, median: 241.5, p95: 812, max: 1903 },
  idleMinutesPastLimit: { count: 131, median: 4.25, p95: 13.5, max: 31.75 },
  exceptions: { failed: 3, cappedRuns: 2, deferred: 5, invalid: [] },
};

const revoked: PolicyEvidence = {
  policyId: 'revoke-mallory',
  kind: 'revoked-user',
  mode: 'enforce',
  rule: 'every connection of the named identities',
  scope: 'endpoints *, accounts 222222222222',
  reason: HOSTILE_REASON,
  rowExists: true,
  ended: 4,
  refused: 23,
  wouldEnd: 0,
  wouldRefuse: 0,
  exempted: 0,
  capped: 0,
  timeToEnforce: { count: 4, median: 38, p95: 61, max: 61 },
  revocation: { writtenAt: '2026-11-02T09:14:00.000Z', lastEndedAt: '2026-11-02T09:15:17.000Z', seconds: 77 },
  exceptions: NO_EXCEPTIONS,
};

const observed: PolicyEvidence = {
  policyId: 'max-session-8h',
  kind: 'max-session',
  mode: 'observe',
  rule: 'sessions longer than 8 h',
  scope: 'endpoints cvpn-endpoint-0aa11bb22cc33dd44',
  rowExists: true,
  ended: 0,
  refused: 0,
  wouldEnd: 59,
  wouldRefuse: 0,
  exempted: 0,
  capped: 0,
  timeToEnforce: { count: 0 },
  exceptions: NO_EXCEPTIONS,
};

const lockdown: PolicyEvidence = {
  policyId: 'lockdown-incident',
  kind: 'lockdown',
  mode: 'enforce',
  scope: 'endpoints *',
  reason: 'Incident 7 under way',
  rowExists: false,
  ended: 19,
  refused: 43,
  wouldEnd: 0,
  wouldRefuse: 2,
  exempted: 1,
  capped: 0,
  timeToEnforce: { count: 0 },
  exceptions: {
    failed: 0,
    cappedRuns: 0,
    deferred: 0,
    invalid: [
      {
        message: 'endsAt: must be an ISO time (2026-11-01T18:00:00Z), got "tomorrow"',
        firstSeenAt: '2026-11-02T10:00:00.000Z',
        lastSeenAt: '2026-11-02T11:45:00.000Z',
        seconds: 6300,
        runs: 22,
      },
    ],
  },
};

const offHours: PolicyEvidence = {
  policyId: 'off-hours-eu',
  kind: 'off-hours',
  mode: 'enforce',
  scope: 'endpoints *, regions eu-west-1',
  reason: 'No access outside working hours',
  rowExists: true,
  ended: 28,
  refused: 9,
  wouldEnd: 0,
  wouldRefuse: 0,
  exempted: 0,
  capped: 0,
  timeToEnforce: { count: 27, median: 95, p95: 290, max: 377 },
  exceptions: NO_EXCEPTIONS,
};

/** A report with every section populated: five rows, three days by the hour-free day bucket, two endpoints. */
export function fullReport(): EvidenceReport {
  return {
    schemaVersion: 1,
    generatedAt: '2026-11-04T06:30:00.000Z',
    period: { since: SINCE, until: UNTIL },
    scope: { accounts: ['111111111111', '222222222222'], regions: ['eu-west-1'], policyIds: [] },
    read: { records: 12_873, summaries: 869, pages: 41 },
    policies: [idle, lockdown, observed, offHours, revoked],
    health: {
      runs: { total: 869, scheduled: 852, manual: 3, eventDriven: 9, continuations: 5 },
      runsOverTime: [
        { bucket: '2026-11-01T00:00:00.000Z', scheduled: 288, manual: 1, eventDriven: 2, continuations: 0 },
        { bucket: '2026-11-02T00:00:00.000Z', scheduled: 276, manual: 0, eventDriven: 6, continuations: 4 },
        { bucket: '2026-11-03T00:00:00.000Z', scheduled: 288, manual: 2, eventDriven: 1, continuations: 1 },
      ],
      gaps: [
        {
          placement: '222222222222/eu-west-1',
          from: '2026-11-02T03:05:00.000Z',
          to: '2026-11-02T04:05:00.000Z',
          seconds: 3600,
        },
      ],
      partialRuns: 6,
      endpointErrors: [
        { endpointId: 'cvpn-endpoint-0aa11bb22cc33dd44', runs: 4 },
        { endpointId: 'cvpn-endpoint-0ee55ff66aa77bb88', runs: 2 },
      ],
      throttledCalls: 17,
      terminateCalls: 191,
      failModeUses: [
        { cause: 'deadline', admitted: 12, refused: 0 },
        { cause: 'error', admitted: 0, refused: 3 },
      ],
      canaryRuns: 72,
      canaryFailures: 1,
    },
    sessions: {
      connectionsSeen: [
        { bucket: '2026-11-01T00:00:00.000Z', endpointId: 'cvpn-endpoint-0aa11bb22cc33dd44', connections: 412 },
        { bucket: '2026-11-01T00:00:00.000Z', endpointId: 'cvpn-endpoint-0ee55ff66aa77bb88', connections: 97 },
        { bucket: '2026-11-02T00:00:00.000Z', endpointId: 'cvpn-endpoint-0aa11bb22cc33dd44', connections: 455 },
        { bucket: '2026-11-02T00:00:00.000Z', endpointId: 'cvpn-endpoint-0ee55ff66aa77bb88', connections: 101 },
        { bucket: '2026-11-03T00:00:00.000Z', endpointId: 'cvpn-endpoint-0aa11bb22cc33dd44', connections: 398 },
        { bucket: '2026-11-03T00:00:00.000Z', endpointId: 'cvpn-endpoint-0ee55ff66aa77bb88', connections: 0 },
      ],
      terminationsOverTime: [
        { bucket: '2026-11-01T00:00:00.000Z', kind: 'idle', ended: 44 },
        { bucket: '2026-11-01T00:00:00.000Z', kind: 'off-hours', ended: 10 },
        { bucket: '2026-11-02T00:00:00.000Z', kind: 'idle', ended: 51 },
        { bucket: '2026-11-02T00:00:00.000Z', kind: 'lockdown', ended: 19 },
        { bucket: '2026-11-02T00:00:00.000Z', kind: 'revoked-user', ended: 4 },
        { bucket: '2026-11-03T00:00:00.000Z', kind: 'idle', ended: 42 },
        { bucket: '2026-11-03T00:00:00.000Z', kind: 'off-hours', ended: 18 },
      ],
      endedAndRefusedOverTime: [
        { bucket: '2026-11-01T00:00:00.000Z', ended: 54, refused: 8 },
        { bucket: '2026-11-02T00:00:00.000Z', ended: 74, refused: 61 },
        { bucket: '2026-11-03T00:00:00.000Z', ended: 60, refused: 6 },
      ],
      topIdentities: [
        { identity: 'alice@example.com', ended: 31, refused: 0 },
        { identity: HOSTILE_IDENTITY, ended: 4, refused: 23 },
        { identity: 'CN=build-agent-07', ended: 13, refused: 2 },
      ],
    },
    cost: {
      connectionHours: [
        { kind: 'idle', sessions: 137, connectionHours: 2287.25, estimatedUsd: 114.3625 },
        { kind: 'max-session', sessions: 0, connectionHours: 0, estimatedUsd: 0 },
        { kind: 'off-hours', sessions: 28, connectionHours: 301.5, estimatedUsd: 18.09 },
      ],
      totalConnectionHours: 2588.75,
      estimatedUsd: 132.4525,
      pricePerHour: [
        { region: 'eu-west-1', usd: 0.06 },
        { region: 'us-east-1', usd: 0.05 },
      ],
      method: COST_METHOD,
    },
    bucket: 'day',
  };
}

/** A period in which nothing happened: no run, no record, in a narrow scope. */
export function emptyReport(): EvidenceReport {
  return {
    schemaVersion: 1,
    generatedAt: '2026-11-04T06:30:00.000Z',
    period: { since: '2026-11-03T00:00:00.000Z', until: UNTIL },
    scope: { accounts: ['333333333333'], regions: [], policyIds: [] },
    read: { records: 0, summaries: 0, pages: 1 },
    policies: [],
    health: {
      runs: { total: 0, scheduled: 0, manual: 0, eventDriven: 0, continuations: 0 },
      runsOverTime: [],
      gaps: [],
      partialRuns: 0,
      endpointErrors: [],
      throttledCalls: 0,
      terminateCalls: 0,
      failModeUses: [],
      canaryRuns: 0,
      canaryFailures: 0,
    },
    sessions: { connectionsSeen: [], terminationsOverTime: [], endedAndRefusedOverTime: [], topIdentities: [] },
    cost: { connectionHours: [], totalConnectionHours: 0, estimatedUsd: 0, pricePerHour: [], method: COST_METHOD },
    bucket: 'hour',
  };
}

/** A period whose only evidence is two rows that stayed invalid: runs happened, nothing was ended. */
export function invalidOnlyReport(): EvidenceReport {
  const empty = emptyReport();
  const invalid = (policyId: string, message: string, runs: number, seconds: number): PolicyEvidence => ({
    policyId,
    scope: 'endpoints *',
    rowExists: true,
    ended: 0,
    refused: 0,
    wouldEnd: 0,
    wouldRefuse: 0,
    exempted: 0,
    capped: 0,
    timeToEnforce: { count: 0 },
    exceptions: {
      failed: 0,
      cappedRuns: 0,
      deferred: 0,
      invalid: [
        {
          message,
          firstSeenAt: '2026-11-03T00:05:00.000Z',
          lastSeenAt: new Date(Date.parse('2026-11-03T00:05:00.000Z') + seconds * 1000).toISOString(),
          seconds,
          runs,
        },
      ],
    },
  });
  return {
    ...empty,
    read: { records: 0, summaries: 36, pages: 2 },
    policies: [
      invalid(
        'broken-idle',
        'idleMinutes: must be a whole number of minutes from 1 to 10080, got "thirty"',
        36,
        10_500,
      ),
      invalid('broken-kind', 'kind: must be one of revoked-user, idle, max-session, off-hours, got "idel"', 35, 10_200),
    ],
    health: {
      ...empty.health,
      runs: { total: 36, scheduled: 36, manual: 0, eventDriven: 0, continuations: 0 },
      runsOverTime: [
        { bucket: '2026-11-03T00:00:00.000Z', scheduled: 12, manual: 0, eventDriven: 0, continuations: 0 },
        { bucket: '2026-11-03T01:00:00.000Z', scheduled: 12, manual: 0, eventDriven: 0, continuations: 0 },
        { bucket: '2026-11-03T02:00:00.000Z', scheduled: 12, manual: 0, eventDriven: 0, continuations: 0 },
      ],
    },
  };
}
