/**
 * The report benchmark's records, made one at a time from a day's plan: the same (day, position) always gives the
 * same record, with the fields the enforcer and the client connect handler write (a decision's `conditionAt` and
 * `connectedAt` included), so nothing but the product under test ever holds more than a page of them.
 */
import { FailModeCause, Outcome, PolicyKind, PolicyMode, RunStatus } from '../lambda/domain/constants.js';
import type { EnforcingKind, SummaryStatus } from '../lambda/domain/constants.js';
import { AuditRecordType, type AdmissionRecord, type RunRecord, type RunSummary } from '../lambda/ports/AuditLog.js';
import type { ListedRecord } from '../lambda/ports/AuditQuery.js';
import { gateRunId } from '../lambda/gate/gate-records.js';
import { ContinuationReason } from '../lambda/ports/ContinuationStarter.js';
import { blockAt, Category, type Block, type DayPlan, type Part, type RunPlan, unit } from './report-day.js';
import {
  leaverIndex,
  offHoursPolicyId,
  PolicyId,
  type ReportPlacement,
  type ReportSpec,
  username,
} from './report-scenario.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/** The deciding row of a category of run records: its kind, its mode, its outcome. */
interface Decider {
  readonly outcome: RunRecord['outcome'];
  readonly kind: EnforcingKind;
  readonly mode: PolicyMode;
  readonly policyId: (placement: ReportPlacement) => string;
}

const fixedRow = (policyId: string) => () => policyId;

const DECIDERS: Partial<Record<Category, Decider>> = {
  [Category.IDLE_ENDED]: decider(Outcome.TERMINATED, PolicyKind.IDLE, PolicyMode.ENFORCE, PolicyId.IDLE),
  [Category.FAILED]: decider(Outcome.FAILED, PolicyKind.IDLE, PolicyMode.ENFORCE, PolicyId.IDLE),
  [Category.MAX_SESSION_ENDED]: decider(
    Outcome.TERMINATED,
    PolicyKind.MAX_SESSION,
    PolicyMode.ENFORCE,
    PolicyId.MAX_SESSION,
  ),
  [Category.OFF_HOURS_ENDED]: {
    outcome: Outcome.TERMINATED,
    kind: PolicyKind.OFF_HOURS,
    mode: PolicyMode.ENFORCE,
    policyId: offHoursPolicyId,
  },
  [Category.DEFERRED]: {
    outcome: Outcome.DEFERRED,
    kind: PolicyKind.OFF_HOURS,
    mode: PolicyMode.ENFORCE,
    policyId: offHoursPolicyId,
  },
  [Category.REVOKED_ENDED]: decider(Outcome.TERMINATED, PolicyKind.REVOKED_USER, PolicyMode.ENFORCE, ''),
  [Category.CAPPED]: decider(Outcome.CAPPED, PolicyKind.IDLE, PolicyMode.ENFORCE, PolicyId.IDLE),
  [Category.WOULD_END]: decider(Outcome.WOULD_TERMINATE, PolicyKind.IDLE, PolicyMode.OBSERVE, PolicyId.IDLE_OBSERVE),
  [Category.EXEMPTED]: decider(Outcome.EXEMPTED, PolicyKind.IDLE, PolicyMode.ENFORCE, PolicyId.IDLE),
};

function decider(outcome: RunRecord['outcome'], kind: EnforcingKind, mode: PolicyMode, policyId: string): Decider {
  return { outcome, kind, mode, policyId: fixedRow(policyId) };
}

/** The outcome and the deciding row every record of a part has: what a filter can skip a whole part by. */
export function partFacts(spec: ReportSpec, block: Block, part: Part): { outcome: string; policyId?: string } {
  const placement = spec.placements[block.placement]!;
  switch (part.category) {
    case Category.INVALID_TYPO:
      return { outcome: Outcome.INVALID_POLICY, policyId: PolicyId.TYPO };
    case Category.INVALID_BROKEN:
      return { outcome: Outcome.INVALID_POLICY, policyId: PolicyId.BROKEN };
    case Category.FAIL_OPEN:
      return { outcome: Outcome.ADMITTED_FAIL_OPEN };
    case Category.REFUSED_REVOKED:
      return { outcome: Outcome.REFUSED, policyId: part.policyId };
    case Category.REFUSED_OFF_HOURS:
      return { outcome: Outcome.REFUSED, policyId: offHoursPolicyId(placement) };
    case Category.WOULD_REFUSE:
      return { outcome: Outcome.WOULD_REFUSE, policyId: PolicyId.MAX_CONNECTIONS_OBSERVE };
    case Category.ADMITTED:
      return { outcome: Outcome.ADMITTED, policyId: PolicyId.MAX_CONNECTIONS };
    default: {
      const decided = DECIDERS[part.category]!;
      return { outcome: decided.outcome, policyId: part.policyId ?? decided.policyId(placement) };
    }
  }
}

