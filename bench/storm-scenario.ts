/**
 * The login storm: connection attempts at the client connect handler, generated (never hand-written) and the
 * same every time. Two endpoints; policy rows of every kind that can refuse at connect (revoked users,
 * off-hours, max-connections, a lockdown), an exemption, an observe-mode row, and rows that are not in force
 * (one disabled, one expired); attempts by people in every role, spread evenly over the storm.
 */
import { endpointIdOf } from './scenarios.js';

/** The shape of one storm. */
export interface StormSpec {
  /** Attempts in the storm. */
  readonly attempts: number;
  /** Simulated ms the storm lasts; attempts are spread evenly over it. */
  readonly durationMs: number;
  /** Attempts before the storm, while everything works (the container's warm-up). */
  readonly warmUpAttempts: number;
  /** Simulated ms per real ms. */
  readonly speed: number;
}

/** The storm of `npm run bench`: 3,000 attempts over 60 simulated seconds, in real time. */
export const FULL_STORM: StormSpec = { attempts: 3000, durationMs: 60_000, warmUpAttempts: 20, speed: 1 };
/** `--quick`: 600 attempts over the same 60 simulated seconds at 5×, so as many attempts a real second. */
export const QUICK_STORM: StormSpec = { attempts: 600, durationMs: 60_000, warmUpAttempts: 20, speed: 5 };

/** The storm's simulated start: Thursday 2026-11-26, 10:00 UTC (11:00 in Berlin, 19:00 in Tokyo). */
export const STORM_START = '2026-11-26T10:00:00Z';

/** Why an attempt is in the storm: whom it is by, and so what the rows make of it. */
export const StormRole = {
  /** Staff: nothing fires but the max-connections row, whose count is unknown at connect. */
  STAFF: 'staff',
  /** A revoked user (some spelled in another case, some in the night-shift group too). */
  LEAVER: 'leaver',
  /** A revoked certificate, revoked on the second endpoint only. */
  LOST_LAPTOP: 'lost-laptop',
  /** Listed by the observe-mode revoked-user row: would be refused, admitted. */
  PENDING_LEAVER: 'pending-leaver',
  /** A contractor, inside office hours in Berlin. */
  CONTRACTOR: 'contractor',
  /** The night shift, outside its hours in Tokyo. */
  NIGHT_SHIFT: 'night-shift',
  /** A vendor: locked out of the second endpoint. */
  VENDOR: 'vendor',
  /** A break-glass administrator in the vendors group, exempt from every rule. */
  BREAK_GLASS: 'break-glass',
} as const;
/** One of the storm's roles. */
export type StormRole = (typeof StormRole)[keyof typeof StormRole];

/** Attempts per hundred in each role. */
export const ROLE_SHARES: Readonly<Record<StormRole, number>> = {
  [StormRole.STAFF]: 60,
  [StormRole.LEAVER]: 10,
  [StormRole.LOST_LAPTOP]: 5,
  [StormRole.PENDING_LEAVER]: 4,
  [StormRole.CONTRACTOR]: 6,
  [StormRole.NIGHT_SHIFT]: 6,
  [StormRole.VENDOR]: 6,
  [StormRole.BREAK_GLASS]: 3,
};

/** One attempt: who connects where, and when (simulated ms after the phase starts). */
export interface StormAttempt {
  readonly atMs: number;
  readonly role: StormRole;
  readonly endpoint: string;
  readonly username?: string;
  readonly commonName?: string;
  readonly groups: readonly string[];
  readonly platform: string;
  /** Unique per attempt (198.18.0.0/15, the benchmarking range): joins the attempt to what Client VPN logged. */
  readonly publicIp: string;
}

/** A generated storm: the endpoints, the policy rows as written to the table, the warm-up and the storm. */
export interface GeneratedStorm {
  readonly spec: StormSpec;
  readonly endpoints: readonly string[];
  readonly policies: readonly Record<string, unknown>[];
  readonly warmUp: readonly StormAttempt[];
  readonly storm: readonly StormAttempt[];
}

/** Distinct people per role (attempts reuse them, as people retry). */
const PEOPLE_PER_ROLE = 40;
const ENDPOINTS = [endpointIdOf(0), endpointIdOf(1)] as const;

/** Shown to a revoked user. */
export const REVOKED_MESSAGE = 'Your VPN access was revoked. Contact the service desk.';
/** Shown to the night shift outside its hours. */
export const NIGHT_SHIFT_MESSAGE = 'The night shift connects from 20:00 Tokyo time.';
/** Shown to a vendor during the lockdown. */
export const LOCKDOWN_MESSAGE = 'This endpoint is locked down for an incident.';

const names = (prefix: string) => Array.from({ length: PEOPLE_PER_ROLE }, (_, index) => `${prefix}-${index}`);

