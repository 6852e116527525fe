import type { Connection } from '../types.js';
import { normalizeIdentity } from './normalize-identity.js';

/** The identity selectors of a policy row (`usernames`, `commonNames`). */
export interface IdentitySelectors {
  readonly usernames?: readonly string[];
  readonly commonNames?: readonly string[];
}

/** Which of a connection's identities a row's selectors matched, as the connection reported it. */
export interface MatchedIdentity {
  readonly attribute: 'username' | 'commonName';
  readonly value: string;
}

interface FoldedSelectors {
  readonly usernames: ReadonlySet<string>;
  readonly commonNames: ReadonlySet<string>;
}

/** Folded selectors per row, computed once per row object (rows are immutable once parsed). */
const foldedCache = new WeakMap<IdentitySelectors, FoldedSelectors>();

/**
 * The identity of `connection` that one of the row's selectors names, or `undefined`. A selector matches
 * when any entry of `usernames` equals the connection's user name, or any entry of `commonNames` equals its
 * certificate common name, both after {@link normalizeIdentity}: exact, never substring. Empty or missing
 * selectors match no one here; {@link inIdentityScope} decides what "no selector" means for a kind.
 */
export function matchIdentity(selectors: IdentitySelectors, connection: Connection): MatchedIdentity | undefined {
  const folded = foldSelectors(selectors);
  if (matches(folded.usernames, connection.username))
    return { attribute: 'username', value: connection.username as string };
  if (matches(folded.commonNames, connection.commonName))
    return { attribute: 'commonName', value: connection.commonName as string };
  return undefined;
}

/** True when the row names at least one identity in `usernames` or `commonNames`. */
export function hasSelectors(selectors: IdentitySelectors): boolean {
  return (selectors.usernames?.length ?? 0) > 0 || (selectors.commonNames?.length ?? 0) > 0;
}

/**
 * Whether a connection is in a row's identity scope. Without selectors, `everyoneWhenAbsent` decides:
 * true for the kinds where absent selectors mean every identity, false for `revoked-user` and `exempt`,
 * which never widen to everyone.
 */
export function inIdentityScope(
  selectors: IdentitySelectors,
  connection: Connection,
  everyoneWhenAbsent: boolean,
): boolean {
  if (!hasSelectors(selectors)) return everyoneWhenAbsent;
  return matchIdentity(selectors, connection) !== undefined;
}

function matches(folded: ReadonlySet<string>, value: string | undefined): boolean {
  if (typeof value !== 'string' || folded.size === 0) return false;
  const normalized = normalizeIdentity(value);
  return normalized !== '' && folded.has(normalized);
}

function foldSelectors(selectors: IdentitySelectors): FoldedSelectors {
  const cached = foldedCache.get(selectors);
  if (cached) return cached;
  const folded = { usernames: foldAll(selectors.usernames), commonNames: foldAll(selectors.commonNames) };
  foldedCache.set(selectors, folded);
  return folded;
}

function foldAll(values: readonly string[] | undefined): ReadonlySet<string> {
  return new Set((values ?? []).map(normalizeIdentity).filter((value) => value !== ''));
}
