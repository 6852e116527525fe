import * as z from 'zod';
import { PolicyKind, PolicyLimits } from '../constants.js';
import * as a from './attributes.js';

/** Attributes every kind has, first in a row: its key and kind. */
function head<K extends PolicyKind>(kind: K) {
  return { policyId: a.policyId, kind: a.kind(kind), enabled: a.enabled };
}

/** Attributes every kind has, last in a row: placement (account and Region), expiry, cap and bookkeeping. */
const tail = {
  accounts: a.accounts,
  regions: a.regions,
  expiresAt: a.expiresAt,
  maxTerminations: a.maxTerminations,
  reason: a.reason,
  updatedBy: a.updatedBy,
  updatedAt: a.updatedAt,
  version: a.version,
};

/** What the kinds that can refuse a new connection show the refused user; after what the kind checks. */
const refusal = { message: a.message };

/** Scope of the kinds that can terminate and, without selectors, apply to every identity. */
const everyoneUnlessSelected = {
  mode: a.mode,
  endpoints: a.endpoints,
  usernames: a.optionalSelector('usernames'),
  commonNames: a.optionalSelector('commonNames'),
  groups: a.optionalSelector('groups'),
};

/** Selectors of the kinds that name whom they mean and never widen to everyone. */
function naming(kindName: string) {
  return {
    usernames: a.namingSelector('usernames', kindName),
    commonNames: a.namingSelector('commonNames', kindName),
    groups: a.namingSelector('groups', kindName),
  };
}

/** A row that must name identities: `usernames`, `commonNames` or `groups` holds at least one. */
function requireNamedIdentity(kindName: string) {
  return (row: Partial<Record<a.SelectorAttribute, readonly string[]>>, context: z.RefinementCtx): void => {
    if ((row.usernames?.length ?? 0) > 0 || (row.commonNames?.length ?? 0) > 0 || (row.groups?.length ?? 0) > 0) return;
    context.addIssue({
      code: 'custom',
      path: ['usernames'],
      message: `at least one identity in usernames, commonNames or groups (a ${kindName} row never matches everyone)`,
    });
  };
}

/** `revoked-user`: ends every connection of the identities it names. */
export const revokedUserRowSchema = z
  .strictObject({
    ...head(PolicyKind.REVOKED_USER),
    mode: a.mode,
    endpoints: a.endpoints,
    ...naming(PolicyKind.REVOKED_USER),
    ...refusal,
    ...tail,
  })
  .superRefine(requireNamedIdentity(PolicyKind.REVOKED_USER))
  .describe('Ends every connection of the identities it names.');

/** `idle`: ends a connection whose traffic grew by at most `minBytes` for `idleMinutes`. */
export const idleRowSchema = z
  .strictObject({
    ...head(PolicyKind.IDLE),
    ...everyoneUnlessSelected,
    idleMinutes: a.attribute(
      a.wholeNumber(1, PolicyLimits.MAX_IDLE_MINUTES),
      'Minutes without traffic after which the connection is ended.',
      `a whole number from 1 to ${PolicyLimits.MAX_IDLE_MINUTES} (DynamoDB type N)`,
    ),
    minBytes: a.attribute(
      a.wholeNumber(0).default(0),
      'Traffic (ingress + egress bytes) of at most this much still counts as idle.',
      'a whole number ≥ 0 (DynamoDB type N); default 0',
    ),
    ...tail,
  })
  .describe('Ends a connection whose traffic grew by at most minBytes over the last idleMinutes.');

/** `max-session`: ends a connection older than `maxSessionMinutes`. */
export const maxSessionRowSchema = z
  .strictObject({
    ...head(PolicyKind.MAX_SESSION),
    ...everyoneUnlessSelected,
    maxSessionMinutes: a.attribute(
      a.wholeNumber(1, PolicyLimits.MAX_SESSION_MINUTES),
      'Longest a connection may last, in minutes.',
      `a whole number from 1 to ${PolicyLimits.MAX_SESSION_MINUTES} (DynamoDB type N)`,
    ),
    ...tail,
  })
  .describe('Ends a connection older than maxSessionMinutes.');

/** `off-hours`: ends a connection when now is outside every allowed window. */
export const offHoursRowSchema = z
  .strictObject({
    ...head(PolicyKind.OFF_HOURS),
    ...everyoneUnlessSelected,
    days: a.days,
    start: a.wallClock('When the allowed window opens, local time.'),
    end: a.wallClock(
      'When the allowed window closes (excluded), local time; before start, the window runs past midnight into the next day.',
    ),
    timezone: a.timezone,
    ...refusal,
    ...tail,
  })
  .superRefine((row, context) => {
    if (row.start !== row.end) return;
    context.addIssue({
      code: 'custom',
      path: ['end'],
      message: `a time other than start ${row.start} (the window would be empty)`,
    });
  })
  .describe('Ends a connection when now, in timezone, is outside every allowed window.');

