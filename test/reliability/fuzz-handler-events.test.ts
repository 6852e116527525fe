/**
 * Fuzzing the handler's events: anything at all, near-miss schedule ticks (times in every shape,
 * dryRun as text, EventBridge's own envelope, extra keys), stream-shaped garbage (DynamoDB Streams
 * batches whose records are of another table, malformed, or anything at all), near-miss continuations,
 * near-miss changes the hub relays, and valid ones, through createHandler with memory ports. The handler either runs, answers that a
 * batch changes nothing, or refuses the event with EnforcerEventError naming what is wrong; a refused
 * or ignored event reads and ends nothing; no event ends more than a normal run does, and none turns a
 * dry run into a real one.
 */
import { describe, expect, it } from '@jest/globals';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import fc from 'fast-check';
import { loadEnforcerConfig } from '../../lambda/config.js';
import { EnvVar } from '../../lambda/environment.js';
import { EnforcerEventError } from '../../lambda/errors.js';
import { createHandler } from '../../lambda/handler.js';
import { type EnforcerResult, isRunResult } from '../../lambda/run/run-result.js';
import { aConnection, ENDPOINT_A } from '../support/fixtures.js';
import { memoryPorts } from '../support/MemoryPorts.js';
import { FUZZ_SEED, fuzzParameters } from './support/fuzz.js';
import { quietMetrics } from './support/harness.js';

const CONTEXT = {
  getRemainingTimeInMillis: () => 200_000,
  functionName: 'enforcer',
  awsRequestId: 'fuzz',
} as unknown as Context;
const POLICIES = [
  {
    policyId: 'offboarded',
    kind: 'revoked-user',
    mode: 'enforce',
    endpoints: ['*'],
    usernames: ['mallory'],
    reason: 'left',
  },
  { policyId: 'break-glass', kind: 'exempt', usernames: ['root'], reason: 'break glass' },
  {
    policyId: 'max-8h',
    kind: 'max-session',
    mode: 'enforce',
    endpoints: ['*'],
    maxSessionMinutes: 480,
    reason: 'a day',
  },
];
const CONNECTIONS = [
  aConnection({ connectionId: 'cvpn-connection-1', username: 'mallory' }),
  aConnection({ connectionId: 'cvpn-connection-2', username: 'alice' }),
  aConnection({ connectionId: 'cvpn-connection-3', username: 'root', establishedAt: new Date('2026-11-25T08:00:00Z') }),
];
/** What a normal run may end: mallory's connection, nothing else. */
const MAY_END = new Set(['cvpn-connection-1']);

async function invoke(event: unknown, env: Record<string, string> = {}) {
  const ports = memoryPorts([{ endpointId: ENDPOINT_A, tags: {} }], CONNECTIONS, POLICIES);
  const config = loadEnforcerConfig({
    [EnvVar.POLICIES_TABLE]: 'p',
    [EnvVar.AUDIT_TABLE]: 'a',
    [EnvVar.STATE_TABLE]: 's',
    ...env,
  });
  const handler = createHandler(() => ({ config, ports }), {
    logger: new Logger({ serviceName: 'fuzz', logLevel: 'SILENT' }),
    metrics: quietMetrics(),
  });
  let result: EnforcerResult | undefined;
  let error: unknown;
  try {
    result = await handler(event as Record<string, unknown>, CONTEXT);
  } catch (thrown) {
    error = thrown;
  }
  const report = result && isRunResult(result) ? result : undefined;
  const ended = ports.gateway.calls.flatMap((call) =>
    call.decisions.map((decision) => decision.connection.connectionId),
  );
  return {
    result,
    report,
    error,
    ended,
    auditRecords: ports.audit.records.size,
    summaries: ports.audit.summaries.size,
    notes: ports.changes.count,
  };
}

