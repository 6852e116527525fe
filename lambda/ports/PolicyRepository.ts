import type { PolicyRow, PolicyValidationError } from '../domain/index.js';

/** Every policy row of the table: the valid ones parsed, the invalid ones as findings. */
export interface PolicyLoad {
  readonly rows: readonly PolicyRow[];
  /** Rows that failed validation; they match nothing. Never thrown. */
  readonly findings: readonly PolicyValidationError[];
}

/** The policies table, as the run reads it. */
export interface PolicyRepository {
  /** Reads every page; each row goes through the domain schema. */
  loadAll(): Promise<PolicyLoad>;
}
