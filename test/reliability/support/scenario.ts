/**
 * The scenario the reliability tests run: every kind of connection a run must end, and every kind
 * it must leave alone, on two selected endpoints and one the deployment does not select.
 */
import { EnvVar } from '../../../lambda/environment.js';
import type { Sandbox } from '../../../local/index.js';
import type { Expectation } from './invariants.js';

/** Selected endpoints. */
export const ENDPOINT_A = 'cvpn-endpoint-0aaaaaaaaaaaaaaa1';
export const ENDPOINT_B = 'cvpn-endpoint-0bbbbbbbbbbbbbbb2';
/** An endpoint of the account the deployment does not select: nothing on it may end. */
export const ENDPOINT_UNSELECTED = 'cvpn-endpoint-0ccccccccccccccc3';
/** Where every scenario starts. */
export const START = '2026-11-26T10:00:00Z';

/** The deployment's environment: the two selected endpoints, everything else at its default. */
export const SELECTED_ENV = { [EnvVar.ENDPOINT_IDS]: `${ENDPOINT_A},${ENDPOINT_B}` } as const;

/** The policy rows: a revoked pair, a session limit, a break-glass exemption, an observe-only rule and a hand-edit gone wrong. */
export const POLICIES: Record<string, unknown>[] = [
  {
    policyId: 'offboarded',
    kind: 'revoked-user',
    mode: 'enforce',
    endpoints: ['*'],
    usernames: ['mallory', 'trudy'],
    reason: 'left the company',
  },
  {
    policyId: 'max-8h',
    kind: 'max-session',
    mode: 'enforce',
    endpoints: ['*'],
    maxSessionMinutes: 480,
    reason: 'a working day',
  },
  {
    policyId: 'break-glass',
    kind: 'exempt',
    endpoints: ['*'],
    usernames: ['root-admin'],
    reason: 'break-glass account',
  },
  {
    policyId: 'max-1-observe',
    kind: 'max-connections',
    mode: 'observe',
    endpoints: ['*'],
    usernames: ['alice'],
    maxConnections: 1,
    reason: 'one each, watched',
  },
  {
    policyId: 'typo',
    kind: 'idle',
    mode: 'enforce',
    endpoints: ['*'],
    idleMinute: 30,
    reason: 'a hand edit with a typo',
  },
];

/**
 * Connections: mallory 7 on A (too many for one call by username: by id) and 3 on B (one call by
 * username), trudy 2 on B, grace 5 sessions past 8 h on A; left alone: root-admin (exempt, past
 * 8 h), alice 4 (observe only), bob 6 (no rule), mallory on the unselected endpoint.
 */
export function scenario(policies: Record<string, unknown>[] = POLICIES) {
  return {
    endpoints: [{ id: ENDPOINT_A }, { id: ENDPOINT_B }, { id: ENDPOINT_UNSELECTED }],
    connections: [
      { endpoint: ENDPOINT_A, username: 'mallory', count: 7, established: '-2h' },
      { endpoint: ENDPOINT_B, username: 'mallory', count: 3, established: '-2h' },
      { endpoint: ENDPOINT_B, username: 'trudy', count: 2, established: '-1h' },
      { endpoint: ENDPOINT_A, username: 'grace', count: 5, established: '-10h' },
      { endpoint: ENDPOINT_A, username: 'root-admin', established: '-12h' },
      { endpoint: ENDPOINT_A, username: 'alice', count: 2, established: '-30m' },
      { endpoint: ENDPOINT_B, username: 'alice', count: 2, established: '-30m' },
      { endpoint: ENDPOINT_A, username: 'bob', count: 3, established: '-3h' },
      { endpoint: ENDPOINT_B, username: 'bob', count: 3, established: '-3h' },
      { endpoint: ENDPOINT_UNSELECTED, username: 'mallory', count: 2, established: '-2h' },
    ],
    policies,
  };
}

const TARGET_USERS = new Set(['mallory', 'trudy', 'grace']);

/** What a run must end and must leave alone; a test that adds connections adds them here. */
export interface MutableExpectation extends Expectation {
  readonly targets: Set<string>;
  readonly untouchable: Set<string>;
}

/** The targets and the untouchable connections of {@link scenario}, by id. */
export function expectationOf(sandbox: Sandbox): MutableExpectation {
  const targets = new Set<string>();
  const untouchable = new Set<string>();
  for (const connection of sandbox.emulator.listConnections()) {
    const target = connection.endpointId !== ENDPOINT_UNSELECTED && TARGET_USERS.has(connection.username ?? '');
    (target ? targets : untouchable).add(connection.connectionId);
  }
  return { targets, untouchable };
}

/** The revoked users come back between runs (and so does an innocent one): new targets for the next run. */
export function reconnect(sandbox: Sandbox, expectation: MutableExpectation): void {
  const add = (endpointId: string, username: string) =>
    sandbox.emulator.addConnection({ endpointId, username }).connectionId;
  expectation.targets.add(add(ENDPOINT_A, 'mallory'));
  expectation.targets.add(add(ENDPOINT_A, 'mallory'));
  expectation.targets.add(add(ENDPOINT_B, 'trudy'));
  expectation.untouchable.add(add(ENDPOINT_B, 'bob'));
  expectation.untouchable.add(add(ENDPOINT_UNSELECTED, 'trudy'));
}
