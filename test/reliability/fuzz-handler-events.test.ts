/**
 * Fuzzing the handler's events: anything at all, near-miss schedule ticks (times in every shape,
 * dryRun as text, EventBridge's own envelope, extra keys) and valid ones, through createHandler
 * with memory ports. The handler either runs or refuses the event with EnforcerEventError naming
 * what is wrong; a refused event reads and ends nothing; no event ends more than a normal run does,
 * and none turns a dry run into a real one.
 */
import { describe, expect, it } from '@jest/globals';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import fc from 'fast-check';
import { loadEnforcerConfig } from '../../lambda/config.js';
import { EnvVar } from '../../lambda/environment.js';
import { EnforcerEventError } from '../../lambda/errors.js';
import { createHandler } from '../../lambda/handler.js';
import type { RunReport } from '../../lambda/run/RunReport.js';
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
  let report: RunReport | undefined;
  let error: unknown;
  try {
    report = await handler(event as Record<string, unknown>, CONTEXT);
  } catch (thrown) {
    error = thrown;
  }
  const ended = ports.gateway.calls.flatMap((call) =>
    call.decisions.map((decision) => decision.connection.connectionId),
  );
  return { report, error, ended, auditRecords: ports.audit.records.size, summaries: ports.audit.summaries.size };
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
    await fc.assert(
      fc.asyncProperty(arbEvent, async (event) => {
        // Act
        const { report, error, ended, auditRecords, summaries } = await invoke(event);

        // Assert
        for (const id of ended) expect(MAY_END).toContain(id);
        if (error !== undefined) {
          refused += 1;
          expect(error).toBeInstanceOf(EnforcerEventError);
          expect((error as Error).message).toMatch(
            /^cvpn-guard: the event is not a schedule tick nor \{"dryRun": true\}: \S+: /,
          );
          expect([ended, auditRecords, summaries]).toEqual([[], 0, 0]);
          return;
        }
        ran += 1;
        expect(report?.status).toBe('completed');
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