const arbTime = fc.oneof(
  fc
    .date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2999-12-31T23:59:59Z'), noInvalidDate: true })
    .map((date) => date.toISOString()),
  fc.constantFrom(
    '2026-11-26T10:05:00Z',
    '2026-11-26T10:05:00+14:00',
    '2026-11-26T10:05:00.123456Z',
    '2026-11-26T10:05:00',
    '2026-11-26 10:05:00Z',
    '2026-02-30T10:05:00Z',
    '2026-11-26T25:05:00Z',
    '<aws.scheduler.scheduled-time>',
    'yesterday',
    '',
    ' 2026-11-26T10:05:00Z',
    '2026-11-26T10:05:00Z\n',
    '1764151500',
  ),
  fc.string(),
  fc.integer(),
  fc.date({ noInvalidDate: false }),
);
const arbDryRun = fc.oneof(fc.boolean(), fc.constantFrom('true', 'false', 1, 0, null, 'yes', [], {}), fc.anything());

/** Near-miss schedule ticks: the right keys with values of every kind, sometimes one key too many. */
const arbNearTick = fc
  .record(
    {
      scheduledTime: arbTime,
      source: fc.oneof(fc.constantFrom('schedule', 'aws.scheduler', ''), fc.anything()),
      dryRun: arbDryRun,
      extra: fc.constantFrom(
        'DryRun',
        'dry_run',
        'detail',
        'detail-type',
        'time',
        'resources',
        'scheduledtime',
        'constructor',
        'toString',
      ),
      extraValue: fc.anything(),
      withExtra: fc.boolean(),
    },
    { requiredKeys: ['extra', 'extraValue', 'withExtra'] },
  )
  .map(({ extra, extraValue, withExtra, ...tick }) => (withExtra ? { ...tick, [extra]: extraValue } : tick));

/** EventBridge's own scheduled-event envelope (what a rule, rather than Scheduler's payload, would send). */
const arbEnvelope = fc.record({
  version: fc.constant('0'),
  id: fc.uuid(),
  'detail-type': fc.constant('Scheduled Event'),
  source: fc.constant('aws.events'),
  time: arbTime,
  region: fc.constant('us-east-1'),
  resources: fc.array(fc.string(), { maxLength: 2 }),
  detail: fc.constant({}),
});

const STREAM_ARN = 'arn:aws:dynamodb:us-east-1:123456789012:table/p/stream/2026-11-26T10:00:00.000';

/** A row as DynamoDB Streams images hold it: AttributeValue JSON. */
const REVOKED_IMAGE = {
  policyId: { S: 'offboarded-2' },
  kind: { S: 'revoked-user' },
  mode: { S: 'enforce' },
  endpoints: { L: [{ S: '*' }] },
  usernames: { L: [{ S: 'mallory' }] },
  reason: { S: 'left' },
};

/** One stream record of the policies table, or one a field of which is something else entirely. */
const arbStreamRecord = fc
  .record({
    eventName: fc.oneof(fc.constantFrom('INSERT', 'MODIFY', 'REMOVE'), fc.anything()),
    eventSource: fc.oneof(fc.constant('aws:dynamodb'), fc.constantFrom('aws:kinesis', ''), fc.anything()),
    eventSourceARN: fc.oneof(
      fc.constant(STREAM_ARN),
      fc.constant(STREAM_ARN.replace('table/p/', 'table/other/')),
      fc.string(),
      fc.anything(),
    ),
    NewImage: fc.oneof(
      fc.constant(REVOKED_IMAGE),
      fc.constant({ policyId: 'offboarded-2', kind: 'revoked-user' }),
      fc.dictionary(fc.string(), fc.anything()),
      fc.anything(),
    ),
    OldImage: fc.oneof(fc.constant(REVOKED_IMAGE), fc.anything()),
    Keys: fc.oneof(fc.constant({ policyId: { S: 'offboarded-2' } }), fc.constant({}), fc.anything()),
    SequenceNumber: fc.oneof(fc.stringMatching(/^[0-9]{1,26}$/), fc.anything()),
    StreamViewType: fc.oneof(fc.constant('NEW_AND_OLD_IMAGES'), fc.constantFrom('KEYS_ONLY', 'NEW_IMAGE')),
    drop: fc.subarray(['eventID', 'NewImage', 'OldImage', 'Keys', 'dynamodb']),
    eventNumber: fc.nat(99),
  })
  .map(({ eventName, eventSource, eventSourceARN, drop, StreamViewType, SequenceNumber, eventNumber, ...images }) => {
    const dynamodb: Record<string, unknown> = {
      ApproximateCreationDateTime: 1764151500,
      Keys: images.Keys,
      NewImage: images.NewImage,
      OldImage: images.OldImage,
      SequenceNumber,
      SizeBytes: 120,
      StreamViewType,
    };
    for (const key of drop) delete dynamodb[key];
    const record: Record<string, unknown> = {
      eventID: `event-${eventNumber}`,
      eventName,
      eventVersion: '1.1',
      eventSource,
      awsRegion: 'us-east-1',
      dynamodb,
      eventSourceARN,
    };
    if (drop.includes('eventID')) delete record.eventID;
    if (drop.includes('dynamodb')) delete record.dynamodb;
    return record;
  });

