import {
  AuditRecordType,
  type DecisionRecord,
  type ListedRecord,
  type RunSummary,
  type StoredPolicy,
} from '../ports/index.js';
import {
  Outcome,
  parsePolicyRow,
  PolicyKind,
  PolicyMode,
  ruleInWords,
  type ParsedPolicyRow,
  type PolicyRow,
} from '../domain/index.js';
import { bucketFor } from '../domain/report/bucket.js';
import { scopeInWords, UNKNOWN_SCOPE } from '../domain/report/scope-words.js';
import type { EvidenceReport, ReportBucket, ReportRead } from '../domain/report/types.js';
import { CostTally } from './CostTally.js';
import { timeOf } from './evidence-fields.js';
import { HealthTally } from './HealthTally.js';
import { PolicyTally, type RowFacts } from './PolicyTally.js';
import type { ReportOptions } from './ReportOptions.js';
import { SessionTally } from './SessionTally.js';

/** A policy row as the caller has it: validated (`PolicyRow`, or a parse result), or as the table stores it. */
export type PolicyRowSource = PolicyRow | ParsedPolicyRow | StoredPolicy;

/** What an accumulator holds, entry by entry: it grows with these, never with the records read. */
export interface ReportFootprint {
  readonly policies: number;
  readonly identities: number;
  /** Entries of every per-bucket series (runs, connections per endpoint, endings per kind, endings and refusals). */
  readonly bucketEntries: number;
  /** Endpoints with endpoint errors. */
  readonly endpoints: number;
  /** Numbers in typed arrays: seconds to enforce, run start times and invalid-row sightings. */
  readonly numbers: number;
  /** Ids of runs that capped a row, and distinct invalid-row findings. */
  readonly texts: number;
}

/**
 * Folds audit records and run summaries, in any order and from any number of pages, into one
 * {@link EvidenceReport}. Nothing it is given is kept: memory grows with the number of policies, endpoints,
 * identities and buckets, plus one number per measured termination (for exact percentiles), one time per run per
 * placement (for gaps) and one time per invalid-row finding (for its spans), never with the number of records.
 *
 * Counting: `terminated` and `failed` records count each one (a termination happens once); `would-terminate`,
 * `exempted`, `capped` and `deferred` count first sightings only; admissions count each attempt. Time to enforce
 * counts only the terminations whose record has `conditionAt` (older records are not measured). Records outside the
 * period or the scope are ignored, whatever the reader already narrowed.
 */
export class ReportAccumulator {
  private readonly periodMs: { readonly since: number; readonly until: number };
  private readonly bucket: ReportBucket;
  private readonly policies = new Map<string, PolicyTally>();
  private readonly rows = new Map<string, RowFacts>();
  private readonly health: HealthTally;
  private readonly sessions: SessionTally;
  private readonly cost: CostTally;
  private records = 0;
  private summaries = 0;
  private pages = 0;

  constructor(private readonly options: ReportOptions) {
    const since = options.period.since.getTime();
    const until = options.period.until.getTime();
    if (!(since < until)) {
      throw new RangeError(
        `The report's period must end after it begins: since ${options.period.since.toISOString()} is not before until ${options.period.until.toISOString()} (give an until later than since).`,
      );
    }
    this.periodMs = { since, until };
    this.bucket = options.bucket ?? bucketFor(options.period);
    this.health = new HealthTally(options.period, this.bucket, Math.min(until, options.generatedAt.getTime()));
    this.sessions = new SessionTally(options.period, this.bucket);
    this.cost = new CostTally(options.prices, options.defaultRegion);
    for (const policyId of options.scope.policyIds) this.tallyOf(policyId);
  }

  /** What has been read so far: the records and summaries folded, and the pages noted. */
  get read(): ReportRead {
    return { records: this.records, summaries: this.summaries, pages: this.pages };
  }

  /** Counts one page read (for the report's `read.pages`). */
  notePage(): void {
    this.pages++;
  }

  /** Folds one decision, invalid-row finding or admission. */
  addRecord(record: ListedRecord): void {
    this.records++;
    const atMs = this.inPeriod(record.at);
    if (atMs === undefined || !this.inPlacementScope(record)) return;
    if (record.policyId === undefined || !this.inPolicyScope(record.policyId)) {
      // A fail-mode answer was decided by no row: health, unless the report is narrowed to some rows.
      if (record.recordType === AuditRecordType.ADMISSION && record.policyId === undefined && this.inPolicyScope()) {
        this.health.addAdmission(record);
      }
      return;
    }
    const tally = this.tallyOf(record.policyId);
    switch (record.recordType) {
      case AuditRecordType.DECISION:
        tally.addDecision(record, atMs);
        if (record.outcome === Outcome.TERMINATED) this.addEnded(record, atMs);
        return;
      case AuditRecordType.INVALID_POLICY:
        tally.addInvalid(record, atMs);
        return;
      case AuditRecordType.ADMISSION:
        tally.addAdmission(record, atMs);
        this.health.addAdmission(record);
        if (record.outcome === Outcome.REFUSED) this.sessions.addRefused(atMs, record);
        return;
    }
  }

  /** Folds one run summary. */
  addSummary(summary: RunSummary): void {
    this.summaries++;
    const atMs = this.inPeriod(summary.at);
    if (atMs === undefined || !this.inPlacementScope(summary)) return;
    this.health.addSummary(summary, atMs);
    this.sessions.addSummary(summary as RunSummary, atMs);
  }

