import type { Connection } from '../types.js';
import { normalizeIdentity } from './normalize-identity.js';

/** The identity selectors of a policy row (`usernames`, `commonNames`, `groups`). */
export interface IdentitySelectors {
  readonly usernames?: readonly string[];
  readonly commonNames?: readonly string[];
  readonly groups?: readonly string[];
}

/** What a row's selectors can be matched against: the identities of a connection, or of an attempt to connect. */
export type ClientIdentity = Pick<Connection, 'username' | 'commonName' | 'groups'>;

/** Which of a client's identities a row's selectors matched, as the client reported it. */
export interface MatchedIdentity {
  readonly attribute: 'username' | 'commonName' | 'group';
  readonly value: string;
}

interface FoldedSelectors {
  readonly usernames: ReadonlySet<string>;
  readonly commonNames: ReadonlySet<string>;
  readonly groups: ReadonlySet<string>;
}

/** Folded selectors per row, computed once per row object (rows are immutable once parsed). */
const foldedCache = new WeakMap<IdentitySelectors, FoldedSelectors>();

/**
 * The identity of `client` that one of the row's selectors names, or `undefined`. The selectors combine
 * with "or", as `usernames` and `commonNames` always have: the row matches when any entry of `usernames`
 * equals the user name, or any entry of `commonNames` equals the certificate common name, or any entry of
 * `groups` equals one of the client's groups, all after {@link normalizeIdentity}: exact, never substring.
 * Groups that are unknown (`groups` absent on the client: EC2 does not list them, only a connect attempt
 * carries them) match no entry, so a row selecting by groups alone never matches such a client; its other
 * selectors still do. Empty or missing selectors match no one here; {@link inIdentityScope} decides what
 * "no selector" means for a kind.
 */
export function matchIdentity(selectors: IdentitySelectors, client: ClientIdentity): MatchedIdentity | undefined {
  const folded = foldSelectors(selectors);
  if (matches(folded.usernames, client.username)) return { attribute: 'username', value: client.username as string };
  if (matches(folded.commonNames, client.commonName))
    return { attribute: 'commonName', value: client.commonName as string };
  const group = folded.groups.size === 0 ? undefined : client.groups?.find((entry) => matches(folded.groups, entry));
  return group === undefined ? undefined : { attribute: 'group', value: group };
}

/** True when the row names at least one identity in `usernames`, `commonNames` or `groups`. */
export function hasSelectors(selectors: IdentitySelectors): boolean {
  return (
    (selectors.usernames?.length ?? 0) > 0 ||
    (selectors.commonNames?.length ?? 0) > 0 ||
    (selectors.groups?.length ?? 0) > 0
  );
}

/**
 * Whether a client is in a row's identity scope. Without selectors, `everyoneWhenAbsent` decides:
 * true for the kinds where absent selectors mean every identity, false for `revoked-user` and `exempt`,
 * which never widen to everyone.
 */
export function inIdentityScope(
  selectors: IdentitySelectors,
  client: ClientIdentity,
  everyoneWhenAbsent: boolean,
): boolean {
  if (!hasSelectors(selectors)) return everyoneWhenAbsent;
  return matchIdentity(selectors, client) !== undefined;
}

function matches(folded: ReadonlySet<string>, value: string | undefined): boolean {
  if (typeof value !== 'string' || folded.size === 0) return false;
  const normalized = normalizeIdentity(value);
  return normalized !== '' && folded.has(normalized);
}

function foldSelectors(selectors: IdentitySelectors): FoldedSelectors {
  const cached = foldedCache.get(selectors);
  if (cached) return cached;
  const folded = {
    usernames: foldAll(selectors.usernames),
    commonNames: foldAll(selectors.commonNames),
    groups: foldAll(selectors.groups),
  };
  foldedCache.set(selectors, folded);
  return folded;
}

function foldAll(values: readonly string[] | undefined): ReadonlySet<string> {
  return new Set((values ?? []).map(normalizeIdentity).filter((value) => value !== ''));
}