/** A well-formed INSERT or MODIFY of the policies table that revokes mallory again: it starts a run. */
const arbRevokingRecord = fc
  .record({ eventName: fc.constantFrom('INSERT', 'MODIFY'), sequence: fc.stringMatching(/^[1-9][0-9]{0,20}$/) })
  .map(({ eventName, sequence }) => ({
    eventID: `revoke-${sequence}`,
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    dynamodb: {
      ApproximateCreationDateTime: 1764151500,
      Keys: { policyId: { S: 'offboarded-2' } },
      NewImage: REVOKED_IMAGE,
      ...(eventName === 'MODIFY' ? { OldImage: { ...REVOKED_IMAGE, mode: { S: 'observe' } } } : {}),
      SequenceNumber: sequence,
      SizeBytes: 120,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
    eventSourceARN: STREAM_ARN,
  }));

/** Stream-shaped garbage: batches of such records, anything else as a record, or `Records` that is no list. */
const arbStreamBatch = fc.oneof(
  fc.record({
    Records: fc.array(fc.oneof(arbStreamRecord, arbRevokingRecord, fc.anything()), { minLength: 1, maxLength: 5 }),
  }),
  fc.record({ Records: fc.oneof(fc.constant([]), fc.anything()) }),
  fc.record({ Records: fc.array(arbStreamRecord, { maxLength: 2 }), extra: fc.anything() }),
);

/** Near-miss continuations: the right key with values of every kind. */
const arbContinuation = fc.record({
  continuation: fc.oneof(
    fc.record({
      of: fc.oneof(fc.constantFrom('run-2026-11-26T10:05:00Z', 'change-0123456789abcdef', 'run-x+c1'), fc.string()),
      generation: fc.oneof(fc.integer({ min: -1, max: 2000 }), fc.anything()),
      reason: fc.oneof(fc.constantFrom('deferred', 'policy-changed'), fc.string()),
    }),
    fc.anything(),
  ),
});

const RELAY_ARN = 'arn:aws:lambda:eu-west-1:111122223333:function:cvpn-guard-relay';

/** Near-miss relayed changes (the hub's relay to a spoke): the right key with values of every kind. */
const arbRelayedChange = fc.record({
  change: fc.oneof(
    fc.record({
      runId: fc.stringMatching(/^change-[0-9a-f]{16}$/),
      policyIds: fc.array(fc.string({ minLength: 1 }), { maxLength: 3 }),
      from: fc.constant(RELAY_ARN),
    }),
    fc.record(
      {
        runId: fc.oneof(
          fc.stringMatching(/^change-[0-9a-f]{16}$/),
          fc.constantFrom('change-0123456789ABCDEF', 'change-0123', 'run-2026-11-26T10:05:00Z', ''),
          fc.anything(),
        ),
        policyIds: fc.oneof(fc.array(fc.string({ minLength: 1 }), { maxLength: 3 }), fc.anything()),
        from: fc.oneof(fc.constant(RELAY_ARN), fc.constantFrom('relay', `${RELAY_ARN}:live`), fc.anything()),
        extra: fc.anything(),
      },
      { requiredKeys: ['runId', 'policyIds', 'from'] },
    ),
    fc.anything(),
  ),
});

const arbEvent = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.anything({
      withBigInt: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withSparseArray: true,
    }),
  },
  { weight: 4, arbitrary: arbNearTick },
  { weight: 1, arbitrary: arbEnvelope },
  { weight: 3, arbitrary: arbStreamBatch },
  { weight: 1, arbitrary: arbContinuation },
  { weight: 1, arbitrary: arbRelayedChange },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      undefined,
      null,
      {},
      { dryRun: true },
      { dryRun: false },
      { scheduledTime: '2026-11-26T10:05:00Z' },
    ),
  },
);