  /**
   * Gives the policy rows as they are now: their kind, mode, scope, reason and last write stand for what the records
   * say, and a row given here exists. An invalid stored row gives what can be read of it.
   */
  addPolicyRows(rows: readonly PolicyRowSource[]): void {
    for (const source of rows) {
      const facts = rowFacts(source);
      this.rows.set(facts.policyId, facts);
    }
  }

  /** What it holds now (for tests and benchmarks: memory stays bounded by these). */
  footprint(): ReportFootprint {
    const health = this.health.footprint();
    const sessions = this.sessions.footprint();
    let numbers = health.numbers;
    let texts = 0;
    for (const tally of this.policies.values()) {
      const held = tally.footprint();
      numbers += held.numbers;
      texts += held.runIds + held.messages;
    }
    return {
      policies: this.policies.size,
      identities: sessions.identities,
      bucketEntries: health.buckets + sessions.buckets,
      endpoints: health.endpoints,
      numbers,
      texts,
    };
  }

  /** The report of everything folded so far. */
  finish(): EvidenceReport {
    const policies = [...this.policies.values()]
      .sort((left, right) => (left.policyId < right.policyId ? -1 : left.policyId > right.policyId ? 1 : 0))
      .map((tally) =>
        tally.evidence(this.rows.get(tally.policyId), UNKNOWN_SCOPE, (placement) =>
          this.health.policyReadingRunStarts(placement),
        ),
      );
    return {
      schemaVersion: 1,
      generatedAt: this.options.generatedAt.toISOString(),
      period: { since: this.options.period.since.toISOString(), until: this.options.period.until.toISOString() },
      scope: {
        accounts: [...this.options.scope.accounts],
        regions: [...this.options.scope.regions],
        policyIds: [...this.options.scope.policyIds],
      },
      read: this.read,
      policies,
      health: this.health.evidence(),
      sessions: this.sessions.evidence(),
      cost: this.cost.evidence(),
      bucket: this.bucket,
    };
  }

  private addEnded(record: DecisionRecord, atMs: number): void {
    const endedMs = timeOf(record.completedAt) ?? atMs;
    this.sessions.addEnded(record.policyKind, endedMs, record);
    this.cost.addEnded(record.policyKind, record.region, timeOf(record.connectedAt), endedMs);
  }

  private tallyOf(policyId: string): PolicyTally {
    let tally = this.policies.get(policyId);
    if (tally === undefined) {
      tally = new PolicyTally(policyId);
      this.policies.set(policyId, tally);
    }
    return tally;
  }

  /** The record's time when it is in the period, else undefined. */
  private inPeriod(at: string): number | undefined {
    const atMs = timeOf(at);
    return atMs !== undefined && atMs >= this.periodMs.since && atMs < this.periodMs.until ? atMs : undefined;
  }

  private inPlacementScope(record: { readonly accountId?: string; readonly region?: string }): boolean {
    const { accounts, regions } = this.options.scope;
    return (
      (accounts.length === 0 || (record.accountId !== undefined && accounts.includes(record.accountId))) &&
      (regions.length === 0 || (record.region !== undefined && regions.includes(record.region)))
    );
  }

  /** Whether the scope holds the row (without one: whether the scope names no rows). */
  private inPolicyScope(policyId?: string): boolean {
    const { policyIds } = this.options.scope;
    return policyIds.length === 0 || (policyId !== undefined && policyIds.includes(policyId));
  }
}

/** What a row says of itself, validated or read as far as it can be. */
function rowFacts(source: PolicyRowSource): RowFacts & { readonly policyId: string } {
  if ('item' in source) {
    const parsed = parsePolicyRow(source.item);
    return parsed.ok ? validFacts(parsed.row) : rawFacts(source.policyId, source.item);
  }
  if ('ok' in source) {
    return source.ok ? validFacts(source.row) : { policyId: source.error.policyId, scope: UNKNOWN_SCOPE };
  }
  return validFacts(source);
}

function validFacts(row: PolicyRow): RowFacts & { readonly policyId: string } {
  const updatedAtMs = timeOf(row.updatedAt);
  return {
    policyId: row.policyId,
    kind: row.kind,
    ...(row.mode !== undefined ? { mode: row.mode } : {}),
    rule: ruleInWords(row),
    scope: scopeInWords(row),
    ...(row.reason !== undefined ? { reason: row.reason } : {}),
    ...(updatedAtMs !== undefined ? { updatedAtMs } : {}),
  };
}

/** An invalid row: each attribute that reads as what it should be. */
function rawFacts(policyId: string, item: Readonly<Record<string, unknown>>): RowFacts & { readonly policyId: string } {
  const { kind, mode, reason, updatedAt } = item;
  const updatedAtMs = typeof updatedAt === 'string' ? timeOf(updatedAt) : undefined;
  return {
    policyId,
    ...(isOneOf(kind, Object.values(PolicyKind)) ? { kind } : {}),
    ...(isOneOf(mode, Object.values(PolicyMode)) ? { mode } : {}),
    scope: scopeInWords(item),
    ...(typeof reason === 'string' ? { reason } : {}),
    ...(updatedAtMs !== undefined ? { updatedAtMs } : {}),
  };
}

function isOneOf<T extends string>(value: unknown, values: readonly T[]): value is T {
  return typeof value === 'string' && (values as readonly string[]).includes(value);
}
