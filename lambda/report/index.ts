/**
 * The evidence report's folding: audit records and run summaries in, one `EvidenceReport` out. No I/O of its own:
 * the reader pages through the audit ports and hands each page's items to the {@link ReportAccumulator}.
 */
export { ReportAccumulator, type PolicyRowSource, type ReportFootprint } from './ReportAccumulator.js';
export type { ReportOptions } from './ReportOptions.js';
export { UNKNOWN_REGION } from './CostTally.js';
export { ENDPOINT_LISTING } from './HealthTally.js';
export { LOCAL } from './evidence-fields.js';
export { TOP_IDENTITIES } from './SessionTally.js';
export { bucketFor, bucketStart, bucketStarts, HOURLY_PERIOD_MAX_MS, type TimeSpan } from '../domain/report/bucket.js';
export { distributionOf, nearestRank } from '../domain/report/distribution.js';
export { GAP_FACTOR } from '../domain/report/run-gaps.js';
export { scopeInWords, UNKNOWN_SCOPE } from '../domain/report/scope-words.js';
export * from '../domain/report/early-end.js';
export * from '../domain/report/types.js';