/** The record at `index` of a day's partition (newest first). */
export function recordAt(spec: ReportSpec, plan: DayPlan, index: number): ListedRecord {
  const block = blockAt(plan, index);
  let ordinal = index - block.offset;
  for (const part of block.parts) {
    if (ordinal < part.count) return recordOf(spec, plan, block, part, ordinal, index);
    ordinal -= part.count;
  }
  throw new RangeError(`record ${index} is past the end of day ${plan.dayNumber} (${plan.records} records)`);
}

const endpointCache = new WeakMap<ReportSpec, string[][]>();

/** The endpoint ids of a placement. */
export function endpointIds(spec: ReportSpec, placement: number): readonly string[] {
  let cached = endpointCache.get(spec);
  if (!cached) {
    cached = spec.placements.map((_, index) => endpointIdsOf(spec, index));
    endpointCache.set(spec, cached);
  }
  return cached[placement]!;
}

function endpointIdsOf(spec: ReportSpec, placement: number): string[] {
  return Array.from(
    { length: spec.placements[placement]!.endpoints },
    (_, endpoint) => `cvpn-endpoint-${(placement * 16 + endpoint + 1).toString(16).padStart(17, '0')}`,
  );
}

function hex(value: number, digits: number): string {
  return Math.floor(value * 16 ** Math.min(digits, 12))
    .toString(16)
    .padStart(digits, '0')
    .slice(-digits);
}

/** The times every record of a run's block shares, made once per block (records are read block after block). */
let blockTimes: { block?: Block; at: string; completedAt: string; gateRunId: string } = {
  at: '',
  completedAt: '',
  gateRunId: '',
};

function timesOf(block: Block) {
  if (blockTimes.block !== block) {
    const decidedMs = (block.run?.atMs ?? block.toMs) + 3_000;
    blockTimes = {
      block,
      at: new Date(decidedMs).toISOString(),
      completedAt: new Date(decidedMs + 400).toISOString(),
      gateRunId: gateRunId(new Date(block.fromMs)),
    };
  }
  return blockTimes;
}

function recordOf(
  spec: ReportSpec,
  plan: DayPlan,
  block: Block,
  part: Part,
  ordinal: number,
  index: number,
): ListedRecord {
  const placement = spec.placements[block.placement]!;
  const random = (what: number) => unit(spec.seed, plan.dayNumber, index, what);
  const endpoints = endpointIds(spec, block.placement);
  const endpointId = endpoints[Math.floor(random(1) * endpoints.length)]!;
  const connectionId = `cvpn-connection-${hex(random(2), 12)}${hex(random(3), 5)}`;
  // Some users are ended far more often than others (the same habits every day): a skewed pick.
  const user =
    part.category === Category.REVOKED_ENDED || part.category === Category.REFUSED_REVOKED
      ? leaverIndex(spec, plan.dayNumber, ordinal % spec.leaversPerWeekday)
      : Math.floor(spec.users * random(4) ** 3);
  const identity = { username: username(user), clientIp: `198.51.${Math.floor(random(5) * 256)}.${index % 256}` };
  const placed = { accountId: placement.accountId, region: placement.region };
  if (!block.run) {
    const atMs = block.toMs - ((ordinal + 0.5) * (block.toMs - block.fromMs)) / Math.max(1, block.count);
    return admissionOf(placement, part, new Date(atMs).toISOString(), timesOf(block).gateRunId, {
      endpointId,
      connectionId,
      ...identity,
      ...placed,
    });
  }
  const run = block.run;
  const { at, completedAt } = timesOf(block);
  if (part.category === Category.INVALID_TYPO || part.category === Category.INVALID_BROKEN) {
    const typo = part.category === Category.INVALID_TYPO;
    return {
      recordType: AuditRecordType.INVALID_POLICY,
      outcome: Outcome.INVALID_POLICY,
      runId: run.runId,
      at,
      policyId: typo ? PolicyId.TYPO : PolicyId.BROKEN,
      firedPolicies: [],
      reason: typo
        ? `policy ${PolicyId.TYPO}: idleMinutes "120" is a string; expected a whole number from 1 to 10080 (DynamoDB type N)`
        : `policy ${PolicyId.BROKEN}: timezone "Asia/Syd" is not an IANA time zone; expected a name such as Australia/Sydney`,
      ...placed,
    };
  }
  const decided = DECIDERS[part.category]!;
  const policyId = part.policyId ?? decided.policyId(placement);
  const endedMs = run.atMs + 3_000;
  const timing = timingOf(part.category, endedMs, random, plan);
  const connectedAt = new Date(timing.connectedMs).toISOString();
  const firstSeenAt = firstSeenOf(part.category, ordinal, at);
  const ended = decided.outcome === Outcome.TERMINATED;
  return {
    recordType: AuditRecordType.DECISION,
    outcome: decided.outcome as Exclude<RunRecord['outcome'], 'invalid-policy'>,
    runId: run.runId,
    at,
    policyId,
    policyKind: decided.kind,
    mode: decided.mode,
    firedPolicies: [`${policyId} (${decided.kind}, ${decided.mode})`],
    reason: reasonOf(part.category, policyId, connectedAt),
    endpointId,
    connectionId,
    ...identity,
    ...(part.category === Category.EXEMPTED ? { exemptedBy: PolicyId.EXEMPT } : {}),
    ...(ended || decided.outcome === Outcome.FAILED
      ? {
          calledBy: 'connection-id' as const,
          previousStatus: 'active',
          currentStatus: ended ? 'terminating' : 'failed-to-terminate',
          requestId: `${hex(random(6), 8)}-${hex(random(7), 4)}-4${hex(random(8), 3)}-a${hex(random(9), 3)}-${hex(random(10), 12)}`,
          completedAt,
        }
      : {}),
    ...(decided.outcome === Outcome.FAILED
      ? { errorCode: 'InvalidClientVpnConnection.NotFound', errorMessage: 'The connection failed to terminate.' }
      : {}),
    firstSeenAt,
    conditionAt: new Date(timing.conditionMs).toISOString(),
    connectedAt,
    ...placed,
  } as RunRecord;
}

