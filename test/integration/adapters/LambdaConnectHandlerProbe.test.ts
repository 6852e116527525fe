import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { LambdaConnectHandlerProbe } from '../../../lambda/adapters/LambdaConnectHandlerProbe.js';
import { type Sandbox, startSandbox } from '../../../local/index.js';

const HANDLER = 'AWSClientVPN-probe-test';
const ENDPOINT = 'cvpn-endpoint-0a0a0a0a0a0a0a0a1';

describe('LambdaConnectHandlerProbe against the sandbox', () => {
  let sandbox: Sandbox;
  let lambda: LambdaClient;
  let probe: LambdaConnectHandlerProbe;
  let seen: unknown[];

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, clock: { start: '2026-11-26T10:00:00Z', frozen: true } });
    lambda = new LambdaClient({ ...sandbox.clientConfig(), maxAttempts: 1 });
    probe = new LambdaConnectHandlerProbe(lambda);
  });

  beforeEach(async () => {
    await sandbox.reset();
    seen = [];
    sandbox.lambda.register(HANDLER, (event: { username?: string }) => {
      seen.push(event);
      return {
        allow: false,
        'error-msg-on-denied-connection': `no ${event.username}`,
        'posture-compliance-statuses': [],
        'schema-version': 'v2',
      };
    });
  });

  afterAll(async () => {
    lambda?.destroy();
    await sandbox?.stop();
  });

  it('invokes the handler by name and by ARN, which gets the attempt and answers it', async () => {
    // Act
    const byName = await probe.invoke(HANDLER, { endpointId: ENDPOINT, timeoutMs: 3000 });
    const byArn = await probe.invoke(sandbox.lambda.arn(HANDLER), { endpointId: ENDPOINT, timeoutMs: 3000 });

    // Assert
    expect(byName).toMatchObject({ ok: true, allow: false, message: 'no cvpn-guard-canary' });
    expect(byArn).toMatchObject({ ok: true, allow: false });
    expect(seen).toEqual([
      expect.objectContaining({ 'connection-id': byName.connectionId, 'endpoint-id': ENDPOINT }),
      expect.objectContaining({ 'connection-id': byArn.connectionId }),
    ]);
  });

  it("names each of Lambda's failures as it answers them", async () => {
    // Arrange
    sandbox.lambda.functionFaults.set([
      { function: HANDLER, kind: 'throttle', count: 1 },
      { function: HANDLER, kind: 'error', message: 'injected', count: 1 },
      { function: HANDLER, kind: 'timeout', count: 1 },
    ]);
    const attempt = { endpointId: ENDPOINT, timeoutMs: 3000 };

    // Act
    const throttled = await probe.invoke(HANDLER, attempt);
    const failed = await probe.invoke(HANDLER, attempt);
    const timedOut = await probe.invoke(HANDLER, attempt);
    const missing = await probe.invoke('AWSClientVPN-nobody', attempt);

    // Assert
    expect(throttled).toMatchObject({ ok: false, failure: 'throttled' });
    expect(failed).toMatchObject({ ok: false, failure: 'function-error', reason: expect.stringContaining('injected') });
    expect(timedOut).toMatchObject({ ok: false, failure: 'timeout' });
    expect(missing).toMatchObject({ ok: false, failure: 'not-found' });
  });

  it('fails on an answer Client VPN would not accept', async () => {
    // Arrange
    sandbox.lambda.register(HANDLER, () => ({ allow: 'yes' }));

    // Act
    const result = await probe.invoke(HANDLER, { endpointId: ENDPOINT, timeoutMs: 3000 });

    // Assert
    expect(result).toMatchObject({ ok: false, failure: 'malformed-answer' });
  });

  it('stops waiting after the canary time when the handler never answers', async () => {
    // Arrange: the clock is frozen, so only the canary's own limit ends the wait
    sandbox.lambda.register(HANDLER, () => new Promise<never>(() => undefined), { timeoutMs: 30_000 });

    // Act
    const started = Date.now();
    const result = await probe.invoke(HANDLER, { endpointId: ENDPOINT, timeoutMs: 300 });

    // Assert
    expect(result).toMatchObject({ ok: false, failure: 'timeout', reason: expect.stringContaining('300 ms') });
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
