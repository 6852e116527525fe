/**
 * Benchmark scenarios, generated (never hand-written): endpoints × connections × share targeted,
 * with the mix a large organisation has on a working day. Pure and deterministic: the same spec
 * gives the same endpoints, connection ids, users, ages and policy rows every time, so each
 * contender (cvpn-guard and the baselines) meets exactly the same scenario in its own sandbox.
 */
import { Timeline } from './schedule-timeline.js';

/** The shape of one scenario. */
export interface ScenarioSpec {
  /** Short name, printed in the table. */
  readonly name: string;
  readonly endpoints: number;
  readonly connectionsPerEndpoint: number;
  /** Connections per endpoint that enforcing rules must terminate. */
  readonly targetedPerEndpoint: number;
  /** Share of connections an observe-mode rule fires on (`would-terminate`). @default 0.05 */
  readonly observedShare?: number;
  /** Connections per endpoint of exempt (break-glass) users that an enforcing rule fires on. @default max(1, 0.1%) */
  readonly exemptPerEndpoint?: number;
  /** Add an observe-mode idle row, so every run loads and saves idle memory for every connection. @default false */
  readonly idleRow?: boolean;
  /**
   * Simulated ms per real ms. Real CPU time and the sandbox's own overheads do not scale with the clock
   * (at 10×, 1 ms of CPU looks like 10 ms), so each scenario runs as slowly as the bench's time allows.
   */
  readonly speed: number;
  /**
   * How cvpn-guard is invoked on it, unless `--timeline` says: one row per timeline.
   * @default back to back only
   */
  readonly timelines?: readonly Timeline[];
}

/** Why a generated connection is there. */
export const Role = {
  /** A revoked user's connection: terminated (by user name when the fast path applies). */
  REVOKED: 'revoked',
  /** Older than the enforcing max-session rule allows: terminated by connection id. */
  TOO_OLD: 'too-old',
  /** Older than the observe-mode rule allows: recorded `would-terminate`, left up. */
  OBSERVED: 'observed',
  /** A break-glass user the enforcing rule fires on: recorded `exempted`, left up. */
  EXEMPT: 'exempt',
  /** Nothing fires. */
  ORDINARY: 'ordinary',
} as const;
/** One of the roles. */
export type Role = (typeof Role)[keyof typeof Role];

/** One generated connection. */
export interface GeneratedConnection {
  readonly endpoint: string;
  readonly id: string;
  readonly username: string;
  /** ISO time of establishment. */
  readonly established: string;
  readonly role: Role;
}

/** A generated scenario: the sandbox's scenario object, plus what each connection is for. */
export interface GeneratedScenario {
  readonly spec: ScenarioSpec;
  /** The sandbox scenario (endpoints and policy rows); connections are added apart, see `connections`. */
  readonly scenario: {
    readonly region: string;
    readonly endpoints: { id: string; tags: Record<string, string> }[];
    readonly policies: Record<string, unknown>[];
  };
  readonly connections: readonly GeneratedConnection[];
  /** User names the enforcing revoked-user rows list. */
  readonly revokedUsernames: readonly string[];
  /** The enforcing max-session limit, minutes. */
  readonly maxSessionMinutes: number;
}

/** Minutes after which the enforcing max-session row fires. */
export const ENFORCED_MAX_SESSION_MINUTES = 12 * 60;
/** Minutes after which the observe-mode max-session row fires. */
export const OBSERVED_MAX_SESSION_MINUTES = 8 * 60;
/** User names per revoked-user row (one row per offboarding batch). */
const USERNAMES_PER_ROW = 500;
const MINUTE = 60_000;

/** Both timelines, side by side: the scenario that needs several runs shows what the schedule adds. */
const BOTH_TIMELINES = [Timeline.BACK_TO_BACK, Timeline.SCHEDULE] as const;

