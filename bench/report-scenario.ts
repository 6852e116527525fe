/**
 * The report benchmark's fleet: how many connections, sessions, terminations, refusals and runs a period holds, and
 * the policy rows behind them. Every volume is derived here from a few stated rates (never hand-written records);
 * bench/report-day.ts turns them into each day's runs and record counts, bench/report-records.ts into records.
 */
import { PolicyKind, PolicyMode } from '../lambda/domain/constants.js';

/** One deployment of the fleet (a spoke, or a single deployment): its account, Region and endpoints. */
export interface ReportPlacement {
  readonly accountId: string;
  readonly region: string;
  /** Connections its endpoints hold together at the busiest hour of a weekday. */
  readonly peakConnections: number;
  readonly endpoints: number;
  /** The UTC hour its working day starts (the load curve's rise). */
  readonly workdayStartUtc: number;
  /** The UTC hour its contractors' allowed window closes (the off-hours row ends their sessions then). */
  readonly offHoursStartUtc: number;
}

/** The shape of one report benchmark: the period, the fleet and its rates. */
export interface ReportSpec {
  readonly name: string;
  /** The period's end, a UTC midnight; the period is the `days` before it. */
  readonly until: string;
  readonly days: number;
  readonly placements: readonly ReportPlacement[];
  /** Users of the fleet (the identities sessions belong to). */
  readonly users: number;
  /** Sessions a user starts on a weekday, and on a day of the weekend. */
  readonly sessionsPerUserWeekday: number;
  readonly sessionsPerUserWeekend: number;
  /** Minutes between two scheduled runs of one placement. */
  readonly runEveryMinutes: number;
  /** Shares of the sessions started that end by each rule. */
  readonly idleShare: number;
  readonly maxSessionShare: number;
  /** Share of the connections listed at the off-hours instant that belong to contractors (ended then). */
  readonly contractorShare: number;
  /** Share of a run's idle terminations that EC2 fails (`failed`). */
  readonly failedShare: number;
  /** Share of the off-hours terminations of the burst run handed on (`deferred`) to a continuation. */
  readonly deferredShare: number;
  /** Share of the connections a run lists that an observe-mode idle row would end (`would-terminate`). */
  readonly observeShareOfListed: number;
  /** Share of the connections a run lists that an exemption keeps (`exempted`). */
  readonly exemptShareOfListed: number;
  /** Users offboarded each weekday (one revoked-user row a day), their sessions each, their retries at connect. */
  readonly leaversPerWeekday: number;
  readonly sessionsPerLeaver: number;
  readonly retriesPerLeaver: number;
  /** Share of the connection attempts an observe-mode max-connections row would refuse (`would-refuse`). */
  readonly wouldRefuseShare: number;
  /** Contractors' attempts refused per off-hours night, per placement. */
  readonly offHoursRefusalsPerNight: number;
  /** Share of the attempts the gate answers by its fail mode (deadline missed). */
  readonly failOpenShare: number;
  /** Shares of runs that are partial (one endpoint failed), throttled, or whose canary failed. */
  readonly partialRunShare: number;
  readonly throttledRunShare: number;
  readonly canaryFailureShare: number;
  readonly seed: number;
}

/** `npm run bench -- --section report`: 30 days of a fleet of 100,000 connections in two Regions. */
export const FULL_REPORT: ReportSpec = {
  name: '30 days × 100,000 connections',
  until: '2026-12-01T00:00:00.000Z',
  days: 30,
  placements: [
    {
      accountId: '111111111111',
      region: 'us-east-1',
      peakConnections: 60_000,
      endpoints: 3,
      workdayStartUtc: 13,
      offHoursStartUtc: 1,
    },
    {
      accountId: '222222222222',
      region: 'eu-west-1',
      peakConnections: 40_000,
      endpoints: 2,
      workdayStartUtc: 8,
      offHoursStartUtc: 19,
    },
  ],
  users: 100_000,
  sessionsPerUserWeekday: 1.5,
  sessionsPerUserWeekend: 0.25,
  runEveryMinutes: 5,
  idleShare: 0.1,
  maxSessionShare: 0.01,
  contractorShare: 0.05,
  failedShare: 0.001,
  deferredShare: 0.3,
  observeShareOfListed: 0.012,
  exemptShareOfListed: 0.002,
  leaversPerWeekday: 8,
  sessionsPerLeaver: 1.5,
  retriesPerLeaver: 3,
  wouldRefuseShare: 0.08,
  offHoursRefusalsPerNight: 400,
  failOpenShare: 0.0005,
  partialRunShare: 0.002,
  throttledRunShare: 0.01,
  canaryFailureShare: 0.001,
  seed: 15,
};

