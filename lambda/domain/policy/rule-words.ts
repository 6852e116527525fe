import { PolicyKind } from '../constants.js';
import { formatDuration } from '../format/format-duration.js';
import type { PolicyRow } from './schema.js';

/**
 * What a row's kind checks, in a few words (`idle 30 min (traffic ≤ 0 bytes)`): what `policy list` shows in its
 * RULE column and what the evidence report states for each row, so an auditor reads the control itself.
 */
export function ruleInWords(row: PolicyRow): string {
  switch (row.kind) {
    case PolicyKind.REVOKED_USER:
      return 'every connection of the named identities';
    case PolicyKind.IDLE:
      return `idle ${formatDuration(row.idleMinutes)} (traffic ≤ ${row.minBytes} bytes)`;
    case PolicyKind.MAX_SESSION:
      return `sessions longer than ${formatDuration(row.maxSessionMinutes)}`;
    case PolicyKind.OFF_HOURS:
      return `allowed ${row.days.join(',')} ${row.start}-${row.end} ${row.timezone}`;
    case PolicyKind.MAX_CONNECTIONS:
      return `more than ${row.maxConnections} connections per identity`;
    case PolicyKind.LOCKDOWN:
      return 'every connection on its endpoints, new ones refused';
    case PolicyKind.EXEMPT:
      return 'never terminated by any rule';
  }
}
