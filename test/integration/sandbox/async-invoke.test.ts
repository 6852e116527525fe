import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { Context } from 'aws-lambda';
import { MAX_ASYNC_PAYLOAD_BYTES, type Sandbox } from '../../../local/index.js';
import { T0, raw, rejection, startTestSandbox } from './helpers.js';

const WORKER = 'async-worker';

describe('asynchronous Invoke (InvocationType Event)', () => {
  let sandbox: Sandbox;
  let lambda: LambdaClient;
  let seen: { event: unknown; context: Context; at: string }[];
  let failing: boolean;
  let hold: Promise<void> | undefined;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    lambda = new LambdaClient({ ...sandbox.clientConfig(), maxAttempts: 1 });
  });

  beforeEach(async () => {
    await sandbox.reset();
    seen = [];
    failing = false;
    hold = undefined;
    sandbox.lambda.register(WORKER, async (event: unknown, context) => {
      seen.push({ event, context, at: sandbox.clock.now().toISOString() });
      await hold;
      if (failing) throw new Error('not today');
      return { took: event };
    });
  });

  afterAll(async () => {
    lambda.destroy();
    await sandbox.stop();
  });

  const invokeEvent = (payload: unknown, functionName = WORKER) =>
    lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'Event',
        Payload: Buffer.from(JSON.stringify(payload)),
      }),
    );

  it("answers the AWS SDK's Invoke 202 with an empty body at once, and runs the function with the context", async () => {
    let release = (): void => undefined;
    hold = new Promise((resolve) => (release = resolve));

    const answer = await invokeEvent({ continuation: { of: 'run-x', generation: 1 } });
    const statusAtAnswer = sandbox.lambda.asyncInvocations()[0]?.status;
    release();
    await sandbox.lambda.settled();

    expect(answer.StatusCode).toBe(202);
    expect(answer.Payload?.length ?? 0).toBe(0);
    expect(answer.FunctionError).toBeUndefined();
    expect(statusAtAnswer).toMatch(/^(queued|running)$/);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.event).toEqual({ continuation: { of: 'run-x', generation: 1 } });
    expect(seen[0]?.context).toMatchObject({
      awsRequestId: answer.$metadata.requestId,
      invokedFunctionArn: sandbox.lambda.arn(WORKER),
      functionName: WORKER,
    });
    expect(sandbox.lambda.asyncInvocations()).toEqual([
      {
        requestId: answer.$metadata.requestId,
        functionName: WORKER,
        payload: '{"continuation":{"of":"run-x","generation":1}}',
        receivedAt: T0,
        status: 'succeeded',
        attempts: [{ at: T0, outcome: 'returned', payload: '{"took":{"continuation":{"of":"run-x","generation":1}}}' }],
      },
    ]);
  });

  it('retries a function error twice, 1 minute and then 2 minutes later, with the same request id', async () => {
    failing = true;

    await invokeEvent({ n: 1 });
    await sandbox.lambda.settled();
    sandbox.clock.advance('59s');
    await sandbox.lambda.settled();
    const beforeFirstRetry = seen.length;
    sandbox.clock.advance('1s');
    await sandbox.lambda.settled();
    sandbox.clock.advance('2m');
    await sandbox.lambda.settled();
    sandbox.clock.advance('1h');
    await sandbox.lambda.settled();

    expect(beforeFirstRetry).toBe(1);
    expect(seen.map((run) => run.at)).toEqual([T0, '2026-11-26T10:01:00.000Z', '2026-11-26T10:03:00.000Z']);
    expect(new Set(seen.map((run) => run.context.awsRequestId)).size).toBe(1);
    const [invocation] = sandbox.lambda.asyncInvocations();
    expect(invocation?.status).toBe('failed');
    expect(invocation?.attempts.map((attempt) => [attempt.outcome, attempt.errorMessage])).toEqual(
      Array(3).fill(['function-error', 'not today']),
    );
  });

  it("keeps to the function's own retry setting", async () => {
    sandbox.lambda.register(
      'no-retries',
      () => {
        throw new Error('once');
      },
      { eventInvoke: { maximumRetryAttempts: 0 } },
    );

    sandbox.lambda.invokeAsync('no-retries', '{}');
    await sandbox.lambda.settled();
    sandbox.clock.advance('10m');
    await sandbox.lambda.settled();

    expect(
      sandbox.lambda.asyncInvocations().map((invocation) => [invocation.status, invocation.attempts.length]),
    ).toEqual([['failed', 1]]);
    expect(() => sandbox.lambda.register('bad', () => 1, { eventInvoke: { maximumRetryAttempts: 3 } })).toThrow(
      'eventInvoke.maximumRetryAttempts 3; expected 0, 1 or 2',
    );
  });

  it("refuses a payload over the asynchronous limit (1 MB) and an unknown function, with Lambda's errors", async () => {
    const big = 'x'.repeat(MAX_ASYNC_PAYLOAD_BYTES);

    const tooLarge = await rejection(invokeEvent({ big }));
    const unknown = await rejection(invokeEvent({}, 'nope'));
    const justFits = await invokeEvent('x'.repeat(MAX_ASYNC_PAYLOAD_BYTES - 2));

    expect(tooLarge.name).toBe('RequestEntityTooLargeException');
    expect(tooLarge.message).toBe(
      `${MAX_ASYNC_PAYLOAD_BYTES + 10} byte payload is too large for the Event invocation type (limit ${MAX_ASYNC_PAYLOAD_BYTES} bytes)`,
    );
    expect((tooLarge.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(413);
    expect(unknown.name).toBe('ResourceNotFoundException');
    expect(justFits.StatusCode).toBe(202);
    expect(sandbox.lambda.asyncInvocations()).toHaveLength(1);
  });

  it('invokes from code as it does from the edge, and lists the invocations on the admin API', async () => {
    const queued = sandbox.lambda.invokeAsync(WORKER, '{"from":"code"}');
    const refused = sandbox.lambda.invokeAsync('nope', '{}');
    await sandbox.lambda.settled();

    const listed = await raw(sandbox, { method: 'GET', path: '/_sandbox/lambda/async' });

    expect(queued).toEqual({ kind: 'queued', requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(refused).toMatchObject({ kind: 'refused', error: { code: 'ResourceNotFoundException', status: 404 } });
    expect(seen.map((run) => run.event)).toEqual([{ from: 'code' }]);
    expect(JSON.parse(listed.body)).toEqual({ invocations: sandbox.lambda.asyncInvocations() });
  });

  it('forgets the invocations on reset, and a retry still waiting never runs', async () => {
    failing = true;
    sandbox.lambda.invokeAsync(WORKER, '{}');
    await sandbox.lambda.settled();

    await sandbox.reset();
    sandbox.clock.advance('5m');
    await sandbox.lambda.settled();

    expect(seen).toHaveLength(1);
    expect(sandbox.lambda.asyncInvocations()).toEqual([]);
  });
});