/** The same fleet over three working days: memory must not grow with the period. */
export const SHORT_REPORT: ReportSpec = {
  ...FULL_REPORT,
  name: '3 days × 100,000 connections',
  until: '2026-11-27T00:00:00.000Z',
  days: 3,
};

/** `--quick`: 3 days of 2,000 connections, the same rates. */
export const QUICK_REPORT: ReportSpec = {
  ...FULL_REPORT,
  name: '3 days × 2,000 connections',
  days: 3,
  placements: FULL_REPORT.placements.map((placement) => ({
    ...placement,
    peakConnections: placement.peakConnections / 50,
  })),
  users: 2_000,
  offHoursRefusalsPerNight: 8,
};

/** `--quick`'s short period: one day of the quick fleet. */
export const QUICK_SHORT_REPORT: ReportSpec = {
  ...QUICK_REPORT,
  name: '1 day × 2,000 connections',
  until: '2026-11-27T00:00:00.000Z',
  days: 1,
};

/** The sandbox DynamoDB pass: one day of 10,000 connections, written to the audit table and read back. */
export const DYNAMO_REPORT: ReportSpec = {
  ...FULL_REPORT,
  name: '1 day × 10,000 connections (sandbox DynamoDB)',
  days: 1,
  // A Thursday: a working day with a leaver and the off-hours bursts.
  until: '2026-11-27T00:00:00.000Z',
  placements: FULL_REPORT.placements.map((placement) => ({
    ...placement,
    peakConnections: placement.peakConnections / 10,
  })),
  users: 10_000,
  offHoursRefusalsPerNight: 40,
};

/** `--quick`'s sandbox DynamoDB pass: one day of 500 connections. */
export const QUICK_DYNAMO_REPORT: ReportSpec = {
  ...DYNAMO_REPORT,
  name: '1 day × 500 connections (sandbox DynamoDB)',
  placements: FULL_REPORT.placements.map((placement) => ({
    ...placement,
    peakConnections: placement.peakConnections / 200,
  })),
  users: 500,
  offHoursRefusalsPerNight: 2,
};

/** The policy ids the generated records name. */
export const PolicyId = {
  IDLE: 'idle-30',
  IDLE_OBSERVE: 'idle-15-observe',
  MAX_SESSION: 'max-session-12h',
  MAX_CONNECTIONS: 'max-2-connections',
  MAX_CONNECTIONS_OBSERVE: 'max-1-observe',
  EXEMPT: 'exempt-admins',
  /** A row invalid for two hours on the period's fifth day (a typo, fixed). */
  TYPO: 'idle-vip-typo',
  /** A row invalid for three days, then deleted: it is not among the rows at report time. */
  BROKEN: 'off-hours-apac',
} as const;

/** The off-hours row of a placement (its contractors, its Region). */
export function offHoursPolicyId(placement: ReportPlacement): string {
  return `contractors-off-hours-${placement.region}`;
}

/** The revoked-user row written on one day, naming that day's leavers. */
export function leaversPolicyId(dayIso: string): string {
  return `leavers-${dayIso.slice(0, 10)}`;
}

/** A user name of the fleet. */
export function username(index: number): string {
  return `u${String(index).padStart(6, '0')}`;
}

const DAY_MS = 86_400_000;

/** The period's first instant, ms. */
export function periodSinceMs(spec: ReportSpec): number {
  return Date.parse(spec.until) - spec.days * DAY_MS;
}

/** True on Saturday and Sunday (UTC). */
export function isWeekend(dayStartMs: number): boolean {
  const day = new Date(dayStartMs).getUTCDay();
  return day === 0 || day === 6;
}

/**
 * The load of a placement at an instant, 0–1 of its peak connections: a floor at night, a rise over a 10-hour
 * working day (a sine), lower at the weekend.
 */
export function loadAt(placement: ReportPlacement, ms: number): number {
  const hours = (ms % DAY_MS) / 3_600_000;
  const intoDay = (hours - placement.workdayStartUtc + 24) % 24;
  const working = intoDay < 10 ? Math.sin((Math.PI * intoDay) / 10) : 0;
  return isWeekend(ms) ? 0.08 + 0.12 * working : 0.15 + 0.85 * working;
}

