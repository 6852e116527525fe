import type { Placement } from '../domain/types.js';

/**
 * One spoke of an organization deployment as its last run announced it (the heartbeat in the hub's audit table).
 * Every run of a spoke overwrites its own entry.
 */
export interface SpokeEntry extends Placement {
  /** ISO time of the spoke's last run. */
  readonly at: string;
  /** The run id (placed: `<accountId>.<region>/<runId>`) of that run. */
  readonly runId: string;
  /** The run's summary status (`completed`, `partial`, `disabled`, …). */
  readonly status: string;
  /** The spoke's enforcer function (unqualified ARN): what the hub's relay invokes on a policy change. */
  readonly functionArn: string;
  /** The spoke's client connect handler, when the spoke has one. */
  readonly gateFunctionArn?: string;
  /** The spoke's state table name (idle memory and run lease), for the CLI's plan. */
  readonly stateTable?: string;
}

/** The spokes of an organization deployment, as the hub knows them: from each spoke's heartbeat. */
export interface SpokeDirectory {
  /** Announces a spoke (its run's heartbeat): overwrites the spoke's entry. */
  announce(entry: SpokeEntry): Promise<void>;
  /** Every spoke that ever announced itself and whose entry has not expired, ordered by account then Region. */
  list(): Promise<SpokeEntry[]>;
}
