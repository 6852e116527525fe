/** The run lease: two runs never overlap. */
export interface RunLease {
  /**
   * Takes the lease for `runId` until `expiresAt`. True when taken (or already held by the same
   * run id: a retried invocation of the same tick); false when another run holds an unexpired lease.
   */
  acquire(runId: string, now: Date, expiresAt: Date): Promise<boolean>;
  /** Releases the lease if `runId` holds it. */
  release(runId: string): Promise<void>;
}
