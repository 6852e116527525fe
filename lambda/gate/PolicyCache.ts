import type { PolicyRow } from '../domain/index.js';
import type { Clock, PolicyRepository, RunLogger } from '../ports/index.js';

/**
 * The share of the connect deadline an attempt waits for a refresh of the rows while rows are in memory; past it,
 * the attempt decides with the rows last read and the refresh goes on for the next. In a spoke the rows are read in
 * the hub's Region: a slow read there must leave the count and the audit write their time.
 */
export const REFRESH_SHARE_OF_DEADLINE = 0.25;

/** The rows the gate decides with, and when they were read. */
export interface CachedRows {
  readonly rows: readonly PolicyRow[];
  readonly loadedAt: Date;
}

/**
 * The policy rows, kept in memory for the life of the container and read again at most every `maxAgeMs`
 * (one read at a time, however many attempts wait for it). A read that fails keeps the rows last read, so a
 * revoked user stays refused while DynamoDB is unreachable; before the first good read there are none.
 */
export class PolicyCache {
  private last?: CachedRows;
  private lastAttemptAt?: number;
  private inFlight?: Promise<CachedRows | undefined>;

  constructor(
    private readonly repository: PolicyRepository,
    private readonly clock: Clock,
    /** How long rows are used before they are read again (the `policyCacheSeconds` setting, in ms). */
    private readonly maxAgeMs: number,
    private readonly logger: RunLogger,
  ) {}

  /** The rows last read; undefined before the first good read. */
  public get lastGood(): CachedRows | undefined {
    return this.last;
  }

  /** Whether a read of the rows is under way. */
  public get refreshing(): boolean {
    return this.inFlight !== undefined;
  }

  /**
   * The rows to decide with: those in memory while they are younger than `maxAgeMs`, else those of a new read
   * (or, when it fails, those in memory). Never rejects. A read is attempted at most every `maxAgeMs`, except
   * while no read has succeeded: then every call tries (one at a time).
   */
  public rows(): Promise<CachedRows | undefined> {
    const now = this.clock.now().getTime();
    const due =
      this.last === undefined || this.lastAttemptAt === undefined || now - this.lastAttemptAt >= this.maxAgeMs;
    if (!due) return Promise.resolve(this.last);
    this.inFlight ??= this.refresh(now).finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async refresh(startedAt: number): Promise<CachedRows | undefined> {
    this.lastAttemptAt = startedAt;
    try {
      const load = await this.repository.loadAll();
      this.last = { rows: load.rows, loadedAt: this.clock.now() };
      if (load.findings.length > 0)
        this.logger.warn('policy rows that fail validation match nothing', { invalidPolicies: load.findings.length });
    } catch (error) {
      this.logger.error('reading the policy rows failed; deciding with the rows last read', {
        error: error instanceof Error ? error.message : String(error),
        lastLoadedAt: this.last?.loadedAt.toISOString(),
      });
    }
    return this.last;
  }
}