/** The benchmark's scenarios, in the order they run. */
export const FULL_SCENARIOS: readonly ScenarioSpec[] = [
  { name: '1x200, 20 targeted', endpoints: 1, connectionsPerEndpoint: 200, targetedPerEndpoint: 20, speed: 1 },
  { name: '5x20k, 1% targeted', endpoints: 5, connectionsPerEndpoint: 20_000, targetedPerEndpoint: 200, speed: 5 },
  {
    name: '5x20k, 10% targeted',
    endpoints: 5,
    connectionsPerEndpoint: 20_000,
    targetedPerEndpoint: 2_000,
    speed: 10,
    timelines: BOTH_TIMELINES,
  },
];

/** `--quick`: the same shapes, ten times smaller (a smoke test of the bench, not figures to quote). */
export const QUICK_SCENARIOS: readonly ScenarioSpec[] = [
  { name: '1x200, 20 targeted', endpoints: 1, connectionsPerEndpoint: 200, targetedPerEndpoint: 20, speed: 1 },
  { name: '5x2k, 1% targeted', endpoints: 5, connectionsPerEndpoint: 2_000, targetedPerEndpoint: 20, speed: 5 },
  {
    name: '5x2k, 10% targeted',
    endpoints: 5,
    connectionsPerEndpoint: 2_000,
    targetedPerEndpoint: 200,
    speed: 10,
    timelines: BOTH_TIMELINES,
  },
];

/** Endpoint id of the endpoint at `index`. */
export function endpointIdOf(index: number): string {
  return `cvpn-endpoint-0be9c${hex(index, 12)}`;
}

/** Connection id of the connection at `index` on the endpoint at `endpointIndex`. */
export function connectionIdOf(endpointIndex: number, index: number): string {
  return `cvpn-connection-0${hex(endpointIndex, 4)}${hex(index, 12)}`;
}

/**
 * Generates a scenario at `now`. Per endpoint: half the targeted connections belong to revoked users
 * (one revoked user in two holds two connections, which the username fast path ends with one call),
 * the other half are older than the enforcing max-session limit; an observed share is older than the
 * observe-mode limit only; a few break-glass users are exempt; the rest are young. Connections are
 * interleaved by role, as a real endpoint lists them.
 */
export function generateScenario(spec: ScenarioSpec, now: Date): GeneratedScenario {
  const connections: GeneratedConnection[] = [];
  const revokedUsernames: string[] = [];
  const exemptUsernames: string[] = [];
  const endpoints = Array.from({ length: spec.endpoints }, (_, index) => ({
    id: endpointIdOf(index),
    tags: { Name: `bench-${index}` },
  }));
  endpoints.forEach((endpoint, endpointIndex) => {
    const roles = rolesOf(spec);
    const prefix = `e${endpointIndex}`;
    let revoked = 0;
    roles.forEach((role, index) => {
      let username = `${prefix}-user-${index}`;
      if (role === Role.REVOKED) {
        // Of every three revoked connections, two belong to one user and one to the next.
        username = `${prefix}-leaver-${2 * Math.floor(revoked / 3) + (revoked % 3 === 2 ? 1 : 0)}`;
        revoked += 1;
        if (revokedUsernames[revokedUsernames.length - 1] !== username) revokedUsernames.push(username);
      } else if (role === Role.EXEMPT) {
        username = `${prefix}-breakglass-${index}`;
        exemptUsernames.push(username);
      }
      connections.push({
        endpoint: endpoint.id,
        id: connectionIdOf(endpointIndex, index),
        username,
        established: new Date(now.getTime() - ageMinutes(role, index) * MINUTE).toISOString(),
        role,
      });
    });
  });
  const policies: Record<string, unknown>[] = [];
  for (let start = 0; start < revokedUsernames.length; start += USERNAMES_PER_ROW) {
    policies.push({
      policyId: `offboarded-batch-${1 + start / USERNAMES_PER_ROW}`,
      kind: 'revoked-user',
      mode: 'enforce',
      endpoints: ['*'],
      usernames: revokedUsernames.slice(start, start + USERNAMES_PER_ROW),
      reason: 'left the company',
    });
  }
  policies.push(
    {
      policyId: 'max-session-12h',
      kind: 'max-session',
      mode: 'enforce',
      endpoints: ['*'],
      maxSessionMinutes: ENFORCED_MAX_SESSION_MINUTES,
      reason: 'reauthenticate twice a day',
    },
    {
      policyId: 'max-session-8h',
      kind: 'max-session',
      mode: 'observe',
      endpoints: ['*'],
      maxSessionMinutes: OBSERVED_MAX_SESSION_MINUTES,
      reason: 'trying a working-day limit',
    },
  );
  if (exemptUsernames.length > 0) {
    policies.push({
      policyId: 'break-glass',
      kind: 'exempt',
      usernames: exemptUsernames,
      reason: 'break-glass administrators',
    });
  }
  if (spec.idleRow) {
    policies.push({
      policyId: 'idle-2h',
      kind: 'idle',
      mode: 'observe',
      endpoints: ['*'],
      idleMinutes: 120,
      reason: 'idle sessions hold licences',
    });
  }
  return {
    spec,
    scenario: { region: 'us-east-1', endpoints, policies },
    connections,
    revokedUsernames,
    maxSessionMinutes: ENFORCED_MAX_SESSION_MINUTES,
  };
}

