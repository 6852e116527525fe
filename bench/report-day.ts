/**
 * One day of the report benchmark's fleet as counts: its runs (scheduled every few minutes per placement, the
 * leavers' change runs, the off-hours burst's continuation, a weekly manual run) and the records each run and each
 * stretch of connection attempts holds, newest first, as DynamoDB's day partition serves them. A plan is small
 * (a few thousand blocks); the records themselves are made one at a time from it (bench/report-records.ts).
 */
import { RunTrigger } from '../lambda/ports/RunTrigger.js';
import {
  isWeekend,
  leaversPolicyId,
  loadAt,
  type ReportPlacement,
  type ReportSpec,
  periodSinceMs,
} from './report-scenario.js';

/** What a generated record is: its outcome and the row that decided it. */
export const Category = {
  IDLE_ENDED: 'idle-ended',
  MAX_SESSION_ENDED: 'max-session-ended',
  OFF_HOURS_ENDED: 'off-hours-ended',
  REVOKED_ENDED: 'revoked-ended',
  FAILED: 'failed',
  WOULD_END: 'would-end',
  EXEMPTED: 'exempted',
  CAPPED: 'capped',
  DEFERRED: 'deferred',
  INVALID_TYPO: 'invalid-typo',
  INVALID_BROKEN: 'invalid-broken',
  ADMITTED: 'admitted',
  WOULD_REFUSE: 'would-refuse',
  FAIL_OPEN: 'fail-open',
  REFUSED_REVOKED: 'refused-revoked',
  REFUSED_OFF_HOURS: 'refused-off-hours',
} as const;
/** One of the record categories. */
export type Category = (typeof Category)[keyof typeof Category];

/** A run of one placement, and what its records hold. */
export interface RunPlan {
  readonly runId: string;
  readonly placement: number;
  readonly atMs: number;
  readonly trigger: RunTrigger;
  /** For a continuation: the run it continues. */
  readonly continues?: string;
  /** For the run that handed on: its continuation. */
  readonly handedOnTo?: string;
  readonly listed: number;
  readonly parts: readonly Part[];
}

/** A contiguous range of records of one category. */
export interface Part {
  readonly category: Category;
  readonly count: number;
  /** The row that decided them, when the category does not say (a day's leavers row). */
  readonly policyId?: string;
}

/** A contiguous range of a day's records, newest first: a run's records, or the attempts of a stretch of time. */
export interface Block {
  /** The position of its first record in the day's partition. */
  readonly offset: number;
  readonly count: number;
  readonly placement: number;
  /** The run whose records these are; absent for connection attempts. */
  readonly run?: RunPlan;
  /** The stretch of the attempts, ms: the first record is the newest (just before `toMs`). */
  readonly fromMs: number;
  readonly toMs: number;
  readonly parts: readonly Part[];
}

/** One day's plan. */
export interface DayPlan {
  /** 0 for the period's first day. */
  readonly dayNumber: number;
  readonly dayStartMs: number;
  /** The day's records, newest first, as blocks. */
  readonly blocks: readonly Block[];
  /** The day's runs, newest first. */
  readonly runs: readonly RunPlan[];
  readonly records: number;
  /** When the day's leavers row was written, on a weekday. */
  readonly leaverWriteMs?: number;
}

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** Within each slot: scheduled runs start at +5 s, the extra runs at +150 s, attempts fill the rest. */
const SCHEDULED_AT_MS = 5_000;
const ATTEMPTS_A_MS = [20_000, 150_000] as const;
const EXTRA_RUNS_MS = { change: 150_000, continuation: 155_000, manual: 158_000 } as const;
const ATTEMPTS_B_FROM_MS = 160_000;
/** The earlier stretch's share of a slot's attempts: its length over both stretches' (130 s of 270 s). */
const ATTEMPTS_A_SHARE = 130 / 270;
/** The leavers row is written 10 s before the slot's change runs. */
const LEAVER_WRITE_MS = 140_000;
/** The UTC hour the day's leavers row is written. */
const LEAVER_HOUR_UTC = 15;
/** Hours over which leavers retry to connect after their row is written. */
const RETRY_HOURS = 3;
/** Hours an off-hours night lasts (the contractors' window is closed). */
const OFF_HOURS_NIGHT_HOURS = 10;

/** A deterministic number in [0, 1) from integers: the same inputs give the same number, in any order of calls. */
export function unit(...keys: readonly number[]): number {
  let hash = 0x9e3779b9;
  for (const key of keys) {
    hash = Math.imul(hash ^ (key | 0), 0x85ebca6b);
    hash ^= hash >>> 13;
    hash = Math.imul(hash, 0xc2b2ae35);
    hash ^= hash >>> 16;
  }
  return (hash >>> 0) / 2 ** 32;
}