/** When the deciding rule's condition became true, and when the session began. */
function timingOf(category: Category, endedMs: number, random: (what: number) => number, plan: DayPlan) {
  switch (category) {
    case Category.MAX_SESSION_ENDED: {
      const conditionMs = endedMs - random(11) * 5 * MINUTE_MS;
      return { conditionMs, connectedMs: conditionMs - 12 * HOUR_MS };
    }
    case Category.OFF_HOURS_ENDED:
    case Category.DEFERRED: {
      // The window closed at the burst slot's start; continuations end the rest minutes later.
      const conditionMs = Math.floor(endedMs / (5 * MINUTE_MS)) * 5 * MINUTE_MS;
      return { conditionMs, connectedMs: conditionMs - random(12) * 10 * HOUR_MS };
    }
    case Category.REVOKED_ENDED: {
      const conditionMs = plan.leaverWriteMs ?? endedMs;
      return { conditionMs, connectedMs: conditionMs - random(13) * 8 * HOUR_MS };
    }
    default: {
      // Idle: the two idle snapshots five minutes apart put the end 0–10 minutes past the limit.
      const conditionMs = endedMs - random(14) * 10 * MINUTE_MS;
      return { conditionMs, connectedMs: conditionMs - 30 * MINUTE_MS - random(15) * 6 * HOUR_MS };
    }
  }
}

/** A decision seen again run after run keeps its first run's time: observe rows every third, exemptions every 12th. */
function firstSeenOf(category: Category, ordinal: number, at: string): string {
  const every = category === Category.WOULD_END ? 3 : category === Category.EXEMPTED ? 12 : 1;
  const runsBefore = ordinal % every;
  return runsBefore === 0 ? at : new Date(Date.parse(at) - runsBefore * 5 * MINUTE_MS).toISOString();
}

function reasonOf(category: Category, policyId: string, since: string): string {
  switch (category) {
    case Category.MAX_SESSION_ENDED:
      return `connected since ${since}, longer than ${policyId}'s 720 minutes`;
    case Category.OFF_HOURS_ENDED:
    case Category.DEFERRED:
      return `outside ${policyId}'s allowed hours (mon-fri); connected since ${since}`;
    case Category.REVOKED_ENDED:
      return `user is revoked by ${policyId}; connected since ${since}`;
    default:
      return `idle: traffic grew by 0 bytes (at most 0) over the last ${policyId === PolicyId.IDLE_OBSERVE ? 15 : 30} minutes; connected since ${since}`;
  }
}