/** The user of the i-th leaver of a day: distinct per day, spread over the fleet. */
export function leaverIndex(spec: ReportSpec, dayNumber: number, leaver: number): number {
  return ((dayNumber * spec.leaversPerWeekday + leaver) * 7919 + 13) % spec.users;
}

/** The write of one day's leavers row. */
export interface LeaverWrite {
  readonly dayNumber: number;
  readonly dayIso: string;
  /** ISO time of the write: the row's `updatedAt`. */
  readonly at: string;
}

/**
 * The policy rows as the policies table holds them at report time (raw items, as DynamoDB gives them): the rules
 * behind the records, one leavers row per weekday with its `updatedAt`, and the typo row fixed; the broken row is
 * gone.
 */
export function policyItems(spec: ReportSpec, leaverWrites: readonly LeaverWrite[]) {
  const reason = (text: string) => ({ reason: text, updatedBy: 'secops@example.com' });
  return [
    {
      policyId: PolicyId.IDLE,
      kind: PolicyKind.IDLE,
      mode: PolicyMode.ENFORCE,
      endpoints: ['*'],
      idleMinutes: 30,
      ...reason('Idle sessions are ended after 30 minutes (ISMS A.8.5)'),
    },
    {
      policyId: PolicyId.IDLE_OBSERVE,
      kind: PolicyKind.IDLE,
      mode: PolicyMode.OBSERVE,
      endpoints: ['*'],
      idleMinutes: 15,
      ...reason('Trying a 15-minute idle limit before enforcing it'),
    },
    {
      policyId: PolicyId.TYPO,
      kind: PolicyKind.IDLE,
      mode: PolicyMode.ENFORCE,
      endpoints: ['*'],
      groups: ['vip'],
      idleMinutes: 120,
      ...reason('VIPs get two hours'),
    },
    {
      policyId: PolicyId.MAX_SESSION,
      kind: PolicyKind.MAX_SESSION,
      mode: PolicyMode.ENFORCE,
      endpoints: ['*'],
      maxSessionMinutes: 720,
      ...reason('No session lasts longer than 12 hours'),
    },
    ...spec.placements.map((placement) => ({
      policyId: offHoursPolicyId(placement),
      kind: PolicyKind.OFF_HOURS,
      mode: PolicyMode.ENFORCE,
      endpoints: ['*'],
      groups: ['contractors'],
      regions: [placement.region],
      days: ['mon', 'tue', 'wed', 'thu', 'fri'],
      start: placement.region.startsWith('us-') ? '06:00' : '07:00',
      end: placement.region.startsWith('us-') ? '20:00' : '19:00',
      timezone: placement.region.startsWith('us-') ? 'America/New_York' : 'Europe/Dublin',
      ...reason('Contractors connect on working days only'),
    })),
    {
      policyId: PolicyId.MAX_CONNECTIONS,
      kind: PolicyKind.MAX_CONNECTIONS,
      mode: PolicyMode.ENFORCE,
      endpoints: ['*'],
      maxConnections: 2,
      ...reason('At most two devices per user'),
    },
    {
      policyId: PolicyId.MAX_CONNECTIONS_OBSERVE,
      kind: PolicyKind.MAX_CONNECTIONS,
      mode: PolicyMode.OBSERVE,
      endpoints: ['*'],
      maxConnections: 1,
      ...reason('How many users would one device per user refuse'),
    },
    {
      policyId: PolicyId.EXEMPT,
      kind: PolicyKind.EXEMPT,
      endpoints: ['*'],
      groups: ['admins'],
      ...reason('On-call administrators keep their sessions'),
    },
    ...leaverWrites.map((write) => ({
      policyId: leaversPolicyId(write.dayIso),
      kind: PolicyKind.REVOKED_USER,
      mode: PolicyMode.ENFORCE,
      endpoints: ['*'],
      usernames: Array.from({ length: spec.leaversPerWeekday }, (_, leaver) =>
        username(leaverIndex(spec, write.dayNumber, leaver)),
      ),
      updatedAt: write.at,
      ...reason(`Leavers of ${write.dayIso.slice(0, 10)} (HR feed)`),
    })),
  ];
}
