import fc from 'fast-check';
import {
  parsePolicyRow,
  type Connection,
  type ConnectionAttempt,
  type ConnectionIdleState,
  type IdleState,
} from '../../../lambda/domain/index.js';
import { ENDPOINT_A, ENDPOINT_B, NOW, row } from './fixtures.js';

/** Property runs are reproducible: a fixed seed, and enough runs to find the corners. */
export const PROPERTY_PARAMETERS = { seed: 42, numRuns: 300 } as const;

const USERNAMES = ['alice', 'alice', 'Alice', ' alice ', 'bob', 'BOB', 'carol', 'straße', 'STRASSE', '', '  '];
const COMMON_NAMES = ['alice.example.com', 'ALICE.example.com', 'bob.example.com', 'laptop-7'];
const STATUSES = ['active', 'active', 'active', 'terminating', 'terminated', 'failed-to-terminate'];
/** Groups a client may report; when a connection has no `groups`, they are unknown (as EC2 lists connections). */
const GROUP_LISTS: readonly (readonly string[])[] = [[], ['contractors'], ['SRE', 'staff'], [' Contractors ', 'ops']];
const SELECTED_GROUPS = ['contractors', 'sre', 'Ops'];

/** A connection from small pools, so identities, endpoints and ids collide often. */
export const arbConnection: fc.Arbitrary<Connection> = fc.record(
  {
    endpointId: fc.constantFrom(ENDPOINT_A, ENDPOINT_B),
    connectionId: fc.integer({ min: 0, max: 15 }).map((n) => `cvpn-connection-${n.toString(16).padStart(17, '0')}`),
    username: fc.constantFrom(...USERNAMES),
    commonName: fc.constantFrom(...COMMON_NAMES),
    groups: fc.constantFrom(...GROUP_LISTS),
    ingressBytes: fc.constantFrom(0, 0, 60, 1_000),
    egressBytes: fc.constantFrom(0, 0, 60),
    establishedAt: fc
      .integer({ min: 0, max: 2 * 24 * 60 })
      .map((minutes) => new Date(NOW.getTime() - minutes * 60_000)),
    status: fc.constantFrom(...STATUSES),
  },
  { requiredKeys: ['endpointId', 'connectionId', 'ingressBytes', 'egressBytes', 'establishedAt', 'status'] },
);

/** An attempt to connect, from the same pools as connections; without `groups`, the groups are unknown. */
export const arbAttempt: fc.Arbitrary<ConnectionAttempt> = fc.record(
  {
    endpointId: fc.constantFrom(ENDPOINT_A, ENDPOINT_B),
    connectionId: fc.constant('cvpn-connection-attempt'),
    username: fc.constantFrom(...USERNAMES),
    commonName: fc.constantFrom(...COMMON_NAMES),
    groups: fc.constantFrom(...GROUP_LISTS),
    platform: fc.constantFrom('ios', 'windows', 'macos'),
    publicIp: fc.constantFrom('198.51.100.7', '2001:db8::7'),
  },
  { requiredKeys: ['endpointId', 'connectionId'] },
);

/** What is known of the connections an identity holds: a small count, or unknown. */
export const arbKnown: fc.Arbitrary<number | undefined> = fc.option(fc.nat({ max: 4 }), { nil: undefined });

/** Instants around NOW (Thursday 10:49 UTC): inside and outside the off-hours windows of the rows. */
export const arbInstant: fc.Arbitrary<Date> = fc.constantFrom(
  NOW,
  new Date('2026-11-26T23:30:00Z'),
  new Date('2026-11-27T05:00:00Z'),
  new Date('2026-11-28T11:30:00Z'),
);

/** Up to sixteen connections, each listed once (EC2 lists a connection once per endpoint). */
export const arbConnections = fc.uniqueArray(arbConnection, {
  maxLength: 16,
  size: 'medium',
  selector: (c) => `${c.endpointId}/${c.connectionId}`,
});

