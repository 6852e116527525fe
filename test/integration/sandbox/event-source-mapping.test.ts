import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import type { EventSourceMappingOptions, Sandbox } from '../../../local/index.js';
import { T0, raw, startTestSandbox } from './helpers.js';

const CONSUMER = 'stream-consumer';
const DLQ = 'arn:aws:sqs:us-east-1:000000000000:stream-failures';

describe('an event source mapping from the policies stream', () => {
  let sandbox: Sandbox;
  let documents: DynamoDBDocumentClient;
  let batches: string[][];
  let poison: Set<string>;
  let sleepMs: number;
  let hold: Promise<void> | undefined;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    documents = DynamoDBDocumentClient.from(new DynamoDBClient({ ...sandbox.clientConfig(), maxAttempts: 1 }));
  });

  beforeEach(async () => {
    await sandbox.reset();
    batches = [];
    poison = new Set();
    sleepMs = 0;
    hold = undefined;
    sandbox.lambda.register(
      CONSUMER,
      async (event: DynamoDBStreamEvent) => {
        const ids = event.Records.map((record) => record.dynamodb?.Keys?.policyId?.S ?? '?');
        batches.push(ids);
        await sandbox.clock.sleep(sleepMs);
        await hold;
        if (ids.some((id) => poison.has(id))) throw new Error(`cannot take ${ids.join(',')}`);
        return {};
      },
      { timeoutMs: 60_000 },
    );
  });

  afterEach(async () => {
    for (const mapping of sandbox.lambda.eventSourceMappings()) {
      await sandbox.lambda.deleteEventSourceMapping(mapping.uuid);
    }
  });

  afterAll(async () => {
    documents.destroy();
    await sandbox.stop();
  });

  const map = (options: Partial<EventSourceMappingOptions> = {}) =>
    sandbox.lambda.createEventSourceMapping({
      functionName: CONSUMER,
      streamArn: sandbox.policyStream.arn,
      ...options,
    });

  /** Writes rows p-<from> … p-<to - 1> through the edge, 25 to a BatchWriteItem, in order. */
  async function writeRows(from: number, to: number): Promise<void> {
    for (let start = from; start < to; start += 25) {
      const ids = Array.from({ length: Math.min(25, to - start) }, (_, index) => `p-${start + index}`);
      await documents.send(
        new BatchWriteCommand({
          RequestItems: {
            [sandbox.tables.policies]: ids.map((policyId) => ({ PutRequest: { Item: { policyId, kind: 'idle' } } })),
          },
        }),
      );
    }
  }

  it('sends a burst in full batches at once, and the rest when the batching window has passed', async () => {
    const mapping = map({ batchSize: 100, maximumBatchingWindowMs: 1000 });

    await writeRows(0, 1050);
    await sandbox.lambda.settled();
    const beforeWindow = batches.map((batch) => batch.length);
    sandbox.clock.advance(999);
    await sandbox.lambda.settled();
    const justBefore = batches.length;
    sandbox.clock.advance(1);
    await sandbox.lambda.settled();

    expect(beforeWindow).toEqual(Array(10).fill(100));
    expect(justBefore).toBe(10);
    expect(batches.map((batch) => batch.length)).toEqual([...Array(10).fill(100), 50]);
    expect(batches.flat()).toEqual(Array.from({ length: 1050 }, (_, index) => `p-${index}`));
    expect(mapping.view().stats).toMatchObject({ invocations: 11, delivered: 11, recordsDelivered: 1050 });
    expect(mapping.view()).toMatchObject({ waitingRecords: 0, state: 'Enabled' });
    expect(sandbox.clock.now().toISOString()).toBe('2026-11-26T10:00:01.000Z');
  });

  it('counts the batching window from the first waiting record', async () => {
    map({ batchSize: 100, maximumBatchingWindowMs: 1000 });

    await writeRows(0, 1);
    sandbox.clock.advance(600);
    await writeRows(1, 2);
    sandbox.clock.advance(399);
    await sandbox.lambda.settled();
    const early = batches.length;
    sandbox.clock.advance(1);
    await sandbox.lambda.settled();

    expect(early).toBe(0);
    expect(batches).toEqual([['p-0', 'p-1']]);
  });

  it('retries a failing batch in halves, then describes the bad record to the on-failure destination and goes on', async () => {
    const mapping = map({
      batchSize: 4,
      bisectBatchOnError: true,
      maximumRetryAttempts: 3,
      onFailure: { destination: DLQ },
    });
    poison.add('p-2');

    await writeRows(0, 4);
    await sandbox.lambda.settled();
    await writeRows(4, 5);
    await sandbox.lambda.settled();

    expect(batches).toEqual([
      ['p-0', 'p-1', 'p-2', 'p-3'],
      ['p-0', 'p-1'],
      ['p-2', 'p-3'],
      ['p-2'],
      ['p-2'],
      ['p-3'],
      ['p-4'],
    ]);
    expect(mapping.view().stats).toMatchObject({ invocations: 7, delivered: 3, retried: 3, split: 2, discarded: 1 });
    const poisonRecord = sandbox.policyStream.list()[2];
    expect(mapping.failures()).toEqual([
      {
        requestContext: {
          requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
          functionArn: sandbox.lambda.arn(CONSUMER),
          condition: 'RetryAttemptsExhausted',
          approximateInvokeCount: 2,
        },
        responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
        version: '1.0',
        timestamp: T0,
        DDBStreamBatchInfo: {
          shardId: sandbox.policyStream.shardId,
          startSequenceNumber: poisonRecord?.record.dynamodb?.SequenceNumber,
          endSequenceNumber: poisonRecord?.record.dynamodb?.SequenceNumber,
          approximateArrivalOfFirstRecord: '2026-11-26T10:00:00Z',
          approximateArrivalOfLastRecord: '2026-11-26T10:00:00Z',
          batchSize: 1,
          streamArn: sandbox.policyStream.arn,
        },
      },
    ]);
  });

  it('retries the whole batch without bisect until the retries are used up', async () => {
    const mapping = map({ batchSize: 10, maximumRetryAttempts: 2, onFailure: { destination: DLQ } });
    poison.add('p-1');

    await writeRows(0, 3);
    await sandbox.lambda.settled();

    expect(batches).toEqual(Array(3).fill(['p-0', 'p-1', 'p-2']));
    expect(mapping.failures().map((failure) => [failure.requestContext, failure.DDBStreamBatchInfo.batchSize])).toEqual(
      [[expect.objectContaining({ condition: 'RetryAttemptsExhausted', approximateInvokeCount: 3 }), 3]],
    );
  });

  it('treats a timeout as a function error, and a throttle as no attempt: waited out, then sent again', async () => {
    const mapping = map({ maximumRetryAttempts: 1 });
    sandbox.lambda.functionFaults.set([
      { function: CONSUMER, kind: 'throttle', count: 1 },
      { function: CONSUMER, kind: 'timeout', count: 1 },
    ]);

    await writeRows(0, 1);
    await sandbox.lambda.settled();
    const whileThrottled = mapping.view().stats;
    sandbox.clock.advance(1000);
    await sandbox.lambda.settled();

    expect(whileThrottled).toMatchObject({ invocations: 1, throttled: 1, delivered: 0 });
    expect(mapping.view().stats).toMatchObject({
      invocations: 3,
      throttled: 1,
      retried: 1,
      delivered: 1,
      discarded: 0,
    });
    expect(batches).toEqual([['p-0']]);
  });

  it('gives up on records older than the maximum record age', async () => {
    const mapping = map({ maximumRecordAgeMs: 60_000, onFailure: { destination: DLQ } });
    poison.add('p-0');
    sleepMs = 30_000;

    await writeRows(0, 1);
    await sandbox.lambda.settled();

    expect(batches).toHaveLength(3);
    expect(mapping.failures().map((failure) => failure.requestContext)).toEqual([
      expect.objectContaining({ condition: 'RecordAgeExceeded', approximateInvokeCount: 3 }),
    ]);
    // Tried at 0 s, 30 s and 60 s (a record 60 s old may still go); at 90 s it is too old.
    expect(mapping.failures()[0]?.timestamp).toBe('2026-11-26T10:01:30.000Z');
  });

  it('delivers every successful batch twice with the redelivery knob, the same records each time', async () => {
    const mapping = map({ redeliver: 1 });

    await writeRows(0, 2);
    await sandbox.lambda.settled();

    expect(batches).toEqual([
      ['p-0', 'p-1'],
      ['p-0', 'p-1'],
    ]);
    expect(mapping.view().stats).toMatchObject({ delivered: 1, redelivered: 1, invocations: 2 });
  });

  it('reads new records only (LATEST), and every kept record with TRIM_HORIZON', async () => {
    await writeRows(0, 2);
    map();
    map({ startingPosition: 'TRIM_HORIZON' });

    await writeRows(2, 3);
    await sandbox.lambda.settled();

    expect(batches.map((batch) => batch.join(',')).sort()).toEqual(['p-0,p-1', 'p-2', 'p-2']);
  });

  it('refuses bad settings by name, with what would be accepted', () => {
    expect(() => map({ batchSize: 0 })).toThrow('batchSize 0; expected a whole number from 1 to 10000');
    expect(() => map({ maximumRecordAgeMs: 1000 })).toThrow('from 60000 to 604800000, or -1 for no limit');
    expect(() => map({ onFailure: { destination: 'my-queue' } })).toThrow('an SQS queue or SNS topic ARN');
    expect(() => map({ streamArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/x/stream/y' })).toThrow(
      'no stream arn:aws:dynamodb:us-east-1:000000000000:table/x/stream/y',
    );
    expect(() => map({ functionName: 'missing' })).toThrow('Function not found');
  });

  it('serves mappings, their failures and the redelivery knob on the admin API', async () => {
    const mapping = map({ maximumRetryAttempts: 0, onFailure: { destination: DLQ } });
    poison.add('p-0');
    await writeRows(0, 1);
    await sandbox.lambda.settled();
    const before = JSON.parse(JSON.stringify(mapping.view())) as unknown;

    const listed = await raw(sandbox, { method: 'GET', path: '/_sandbox/lambda/mappings' });
    const failures = await raw(sandbox, { method: 'GET', path: `/_sandbox/lambda/mappings/${mapping.uuid}/failures` });
    const patched = await raw(sandbox, {
      method: 'PATCH',
      path: `/_sandbox/lambda/mappings/${mapping.uuid}`,
      headers: { 'content-type': 'application/json' },
      body: '{"redeliver": 0.5}',
    });
    const wrong = await raw(sandbox, {
      method: 'PATCH',
      path: `/_sandbox/lambda/mappings/${mapping.uuid}`,
      headers: { 'content-type': 'application/json' },
      body: '{"redeliver": 2}',
    });

    expect(JSON.parse(listed.body)).toEqual({ mappings: [before] });
    expect(JSON.parse(failures.body)).toEqual({ failures: mapping.failures() });
    expect(JSON.parse(patched.body)).toMatchObject({ uuid: mapping.uuid, redeliver: 0.5 });
    expect(wrong.status).toBe(400);
    expect(JSON.parse(wrong.body).error).toContain('redeliver 2; expected a share from 0');
  });

  it('stops after the batch in flight', async () => {
    const mapping = map();
    let release = (): void => undefined;
    hold = new Promise((resolve) => (release = resolve));
    await writeRows(0, 1);
    while (batches.length === 0) await new Promise((resolve) => setImmediate(resolve));

    let stoppedYet = false;
    const stopped = sandbox.lambda.deleteEventSourceMapping(mapping.uuid).then(() => (stoppedYet = true));
    await new Promise((resolve) => setImmediate(resolve));
    const whileInFlight = { stoppedYet, view: mapping.view() };
    release();
    await stopped;
    await writeRows(1, 2);
    await sandbox.lambda.settled();

    expect(whileInFlight).toMatchObject({ stoppedYet: false, view: { state: 'Disabled', inFlight: true } });
    expect(batches).toEqual([['p-0']]);
    expect(mapping.view()).toMatchObject({ state: 'Disabled', inFlight: false, stats: { delivered: 1 } });
    expect(sandbox.lambda.eventSourceMappings()).toEqual([]);
  });
});
