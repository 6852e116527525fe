/**
 * The fault matrix, stream path: a revoked-user row is written and the policies table's stream, mapped to the
 * enforcer as the stack maps it, must end the user's connections by itself (no schedule) while DynamoDB fails a
 * share of the run's calls, the function crashes or times out on the batch (the mapping retries and splits it),
 * EC2 throttles hard, or the batch is delivered twice; with the kill switch on, the batch ends nothing and the next
 * tick, once it is off, ends them; records of another table or malformed ones in the batch are set aside.
 *
 * The bound on simulated time, from the write: the batching window (1 s), plus for each failed delivery what it
 * cost (an error answers at once; a timeout costs the function's timeout), plus the run's own backoff under
 * throttling, plus one run's length per continuation it hands on to. Each case states its bound from those figures.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { EnvVar } from '../../lambda/environment.js';
import { defaultValue, Setting } from '../../lambda/settings/index.js';
import { ENFORCER_FUNCTION_NAME, POLICY_STREAM_MAPPING } from '../../cli/sandbox/product.js';
import { type FaultRule, type Sandbox, startSandbox } from '../../local/index.js';
import type { FunctionFaultRule } from '../../local/lambda/function-faults.js';
import { scanAll } from '../support/sandbox-enforcer.js';
import { checkInvariants, decisionRecords } from './support/invariants.js';
import {
  deliver,
  FUNCTION_TIMEOUT_MS,
  installStreamProduct,
  nextScheduledRun,
  REVOCATION_REASON,
  type StreamProduct,
  streamExpectation,
  streamScenario,
  STREAM_START,
  writeRevocation,
} from './support/stream.js';

/** One case: faults while the batch is delivered, and the bound on simulated time it must end the targets within. */
interface StreamCase {
  readonly name: string;
  readonly seed: number;
  readonly faults?: readonly FaultRule[];
  readonly functionFaults?: readonly FunctionFaultRule[];
  /**
   * The schedule is on, and the faults may leave the work to its next tick: a run whose audit intents cannot be
   * written makes no call without one and defers, and a run that made no call hands nothing on (it would hand the
   * same work on). The faults end before that tick, as an outage does.
   */
  readonly floor?: 'schedule';
  /** Rows written just before the revocation, in the same batching window: the batch holds them all. */
  readonly alsoWrite?: readonly Record<string, unknown>[];
  /** Simulated milliseconds from the write by which every target has ended. */
  readonly boundMs: number;
}

const SECOND = 1000;
const WINDOW = POLICY_STREAM_MAPPING.maximumBatchingWindowMs;
/** The stack's default schedule, `rate(5 minutes)`. */
const SCHEDULE_PERIOD_MS = (defaultValue(Setting.SCHEDULE).periodSeconds ?? 300) * 1000;

const MATRIX: readonly StreamCase[] = [
  { name: 'no faults', seed: 1, boundMs: WINDOW + 5 * SECOND },
  // The SDK makes 3 attempts: 3 failures in a row fail the run's call, and the mapping retries the batch at once.
  {
    name: "DynamoDB fails the change signal's UpdateItem (3 in a row)",
    seed: 41,
    faults: [{ service: 'dynamodb', actions: ['UpdateItem'], kind: 'error', count: 3 }],
    boundMs: WINDOW + 10 * SECOND,
  },
  {
    name: "DynamoDB fails the lease's conditional PutItem (3 in a row)",
    seed: 42,
    faults: [{ service: 'dynamodb', actions: ['PutItem'], kind: 'error', count: 3 }],
    boundMs: WINDOW + 10 * SECOND,
  },
  {
    name: 'DynamoDB fails the policy scan (3 in a row)',
    seed: 43,
    faults: [{ service: 'dynamodb', actions: ['Scan'], kind: 'error', count: 3 }],
    boundMs: WINDOW + 10 * SECOND,
  },
  {
    name: 'DynamoDB throttles a burst of the signal, lease and scan calls',
    seed: 44,
    faults: [
      { service: 'dynamodb', actions: ['UpdateItem', 'PutItem', 'Scan'], kind: 'throttle', rate: 0.6, count: 5 },
    ],
    // Adaptive retry slows the client after a throttle: seconds, not minutes.
    boundMs: WINDOW + 30 * SECOND,
  },
  {
    name: 'DynamoDB fails half of the writes and scans for the whole delivery',
    seed: 45,
    faults: [
      {
        service: 'dynamodb',
        actions: ['UpdateItem', 'PutItem', 'DeleteItem', 'Scan'],
        kind: 'error',
        rate: 0.5,
        count: 30,
      },
    ],
    // Intents that cannot be written are deferred; a continuation (Lambda retries it after 1 and 2 minutes) or,
    // when the run made no call at all, the schedule's next tick takes them up. Which calls fail depends on the
    // order of concurrent calls, which is not seeded, so a tick's run may fail again: the faults stop after 30
    // (a failing run uses several), and three ticks take up what is left.
    floor: 'schedule',
    boundMs: WINDOW + 3 * SCHEDULE_PERIOD_MS + 30 * SECOND,
  },
  {
    name: 'the function fails on the batch twice (the mapping retries it)',
    seed: 46,
    functionFaults: [{ function: ENFORCER_FUNCTION_NAME, kind: 'error', count: 2 }],
    boundMs: WINDOW + 5 * SECOND,
  },
  {
    name: 'the function fails once on a batch of two changes (the mapping splits it in two)',
    seed: 49,
    alsoWrite: [
      {
        policyId: 'max-2-observe',
        kind: 'max-connections',
        mode: 'observe',
        endpoints: ['*'],
        usernames: ['bob'],
        maxConnections: 2,
        reason: 'watched',
      },
    ],
    functionFaults: [{ function: ENFORCER_FUNCTION_NAME, kind: 'error', count: 1 }],
    boundMs: WINDOW + 5 * SECOND,
  },
  {
    name: 'the function times out on the batch once (the mapping retries it)',
    seed: 47,
    functionFaults: [{ function: ENFORCER_FUNCTION_NAME, kind: 'timeout', count: 1 }],
    boundMs: WINDOW + FUNCTION_TIMEOUT_MS + 5 * SECOND,
  },
  {
    name: 'EC2 throttles every terminate call, 10 in a row',
    seed: 48,
    faults: [{ service: 'ec2', actions: ['TerminateClientVpnConnections'], kind: 'throttle', count: 10 }],
    // The run backs off (jittered, capped) within its time budget and defers what it cannot do in time; a
    // continuation, with a budget of its own, takes that up.
    boundMs: WINDOW + 2 * FUNCTION_TIMEOUT_MS,
  },
];