describe(`fuzzing the handler's events (seed ${FUZZ_SEED})`, () => {
  it('runs or refuses by name; a refused event touches nothing; no event ends more than a run does (1500 cases)', async () => {
    let ran = 0;
    let refused = 0;
    let ignored = 0;
    let changeRuns = 0;
    let relayedRuns = 0;
    await fc.assert(
      fc.asyncProperty(arbEvent, async (event) => {
        // Act
        const { result, report, error, ended, auditRecords, summaries, notes } = await invoke(event);

        // Assert
        for (const id of ended) expect(MAY_END).toContain(id);
        if (error !== undefined) {
          refused += 1;
          expect(error).toBeInstanceOf(EnforcerEventError);
          expect((error as Error).message).toMatch(
            /^cvpn-guard: the event is not one the enforcer accepts \(.+\): \S+: /,
          );
          expect([ended, auditRecords, summaries, notes]).toEqual([[], 0, 0, 0]);
          return;
        }
        const records = (event as { Records?: unknown[] } | null | undefined)?.Records;
        if (report === undefined) {
          ignored += 1;
          expect(result).toMatchObject({ status: 'ignored', trigger: 'change', changes: records?.length });
          expect([ended, auditRecords, summaries, notes]).toEqual([[], 0, 0, 0]);
          return;
        }
        ran += 1;
        expect(report.status).toBe('completed');
        if (records !== undefined) {
          changeRuns += 1;
          expect(report).toMatchObject({ trigger: 'change', changes: records.length });
          expect(report.runId).toMatch(/^change-[0-9a-f]{16}$/);
          expect(notes).toBe(1);
          return;
        }
        const relayed = (event as { change?: { runId: string } } | null | undefined)?.change;
        if (relayed !== undefined) {
          relayedRuns += 1;
          expect(report).toMatchObject({ runId: relayed.runId, trigger: 'change' });
          expect(notes).toBe(1);
          return;
        }
        const continued = (event as { continuation?: { of: string; generation: number } } | null | undefined)
          ?.continuation;
        if (continued !== undefined) {
          expect(report.runId).toBe(`${continued.of}+c${continued.generation}`);
          return;
        }
        const asked = event as { scheduledTime?: string; dryRun?: unknown } | undefined;
        if (asked?.dryRun === true) expect(ended).toEqual([]);
        if (asked?.scheduledTime)
          expect(report?.runId).toBe(`run-${new Date(asked.scheduledTime).toISOString().replace(/\.000Z$/, 'Z')}`);
        else expect(report?.runId).toMatch(/^manual-/);
      }),
      fuzzParameters(1500),
    );
    expect(ran).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
    expect(ignored).toBeGreaterThan(0);
    expect(changeRuns).toBeGreaterThan(0);
    expect(relayedRuns).toBeGreaterThan(0);
  });

  it('never calls terminate on a dry-run deployment, whatever the event (500 cases)', async () => {
    await fc.assert(
      fc.asyncProperty(arbEvent, async (event) => {
        const { report, ended } = await invoke(event, { [EnvVar.DRY_RUN]: 'true' });

        expect(ended).toEqual([]);
        if (report) expect(report.dryRun).toBe(true);
      }),
      fuzzParameters(500),
    );
  });
});