const arbSelectors = fc.record(
  {
    usernames: fc.subarray(['alice', 'BOB', 'carol', 'Straße'], { minLength: 1 }),
    commonNames: fc.subarray(['alice.example.com', 'laptop-7'], { minLength: 1 }),
    groups: fc.subarray(SELECTED_GROUPS, { minLength: 1 }),
  },
  { requiredKeys: [] },
);
const arbNamed = fc.oneof(
  fc.record({ usernames: fc.subarray(['alice', 'BOB', 'carol', 'Straße'], { minLength: 1 }) }),
  fc.record({ commonNames: fc.subarray(['alice.example.com', 'laptop-7'], { minLength: 1 }) }),
  fc.record({ groups: fc.subarray(SELECTED_GROUPS, { minLength: 1 }) }),
);
/** The text shown to a refused user, on the kinds that refuse at connect; often absent. */
const arbMessage = fc.record(
  { message: fc.constantFrom('Access refused.', 'Office hours only — try again tomorrow.') },
  { requiredKeys: [] },
);
const arbEndpoints = fc.constantFrom(['*'], [ENDPOINT_A], [ENDPOINT_B], [ENDPOINT_A, ENDPOINT_B]);
const arbMode = fc.constantFrom('enforce', 'observe');
const arbCommon = fc.record(
  {
    policyId: fc.constantFrom('p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8'),
    mode: arbMode,
    endpoints: arbEndpoints,
    enabled: fc.constantFrom(true, true, true, false),
    maxTerminations: fc.nat({ max: 4 }),
    expiresAt: fc.constantFrom('2026-11-26T10:00:00Z', '2027-01-01T00:00:00Z', '2027-01-01T00:00:00Z'),
  },
  { requiredKeys: ['policyId', 'mode', 'endpoints'] },
);

/** A valid raw row of any kind, from small pools. */
export const arbValidRow: fc.Arbitrary<Record<string, unknown>> = fc
  .oneof(
    fc
      .tuple(arbCommon, arbNamed, arbMessage)
      .map(([common, named, message]) => row.revokedUser({ ...common, usernames: undefined, ...named, ...message })),
    fc
      .tuple(arbCommon, arbSelectors, fc.integer({ min: 1, max: 120 }), fc.constantFrom(0, 100))
      .map(([common, selectors, idleMinutes, minBytes]) =>
        row.idle({ ...common, ...selectors, idleMinutes, minBytes }),
      ),
    fc
      .tuple(arbCommon, arbSelectors, fc.integer({ min: 1, max: 48 * 60 }))
      .map(([common, selectors, maxSessionMinutes]) => row.maxSession({ ...common, ...selectors, maxSessionMinutes })),
    fc
      .tuple(
        arbCommon,
        arbSelectors,
        fc.constantFrom(['thu'], ['mon', 'fri'], ['wed', 'thu']),
        fc.constantFrom(['08:00', '18:00'], ['22:00', '06:00'], ['11:00', '12:00']),
        arbMessage,
      )
      .map(([common, selectors, days, [start, end], message]) =>
        row.offHours({ ...common, ...selectors, days, start, end, timezone: 'UTC', ...message }),
      ),
    fc
      .tuple(arbCommon, arbSelectors, fc.integer({ min: 1, max: 3 }), arbMessage)
      .map(([common, selectors, maxConnections, message]) =>
        row.maxConnections({ ...common, ...selectors, maxConnections, ...message }),
      ),
    fc
      .tuple(arbCommon, arbSelectors, arbMessage)
      .map(([common, selectors, message]) => row.lockdown({ ...common, ...selectors, ...message })),
    fc.tuple(arbCommon, arbNamed).map(([common, named]) => row.exempt({ ...common, usernames: undefined, ...named })),
  )
  .map(withoutUndefined);

/** A valid exempt row. */
export const arbExemptRow = fc
  .tuple(arbEndpoints, arbNamed, fc.constantFrom('x1', 'x2'))
  .map(([endpoints, named, policyId]) =>
    withoutUndefined(row.exempt({ policyId, endpoints, usernames: undefined, ...named })),
  );

/** Up to six valid rows with distinct policy ids (the table's key). */
export const arbValidRows = fc.uniqueArray(arbValidRow, {
  minLength: 1,
  maxLength: 6,
  selector: (item) => item.policyId,
});