/** `value` rounded up with the probability of its fraction (deterministic in `keys`): totals stay unbiased. */
function share(value: number, ...keys: readonly number[]): number {
  const whole = Math.floor(value);
  return whole + (unit(...keys) < value - whole ? 1 : 0);
}

/** Slots (scheduled runs) a placement has in a day. */
export function slotsPerDay(spec: ReportSpec): number {
  return (24 * 60) / spec.runEveryMinutes;
}

/** The day numbers the period's special stretches fall on (clipped to short periods). */
export function specialDays(spec: ReportSpec) {
  return {
    /** The typo row is invalid from 10:00 to 12:00 UTC. */
    typo: Math.min(4, spec.days - 1),
    /** The broken row is invalid these days, then deleted. */
    broken: [Math.floor(spec.days / 2), Math.floor(spec.days / 2) + 3] as const,
    /** The idle row's cap holds back part of two runs at 14:00 UTC. */
    capped: Math.floor(spec.days / 3),
    /** No run of the last placement from 10:00 to 10:40 UTC (a deployment). */
    gap: Math.floor(spec.days * 0.7),
  };
}

/** The run id the bench gives a run: its placement, trigger and start. */
function runIdOf(spec: ReportSpec, placement: number, atMs: number, trigger: RunTrigger): string {
  const at = new Date(atMs).toISOString().replace(/[-:]/g, '').slice(0, 15);
  return `${trigger}-${spec.placements[placement]!.region}-${at}`;
}

/** Sessions a placement starts on a day, spread over its slots by its load. */
function sessionsPerSlot(spec: ReportSpec, placement: ReportPlacement, dayStartMs: number): (slotMs: number) => number {
  const totalPeak = spec.placements.reduce((sum, each) => sum + each.peakConnections, 0);
  const users = (spec.users * placement.peakConnections) / totalPeak;
  const perUser = isWeekend(dayStartMs) ? spec.sessionsPerUserWeekend : spec.sessionsPerUserWeekday;
  let loadSum = 0;
  for (let slot = 0; slot < slotsPerDay(spec); slot += 1)
    loadSum += loadAt(placement, dayStartMs + slot * spec.runEveryMinutes * MINUTE_MS);
  return (slotMs) => (users * perUser * loadAt(placement, slotMs)) / loadSum;
}

/** True while a placement's contractors' window is closed: a weekday night from its off-hours start. */
function inOffHoursNight(placement: ReportPlacement, ms: number): { night: boolean; first: boolean } {
  const startOfNight = Math.floor((ms - placement.offHoursStartUtc * 3_600_000) / DAY_MS) * DAY_MS;
  const nightStartMs = startOfNight + placement.offHoursStartUtc * 3_600_000;
  // The night belongs to the working day it follows (local evening), which must be Monday to Friday.
  const workingDay = !isWeekend(nightStartMs - 6 * 3_600_000);
  const into = ms - nightStartMs;
  return { night: workingDay && into < OFF_HOURS_NIGHT_HOURS * 3_600_000, first: workingDay && into === 0 };
}

