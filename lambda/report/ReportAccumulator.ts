// placeholder: the model helper replaces this file
import { COST_METHOD } from '../domain/report/early-end.js';
import {
  type EvidenceReport,
  type PolicyEvidence,
  ReportBucket,
  type ReportPeriod,
  type ReportScope,
} from '../domain/report/types.js';
import { Outcome, type ParsedPolicyRow } from '../domain/index.js';
import type { ListedRecord, RunSummary } from '../ports/index.js';

/** What a report covers and how it prices. */
export interface ReportOptions {
  readonly period: ReportPeriod;
  readonly scope: ReportScope;
  readonly generatedAt: Date;
  readonly prices: ReadonlyMap<string, number>;
  readonly bucket?: ReportBucket;
}

/** Folds audit records and run summaries into the report, one at a time. */
export class ReportAccumulator {
  private records = 0;
  private summaries = 0;
  private readonly policies = new Map<string, { ended: number; refused: number; rowExists: boolean }>();

  constructor(private readonly options: ReportOptions) {}

  public addPolicyRows(rows: readonly ParsedPolicyRow[]): void {
    for (const parsed of rows) {
      const policyId = parsed.ok ? parsed.row.policyId : parsed.error.policyId;
      this.policies.set(policyId, { ended: 0, refused: 0, rowExists: true });
    }
  }

  public addRecord(record: ListedRecord): void {
    this.records += 1;
    if (record.policyId === undefined) return;
    const policy = this.policies.get(record.policyId) ?? { ended: 0, refused: 0, rowExists: false };
    if (record.outcome === Outcome.TERMINATED) policy.ended += 1;
    if (record.outcome === Outcome.REFUSED) policy.refused += 1;
    this.policies.set(record.policyId, policy);
  }

  public addSummary(_summary: RunSummary): void {
    this.summaries += 1;
  }

  public finish(): EvidenceReport {
    const none = { count: 0 };
    const policies: PolicyEvidence[] = [...this.policies.entries()]
      .filter(
        ([policyId]) => this.options.scope.policyIds.length === 0 || this.options.scope.policyIds.includes(policyId),
      )
      .sort(([left], [right]) => (left < right ? -1 : 1))
      .map(([policyId, counts]) => ({
        policyId,
        scope: '',
        rowExists: counts.rowExists,
        ended: counts.ended,
        refused: counts.refused,
        wouldEnd: 0,
        wouldRefuse: 0,
        exempted: 0,
        capped: 0,
        timeToEnforce: none,
        exceptions: { failed: 0, cappedRuns: 0, deferred: 0, invalid: [] },
      }));
    return {
      schemaVersion: 1,
      generatedAt: this.options.generatedAt.toISOString(),
      period: this.options.period,
      scope: this.options.scope,
      read: { records: this.records, summaries: this.summaries, pages: 0 },
      policies,
      health: {
        runs: { total: this.summaries, scheduled: 0, manual: 0, eventDriven: 0, continuations: 0 },
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
      bucket: this.options.bucket ?? ReportBucket.DAY,
    };
  }
}