describe('the fault matrix: the stream path', () => {
  let sandbox: Sandbox;
  let installed: StreamProduct | undefined;
  const summary: string[] = [];

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, scenario: streamScenario(), clock: { start: STREAM_START, frozen: true } });
  });
  beforeEach(async () => {
    await sandbox.reset();
  });
  afterEach(async () => {
    await installed?.stop();
    installed = undefined;
  });
  afterAll(async () => {
    await sandbox?.stop();
    console.log(['Fault matrix: the stream path', ...summary].join('\n'));
  });

  /** The invariants, settled or not, as violations. */
  const violations = async (settled: boolean) =>
    (await checkInvariants(sandbox, installed!.clients, streamExpectation(sandbox), { settled })).violations;
  const ec2Terminates = () => sandbox.counters.snapshot().ec2?.TerminateClientVpnConnections?.calls ?? 0;

  it.each(MATRIX.map((entry) => [entry.name, entry] as const))(
    '%s: the stream alone ends every connection of the revoked user within the bound',
    async (_name, entry) => {
      // Arrange
      installed = await installStreamProduct(sandbox, { schedule: entry.floor === 'schedule' });
      const expectation = streamExpectation(sandbox);
      sandbox.faults.reseed(entry.seed);
      sandbox.lambda.functionFaults.reseed(entry.seed);
      for (const row of entry.alsoWrite ?? []) await writeRevocation(sandbox, installed.clients, row);
      await writeRevocation(sandbox, installed.clients);
      sandbox.faults.set(entry.faults ?? []);
      sandbox.lambda.functionFaults.set(entry.functionFaults ?? []);

      // Act
      const started = sandbox.clock.nowMs();
      await deliver(sandbox);
      const injected = sandbox.faults.list().reduce((sum, rule) => sum + rule.fired, 0);
      const crashed = sandbox.lambda.functionFaults.list().reduce((sum, rule) => sum + rule.fired, 0);
      sandbox.faults.clear();
      sandbox.lambda.functionFaults.clear();
      const endedByTheStream = (await checkInvariants(sandbox, installed.clients, expectation, { settled: false }))
        .ended;
      if (entry.floor === 'schedule') await nextScheduledRun(sandbox, installed.product);

      // Assert
      const terminated = (await decisionRecords(sandbox, installed.clients)).filter((r) => r.outcome === 'terminated');
      // When the last target's terminate call was answered, from the write.
      const elapsed = Math.max(...terminated.map((record) => Date.parse(String(record.completedAt)))) - started;
      const mapping = installed.product.streamMapping!.view();
      summary.push(
        `${entry.name}: ${elapsed} ms simulated, ${endedByTheStream}/${expectation.targets.size} ended by the stream, ${mapping.stats.invocations} batch invocations ` +
          `(${mapping.stats.retried} retried, ${mapping.stats.discarded} discarded), ` +
          `${sandbox.lambda.asyncInvocations().length} continuations, ${injected + crashed} faults`,
      );
      expect(await violations(true)).toEqual([]);
      expect(elapsed).toBeLessThanOrEqual(entry.boundMs);
      expect(mapping.stats.discarded).toBe(0);
      if (entry.faults) expect(injected).toBeGreaterThan(0);
      if (entry.functionFaults) {
        expect(crashed).toBe(entry.functionFaults[0]?.count);
        expect(mapping.stats.retried).toBe(crashed);
        // A failing batch of more than one change is split in two, and each half delivered on its own.
        expect(mapping.stats.split).toBe(entry.alsoWrite ? 1 : 0);
      }
      expect(terminated).toHaveLength(expectation.targets.size);
      expect(terminated.every((record) => record.policyReason === REVOCATION_REASON)).toBe(true);
      // The change's run or its continuations end them; only a case with the schedule as its floor may leave a tick some.
      const runIds = entry.floor ? /^(change-[0-9a-f]{16}(\+c\d+)?|run-\S+)$/ : /^change-[0-9a-f]{16}(\+c\d+)?$/;
      expect(terminated.filter((record) => !runIds.test(record.runId))).toEqual([]);
      if (entry.floor === undefined) expect(endedByTheStream).toBe(expectation.targets.size);
      expect(ec2Terminates()).toBeGreaterThan(0);
    },
  );

  it('a batch delivered twice: the second delivery finds the run done and ends nothing again', async () => {
    // Arrange
    installed = await installStreamProduct(sandbox, { schedule: false });
    installed.product.streamMapping!.setRedeliver(1);
    await writeRevocation(sandbox, installed.clients);

    // Act
    await deliver(sandbox);

    // Assert
    const mapping = installed.product.streamMapping!.view();
    expect(mapping.stats.redelivered).toBe(1);
    expect(sandbox.lambda.get(ENFORCER_FUNCTION_NAME).stats.succeeded).toBe(2);
    const summaries = (await scanAll(installed.clients, sandbox.tables.audit)).filter(
      (item) => item.recordType === 'summary',
    );
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toMatchObject({ trigger: 'change', status: 'completed' });
    // mallory's 3 connections on B go in one call by user name, her 4 on A by id: 2 calls, made once.
    expect(ec2Terminates()).toBe(2);
    expect(await violations(true)).toEqual([]);
  });

  it('the kill switch on: the batch records a disabled summary and ends nothing; once off, the next tick ends them', async () => {
    // Arrange
    installed = await installStreamProduct(sandbox, { schedule: true });
    installed.configure({ [EnvVar.DISABLED]: 'true' });
    await writeRevocation(sandbox, installed.clients);

    // Act: the batch arrives while the switch is on.
    await deliver(sandbox);
    const whileDisabled = (await scanAll(installed.clients, sandbox.tables.audit)).filter(
      (item) => item.recordType === 'summary',
    );
    const endedWhileDisabled = ec2Terminates();
    // The switch goes off; the schedule's next tick (every 5 minutes) comes.
    installed.configure({ [EnvVar.DISABLED]: 'false' });
    const ticksBefore = installed.product.ticks().length;
    await nextScheduledRun(sandbox, installed.product);

    // Assert
    expect(whileDisabled).toEqual([expect.objectContaining({ trigger: 'change', status: 'disabled' })]);
    expect(endedWhileDisabled).toBe(0);
    const ticks = installed.product.ticks().slice(ticksBefore);
    expect(ticks.map((tick) => tick.status)).toContain('completed');
    expect(await violations(true)).toEqual([]);
  });

  it('records of another table and a malformed record in the batch are set aside; the change in it still runs', async () => {
    // Arrange: the stream unmapped, so the batch is the one this test hands the function, as the mapping would.
    installed = await installStreamProduct(sandbox, { schedule: false, stream: false });
    await writeRevocation(sandbox, installed.clients);
    const change = sandbox.policyStream.list()[0]!.record;
    const foreign = {
      ...change,
      eventID: 'foreign-1',
      eventSourceARN: (change.eventSourceARN ?? '').replace(/table\/[^/]+\//, 'table/someone-elses-table/'),
    };
    const malformed = { ...change, eventID: 'malformed-1', dynamodb: { SequenceNumber: '1' } };

    // Act
    const outcome = await sandbox.lambda.invoke(
      ENFORCER_FUNCTION_NAME,
      JSON.stringify({ Records: [foreign, change, malformed] }),
    );

    // Assert
    expect(outcome.kind).toBe('returned');
    const report = JSON.parse(outcome.kind === 'returned' ? outcome.payload : '{}') as Record<string, unknown>;
    expect(report).toMatchObject({ trigger: 'change', status: 'completed', changes: 3 });
    expect(report.ignored).toHaveLength(2);
    expect(String(report.runId)).toMatch(/^change-[0-9a-f]{16}$/);
    expect(await violations(true)).toEqual([]);
  });
});