/** The plan of one day of the period (`dayNumber` 0 is the first). */
export function planDay(spec: ReportSpec, dayNumber: number): DayPlan {
  const dayStartMs = periodSinceMs(spec) + dayNumber * DAY_MS;
  const slots = slotsPerDay(spec);
  const slotMs = spec.runEveryMinutes * MINUTE_MS;
  const special = specialDays(spec);
  const starts = spec.placements.map((placement) => sessionsPerSlot(spec, placement, dayStartMs));
  const weekday = !isWeekend(dayStartMs);
  const leaverSlot = (LEAVER_HOUR_UTC * 60) / spec.runEveryMinutes;
  const leaverWriteMs = weekday ? dayStartMs + leaverSlot * slotMs + LEAVER_WRITE_MS : undefined;
  const leaversRow = leaversPolicyId(new Date(dayStartMs).toISOString());
  const totalPeak = spec.placements.reduce((sum, each) => sum + each.peakConnections, 0);
  const blocks: Omit<Block, 'offset'>[] = [];
  const runs: RunPlan[] = [];
  const keyOf = (slot: number, placement: number, what: number) => [spec.seed, dayNumber, slot, placement, what];

  for (let slot = slots - 1; slot >= 0; slot -= 1) {
    const slotStart = dayStartMs + slot * slotMs;
    const scheduled: Omit<Block, 'offset'>[] = [];
    const extra: Omit<Block, 'offset'>[] = [];
    const attemptsA: Omit<Block, 'offset'>[] = [];
    const attemptsB: Omit<Block, 'offset'>[] = [];
    for (let p = spec.placements.length - 1; p >= 0; p -= 1) {
      const placement = spec.placements[p]!;
      const placementShare = placement.peakConnections / totalPeak;
      const key = (what: number) => keyOf(slot, p, what);
      const listed = Math.round(placement.peakConnections * loadAt(placement, slotStart));
      const begun = starts[p]!(slotStart);
      const offHours = inOffHoursNight(placement, slotStart);
      const inGap = dayNumber === special.gap && p === spec.placements.length - 1 && slot >= 120 && slot < 128;

      // The scheduled run.
      if (!inGap) {
        const idle = share(spec.idleShare * begun, ...key(1));
        const failed = share(spec.failedShare * idle, ...key(2));
        const offHoursEnded = offHours.first ? share(spec.contractorShare * listed, ...key(3)) : 0;
        const deferred = share(spec.deferredShare * offHoursEnded, ...key(4));
        const capped =
          dayNumber === special.capped && p === 0 && (slot === 168 || slot === 169)
            ? Math.round((slot === 168 ? 1600 : 600) * (placement.peakConnections / 60_000))
            : 0;
        const invalidTypo = dayNumber === special.typo && slot >= 120 && slot < 144 ? 1 : 0;
        const invalidBroken = dayNumber >= special.broken[0] && dayNumber < special.broken[1] ? 1 : 0;
        const atMs = slotStart + SCHEDULED_AT_MS + p * 2_000;
        const runId = runIdOf(spec, p, atMs, RunTrigger.SCHEDULE);
        const continuationId =
          deferred > 0 ? runIdOf(spec, p, slotStart + EXTRA_RUNS_MS.continuation, RunTrigger.CONTINUATION) : undefined;
        const run: RunPlan = {
          runId,
          placement: p,
          atMs,
          trigger: RunTrigger.SCHEDULE,
          handedOnTo: continuationId,
          listed,
          parts: [
            { category: Category.IDLE_ENDED, count: idle - failed },
            { category: Category.FAILED, count: failed },
            {
              category: Category.MAX_SESSION_ENDED,
              count: share(spec.maxSessionShare * starts[p]!(slotStart - 12 * 3_600_000), ...key(5)),
            },
            { category: Category.OFF_HOURS_ENDED, count: offHoursEnded - deferred },
            { category: Category.DEFERRED, count: deferred },
            { category: Category.CAPPED, count: capped },
            { category: Category.WOULD_END, count: share(spec.observeShareOfListed * listed, ...key(6)) },
            { category: Category.EXEMPTED, count: share(spec.exemptShareOfListed * listed, ...key(7)) },
            { category: Category.INVALID_TYPO, count: invalidTypo },
            { category: Category.INVALID_BROKEN, count: invalidBroken },
          ],
        };
        runs.push(run);
        scheduled.push(runBlock(run));
        if (continuationId) {
          const continuation: RunPlan = {
            runId: continuationId,
            placement: p,
            atMs: slotStart + EXTRA_RUNS_MS.continuation + p * 1_000,
            trigger: RunTrigger.CONTINUATION,
            continues: runId,
            listed,
            parts: [{ category: Category.OFF_HOURS_ENDED, count: deferred }],
          };
          runs.push(continuation);
          extra.push(runBlock(continuation));
        }
      }
      if (leaverWriteMs !== undefined && slot === leaverSlot) {
        const atMs = slotStart + EXTRA_RUNS_MS.change + p * 1_000;
        const change: RunPlan = {
          runId: runIdOf(spec, p, atMs, RunTrigger.CHANGE),
          placement: p,
          atMs,
          trigger: RunTrigger.CHANGE,
          listed,
          parts: [
            {
              category: Category.REVOKED_ENDED,
              count: share(spec.leaversPerWeekday * spec.sessionsPerLeaver * placementShare, ...key(8)),
              policyId: leaversRow,
            },
          ],
        };
        runs.push(change);
        extra.push(runBlock(change));
      }
      if (p === 0 && new Date(slotStart).getUTCDay() === 1 && slot === (9 * 60) / spec.runEveryMinutes) {
        const atMs = slotStart + EXTRA_RUNS_MS.manual;
        const manual: RunPlan = {
          runId: runIdOf(spec, p, atMs, RunTrigger.MANUAL),
          placement: p,
          atMs,
          trigger: RunTrigger.MANUAL,
          listed,
          parts: [],
        };
        runs.push(manual);
        extra.push(runBlock(manual));
      }

      // The connection attempts, in two stretches around the extra runs.
      const retrying =
        leaverWriteMs !== undefined && slotStart > leaverWriteMs && slotStart - leaverWriteMs < RETRY_HOURS * 3_600_000;
      const parts: Part[] = [
        { category: Category.FAIL_OPEN, count: share(spec.failOpenShare * begun, ...key(9)) },
        {
          category: Category.REFUSED_REVOKED,
          count: retrying
            ? share(
                (spec.leaversPerWeekday * spec.retriesPerLeaver * placementShare * slotMs) / (RETRY_HOURS * 3_600_000),
                ...key(10),
              )
            : 0,
          policyId: leaversRow,
        },
        {
          category: Category.REFUSED_OFF_HOURS,
          count: offHours.night
            ? share((spec.offHoursRefusalsPerNight * slotMs) / (OFF_HOURS_NIGHT_HOURS * 3_600_000), ...key(11))
            : 0,
        },
        { category: Category.WOULD_REFUSE, count: share(spec.wouldRefuseShare * begun, ...key(12)) },
      ];
      const admitted = Math.max(0, Math.round(begun) - parts[0]!.count - parts[3]!.count);
      parts.push({ category: Category.ADMITTED, count: admitted });
      const [first, second] = splitParts(parts, ATTEMPTS_A_SHARE);
      const within = (from: number, to: number) => ({
        fromMs: slotStart + from + ((to - from) * p) / spec.placements.length,
        toMs: slotStart + from + ((to - from) * (p + 1)) / spec.placements.length,
      });
      attemptsA.push({ placement: p, ...within(ATTEMPTS_A_MS[0], ATTEMPTS_A_MS[1]), ...counted(first) });
      attemptsB.push({ placement: p, ...within(ATTEMPTS_B_FROM_MS, slotMs), ...counted(second) });
    }
    // Newest first: the later stretch of attempts, the extra runs, the earlier stretch, the scheduled runs.
    extra.sort((left, right) => right.fromMs - left.fromMs);
    blocks.push(...attemptsB, ...extra, ...attemptsA, ...scheduled);
  }
  let offset = 0;
  const placed = blocks
    .filter((block) => block.count > 0)
    .map((block) => {
      const withOffset = { ...block, offset };
      offset += block.count;
      return withOffset;
    });
  runs.sort((left, right) => right.atMs - left.atMs);
  return { dayNumber, dayStartMs, blocks: placed, runs, records: offset, leaverWriteMs };
}

