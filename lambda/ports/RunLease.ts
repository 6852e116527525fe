/** The run lease: two runs never overlap. */
export interface RunLease {
  /**
   * Takes the lease for `runId` until `expiresAt`. True when taken, or already held by the same run
   * id and the same `holder` (a retried invocation of the same tick); false when another run, or
   * another invocation of the same run id (a duplicate delivery running at the same time), holds
   * an unexpired lease. Without `holder`, any invocation of the same run id may take it.
   */
  acquire(runId: string, now: Date, expiresAt: Date, holder?: string): Promise<boolean>;
  /** Releases the lease if `runId` holds it. */
  release(runId: string): Promise<void>;
}
