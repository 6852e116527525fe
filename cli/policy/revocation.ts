import { createHash } from 'node:crypto';
import {
  ALL_ENDPOINTS,
  isRowActive,
  normalizeIdentity,
  parsePolicyRow,
  PolicyKind,
  PolicyLimits,
  PolicyMode,
  type PolicyRow,
} from '../../lambda/domain/index.js';
import type { StoredPolicy } from '../../lambda/ports/index.js';
import { CliUsageError } from '../errors.js';
import { issueLine } from './row-issues.js';

/** The row id prefix of the rows `revoke` writes. */
export const REVOKED_ROW_PREFIX = 'revoked-';
/** Longest slug of the reason in a row id, so the id stays readable (and far below the key's limit). */
const MAX_SLUG_LENGTH = 60;
/** Characters of a wildcard that revoke refuses: rows match names exactly, never as patterns. */
const WILDCARD = /[*?]/;

/** Who to revoke and why, checked: names trimmed, each once (as the enforcer compares them), a reason that is not blank. */
export interface RevokeRequest {
  readonly usernames: readonly string[];
  readonly commonNames: readonly string[];
  readonly reason: string;
}

/** An identity that an enforcing row already revokes everywhere, and that row. */
export interface AlreadyRevoked {
  readonly attribute: 'usernames' | 'commonNames';
  readonly identity: string;
  readonly policyId: string;
}

/** The identities a write adds. */
export interface AddedIdentities {
  readonly usernames: readonly string[];
  readonly commonNames: readonly string[];
}

/** What `revoke` writes: nothing, a new row, or more identities on an existing row at its version. */
export type RevocationPlan =
  | { readonly action: 'none'; readonly alreadyRevoked: readonly AlreadyRevoked[] }
  | {
      readonly action: 'create';
      readonly policyId: string;
      readonly row: Record<string, unknown>;
      readonly added: AddedIdentities;
      readonly alreadyRevoked: readonly AlreadyRevoked[];
    }
  | {
      readonly action: 'extend';
      readonly policyId: string;
      /** The version the row was read at: the write lands only on it. */
      readonly version: number | undefined;
      readonly changes: Partial<Record<'usernames' | 'commonNames', string[]>>;
      readonly added: AddedIdentities;
      readonly alreadyRevoked: readonly AlreadyRevoked[];
    };

/**
 * The command line of `revoke`, checked: at least one identity; none blank and none with a wildcard (`*`, `?`);
 * a reason that is not blank. A usage error names the value at fault and the fix.
 */
export function checkRevokeRequest(
  usernames: readonly string[],
  commonNames: readonly string[],
  reason: string | undefined,
): RevokeRequest {
  if (usernames.length === 0 && commonNames.length === 0) {
    throw new CliUsageError(
      'revoke: whom? Give one or more user names (cvpn-guard revoke jdoe --reason "left the company"), or --common-names CN',
    );
  }
  const text = reason?.trim() ?? '';
  if (text === '') {
    throw new CliUsageError(
      '--reason is blank: say why the users are revoked, in words (--reason "left the company (HR-1234)"); every decision the row makes shows it',
    );
  }
  if (text.length > PolicyLimits.MAX_TEXT_LENGTH) {
    throw new CliUsageError(
      `--reason is ${text.length} characters long: at most ${PolicyLimits.MAX_TEXT_LENGTH} fit in a policy row; shorten it`,
    );
  }
  return {
    usernames: checkedIdentities('user name', usernames),
    commonNames: checkedIdentities('--common-names entry', commonNames),
    reason: text,
  };
}

function checkedIdentities(noun: string, given: readonly string[]): string[] {
  const kept = new Map<string, string>();
  for (const [index, value] of given.entries()) {
    const name = value.trim();
    if (name === '') {
      throw new CliUsageError(
        `${noun} #${index + 1} is blank: give each identity as the VPN reports it (the user name, or the certificate's common name)`,
      );
    }
    if (WILDCARD.test(name)) {
      throw new CliUsageError(
        `${noun} ${JSON.stringify(value)} holds a wildcard ("*" or "?"): revoked-user rows match names exactly (case-insensitive), never as patterns; name each identity`,
      );
    }
    const folded = normalizeIdentity(name);
    if (!kept.has(folded)) kept.set(folded, name);
  }
  return [...kept.values()];
}

/**
 * What to write so that every identity of the request is revoked on every endpoint:
 * - an identity that an enforcing, active `revoked-user` row on every endpoint already names (in the same
 *   attribute) is left out, and reported with that row;
 * - the rest go onto the enforcing, active `revoked-user` row on every endpoint whose reason is exactly the
 *   request's (the first by id, when several), at the version read;
 * - else onto a new row, {@link revocationRowId}.
 */
