import { PolicyKind } from '../constants.js';
import type { EnforcingRow } from '../policy/schema.js';
import type { Connection, Firing } from '../types.js';
import { idleRule } from './idle.js';
import { lockdownRule } from './lockdown.js';
import { maxConnectionsRule } from './max-connections.js';
import { maxSessionRule } from './max-session.js';
import { offHoursRule } from './off-hours.js';
import { revokedUserRule } from './revoked-user.js';
import type { Rule, RuleContext } from './rule.js';

/** A rule that fired on one connection. */
export interface ConnectionFiring {
  readonly connection: Connection;
  readonly firing: Firing;
}

/** Runs the rule of a row's kind over the connections in its scope: every connection it fires on, with the reason. */
export function fireRow(row: EnforcingRow, scoped: readonly Connection[], context: RuleContext): ConnectionFiring[] {
  switch (row.kind) {
    case PolicyKind.LOCKDOWN:
      return run(lockdownRule, row, scoped, context);
    case PolicyKind.REVOKED_USER:
      return run(revokedUserRule, row, scoped, context);
    case PolicyKind.MAX_CONNECTIONS:
      return run(maxConnectionsRule, row, scoped, context);
    case PolicyKind.MAX_SESSION:
      return run(maxSessionRule, row, scoped, context);
    case PolicyKind.OFF_HOURS:
      return run(offHoursRule, row, scoped, context);
    case PolicyKind.IDLE:
      return run(idleRule, row, scoped, context);
  }
}

function run<R extends EnforcingRow, E>(
  rule: Rule<R, E>,
  row: R,
  scoped: readonly Connection[],
  context: RuleContext,
): ConnectionFiring[] {
  return rule.fires(row, scoped, context).map(({ connection, evidence }) => {
    const conditionAt = rule.conditionAt(row, evidence, connection, context);
    return {
      connection,
      firing: {
        policyId: row.policyId,
        kind: row.kind,
        mode: row.mode,
        reason: rule.reason(row, evidence),
        ...(conditionAt === undefined ? {} : { conditionAt }),
      },
    };
  });
}