/** Connections per endpoint in each role. */
export function roleCounts(spec: ScenarioSpec): Record<Role, number> {
  const n = spec.connectionsPerEndpoint;
  const targeted = Math.min(spec.targetedPerEndpoint, n);
  const revoked = Math.floor(targeted / 2);
  const exempt = Math.min(n - targeted, spec.exemptPerEndpoint ?? Math.max(1, Math.round(n * 0.001)));
  const observed = Math.min(n - targeted - exempt, Math.round(n * (spec.observedShare ?? 0.05)));
  return {
    [Role.REVOKED]: revoked,
    [Role.TOO_OLD]: targeted - revoked,
    [Role.EXEMPT]: exempt,
    [Role.OBSERVED]: observed,
    [Role.ORDINARY]: n - targeted - exempt - observed,
  };
}

/** True for the roles cvpn-guard must terminate. */
export function isTargeted(role: Role): boolean {
  return role === Role.REVOKED || role === Role.TOO_OLD;
}

/** The roles of one endpoint's connections, spread evenly through the listing. */
function rolesOf(spec: ScenarioSpec): Role[] {
  const counts = roleCounts(spec);
  const n = spec.connectionsPerEndpoint;
  const roles: Role[] = [];
  // Largest-remainder interleaving: each role appears at an even stride.
  const placed: Record<Role, number> = {
    [Role.REVOKED]: 0,
    [Role.TOO_OLD]: 0,
    [Role.EXEMPT]: 0,
    [Role.OBSERVED]: 0,
    [Role.ORDINARY]: 0,
  };
  const order = [Role.REVOKED, Role.TOO_OLD, Role.EXEMPT, Role.OBSERVED, Role.ORDINARY];
  for (let index = 0; index < n; index += 1) {
    let best: Role = Role.ORDINARY;
    let bestLag = -Infinity;
    for (const role of order) {
      if (placed[role] >= counts[role]) continue;
      const lag = ((index + 1) * counts[role]) / n - placed[role];
      if (lag > bestLag) {
        bestLag = lag;
        best = role;
      }
    }
    placed[best] += 1;
    roles.push(best);
  }
  return roles;
}

/** Minutes since establishment, by role (deterministic spread within each band). */
function ageMinutes(role: Role, index: number): number {
  const spread = (span: number) => (index * 7919) % span;
  switch (role) {
    case Role.TOO_OLD:
      return ENFORCED_MAX_SESSION_MINUTES + 10 + spread(600);
    case Role.OBSERVED:
      return OBSERVED_MAX_SESSION_MINUTES + 10 + spread(100);
    case Role.EXEMPT:
      return ENFORCED_MAX_SESSION_MINUTES + 60;
    default:
      // Revoked and ordinary users connected within the working day. The bands leave over an hour
      // between them, so no connection changes role while a multi-run scenario plays out.
      return 1 + spread(OBSERVED_MAX_SESSION_MINUTES - 80);
  }
}

function hex(value: number, width: number): string {
  return value.toString(16).padStart(width, '0');
}
