import { RunTrigger, type RunRecord } from '../ports/index.js';
import type { BatchVerdict } from './change-filter.js';
import type { RunReport } from './RunReport.js';

/**
 * Most records the handler's answer holds. Lambda answers at most 6 MB; a record is well under 1 KB, and the
 * audit table holds every record of the run whatever the answer leaves out.
 */
export const MAX_RECORDS_IN_RESULT = 1000;

/** The status of the answer to a stream batch that started no run. */
export const IGNORED = 'ignored';

/** The handler's answer for a run: its report without the engine's decisions (its records carry them). */
export type RunResult = Omit<RunReport, 'decisions' | 'records'> & {
  /** The run's first {@link MAX_RECORDS_IN_RESULT} records. */
  readonly records: readonly RunRecord[];
  /** Records left out of `records` (the audit table holds them). @default absent: none */
  readonly recordsOmitted?: number;
  /** For a change run: records in the batch. */
  readonly changes?: number;
  /** For a change run: every record of the batch that started nothing, and why. */
  readonly ignored?: readonly string[];
};

/** The handler's answer to a stream batch that holds no change able to end sessions: no run started. */
export interface IgnoredBatch {
  readonly status: typeof IGNORED;
  readonly trigger: typeof RunTrigger.CHANGE;
  /** Records in the batch. */
  readonly changes: number;
  /** Each record, and why it starts nothing. */
  readonly ignored: readonly string[];
}

/** What the enforcer's handler answers. */
export type EnforcerResult = RunResult | IgnoredBatch;

/** The answer for a run; for a change run, with what the batch held. */
export function runResultOf(report: RunReport, batch?: BatchVerdict): RunResult {
  const { decisions: _decisions, records, ...rest } = report;
  const omitted = records.length - MAX_RECORDS_IN_RESULT;
  return {
    ...rest,
    records: omitted > 0 ? records.slice(0, MAX_RECORDS_IN_RESULT) : records,
    ...(omitted > 0 ? { recordsOmitted: omitted } : {}),
    ...(batch ? { changes: batch.records, ignored: ignoredOf(batch) } : {}),
  };
}

/** The answer to a batch that started no run. */
export function ignoredBatchOf(batch: BatchVerdict): IgnoredBatch {
  return { status: IGNORED, trigger: RunTrigger.CHANGE, changes: batch.records, ignored: ignoredOf(batch) };
}

/** Whether an answer is a run's (every answer but an ignored batch's). */
export function isRunResult(result: EnforcerResult): result is RunResult {
  return result.status !== IGNORED;
}

function ignoredOf(batch: BatchVerdict): string[] {
  return [...batch.rejected, ...batch.unchanged];
}