export function planRevocation(request: RevokeRequest, stored: readonly StoredPolicy[], now: Date): RevocationPlan {
  const enforcing = stored.flatMap((entry) => {
    const parsed = parsePolicyRow(entry.item);
    return parsed.ok && isRevokingEverywhere(parsed.row, now) ? [{ entry, row: parsed.row }] : [];
  });
  const alreadyRevoked: AlreadyRevoked[] = [];
  const remaining = (attribute: 'usernames' | 'commonNames', identities: readonly string[]) =>
    identities.filter((identity) => {
      const folded = normalizeIdentity(identity);
      const by = enforcing.find(({ row }) => (row[attribute] ?? []).some((name) => normalizeIdentity(name) === folded));
      if (by) alreadyRevoked.push({ attribute, identity, policyId: by.row.policyId });
      return by === undefined;
    });
  const added = {
    usernames: remaining('usernames', request.usernames),
    commonNames: remaining('commonNames', request.commonNames),
  };
  if (added.usernames.length === 0 && added.commonNames.length === 0) return { action: 'none', alreadyRevoked };

  const sameReason = enforcing.find(({ row }) => row.reason.trim() === request.reason);
  if (sameReason) {
    const { row, entry } = sameReason;
    const changes: Partial<Record<'usernames' | 'commonNames', string[]>> = {};
    if (added.usernames.length > 0) changes.usernames = [...(row.usernames ?? []), ...added.usernames];
    if (added.commonNames.length > 0) changes.commonNames = [...(row.commonNames ?? []), ...added.commonNames];
    checkRow({ ...entry.item, ...changes });
    return { action: 'extend', policyId: row.policyId, version: entry.version, changes, added, alreadyRevoked };
  }

  const taken = new Set(stored.map((entry) => entry.policyId));
  const policyId = revocationRowId(request.reason, (id) => taken.has(id));
  const row: Record<string, unknown> = {
    policyId,
    kind: PolicyKind.REVOKED_USER,
    enabled: true,
    mode: PolicyMode.ENFORCE,
    endpoints: [ALL_ENDPOINTS],
    ...(added.usernames.length > 0 ? { usernames: [...added.usernames] } : {}),
    ...(added.commonNames.length > 0 ? { commonNames: [...added.commonNames] } : {}),
    reason: request.reason,
  };
  checkRow(row);
  return { action: 'create', policyId, row, added, alreadyRevoked };
}

/**
 * The id of the row `revoke` adds for a reason: `revoked-` and the reason's slug (lower case, each run of
 * characters other than a-z and 0-9 one "-", at most 60 characters), so one reason is one row. When the slug is
 * empty, or another row has that id already, `-` and the first 8 hex digits of the reason's SHA-256 follow.
 */
export function revocationRowId(reason: string, taken: (policyId: string) => boolean): string {
  const slug = reason
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_SLUG_LENGTH)
    .replace(/-+$/, '');
  const plain = `${REVOKED_ROW_PREFIX}${slug}`;
  if (slug !== '' && !taken(plain)) return plain;
  const hash = createHash('sha256').update(reason, 'utf8').digest('hex').slice(0, 8);
  return slug === '' ? `${REVOKED_ROW_PREFIX}${hash}` : `${plain}-${hash}`;
}

/** An enabled, unexpired `revoked-user` row in enforce mode on every endpoint. */
function isRevokingEverywhere(
  row: PolicyRow,
  now: Date,
): row is Extract<PolicyRow, { kind: typeof PolicyKind.REVOKED_USER }> {
  return (
    row.kind === PolicyKind.REVOKED_USER &&
    row.mode === PolicyMode.ENFORCE &&
    row.endpoints.includes(ALL_ENDPOINTS) &&
    isRowActive(row, now)
  );
}

/** The row as the schema takes it (bookkeeping stamped by the write); a usage error naming each field otherwise. */
function checkRow(item: Readonly<Record<string, unknown>>): void {
  const parsed = parsePolicyRow({ ...item, updatedBy: 'cvpn-guard revoke', updatedAt: new Date(0).toISOString() });
  if (parsed.ok) return;
  throw new CliUsageError(
    [
      `policy row ${JSON.stringify(parsed.error.policyId)} would be invalid; nothing was written:`,
      ...parsed.error.issues.map((issue) => `  - ${issueLine(issue)}`),
    ].join('\n'),
  );
}