/** The policy rows: every kind that refuses at connect, with and without `message` and `groups`. */
export function stormPolicies(): Record<string, unknown>[] {
  const [, second] = ENDPOINTS;
  return [
    {
      policyId: 'offboarded-2026-11',
      kind: 'revoked-user',
      mode: 'enforce',
      endpoints: ['*'],
      usernames: names('leaver'),
      message: REVOKED_MESSAGE,
      reason: 'left the company',
    },
    {
      policyId: 'lost-laptops',
      kind: 'revoked-user',
      mode: 'enforce',
      endpoints: [second],
      commonNames: names('lost-laptop'),
      reason: 'reported lost',
    },
    {
      policyId: 'offboarding-next-week',
      kind: 'revoked-user',
      mode: 'observe',
      endpoints: ['*'],
      usernames: names('pending-leaver'),
      reason: 'leaving next week',
    },
    {
      policyId: 'contractor-hours',
      kind: 'off-hours',
      mode: 'enforce',
      endpoints: ['*'],
      groups: ['contractors'],
      days: ['mon', 'tue', 'wed', 'thu', 'fri'],
      start: '08:00',
      end: '18:00',
      timezone: 'Europe/Berlin',
      reason: 'contractors work office hours',
    },
    {
      policyId: 'night-shift-hours',
      kind: 'off-hours',
      mode: 'enforce',
      endpoints: ['*'],
      groups: ['night-shift'],
      days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
      start: '20:00',
      end: '04:00',
      timezone: 'Asia/Tokyo',
      message: NIGHT_SHIFT_MESSAGE,
      reason: 'the night shift works nights',
    },
    {
      policyId: 'two-sessions',
      kind: 'max-connections',
      mode: 'enforce',
      endpoints: ['*'],
      maxConnections: 2,
      message: 'You already hold two VPN sessions.',
      reason: 'one laptop and one phone',
    },
    {
      policyId: 'incident-2026-11-26',
      kind: 'lockdown',
      mode: 'enforce',
      endpoints: [second],
      groups: ['vendors'],
      message: LOCKDOWN_MESSAGE,
      reason: 'vendor credentials under investigation',
    },
    {
      policyId: 'break-glass',
      kind: 'exempt',
      usernames: names('breakglass'),
      reason: 'break-glass administrators',
    },
    {
      policyId: 'incident-2026-11-01',
      kind: 'lockdown',
      mode: 'enforce',
      endpoints: ['*'],
      expiresAt: '2026-11-02T00:00:00Z',
      reason: 'an incident that is over',
    },
    {
      policyId: 'offboarded-by-mistake',
      kind: 'revoked-user',
      mode: 'enforce',
      enabled: false,
      endpoints: ['*'],
      usernames: names('user').slice(0, 10),
      reason: 'disabled: listed staff by mistake',
    },
  ];
}

/** The role of the attempt at `index`: each role at an even stride, by its share of a hundred. */
export function roleOf(index: number): StormRole {
  // 37 is coprime with 100: index → slot is a permutation of each hundred, so the shares are exact per hundred.
  let slot = (index * 37) % 100;
  for (const [role, share] of Object.entries(ROLE_SHARES) as [StormRole, number][]) {
    if (slot < share) return role;
    slot -= share;
  }
  return StormRole.STAFF;
}

/** The attempt at `index` of a phase, at `atMs` after the phase starts; `block` keeps the public IPs apart. */
export function attemptOf(index: number, atMs: number, block: number): StormAttempt {
  const role = roleOf(index);
  const person = (index * 7919) % PEOPLE_PER_ROLE;
  const endpoint = ENDPOINTS[index % 2] ?? ENDPOINTS[0];
  const common = {
    atMs,
    role,
    endpoint,
    platform: index % 3 === 0 ? 'windows' : 'macos',
    publicIp: `198.${18 + block}.${(index >> 8) & 255}.${index & 255}`,
  };
  switch (role) {
    case StormRole.STAFF:
      return { ...common, username: `user-${person}`, commonName: `laptop-${person}`, groups: ['staff'] };
    case StormRole.LEAVER:
      return {
        ...common,
        // Identities match after trimming and case folding: some leavers sign in as " Leaver-N".
        username: person % 4 === 0 ? ` Leaver-${person}` : `leaver-${person}`,
        commonName: `laptop-leaver-${person}`,
        groups: person % 3 === 0 ? ['staff', 'night-shift'] : ['staff'],
      };
    case StormRole.LOST_LAPTOP:
      return { ...common, commonName: `lost-laptop-${person}`, groups: [] };
    case StormRole.PENDING_LEAVER:
      return { ...common, username: `pending-leaver-${person}`, groups: ['staff'] };
    case StormRole.CONTRACTOR:
      return { ...common, username: `contractor-${person}`, groups: ['contractors'] };
    case StormRole.NIGHT_SHIFT:
      return { ...common, username: `night-${person}`, groups: ['night-shift', 'staff'] };
    case StormRole.VENDOR:
      return { ...common, username: `vendor-${person}`, groups: ['vendors'] };
    case StormRole.BREAK_GLASS:
      return { ...common, username: `breakglass-${person}`, groups: ['vendors', 'admins'] };
  }
}

/** Generates the storm of a spec: the same rows and attempts every time. */
export function generateStorm(spec: StormSpec): GeneratedStorm {
  if (!(Number.isInteger(spec.attempts) && spec.attempts >= 1 && spec.attempts <= 65_536))
    throw new Error(`storm attempts: expected a whole number from 1 to 65536, got ${spec.attempts}`);
  const spacing = spec.durationMs / spec.attempts;
  return {
    spec,
    endpoints: [...ENDPOINTS],
    policies: stormPolicies(),
    warmUp: Array.from({ length: spec.warmUpAttempts }, (_, index) => attemptOf(index, index * 100, 1)),
    storm: Array.from({ length: spec.attempts }, (_, index) => attemptOf(index, Math.round(index * spacing), 0)),
  };
}
