import type { Connection, IdleState } from '../types.js';

/** What a rule may look at besides the row and the connections: time is a parameter, never read. */
export interface RuleContext {
  /** The instant of the run. */
  readonly now: Date;
  /** The idle memory after observing this run's connections ({@link advanceIdleState}). */
  readonly idleState: IdleState;
}

/** A connection a rule fired on, with the evidence its reason shows. */
export interface RuleHit<E> {
  readonly connection: Connection;
  readonly evidence: E;
}

/**
 * One kind's rule, in the shape of a cdk-nag rule: a pure check and, apart from it, the sentence a person
 * reads. `fires` gets only the active connections in the row's endpoint and identity scope.
 */
export interface Rule<R, E> {
  /** The connections the row fires on, each with its evidence; the others comply. */
  readonly fires: (row: R, scoped: readonly Connection[], context: RuleContext) => readonly RuleHit<E>[];
  /** The reason a person reads, with its evidence and the row's id. */
  readonly reason: (row: R, evidence: E) => string;
  /**
   * The instant the row's condition became true for the connection, never after `now`; `undefined` when the
   * evidence cannot say (the time to enforce is then not measured, never guessed).
   */
  readonly conditionAt: (row: R, evidence: E, connection: Connection, context: RuleContext) => Date | undefined;
}

/** Lifts a check of one connection (evidence when it fires, `undefined` when it complies) to a rule's `fires`. */
export function eachConnection<R, E>(
  check: (row: R, connection: Connection, context: RuleContext) => E | undefined,
): Rule<R, E>['fires'] {
  return (row, scoped, context) =>
    scoped.flatMap((connection) => {
      const evidence = check(row, connection, context);
      return evidence === undefined ? [] : [{ connection, evidence }];
    });
}

/** The closing words of every reason: which row decided. */
export function byPolicy(row: { readonly policyId: string }): string {
  return `(policy ${row.policyId})`;
}

/**
 * When a row that fires on who or where a client is (revoked-user, lockdown, max-connections) began to hold for
 * a connection: the later of the connection's establishment and the row's last write (`updatedAt`), never after
 * `now`; `undefined` when the row has no `updatedAt` or the establishment time cannot be read.
 */
export function sinceRowWrite(
  row: { readonly updatedAt?: string | undefined },
  connection: Pick<Connection, 'establishedAt'>,
  { now }: Pick<RuleContext, 'now'>,
): Date | undefined {
  if (row.updatedAt === undefined) return undefined;
  return laterOf(connection.establishedAt, new Date(row.updatedAt), now);
}

/** The later of `from` and `since`, never after `now`; `undefined` when either cannot be read. */
export function laterOf(from: Date, since: Date, now: Date): Date | undefined {
  const instant = Math.max(from.getTime(), since.getTime());
  return Number.isNaN(instant) ? undefined : new Date(Math.min(instant, now.getTime()));
}
