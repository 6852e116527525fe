import {
  parsePolicyRow,
  parseRows,
  type Connection,
  type ConnectionAttempt,
  type ConnectionIdleState,
  type IdleState,
  type PolicyRow,
} from '../../../lambda/domain/index.js';

/** The instant most tests run at: Thursday 2026-11-26 10:49 UTC. */
export const NOW = new Date('2026-11-26T10:49:00Z');
export const ENDPOINT_A = 'cvpn-endpoint-0123456789abcdef0';
export const ENDPOINT_B = 'cvpn-endpoint-0fedcba9876543210';

/** An instant `minutes` before `at`. */
export function minutesBefore(minutes: number, at: Date = NOW): Date {
  return new Date(at.getTime() - minutes * 60_000);
}

/** An active connection on endpoint A, established an hour before NOW, with no traffic. */
export function connection(overrides: Partial<Connection> & { readonly connectionId: string }): Connection {
  return {
    endpointId: ENDPOINT_A,
    ingressBytes: 0,
    egressBytes: 0,
    establishedAt: minutesBefore(60),
    status: 'active',
    ...overrides,
  };
}

/** An attempt by alice to connect to endpoint A. */
export function attempt(overrides: Partial<ConnectionAttempt> = {}): ConnectionAttempt {
  return { endpointId: ENDPOINT_A, connectionId: 'cvpn-connection-new', username: 'alice', ...overrides };
}

/** No idle memory at all. */
export const NO_IDLE_STATE: IdleState = new Map();

/** Idle memory of one connection for one threshold: traffic last grew at `activeAt`, to `bytes`. */
export function idleMemory(target: Connection, activeAt: Date, bytes = 0, minBytes = 0): IdleState {
  const memory: ConnectionIdleState = {
    endpointId: target.endpointId,
    connectionId: target.connectionId,
    lastBytes: bytes,
    lastSeenAt: activeAt,
    thresholds: [{ minBytes, baselineBytes: bytes, activeAt }],
  };
  return new Map([[target.connectionId, memory]]);
}

type Attributes = Record<string, unknown>;

/** Valid raw rows of each kind (as a person writes them), with overrides. */
export const row = {
  revokedUser: (overrides: Attributes = {}): Attributes => ({
    policyId: 'offboarded-2026-11',
    kind: 'revoked-user',
    mode: 'enforce',
    endpoints: ['*'],
    usernames: ['alice'],
    reason: 'left the company',
    ...overrides,
  }),
  idle: (overrides: Attributes = {}): Attributes => ({
    policyId: 'idle-30',
    kind: 'idle',
    mode: 'enforce',
    endpoints: ['*'],
    idleMinutes: 30,
    reason: 'idle sessions hold licences',
    ...overrides,
  }),
  maxSession: (overrides: Attributes = {}): Attributes => ({
    policyId: 'max-8h',
    kind: 'max-session',
    mode: 'enforce',
    endpoints: ['*'],
    maxSessionMinutes: 480,
    reason: 'reauthenticate every working day',
    ...overrides,
  }),
  offHours: (overrides: Attributes = {}): Attributes => ({
    policyId: 'office-hours',
    kind: 'off-hours',
    mode: 'enforce',
    endpoints: ['*'],
    days: ['mon', 'tue', 'wed', 'thu', 'fri'],
    start: '08:00',
    end: '18:00',
    timezone: 'Europe/Berlin',
    reason: 'contractors work office hours',
    ...overrides,
  }),
  maxConnections: (overrides: Attributes = {}): Attributes => ({
    policyId: 'two-sessions',
    kind: 'max-connections',
    mode: 'enforce',
    endpoints: ['*'],
    maxConnections: 2,
    reason: 'one laptop and one phone',
    ...overrides,
  }),
  lockdown: (overrides: Attributes = {}): Attributes => ({
    policyId: 'incident-7',
    kind: 'lockdown',
    mode: 'enforce',
    endpoints: [ENDPOINT_A],
    reason: 'credential leak under investigation',
    ...overrides,
  }),
  exempt: (overrides: Attributes = {}): Attributes => ({
    policyId: 'on-call',
    kind: 'exempt',
    usernames: ['alice'],
    reason: 'on call this week',
    ...overrides,
  }),
};

/** Raw rows parsed as a run parses them, for the admission decision; fails the test when one is invalid. */
export function validRows(...items: Attributes[]): PolicyRow[] {
  const { rows, findings } = parseRows(items);
  if (findings.length > 0) throw new Error(`fixture rows are invalid: ${findings.map((f) => f.message).join('; ')}`);
  return [...rows];
}

/** A raw row parsed, for tests of one rule; fails the test when the row is invalid. */
export function valid<T extends PolicyRow>(item: Attributes): T {
  const result = parsePolicyRow(item);
  if (!result.ok) throw new Error(`fixture row is invalid: ${result.error.message}`);
  return result.row as T;
}
