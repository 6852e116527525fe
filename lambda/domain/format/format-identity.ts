import type { MatchedIdentity } from '../identity/match-identity.js';
import type { Connection } from '../types.js';

/** A matched identity in a reason: `user alice`, `certificate alice.example.com` or `a member of group contractors`. */
export function formatMatchedIdentity(identity: MatchedIdentity): string {
  switch (identity.attribute) {
    case 'username':
      return `user ${clip(identity.value)}`;
    case 'commonName':
      return `certificate ${clip(identity.value)}`;
    case 'group':
      return `a member of group ${clip(identity.value)}`;
  }
}

/** Who holds a connection, in a reason: the user name when there is one, else the certificate, else `an unnamed client`. */
export function formatHolder(connection: Pick<Connection, 'username' | 'commonName'>): string {
  const username = connection.username?.trim();
  if (username) return `user ${clip(username)}`;
  const commonName = connection.commonName?.trim();
  return commonName ? `certificate ${clip(commonName)}` : 'an unnamed client';
}

/** Longest identity shown in a reason. */
const MAX_IDENTITY_SHOWN = 128;

function clip(value: string): string {
  const trimmed = value.trim();
  return trimmed.length > MAX_IDENTITY_SHOWN ? `${trimmed.slice(0, MAX_IDENTITY_SHOWN)}…` : trimmed;
}
