import { ConnectionStatus, PolicyKind } from '../constants.js';
import { DomainError } from '../errors.js';
import { advanceIdleState } from '../idle/advance-idle-state.js';
import { compareConnections, compareText, connectionKey } from '../order/compare.js';
import { groupBy } from '../order/group-by.js';
import { isRowActive } from '../policy/policy-scope.js';
import { isEnforcingRow, isExemptRow } from '../policy/row-kind.js';
import type { EnforcingRow } from '../policy/schema.js';
import { fireRow } from '../rules/fire-row.js';
import type { RuleContext } from '../rules/rule.js';
import { inRuleScope } from '../rules/rule-scope.js';
import type { Connection, EvaluateOptions, Evaluation, Firing, IdleState } from '../types.js';
import { applyCaps } from './apply-caps.js';
import { decide } from './decide.js';
import { parseRows } from './parse-rows.js';

/**
 * Decides, for one run at `now`, which connections break a policy. Pure and deterministic: no clock, no
 * I/O, decisions sorted by endpoint id then connection id.
 *
 * - Rows are parsed here; a row that fails matches nothing and becomes a finding (never thrown). Disabled
 *   and expired rows (`expiresAt` ≤ now) are inactive: no decision, no finding.
 * - Only `active` connections get a decision; the others are skipped entirely.
 * - A row applies to connections on the endpoints it scopes (`["*"]` or ids) whose identity it selects: any
 *   of its user names, common names or groups (`matchIdentity`; groups never match a connection whose
 *   groups are unknown). Absent selectors mean everyone, except on `revoked-user` and `exempt` rows, which
 *   match only whom they name.
 * - One decision per connection on which some rule fired, listing every rule that fired, strongest first;
 *   the strongest `enforce` rule decides ({@link decidingFiring}); exemptions win (`exempted`).
 * - Caps fail closed ({@link applyCaps}); `options.dryRun` turns every terminate into would-terminate.
 * - A decision carries its deciding row's own `reason` text as `policyReason`, when the row has one.
 * - Idle state is advanced first ({@link advanceIdleState}) and the result is returned for the next run.
 *
 * @throws DomainError when `now` is not a valid date (a caller's bug, never a row's).
 */
export function evaluate(
  policies: readonly unknown[],
  connections: readonly Connection[],
  idleState: IdleState,
  now: Date,
  options: EvaluateOptions = {},
): Evaluation {
  if (!(now instanceof Date) || Number.isNaN(now.getTime()))
    throw new DomainError(`evaluate needs a valid date for now, got ${String(now)}`);
  const { rows, findings } = parseRows(policies);
  const inForce = rows.filter((row) => isRowActive(row, now));
  const enforcing = inForce.filter(isEnforcingRow);
  const exemptions = inForce.filter(isExemptRow).sort((left, right) => compareText(left.policyId, right.policyId));
  const active = activeConnections(connections);
  const nextIdleState = advanceIdleState(idleState, active, idleThresholds(enforcing), now);
  const firings = fireAll(enforcing, active, { now, idleState: nextIdleState });
  const rowReasons = new Map(enforcing.flatMap((row) => (row.reason ? [[row.policyId, row.reason] as const] : [])));
  const decisions = active.flatMap((connection) => {
    const decision = decide(
      connection,
      firings.get(connectionKey(connection)) ?? [],
      exemptions,
      options.dryRun === true,
    );
    if (decision === undefined) return [];
    const policyReason = rowReasons.get(decision.decidingPolicyId);
    return [policyReason === undefined ? decision : { ...decision, policyReason }];
  });
  const capped = applyCaps(decisions, rowCaps(enforcing), options.maxTerminationsPerRun);
  return { ...capped, findings, idleState: nextIdleState };
}

/** Active connections only, once each, in the engine's stable order. */
function activeConnections(connections: readonly Connection[]): Connection[] {
  const byKey = new Map<string, Connection>();
  for (const connection of connections) {
    if (connection.status === ConnectionStatus.ACTIVE && !byKey.has(connectionKey(connection)))
      byKey.set(connectionKey(connection), connection);
  }
  return [...byKey.values()].sort(compareConnections);
}

/** Every rule that fired, by connection key. */
function fireAll(
  rows: readonly EnforcingRow[],
  connections: readonly Connection[],
  context: RuleContext,
): Map<string, Firing[]> {
  const fired = rows.flatMap((row) =>
    fireRow(
      row,
      connections.filter((connection) => inRuleScope(row, connection)),
      context,
    ),
  );
  const byConnection = groupBy(fired, ({ connection }) => connectionKey(connection));
  return new Map([...byConnection].map(([key, firings]) => [key, firings.map(({ firing }) => firing)]));
}

function idleThresholds(rows: readonly EnforcingRow[]): number[] {
  return rows.flatMap((row) => (row.kind === PolicyKind.IDLE ? [row.minBytes] : []));
}

function rowCaps(rows: readonly EnforcingRow[]): Map<string, number> {
  return new Map(
    rows.flatMap((row) => (row.maxTerminations === undefined ? [] : [[row.policyId, row.maxTerminations] as const])),
  );
}
