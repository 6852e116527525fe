/** What bench/report-run.ts and its report process (bench/report-process.ts) say over IPC. */
import type { ReportSpec } from './report-scenario.js';
import type { ServedCounts } from './report-query.js';

/** Where the report process reads the audit table from. */
export const ReportSource = {
  /** The fleet's records made as they are read (bench/report-query.ts). */
  SYNTHETIC: 'synthetic',
  /** The sandbox's DynamoDB (dynalite), through the product's `DynamoAuditQuery`. */
  DYNAMODB: 'dynamodb',
} as const;
/** One of the sources. */
export type ReportSource = (typeof ReportSource)[keyof typeof ReportSource];

/** Make the report of `spec`'s period from `source`, write it in every format to `outDir`, and say what it took. */
export interface ReportCommand {
  readonly spec: ReportSpec;
  readonly source: ReportSource;
  readonly outDir: string;
  /** For {@link ReportSource.DYNAMODB}: the sandbox's endpoint and audit table. */
  readonly dynamodb?: { readonly endpoint: string; readonly region: string; readonly auditTable: string };
}

/** One rendering of the report. */
export interface RenderedFile {
  readonly format: 'html' | 'csv' | 'json';
  readonly bytes: number;
  readonly wallMs: number;
}

/** A few of the report's own figures, to check against what was generated. */
export interface ReportHeadline {
  readonly policies: number;
  readonly ended: number;
  readonly refused: number;
  readonly wouldEnd: number;
  readonly failed: number;
  readonly deferred: number;
  readonly invalidSpans: number;
  readonly runs: number;
  readonly gaps: number;
  readonly partialRuns: number;
  readonly canaryFailures: number;
  readonly connectionHours: number;
  readonly estimatedUsd: number;
}

/** What the report process measured. */
export interface ReportMeasurement {
  /** What the report says it read. */
  readonly read: { readonly records: number; readonly summaries: number; readonly pages: number };
  /** What the synthetic table served (absent for DynamoDB). */
  readonly served?: ServedCounts;
  readonly readWallMs: number;
  readonly files: readonly RenderedFile[];
  readonly wallMs: number;
  readonly cpuMs: number;
  /** The process's peak resident set: the kernel's high-water mark (VmHWM), bytes. */
  readonly peakRssBytes: number;
  /** `process.resourceUsage().maxRSS`, bytes: the same high-water mark as Node reads it. */
  readonly maxRssBytes: number;
  /** The largest resident set and V8 heap sampled every 100 ms, bytes. */
  readonly sampledPeakRssBytes: number;
  readonly sampledPeakHeapUsedBytes: number;
  /** Resident set once the process had loaded its modules, before reading: the floor under every figure. */
  readonly startRssBytes: number;
  readonly headline: ReportHeadline;
}

/** The process's one answer. */
export type ReportEvent =
  | { readonly type: 'measured'; readonly measurement: ReportMeasurement }
  | { readonly type: 'failed'; readonly message: string };