function runBlock(run: RunPlan): Omit<Block, 'offset'> {
  return { placement: run.placement, run, fromMs: run.atMs, toMs: run.atMs, ...counted(run.parts) };
}

function counted(parts: readonly Part[]): { parts: Part[]; count: number } {
  const kept = parts.filter((part) => part.count > 0);
  return { parts: kept, count: kept.reduce((sum, part) => sum + part.count, 0) };
}

/** Splits each part's count between two stretches, `firstShare` of it to the first. */
function splitParts(parts: readonly Part[], firstShare: number): [Part[], Part[]] {
  const first = parts.map((part) => ({ ...part, count: Math.round(part.count * firstShare) }));
  const second = parts.map((part, index) => ({ ...part, count: part.count - first[index]!.count }));
  return [first, second];
}

/** The block holding the day's `index`-th record (binary search on the offsets). */
export function blockAt(plan: DayPlan, index: number): Block {
  let low = 0;
  let high = plan.blocks.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (plan.blocks[middle]!.offset <= index) low = middle;
    else high = middle - 1;
  }
  return plan.blocks[low]!;
}

/** The leavers rows' writes of the period: one each weekday. */
export function leaverWrites(spec: ReportSpec): { dayNumber: number; dayIso: string; at: string }[] {
  const writes: { dayNumber: number; dayIso: string; at: string }[] = [];
  for (let dayNumber = 0; dayNumber < spec.days; dayNumber += 1) {
    const dayStartMs = periodSinceMs(spec) + dayNumber * DAY_MS;
    if (isWeekend(dayStartMs)) continue;
    const at = dayStartMs + LEAVER_HOUR_UTC * 3_600_000 + LEAVER_WRITE_MS;
    writes.push({ dayNumber, dayIso: new Date(dayStartMs).toISOString(), at: new Date(at).toISOString() });
  }
  return writes;
}
