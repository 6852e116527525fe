/**
 * The evidence report's figures computed straight from the audit table's items (a plain Scan) and the policies
 * table's rows, with nothing but arrays, filters and sorts: the independent answer the report's JSON is checked
 * against. It shares no code with the report's folding; only the two estimates every reader must use (time to
 * enforce, connection-hours ended early) and their constants come from the product.
 */
import {
  connectionHoursEndedEarly,
  DEFAULT_CONNECTION_HOUR_PRICE_USD,
  HOUR_SAVING_KINDS,
  secondsToEnforce,
} from '../../../../lambda/domain/report/early-end.js';
import type { EnforcingKind } from '../../../../lambda/domain/constants.js';

/** One item of a table, as the DocumentClient gives it. */
export type Item = Record<string, unknown>;

/** A distribution as the report states it (nearest rank). */
export interface ExpectedDistribution {
  readonly count: number;
  readonly median?: number;
  readonly p95?: number;
  readonly max?: number;
}

export interface ExpectedSpan {
  readonly message: string;
  readonly firstSeenAt: string;
  readonly lastSeenAt: string;
  readonly seconds: number;
  readonly runs: number;
}

export interface ExpectedPolicy {
  readonly policyId: string;
  readonly kind?: string;
  readonly mode?: string;
  readonly reason?: string;
  readonly endpoints: readonly string[];
  readonly rowExists: boolean;
  readonly ended: number;
  readonly refused: number;
  readonly wouldEnd: number;
  readonly wouldRefuse: number;
  readonly exempted: number;
  readonly capped: number;
  readonly timeToEnforce: ExpectedDistribution;
  readonly idleMinutesPastLimit?: ExpectedDistribution;
  readonly revocation?: { writtenAt?: string; lastEndedAt?: string; seconds?: number };
  readonly failed: number;
  readonly cappedRuns: number;
  readonly deferred: number;
  readonly invalid: readonly ExpectedSpan[];
}

export interface ExpectedReport {
  readonly records: number;
  readonly summaries: number;
  readonly bucket: 'hour' | 'day';
  readonly policies: readonly ExpectedPolicy[];
  readonly health: {
    readonly runs: { total: number; scheduled: number; manual: number; eventDriven: number; continuations: number };
    /** Bucket start (ISO) → runs by trigger; only buckets with a run. */
    readonly runsOverTime: ReadonlyMap<string, RunsByTrigger>;
    readonly gaps: readonly { placement: string; from: string; to: string; seconds: number }[];
    readonly partialRuns: number;
    readonly endpointErrors: ReadonlyMap<string, number>;
    readonly throttledCalls: number;
    readonly terminateCalls: number;
    /** Cause → answers. */
    readonly failModeUses: ReadonlyMap<string, { admitted: number; refused: number }>;
    readonly canaryRuns: number;
    readonly canaryFailures: number;
  };
  readonly sessions: {
    /** `bucket endpoint` → connections. */
    readonly connectionsSeen: ReadonlyMap<string, number>;
    /** `bucket kind` → ended. */
    readonly terminationsOverTime: ReadonlyMap<string, number>;
    /** bucket → ended and refused; only buckets with either. */
    readonly endedAndRefusedOverTime: ReadonlyMap<string, { ended: number; refused: number }>;
    /** identity → ended and refused, for every identity ended or refused at least once. */
    readonly identities: ReadonlyMap<string, { ended: number; refused: number }>;
  };
  readonly cost: {
    readonly byKind: ReadonlyMap<string, { sessions: number; connectionHours: number; estimatedUsd: number }>;
    readonly totalConnectionHours: number;
    readonly estimatedUsd: number;
    readonly prices: ReadonlyMap<string, number>;
  };
}

export interface RunsByTrigger {
  scheduled: number;
  manual: number;
  eventDriven: number;
  continuations: number;
}

const HOUR_MS = 3_600_000;
const THREE_DAYS_MS = 3 * 24 * HOUR_MS;

/** Nearest rank: the smallest value with at least p of the values at or below it. */
export function nearestRank(values: readonly number[]): ExpectedDistribution {
  if (values.length === 0) return { count: 0 };
  const sorted = [...values].sort((left, right) => left - right);
  const rank = (p: number) => sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1] as number;
  return { count: sorted.length, median: rank(0.5), p95: rank(0.95), max: sorted[sorted.length - 1] as number };
}

