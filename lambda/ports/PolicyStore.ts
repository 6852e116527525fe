/** One item of the policies table as stored, valid or not (hand edits happen). */
export interface StoredPolicy {
  /** The item's key. */
  readonly policyId: string;
  /** Every attribute as stored (numbers that no JavaScript number holds exactly stay text, so the schema names them). */
  readonly item: Readonly<Record<string, unknown>>;
  /** The item's `version`, when it holds a whole number. */
  readonly version?: number;
}

/** What a write expects to find, so a change made meanwhile is never overwritten. */
export type PolicyWriteCondition =
  /** The row must not exist yet. */
  | { readonly expect: 'absent' }
  /** The row must exist with this `version` (undefined: the row has no `version` attribute, as a hand-written row). */
  | { readonly expect: 'version'; readonly version: number | undefined };

/** What a writer knows of a row when it writes it: all that decides the condition of its write. */
export interface PolicyWriteIntent {
  /** Overwrite the row whatever version it has now. */
  readonly replace: boolean;
  /** The row as the table holds it now, when the writer read it. @default not read, or absent */
  readonly current?: StoredPolicy;
  /** The version the writer's copy was read at (the `version` of an exported row). @default none: a new row */
  readonly readVersion?: number;
}

/**
 * The condition of a write, so it never overwrites a change made meanwhile: a replace lands on the row
 * as it is now (or on its absence); otherwise an edit lands only on the version it was read at, and a
 * row without one must be new.
 */
export function policyWriteCondition(intent: PolicyWriteIntent): PolicyWriteCondition {
  if (intent.replace) {
    return intent.current ? { expect: 'version', version: intent.current.version } : { expect: 'absent' };
  }
  return intent.readVersion === undefined ? { expect: 'absent' } : { expect: 'version', version: intent.readVersion };
}

/** Who made a change and when: recorded in `updatedBy` and `updatedAt` by every write. */
export interface PolicyChangeStamp {
  readonly updatedBy: string;
  /** ISO 8601 time. */
  readonly updatedAt: string;
}

/**
 * The policies table as operators edit it. Every write is conditional and bumps `version` (a new row
 * gets version 1), so two people editing one row never silently overwrite each other: the loser gets
 * `PolicyConflictError`. Validation is the caller's: the store writes what it is given.
 */
export interface PolicyStore {
  /** Every item (all pages, consistent read), sorted by policyId. */
  list(): Promise<StoredPolicy[]>;
  /** One item by id (consistent read), or undefined. */
  get(policyId: string): Promise<StoredPolicy | undefined>;
  /** Writes the whole row (any `version` in it is replaced); returns the version written. */
  put(
    row: Readonly<Record<string, unknown>> & { readonly policyId: string },
    condition: PolicyWriteCondition,
    stamp: PolicyChangeStamp,
  ): Promise<number>;
  /** Sets some attributes of an existing row at `version`; returns the version written. */
  update(
    policyId: string,
    changes: Readonly<Record<string, unknown>>,
    version: number | undefined,
    stamp: PolicyChangeStamp,
  ): Promise<number>;
  /** Deletes a row, only while it still has `version`. */
  delete(policyId: string, version: number | undefined): Promise<void>;
}
