import { PolicyKind } from '../constants.js';
import type { EnforcingRow, ExemptRow, PolicyRow } from './schema.js';

/** Whether a row can end a connection or refuse one (every kind but `exempt`). */
export function isEnforcingRow(row: PolicyRow): row is EnforcingRow {
  return row.kind !== PolicyKind.EXEMPT;
}

/** Whether a row is an exemption. */
export function isExemptRow(row: PolicyRow): row is ExemptRow {
  return row.kind === PolicyKind.EXEMPT;
}
