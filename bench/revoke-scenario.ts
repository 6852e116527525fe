/**
 * The revocation scenario: two endpoints of 1,000 connections each, and 200 users revoked one by one over about
 * half an hour of simulated time, generated from a seed (never hand-written) and the same every time. Each revoked
 * user holds 1–4 connections, spread over both endpoints; everyone else holds one. The revocations fall at random
 * times, some within a second of the one before, some just after a scheduled run has started.
 */
import { seededRandom } from '../local/index.js';
import { connectionIdOf, endpointIdOf } from './scenarios.js';

/** The shape of one revocation scenario. */
export interface RevokeSpec {
  readonly endpoints: number;
  readonly connectionsPerEndpoint: number;
  /** Users revoked, one row each. */
  readonly revokedUsers: number;
  /** Simulated ms over which the revocations fall, from the product's installation. */
  readonly durationMs: number;
  /** The enforcer's schedule period, simulated ms: its first run is one period after the installation. */
  readonly schedulePeriodMs: number;
  /** Shares (0–1) of revocations placed within a second of the one before, and just after a scheduled run starts. */
  readonly closeShare: number;
  readonly duringRunShare: number;
  /** Simulated ms per real ms. */
  readonly speed: number;
  readonly seed: number;
}

/** `npm run bench`'s revocations: 200 users over 30 simulated minutes, in real time. */
export const FULL_REVOKE: RevokeSpec = {
  endpoints: 2,
  connectionsPerEndpoint: 1000,
  revokedUsers: 200,
  durationMs: 30 * 60_000,
  schedulePeriodMs: 5 * 60_000,
  closeShare: 0.2,
  duringRunShare: 0.1,
  speed: 1,
  seed: 13,
};

/** `--quick`: 40 users over 6 simulated minutes at 2×. */
export const QUICK_REVOKE: RevokeSpec = {
  ...FULL_REVOKE,
  revokedUsers: 40,
  durationMs: 6 * 60_000,
  speed: 2,
};

/** Most connections one revoked user holds. */
export const MAX_CONNECTIONS_PER_REVOKED_USER = 4;
/** Latest a "during a run" revocation lands after the scheduled run's start, simulated ms. */
const DURING_RUN_WITHIN_MS = 1500;

/** A connection of the scenario. */
export interface RevokeConnection {
  readonly endpoint: string;
  readonly id: string;
  readonly username: string;
}

/** One revocation: the row that revokes one user, written at `atMs` after the installation. */
export interface Revocation {
  readonly atMs: number;
  readonly username: string;
  /** The user's connection ids, on either endpoint. */
  readonly connectionIds: readonly string[];
  /** How its time was chosen. */
  readonly placed: 'random' | 'close' | 'during-run';
  /** The row as PutItem writes it (plain JSON, marshalled by the writer). */
  readonly row: Readonly<Record<string, unknown>>;
}

/** A generated scenario. */
export interface GeneratedRevokeScenario {
  readonly spec: RevokeSpec;
  readonly endpoints: readonly string[];
  readonly connections: readonly RevokeConnection[];
  /** In the order of their times. */
  readonly revocations: readonly Revocation[];
}

/** Generates the scenario of `spec`; a clear error when the revoked users' connections do not fit. */
export function generateRevokeScenario(spec: RevokeSpec): GeneratedRevokeScenario {
  const random = seededRandom(spec.seed);
  const total = spec.endpoints * spec.connectionsPerEndpoint;
  const counts = Array.from(
    { length: spec.revokedUsers },
    () => 1 + Math.floor(random() * MAX_CONNECTIONS_PER_REVOKED_USER),
  );
  const revokedConnections = counts.reduce((sum, count) => sum + count, 0);
  if (revokedConnections > total)
    throw new Error(
      `revoke scenario: ${spec.revokedUsers} revoked users hold ${revokedConnections} connections, more than the ${total} of ` +
        `${spec.endpoints} × ${spec.connectionsPerEndpoint}; use fewer users or more connections`,
    );
  const endpoints = Array.from({ length: spec.endpoints }, (_, index) => endpointIdOf(index));
  // Every slot, shuffled: the revoked users take the first ones, so their connections land on either endpoint.
  const slots = Array.from({ length: total }, (_, index) => index);
  for (let index = slots.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [slots[index], slots[other]] = [slots[other] ?? 0, slots[index] ?? 0];
  }
  const owners: (string | undefined)[] = Array.from({ length: total }, () => undefined);
  const owned: string[][] = counts.map(() => []);
  let next = 0;
  counts.forEach((count, user) => {
    for (let held = 0; held < count; held += 1) {
      const slot = slots[next++] ?? 0;
      owners[slot] = revokedUsername(user);
      owned[user]?.push(slotConnectionId(slot, spec.connectionsPerEndpoint));
    }
  });
  const connections: RevokeConnection[] = owners.map((owner, slot) => ({
    endpoint: endpoints[Math.floor(slot / spec.connectionsPerEndpoint)] ?? '',
    id: slotConnectionId(slot, spec.connectionsPerEndpoint),
    username: owner ?? `staff-${slot}`,
  }));
  const times = revocationTimes(spec, random);
  const revocations = times
    .map(({ atMs, placed }, user): Revocation => {
      const username = revokedUsername(user);
      return {
        atMs,
        username,
        connectionIds: owned[user] ?? [],
        placed,
        row: {
          policyId: `revoked-${username}`,
          kind: 'revoked-user',
          enabled: true,
          mode: 'enforce',
          endpoints: ['*'],
          usernames: [username],
          reason: `offboarded: ${username} left the company`,
          version: 1,
          updatedBy: 'bench',
        },
      };
    })
    .sort((a, b) => a.atMs - b.atMs);
  return { spec, endpoints, connections, revocations };
}

/** The user name of the `index`th revoked user. */
export function revokedUsername(index: number): string {
  return `leaver-${index}`;
}

function slotConnectionId(slot: number, perEndpoint: number): string {
  return connectionIdOf(Math.floor(slot / perEndpoint), slot % perEndpoint);
}

/**
 * One time per revocation, in the order of the users: most at random over the duration; a share within a second
 * after the one before; a share within 1.5 s after a scheduled run starts (every period from the first).
 */
function revocationTimes(spec: RevokeSpec, random: () => number): { atMs: number; placed: Revocation['placed'] }[] {
  const runs = Math.max(1, Math.floor(spec.durationMs / spec.schedulePeriodMs));
  const times: { atMs: number; placed: Revocation['placed'] }[] = [];
  for (let user = 0; user < spec.revokedUsers; user += 1) {
    const draw = random();
    const previous = times[times.length - 1];
    if (previous !== undefined && draw < spec.closeShare) {
      times.push({ atMs: Math.min(spec.durationMs, previous.atMs + Math.floor(random() * 1000)), placed: 'close' });
    } else if (draw < spec.closeShare + spec.duringRunShare) {
      const run = 1 + Math.floor(random() * runs);
      times.push({
        atMs: Math.min(spec.durationMs, run * spec.schedulePeriodMs + Math.floor(random() * DURING_RUN_WITHIN_MS)),
        placed: 'during-run',
      });
    } else {
      times.push({ atMs: Math.floor(random() * spec.durationMs), placed: 'random' });
    }
  }
  return times;
}