/** `max-connections`: keeps the newest `maxConnections` connections of each identity, ends the others. */
export const maxConnectionsRowSchema = z
  .strictObject({
    ...head(PolicyKind.MAX_CONNECTIONS),
    ...everyoneUnlessSelected,
    maxConnections: a.attribute(
      a.wholeNumber(1),
      'Most active connections one identity may hold on the endpoints of the row; the newest are kept.',
      'a whole number ≥ 1 (DynamoDB type N)',
    ),
    ...refusal,
    ...tail,
  })
  .describe('Keeps the newest maxConnections connections of each identity and ends the others.');

/** `lockdown`: ends every connection on its endpoints and refuses every new one, but those of exempt identities. */
export const lockdownRowSchema = z
  .strictObject({
    ...head(PolicyKind.LOCKDOWN),
    ...everyoneUnlessSelected,
    ...refusal,
    ...tail,
  })
  .describe(
    'Locks its endpoints down: ends every connection on them and refuses every new one (of the identities it selects; without selectors, of every identity). Exempt identities are spared.',
  );

/** `exempt`: never fires; the identities it names are never terminated by any rule. */
export const exemptRowSchema = z
  .strictObject({
    ...head(PolicyKind.EXEMPT),
    mode: a.ignoredMode,
    endpoints: a.exemptEndpoints,
    ...naming(PolicyKind.EXEMPT),
    ...tail,
  })
  .superRefine(requireNamedIdentity(PolicyKind.EXEMPT))
  .describe('Never fires: the identities it names are never terminated by any rule.');

/** The schema of each kind, by kind. */
export const ROW_SCHEMAS = {
  [PolicyKind.REVOKED_USER]: revokedUserRowSchema,
  [PolicyKind.IDLE]: idleRowSchema,
  [PolicyKind.MAX_SESSION]: maxSessionRowSchema,
  [PolicyKind.OFF_HOURS]: offHoursRowSchema,
  [PolicyKind.MAX_CONNECTIONS]: maxConnectionsRowSchema,
  [PolicyKind.LOCKDOWN]: lockdownRowSchema,
  [PolicyKind.EXEMPT]: exemptRowSchema,
} as const satisfies Record<PolicyKind, z.ZodObject>;

/**
 * Every attribute a row can hold, in the order a person reads one: key, kind and `enabled`; mode and scope;
 * what each kind checks, kind by kind; then expiry, cap, reason and bookkeeping. Exports and
 * `policy show` print rows in this order.
 */
export const POLICY_ATTRIBUTE_ORDER: readonly string[] = readingOrder();

function readingOrder(): string[] {
  const first = [...Object.keys(head(PolicyKind.IDLE)), ...Object.keys(everyoneUnlessSelected)];
  const last = [...Object.keys(refusal), ...Object.keys(tail)];
  const checked = Object.values(ROW_SCHEMAS)
    .flatMap((schema) => Object.keys(schema.shape))
    .filter((name) => !first.includes(name) && !last.includes(name));
  return [...new Set([...first, ...checked, ...last])];
}

/**
 * One policy row, as stored in the policies table: a union discriminated by `kind`. Parsing applies the
 * defaults (`enabled` true, `minBytes` 0, `endpoints` ["*"] on exempt rows). Lists are arrays here: use
 * {@link parsePolicyRow} on raw DynamoDB items, which also reads string sets and names every problem.
 */
export const policyRowSchema = z.discriminatedUnion('kind', [
  revokedUserRowSchema,
  idleRowSchema,
  maxSessionRowSchema,
  offHoursRowSchema,
  maxConnectionsRowSchema,
  lockdownRowSchema,
  exemptRowSchema,
]);

/** A parsed policy row, defaults applied. */
export type PolicyRow = z.output<typeof policyRowSchema>;
/** A parsed `revoked-user` row. */
export type RevokedUserRow = z.output<typeof revokedUserRowSchema>;
/** A parsed `idle` row. */
export type IdleRow = z.output<typeof idleRowSchema>;
/** A parsed `max-session` row. */
export type MaxSessionRow = z.output<typeof maxSessionRowSchema>;
/** A parsed `off-hours` row. */
export type OffHoursRow = z.output<typeof offHoursRowSchema>;
/** A parsed `max-connections` row. */
export type MaxConnectionsRow = z.output<typeof maxConnectionsRowSchema>;
/** A parsed `lockdown` row. */
export type LockdownRow = z.output<typeof lockdownRowSchema>;
/** A parsed `exempt` row. */
export type ExemptRow = z.output<typeof exemptRowSchema>;
/** A parsed row of a kind that can terminate (every kind but `exempt`). */
export type EnforcingRow = Exclude<PolicyRow, ExemptRow>;
/** A policy row as a person writes it: defaulted attributes may be left out. */
export type PolicyRowInput = z.input<typeof policyRowSchema>;