/** A row that must fail validation: anything at all, or a valid row broken in one place. */
export const arbMalformedRow: fc.Arbitrary<unknown> = fc
  .oneof(
    fc.anything({
      withBigInt: true,
      withSet: true,
      withMap: true,
      withDate: true,
      withNullPrototype: true,
      withSparseArray: true,
      withBoxedValues: true,
    }),
    fc
      .tuple(arbValidRow, fc.constantFrom('kind', 'policyId', 'reason', 'endpoints'))
      .map(([valid, field]) => withoutUndefined({ ...valid, [field]: undefined })),
    fc
      .tuple(
        arbValidRow,
        fc.string({ minLength: 1 }).filter((key) => !['__proto__', 'constructor'].includes(key)),
      )
      .map(([valid, key]) => ({ ...valid, [`x-${key}`]: 1 })),
    fc
      .tuple(arbValidRow, fc.anything({ withBigInt: true, withSet: true }))
      .map(([valid, value]) => ({ ...valid, endpoints: value, usernames: [value] })),
    arbValidRow.map((valid) => ({ ...valid, mode: 'ENFORCE' })),
  )
  .filter((item) => !parsePolicyRow(item).ok);

/** Idle memory of some of the pooled connection ids, as a previous run may have left it. */
export const arbIdleState: fc.Arbitrary<IdleState> = fc
  .array(
    fc.record({
      endpointId: fc.constantFrom(ENDPOINT_A, ENDPOINT_B),
      connectionId: fc.integer({ min: 0, max: 15 }).map((n) => `cvpn-connection-${n.toString(16).padStart(17, '0')}`),
      lastBytes: fc.constantFrom(0, 60, 1_000, 1_060, 5_000),
      minutesAgo: fc.integer({ min: 1, max: 600 }),
      thresholds: fc.subarray([0, 100, 500]),
    }),
    { maxLength: 16 },
  )
  .map((entries) => {
    const state = new Map<string, ConnectionIdleState>();
    for (const entry of entries) {
      const at = new Date(NOW.getTime() - entry.minutesAgo * 60_000);
      state.set(entry.connectionId, {
        endpointId: entry.endpointId,
        connectionId: entry.connectionId,
        lastBytes: entry.lastBytes,
        lastSeenAt: at,
        thresholds: entry.thresholds.map((minBytes) => ({ minBytes, baselineBytes: entry.lastBytes, activeAt: at })),
      });
    }
    return state;
  });

/** Idle memory of some of these connections, often with the very bytes they show now (so idle rules fire). */
function arbIdleStateFor(connections: readonly Connection[]): fc.Arbitrary<IdleState> {
  if (connections.length === 0) return fc.constant(new Map());
  const memory = fc.record({
    index: fc.nat({ max: connections.length - 1 }),
    minutesAgo: fc.integer({ min: 1, max: 600 }),
    bytesBefore: fc.constantFrom(0, 0, 0, 50, 150, -500),
    thresholds: fc.subarray([0, 100, 500], { minLength: 1 }),
  });
  return fc.array(memory, { maxLength: connections.length }).map((entries) => {
    const state = new Map<string, ConnectionIdleState>();
    for (const entry of entries) {
      const target = connections[entry.index] as Connection;
      const at = new Date(NOW.getTime() - entry.minutesAgo * 60_000);
      const bytes = Math.max(0, target.ingressBytes + target.egressBytes - entry.bytesBefore);
      state.set(target.connectionId, {
        endpointId: target.endpointId,
        connectionId: target.connectionId,
        lastBytes: bytes,
        lastSeenAt: at,
        thresholds: entry.thresholds.map((minBytes) => ({ minBytes, baselineBytes: bytes, activeAt: at })),
      });
    }
    return state;
  });
}

/** The connections of a run and the idle memory the previous run left: mostly about them, sometimes stray. */
export const arbRun: fc.Arbitrary<[Connection[], IdleState]> = arbConnections.chain((connections) =>
  fc
    .tuple(arbIdleStateFor(connections), arbIdleState)
    .map(([related, stray]): [Connection[], IdleState] => [connections, new Map([...stray, ...related])]),
);

function withoutUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}
