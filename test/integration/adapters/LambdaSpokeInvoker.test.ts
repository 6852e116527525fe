import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { LambdaSpokeInvoker } from '../../../lambda/adapters/LambdaSpokeInvoker.js';
import { type Sandbox, startSandbox } from '../../../local/index.js';

const SPOKE = 'cvpn-guard-enforcer';
const EVENT = { change: { runId: 'change-0123456789abcdef', policyIds: ['p'], from: 'arn:aws:lambda:x' } };

describe('LambdaSpokeInvoker against the sandbox', () => {
  let sandbox: Sandbox;
  let regions: string[];
  let clients: LambdaClient[];
  let invoker: LambdaSpokeInvoker;
  let seen: unknown[];

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, clock: { start: '2026-11-26T10:00:00Z', frozen: true } });
    clients = [];
  });

  beforeEach(async () => {
    await sandbox.reset();
    seen = [];
    regions = [];
    invoker = new LambdaSpokeInvoker((region) => {
      regions.push(region);
      const client = new LambdaClient({ ...sandbox.clientConfig(), maxAttempts: 1 });
      clients.push(client);
      return client;
    });
    sandbox.lambda.register(SPOKE, (event: unknown) => void seen.push(event));
  });

  afterAll(async () => {
    for (const client of clients) client.destroy();
    await sandbox?.stop();
  });

  it("queues the event for the function the ARN names, through one client for the ARN's Region", async () => {
    // Act
    await invoker.invoke(sandbox.lambda.arn(SPOKE), EVENT);
    await invoker.invoke(sandbox.lambda.arn(SPOKE), EVENT);
    await sandbox.lambda.settled();

    // Assert
    expect(regions).toEqual([sandbox.region]);
    expect(seen).toEqual([EVENT, EVENT]);
    expect(sandbox.lambda.asyncInvocations().map((invocation) => invocation.functionName)).toEqual([SPOKE, SPOKE]);
  });

  it("fails with Lambda's error code for a function that is not there", async () => {
    // Act
    const invoked = invoker.invoke(sandbox.lambda.arn('cvpn-guard-nobody'), EVENT);

    // Assert
    await expect(invoked).rejects.toMatchObject({ name: 'SpokeInvokeError', code: 'ResourceNotFoundException' });
  });

  it('refuses what is not a function ARN, without a call', async () => {
    // Act
    const invoked = invoker.invoke(SPOKE, EVENT);

    // Assert
    await expect(invoked).rejects.toMatchObject({ name: 'SpokeInvokeError', code: 'InvalidFunctionArn' });
    expect(regions).toEqual([]);
  });
});
