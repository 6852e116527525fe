/**
 * How the enforcer reads the policies table's stream: the stack's event source mapping (lib/policy-changes.ts) and the
 * sandbox's (cli/sandbox/product.ts) are both made from these figures. Not settings: each value follows from how a run
 * works, and the schedule still runs every period, so a batch the mapping gives up on delays enforcement by one period
 * at most.
 */
export const POLICY_CHANGE_MAPPING = {
  /**
   * One run for up to 1,000 changed rows: a burst (an import, a script revoking a department) is a run or two, not
   * one a hundred rows as Lambda's default of 100 would make. A row is a few hundred bytes in each image, so a full
   * batch stays far under Lambda's 6 MB invocation payload.
   */
  batchSize: 1000,
  /** Wait up to 1 s for more changes (a script writing several rows), then run: a run a second, not a run a row. */
  maxBatchingWindowSeconds: 1,
  /** A failing batch is split in two and each half retried (splitting uses none of the retry attempts). */
  bisectBatchOnError: true,
  /** A batch that keeps failing is retried 10 times (bisected as it goes), then recorded in the failure queue. */
  retryAttempts: 10,
  /** A change older than an hour is stale: the schedule has read the row since (twelve times at the default rate). */
  maxRecordAgeSeconds: 3600,
  /** One batch per shard at a time: a run holds the lease anyway, so a second batch would only find it held. */
  parallelizationFactor: 1,
} as const;
