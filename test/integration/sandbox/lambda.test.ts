import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { Context } from 'aws-lambda';
import { type Sandbox, startSandbox } from '../../../local/index.js';
import { T0, invokeLambda, raw } from './helpers.js';

const ECHO = 'sandbox-echo';

describe('Lambda in the sandbox, invoked through the edge', () => {
  let sandbox: Sandbox;
  let seen: { event: unknown; context: Context; remainingAfterSleep: number }[];

  beforeAll(async () => {
    sandbox = await startSandbox({ clock: { start: T0 } });
  });

  beforeEach(async () => {
    await sandbox.reset();
    seen = [];
    sandbox.lambda.register(
      ECHO,
      async (event: { sleepMs?: number }, context) => {
        await sandbox.clock.sleep(event.sleepMs ?? 0);
        seen.push({ event, context, remainingAfterSleep: context.getRemainingTimeInMillis() });
        return { echoed: event, requestId: context.awsRequestId };
      },
      { timeoutMs: 5000 },
    );
  });

  afterAll(async () => {
    await sandbox.stop();
  });

  it('names functions with ARNs in the region and the account of the sandbox STS identity', async () => {
    const sts = new STSClient({ ...sandbox.clientConfig(), maxAttempts: 1 });
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    sts.destroy();

    expect(sandbox.lambda.get(ECHO)).toMatchObject({
      name: ECHO,
      arn: `arn:aws:lambda:us-east-1:${identity.Account}:function:${ECHO}`,
      timeoutMs: 5000,
    });
  });

  it('answers Invoke (RequestResponse) with what the function returns, and the invocation context', async () => {
    const answer = await invokeLambda(sandbox, ECHO, JSON.stringify({ hello: 'world', sleepMs: 1200 }));

    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer.headers.get('x-amz-executed-version')).toBe('$LATEST');
    expect(answer.headers.get('x-amz-function-error')).toBeNull();
    const body = JSON.parse(answer.body) as { echoed: unknown; requestId: string };
    expect(body.echoed).toEqual({ hello: 'world', sleepMs: 1200 });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.context).toMatchObject({
      awsRequestId: body.requestId,
      functionName: ECHO,
      functionVersion: '$LATEST',
      invokedFunctionArn: sandbox.lambda.arn(ECHO),
      logGroupName: `/aws/lambda/${ECHO}`,
    });
    // The sleep moved the frozen clock: the remaining time is read on the simulated clock.
    expect(seen[0]?.remainingAfterSleep).toBe(3800);
    expect(sandbox.clock.now().toISOString()).toBe('2026-11-26T10:00:01.200Z');
  });

  it('takes the function by name, ARN or partial ARN, $LATEST being the only qualifier', async () => {
    const arn = sandbox.lambda.arn(ECHO);

    const byArn = await invokeLambda(sandbox, arn, '{}');
    const byPartial = await invokeLambda(sandbox, `000000000000:function:${ECHO}`, '{}');
    const byLatest = await invokeLambda(sandbox, ECHO, '{}', { query: { Qualifier: '$LATEST' } });
    const byAlias = await invokeLambda(sandbox, `${arn}:live`, '{}');

    expect([byArn.status, byPartial.status, byLatest.status]).toEqual([200, 200, 200]);
    expect(byAlias.status).toBe(404);
    expect(JSON.parse(byAlias.body)).toEqual({ Type: 'User', Message: `Function not found: ${arn}:live` });
  });

  it('answers ResourceNotFoundException 404 for an unknown function', async () => {
    const answer = await invokeLambda(sandbox, 'nope', '{}');

    expect(answer.status).toBe(404);
    expect(answer.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
    expect(JSON.parse(answer.body)).toEqual({
      Type: 'User',
      Message: 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope',
    });
  });

  it('answers a function that throws with X-Amz-Function-Error: Unhandled and the runtime error document', async () => {
    sandbox.lambda.register('sandbox-broken', async () => {
      throw new TypeError('no such user');
    });

    const answer = await invokeLambda(sandbox, 'sandbox-broken', '{}');

    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(JSON.parse(answer.body)).toEqual({
      errorType: 'TypeError',
      errorMessage: 'no such user',
      trace: expect.arrayContaining([expect.stringContaining('TypeError: no such user')]),
    });
    expect(sandbox.lambda.get('sandbox-broken').stats).toMatchObject({ invocations: 1, functionErrors: 1 });
  });

  it('times a function out when its simulated run passes its timeout', async () => {
    const answer = await invokeLambda(sandbox, ECHO, JSON.stringify({ sleepMs: 6000 }));

    expect(answer.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(JSON.parse(answer.body)).toEqual({
      errorType: 'Sandbox.Timedout',
      errorMessage: expect.stringMatching(/^RequestId: [0-9a-f-]{36} Error: Task timed out after 5\.00 seconds$/),
    });
    expect(sandbox.lambda.get(ECHO).stats).toMatchObject({ invocations: 1, timedOut: 1, succeeded: 0 });
  });

  it('times out on real time too while the clock runs, even a function that never settles', async () => {
    sandbox.clock.setSpeed(1000);
    sandbox.lambda.register('sandbox-stuck', () => new Promise<never>(() => undefined), { timeoutMs: 2000 });

    const answer = await invokeLambda(sandbox, 'sandbox-stuck', '{}');

    expect(JSON.parse(answer.body)).toMatchObject({ errorType: 'Sandbox.Timedout' });
  });

  it("settles with the context's done, fail and succeed, as the Node.js runtime does", async () => {
    sandbox.lambda.register('sandbox-legacy', (event: { how: string }, context) => {
      if (event.how === 'succeed') context.succeed({ via: 'succeed' });
      else if (event.how === 'done') context.done(undefined, { via: 'done' });
      else context.fail('failed the old way');
      return new Promise<never>(() => undefined);
    });

    const answers = await Promise.all(
      ['succeed', 'done', 'fail'].map((how) => invokeLambda(sandbox, 'sandbox-legacy', JSON.stringify({ how }))),
    );

    expect(answers.map((answer) => JSON.parse(answer.body))).toEqual([
      { via: 'succeed' },
      { via: 'done' },
      expect.objectContaining({ errorType: 'Error', errorMessage: 'failed the old way' }),
    ]);
  });

  it('passes an empty payload as {} and refuses one that is not JSON', async () => {
    const empty = await invokeLambda(sandbox, ECHO);
    const broken = await invokeLambda(sandbox, ECHO, '{"hello":');

    expect(JSON.parse(empty.body)).toMatchObject({ echoed: {} });
    expect(broken.status).toBe(400);
    expect(broken.headers.get('x-amzn-errortype')).toBe('InvalidRequestContentException');
  });

  it('checks a DryRun without running the function, and refuses an unknown invocation type', async () => {
    const dryRun = await invokeLambda(sandbox, ECHO, '{}', { headers: { 'x-amz-invocation-type': 'DryRun' } });
    const dryRunUnknown = await invokeLambda(sandbox, 'nope', '{}', {
      headers: { 'x-amz-invocation-type': 'DryRun' },
    });
    const unknown = await invokeLambda(sandbox, ECHO, '{}', { headers: { 'x-amz-invocation-type': 'Later' } });

    expect(dryRun.status).toBe(204);
    expect(dryRunUnknown.status).toBe(404);
    expect(unknown.status).toBe(400);
    expect(JSON.parse(unknown.body).Message).toContain('[Event, RequestResponse, DryRun]');
    expect(seen).toHaveLength(0);
  });

  it('routes an unsigned request by its path', async () => {
    const answer = await raw(sandbox, {
      path: `/2015-03-31/functions/${ECHO}/invocations`,
      headers: { 'content-type': 'application/json' },
      body: '{"unsigned":true}',
    });

    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ echoed: { unsigned: true } });
  });

  it('answers UnknownOperationException for the Lambda operations it does not emulate', async () => {
    const answer = await raw(sandbox, {
      method: 'GET',
      path: '/2015-03-31/functions/',
      headers: { authorization: 'AWS4-HMAC-SHA256 Credential=test/20261126/us-east-1/lambda/aws4_request' },
    });

    expect(answer.status).toBe(404);
    expect(answer.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
  });

  describe('faults', () => {
    it("injects a function's throttle, error, timeout and delay, each rule retiring after its count", async () => {
      sandbox.lambda.functionFaults.set([
        { function: ECHO, kind: 'throttle', count: 1 },
        { function: ECHO, kind: 'error', message: 'injected', count: 1 },
        { function: ECHO, kind: 'timeout', count: 1 },
        { function: ECHO, kind: 'delay', ms: 1500, count: 1 },
      ]);

      const throttled = await invokeLambda(sandbox, ECHO, '{}');
      const failed = await invokeLambda(sandbox, ECHO, '{}');
      const timedOut = await invokeLambda(sandbox, ECHO, '{}');
      const afterTimeout = sandbox.clock.nowMs();
      const delayed = await invokeLambda(sandbox, ECHO, '{}');
      const normal = await invokeLambda(sandbox, ECHO, '{}');

      expect(throttled.status).toBe(429);
      expect(throttled.headers.get('x-amzn-errortype')).toBe('TooManyRequestsException');
      expect(JSON.parse(throttled.body)).toEqual({
        Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
        retryAfterSeconds: '1',
        Type: 'User',
        message: 'Rate Exceeded.',
      });
      expect(JSON.parse(failed.body)).toMatchObject({ errorType: 'Error', errorMessage: 'injected' });
      expect(JSON.parse(timedOut.body)).toMatchObject({ errorType: 'Sandbox.Timedout' });
      expect(afterTimeout - Date.parse(T0)).toBe(5000);
      expect(delayed.status).toBe(200);
      expect(sandbox.clock.nowMs() - afterTimeout).toBe(1500);
      expect(normal.status).toBe(200);
      expect(sandbox.lambda.get(ECHO).stats).toEqual({
        invocations: 5,
        succeeded: 2,
        functionErrors: 1,
        timedOut: 1,
        throttled: 1,
      });
    });

    it('answers the shared fault rules of service lambda: TooManyRequestsException and ServiceException', async () => {
      sandbox.faults.set([
        { service: 'lambda', kind: 'throttle', count: 1 },
        { service: 'lambda', kind: 'error', count: 1 },
      ]);

      const throttled = await invokeLambda(sandbox, ECHO, '{}');
      const failed = await invokeLambda(sandbox, ECHO, '{}');

      expect(throttled.status).toBe(429);
      expect(JSON.parse(throttled.body)).toMatchObject({ Reason: 'ConcurrentInvocationLimitExceeded' });
      expect(failed.status).toBe(500);
      expect(failed.headers.get('x-amzn-errortype')).toBe('ServiceException');
      expect(sandbox.counters.get('lambda', 'Invoke')).toMatchObject({
        calls: 2,
        injected: 2,
        throttled: 1,
        errors: { TooManyRequestsException: 1, ServiceException: 1 },
      });
    });
  });

  describe('the admin API', () => {
    const admin = async (path: string, method = 'GET', body?: unknown) => {
      const response = await fetch(`${sandbox.endpoint}/_sandbox${path}`, {
        method,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, json: (await response.json()) as Record<string, unknown> };
    };

    it('registers a canned function, lists functions with their counters, and removes one', async () => {
      const put = await admin('/lambda/functions/sandbox-canned', 'PUT', { returns: { allow: true } });
      const invoked = await invokeLambda(sandbox, 'sandbox-canned', '{}');
      const listed = await admin('/lambda/functions');
      const removed = await admin('/lambda/functions/sandbox-canned', 'DELETE');
      const removedAgain = await admin('/lambda/functions/sandbox-canned', 'DELETE');

      expect(put).toMatchObject({ status: 200, json: { name: 'sandbox-canned', canned: true, timeoutMs: 3000 } });
      expect(JSON.parse(invoked.body)).toEqual({ allow: true });
      expect(listed.json.functions).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: 'sandbox-canned', stats: expect.objectContaining({ succeeded: 1 }) }),
        ]),
      );
      expect(removed.status).toBe(200);
      expect(removedAgain.status).toBe(404);
    });

    it('refuses a canned function without "returns", or with a name Lambda refuses', async () => {
      const noReturns = await admin('/lambda/functions/sandbox-canned', 'PUT', { answer: true });
      const badName = await admin('/lambda/functions/no.dots', 'PUT', { returns: null });

      expect(noReturns.status).toBe(400);
      expect(noReturns.json.error).toContain('"returns"');
      expect(badName.status).toBe(400);
      expect(badName.json.error).toContain('1 to 64 letters, digits, hyphens or underscores');
    });

    it('sets, lists and clears function fault rules, refusing malformed ones', async () => {
      const put = await admin('/lambda/faults', 'PUT', { rules: [{ function: ECHO, kind: 'timeout', count: 1 }] });
      const invoked = await invokeLambda(sandbox, ECHO, '{}');
      const listed = await admin('/lambda/faults');
      const bad = await admin('/lambda/faults', 'POST', { kind: 'delay' });
      const cleared = await admin('/lambda/faults', 'DELETE');

      expect(put.status).toBe(200);
      expect(JSON.parse(invoked.body)).toMatchObject({ errorType: 'Sandbox.Timedout' });
      expect(listed.json.rules).toEqual([{ function: ECHO, kind: 'timeout', count: 1, fired: 1 }]);
      expect(bad.status).toBe(400);
      expect(bad.json.error).toContain('a delay needs ms');
      expect(cleared.json).toEqual({ rules: [] });
    });
  });
});