function admissionOf(
  placement: ReportPlacement,
  part: Part,
  at: string,
  runId: string,
  fields: Pick<AdmissionRecord, 'endpointId' | 'connectionId' | 'username' | 'clientIp' | 'accountId' | 'region'>,
): AdmissionRecord {
  const base = { recordType: AuditRecordType.ADMISSION, runId, at, ...fields };
  const platform = { platform: 'macos' };
  switch (part.category) {
    case Category.FAIL_OPEN:
      return {
        ...base,
        outcome: Outcome.ADMITTED_FAIL_OPEN,
        firedPolicies: [],
        failMode: FailModeCause.DEADLINE,
        reason: 'admitted by the fail mode (admit): the decision was not ready within the connect deadline',
        ...platform,
      };
    case Category.REFUSED_REVOKED:
    case Category.REFUSED_OFF_HOURS: {
      const revoked = part.category === Category.REFUSED_REVOKED;
      const policyId = revoked ? part.policyId! : offHoursPolicyId(placement);
      const kind = revoked ? PolicyKind.REVOKED_USER : PolicyKind.OFF_HOURS;
      return {
        ...base,
        outcome: Outcome.REFUSED,
        policyId,
        policyKind: kind,
        mode: PolicyMode.ENFORCE,
        firedPolicies: [`${policyId} (${kind}, enforce)`],
        reason: revoked ? `user is revoked by ${policyId}` : `outside ${policyId}'s allowed hours`,
        message: 'Your VPN connection was not allowed. Contact your IT support if you need access.',
        ...platform,
      };
    }
    case Category.WOULD_REFUSE:
      return {
        ...base,
        outcome: Outcome.WOULD_REFUSE,
        policyId: PolicyId.MAX_CONNECTIONS_OBSERVE,
        policyKind: PolicyKind.MAX_CONNECTIONS,
        mode: PolicyMode.OBSERVE,
        firedPolicies: [`${PolicyId.MAX_CONNECTIONS_OBSERVE} (max-connections, observe)`],
        reason: `would refuse: 2 connections on the endpoint, at most 1 (${PolicyId.MAX_CONNECTIONS_OBSERVE})`,
        ...platform,
      };
    default:
      return {
        ...base,
        outcome: Outcome.ADMITTED,
        policyId: PolicyId.MAX_CONNECTIONS,
        firedPolicies: [],
        reason: `admitted: 1 connection on the endpoint, at most 2 (${PolicyId.MAX_CONNECTIONS})`,
        ...platform,
      };
  }
}

/** A run's summary, with the counts of the records it wrote. */
export function summaryOf(spec: ReportSpec, plan: DayPlan, run: RunPlan): RunSummary {
  const placement = spec.placements[run.placement]!;
  const endpoints = endpointIds(spec, run.placement);
  const random = (what: number) => unit(spec.seed, plan.dayNumber, run.atMs / 1000, run.placement, what);
  const counts: Partial<Record<RunRecord['outcome'], number>> = {};
  let terminateCalls = 0;
  for (const part of run.parts) {
    const outcome =
      part.category === Category.INVALID_TYPO || part.category === Category.INVALID_BROKEN
        ? Outcome.INVALID_POLICY
        : DECIDERS[part.category]!.outcome;
    counts[outcome] = (counts[outcome] ?? 0) + part.count;
    if (outcome === Outcome.TERMINATED || outcome === Outcome.FAILED) terminateCalls += part.count;
  }
  const partial = random(1) < spec.partialRunShare;
  const throttledCalls = random(2) < spec.throttledRunShare ? 1 + Math.floor(random(3) * 5) : 0;
  const canaryOk = random(4) >= spec.canaryFailureShare;
  const perEndpoint = Math.floor(run.listed / endpoints.length);
  const connectionsByEndpoint = Object.fromEntries(
    endpoints.map((endpoint, at) => [
      endpoint,
      partial && at === 0 ? 0 : perEndpoint + (at === 0 ? run.listed - perEndpoint * endpoints.length : 0),
    ]),
  );
  const connectionsSeen = Object.values(connectionsByEndpoint).reduce((sum, count) => sum + count, 0);
  const durationMs = 1_500 + Math.round(run.listed / 25) + terminateCalls * 200;
  const status: SummaryStatus = partial ? RunStatus.PARTIAL : RunStatus.COMPLETED;
  return {
    recordType: AuditRecordType.SUMMARY,
    runId: run.runId,
    at: new Date(run.atMs).toISOString(),
    finishedAt: new Date(run.atMs + durationMs).toISOString(),
    durationMs,
    status,
    dryRun: false,
    endpoints: endpoints.length,
    endpointErrors: partial ? [`${endpoints[0]}: ThrottlingException: Rate exceeded`] : [],
    connectionsSeen,
    connectionsByEndpoint,
    counts,
    invalidPolicies: counts[Outcome.INVALID_POLICY] ?? 0,
    terminateCalls,
    throttledCalls,
    reconciled: 0,
    canary: canaryOk
      ? { ok: true, endpointId: endpoints[0]!, allow: true, latencyMs: 40 + Math.round(random(5) * 60) }
      : { ok: false, endpointId: endpoints[0]!, reason: 'timeout: no answer within 2000 ms', latencyMs: 2000 },
    trigger: run.trigger,
    ...(run.continues ? { continues: run.continues } : {}),
    ...(run.handedOnTo ? { handedOn: { runId: run.handedOnTo, reason: ContinuationReason.DEFERRED } } : {}),
    accountId: placement.accountId,
    region: placement.region,
  } as RunSummary;
}