/** The ISO start of the hour or UTC day holding `iso`, in the form `Date#toISOString` gives. */
export function bucketOf(iso: string, bucket: 'hour' | 'day'): string {
  const date = new Date(iso);
  if (bucket === 'hour') date.setUTCMinutes(0, 0, 0);
  else date.setUTCHours(0, 0, 0, 0);
  return date.toISOString();
}

/** `region=usd,…` as the setting writes it. */
export function pricesOf(setting: string): ReadonlyMap<string, number> {
  return new Map(
    setting.split(',').map((entry) => {
      const [region, usd] = entry.split('=');
      return [String(region).trim(), Number(usd)] as const;
    }),
  );
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const num = (value: unknown): number => (typeof value === 'number' ? value : 0);
const ms = (iso: unknown): number => Date.parse(String(iso));

/** When a termination ended the session: when its call was answered (the decision's own time if not recorded). */
export function endedAtOf(record: Item): string {
  return str(record.completedAt) ?? String(record.at);
}

/** Everything the report should say about `[since, until)`, from the scanned items and the policy rows now. */
export function expectedReport(
  auditItems: readonly Item[],
  policyRows: readonly Item[],
  options: {
    readonly period: { readonly since: string; readonly until: string };
    /** The `connectionHourPrices` text the report was given. */
    readonly pricesSetting: string;
    /** The Region of the deployment reported on: its records name none. */
    readonly region: string;
  },
): ExpectedReport {
  const { period, pricesSetting } = options;
  const inPeriod = (item: Item) => ms(item.at) >= ms(period.since) && ms(item.at) < ms(period.until);
  const items = auditItems.filter(inPeriod);
  const summaries = items.filter((item) => item.recordType === 'summary').sort((a, b) => ms(a.at) - ms(b.at));
  const records = items.filter((item) => item.recordType !== 'summary');
  const decisions = records.filter((item) => item.recordType === 'decision');
  const admissions = records.filter((item) => item.recordType === 'admission');
  const invalids = records.filter((item) => item.recordType === 'invalid-policy');
  const terminated = decisions.filter((item) => item.outcome === 'terminated');
  const firstSighting = (item: Item) => item.firstSeenAt === undefined || item.firstSeenAt === item.at;
  const bucket = ms(period.until) - ms(period.since) <= THREE_DAYS_MS ? 'hour' : 'day';
  const prices = pricesOf(pricesSetting);
  const priceOf = (region: string) => prices.get(region) ?? DEFAULT_CONNECTION_HOUR_PRICE_USD;

  // Policies: every policy id a record of the period names.
  const rowsById = new Map(policyRows.map((row) => [String(row.policyId), row]));
  const policyIds = [...new Set(records.map((item) => str(item.policyId)).filter((id) => id !== undefined))].sort();
  const policies = policyIds.map((policyId): ExpectedPolicy => {
    const row = rowsById.get(policyId);
    const own = records.filter((item) => item.policyId === policyId);
    const ownDecisions = own.filter((item) => item.recordType === 'decision');
    const ownAdmissions = own.filter((item) => item.recordType === 'admission');
    const ownTerminated = ownDecisions.filter((item) => item.outcome === 'terminated');
    const kind = str(row?.kind) ?? str(own.find((item) => item.policyKind)?.policyKind);
    const enforceSeconds = ownTerminated
      .filter((item) => str(item.conditionAt) !== undefined)
      .map((item) => secondsToEnforce(new Date(String(item.conditionAt)), new Date(endedAtOf(item))));
    const lastEnded = ownTerminated.map(endedAtOf).sort().at(-1);
    const writtenAt = str(row?.updatedAt);
    return {
      policyId,
      ...(kind === undefined ? {} : { kind }),
      ...(str(row?.mode ?? own.find((item) => item.mode)?.mode) === undefined
        ? {}
        : { mode: String(row?.mode ?? own.find((item) => item.mode)?.mode) }),
      ...(str(row?.reason) === undefined ? {} : { reason: String(row?.reason) }),
      endpoints: Array.isArray(row?.endpoints) ? row.endpoints.map(String) : [],
      rowExists: row !== undefined,
      ended: ownTerminated.length,
      refused: ownAdmissions.filter((item) => item.outcome === 'refused').length,
      wouldEnd: ownDecisions.filter((item) => item.outcome === 'would-terminate' && firstSighting(item)).length,
      wouldRefuse: ownAdmissions.filter((item) => item.outcome === 'would-refuse').length,
      exempted:
        ownDecisions.filter((item) => item.outcome === 'exempted' && firstSighting(item)).length +
        ownAdmissions.filter((item) => item.outcome === 'admitted' && str(item.exemptedBy) !== undefined).length,
      capped: ownDecisions.filter((item) => item.outcome === 'capped' && firstSighting(item)).length,
      timeToEnforce: nearestRank(enforceSeconds),
      ...(kind === 'idle' ? { idleMinutesPastLimit: nearestRank(enforceSeconds.map((seconds) => seconds / 60)) } : {}),
      ...(kind === 'revoked-user'
        ? {
            revocation: {
              ...(writtenAt === undefined ? {} : { writtenAt }),
              ...(lastEnded === undefined ? {} : { lastEndedAt: lastEnded }),
              ...(writtenAt === undefined || lastEnded === undefined
                ? {}
                : { seconds: (ms(lastEnded) - ms(writtenAt)) / 1000 }),
            },
          }
        : {}),
      failed: ownDecisions.filter((item) => item.outcome === 'failed').length,
      cappedRuns: new Set(ownDecisions.filter((item) => item.outcome === 'capped').map((item) => item.runId)).size,
      deferred: ownDecisions.filter((item) => item.outcome === 'deferred' && firstSighting(item)).length,
      invalid: invalidSpans(
        summaries,
        invalids.filter((item) => item.policyId === policyId),
      ),
    };
  });

  // Health.
  const trigger = (summary: Item) => str(summary.trigger) ?? 'schedule';
  const byTrigger = (list: readonly Item[]): RunsByTrigger => ({
    scheduled: list.filter((s) => trigger(s) === 'schedule').length,
    manual: list.filter((s) => trigger(s) === 'manual').length,
    eventDriven: list.filter((s) => trigger(s) === 'change').length,
    continuations: list.filter((s) => trigger(s) === 'continuation').length,
  });
  const runsOverTime = new Map<string, RunsByTrigger>();
  for (const start of new Set(summaries.map((s) => bucketOf(String(s.at), bucket))))
    runsOverTime.set(start, byTrigger(summaries.filter((s) => bucketOf(String(s.at), bucket) === start)));
  const endpointErrors = new Map<string, number>();
  for (const summary of summaries) {
    const failing = new Set(
      (Array.isArray(summary.endpointErrors) ? summary.endpointErrors : [])
        .map((text) => /^(cvpn-endpoint-[0-9a-f]+)/.exec(String(text))?.[1])
        .filter((id) => id !== undefined),
    );
    for (const id of failing) endpointErrors.set(id, (endpointErrors.get(id) ?? 0) + 1);
  }
  const failModeUses = new Map<string, { admitted: number; refused: number }>();
  for (const admission of admissions.filter((item) => str(item.failMode) !== undefined)) {
    const use = failModeUses.get(String(admission.failMode)) ?? { admitted: 0, refused: 0 };
    if (admission.outcome === 'admitted-fail-open') use.admitted += 1;
    if (admission.outcome === 'refused-fail-closed') use.refused += 1;
    failModeUses.set(String(admission.failMode), use);
  }
  const canaries = summaries.filter((s) => s.canary !== undefined);

  // Sessions.
  const connectionsSeen = new Map<string, number>();
  for (const summary of summaries) {
    const counts = (summary.connectionsByEndpoint ?? {}) as Record<string, number>;
    for (const [endpointId, connections] of Object.entries(counts)) {
      const key = `${bucketOf(String(summary.at), bucket)} ${endpointId}`;
      connectionsSeen.set(key, Math.max(connectionsSeen.get(key) ?? 0, num(connections)));
    }
  }
  const terminationsOverTime = new Map<string, number>();
  for (const record of terminated) {
    const key = `${bucketOf(String(record.at), bucket)} ${String(record.policyKind)}`;
    terminationsOverTime.set(key, (terminationsOverTime.get(key) ?? 0) + 1);
  }
  const refusals = admissions.filter((item) => item.outcome === 'refused');
  const endedAndRefusedOverTime = new Map<string, { ended: number; refused: number }>();
  for (const [list, field] of [
    [terminated, 'ended'],
    [refusals, 'refused'],
  ] as const)
    for (const record of list) {
      const key = bucketOf(String(record.at), bucket);
      const entry = endedAndRefusedOverTime.get(key) ?? { ended: 0, refused: 0 };
      entry[field] += 1;
      endedAndRefusedOverTime.set(key, entry);
    }
  const identities = new Map<string, { ended: number; refused: number }>();
  for (const [list, field] of [
    [terminated, 'ended'],
    [refusals, 'refused'],
  ] as const)
    for (const record of list) {
      const identity = str(record.username) ?? str(record.commonName);
      if (identity === undefined) continue;
      const entry = identities.get(identity) ?? { ended: 0, refused: 0 };
      entry[field] += 1;
      identities.set(identity, entry);
    }

  // Cost.
  const byKind = new Map<string, { sessions: number; connectionHours: number; estimatedUsd: number }>();
  for (const record of terminated) {
    const kind = String(record.policyKind) as EnforcingKind;
    if (!HOUR_SAVING_KINDS.includes(kind) || str(record.connectedAt) === undefined) continue;
    const hours = connectionHoursEndedEarly(kind, new Date(String(record.connectedAt)), new Date(endedAtOf(record)));
    const entry = byKind.get(kind) ?? { sessions: 0, connectionHours: 0, estimatedUsd: 0 };
    entry.sessions += 1;
    entry.connectionHours += hours;
    entry.estimatedUsd += hours * priceOf(str(record.region) ?? options.region);
    byKind.set(kind, entry);
  }
  const kinds = [...byKind.values()];

  return {
    records: records.length,
    summaries: summaries.length,
    bucket,
    policies,
    health: {
      runs: { total: summaries.length, ...byTrigger(summaries) },
      runsOverTime,
      gaps: gapsOf(summaries, period.until),
      partialRuns: summaries.filter((s) => s.status === 'partial').length,
      endpointErrors,
      throttledCalls: summaries.reduce((sum, s) => sum + num(s.throttledCalls), 0),
      terminateCalls: summaries.reduce((sum, s) => sum + num(s.terminateCalls), 0),
      failModeUses,
      canaryRuns: canaries.length,
      canaryFailures: canaries.filter((s) => (s.canary as { ok?: boolean }).ok === false).length,
    },
    sessions: { connectionsSeen, terminationsOverTime, endedAndRefusedOverTime, identities },
    cost: {
      byKind,
      totalConnectionHours: kinds.reduce((sum, kind) => sum + kind.connectionHours, 0),
      estimatedUsd: kinds.reduce((sum, kind) => sum + kind.estimatedUsd, 0),
      prices,
    },
  };
}

/** Stretches of consecutive runs (in the order they started) in which the row had an invalid-policy record. */
function invalidSpans(summaries: readonly Item[], findings: readonly Item[]): ExpectedSpan[] {
  const byRun = new Map(findings.map((finding) => [String(finding.runId), finding]));
  const spans: ExpectedSpan[] = [];
  let open: Item[] = [];
  const close = () => {
    const first = open[0];
    const last = open.at(-1);
    if (first && last)
      spans.push({
        message: String(first.reason),
        firstSeenAt: String(first.at),
        lastSeenAt: String(last.at),
        seconds: (ms(last.at) - ms(first.at)) / 1000,
        runs: open.length,
      });
    open = [];
  };
  for (const summary of summaries) {
    const finding = byRun.get(String(summary.runId));
    if (finding) open.push(finding);
    else close();
  }
  close();
  return spans;
}

/**
 * Gaps of each placement: an interval between two run starts (or from the last start to the period's end) longer
 * than twice the median interval between its runs.
 */
function gapsOf(
  summaries: readonly Item[],
  until: string,
): { placement: string; from: string; to: string; seconds: number }[] {
  const placementOf = (s: Item) =>
    str(s.accountId) !== undefined && str(s.region) !== undefined
      ? `${String(s.accountId)}/${String(s.region)}`
      : 'local';
  const gaps: { placement: string; from: string; to: string; seconds: number }[] = [];
  for (const placement of new Set(summaries.map(placementOf))) {
    const starts = summaries
      .filter((s) => placementOf(s) === placement)
      .map((s) => String(s.at))
      .sort();
    const intervals = starts.slice(1).map((start, index) => ms(start) - ms(starts[index]));
    const usual = nearestRank(intervals).median;
    if (usual === undefined) continue;
    const edges = [...starts, until];
    for (let index = 1; index < edges.length; index += 1) {
      const from = edges[index - 1] as string;
      const to = edges[index] as string;
      if (ms(to) - ms(from) > 2 * usual) gaps.push({ placement, from, to, seconds: (ms(to) - ms(from)) / 1000 });
    }
  }
  return gaps;
}
