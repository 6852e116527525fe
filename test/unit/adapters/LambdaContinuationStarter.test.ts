import { beforeEach, describe, expect, it } from '@jest/globals';
import { InvokeCommand, type InvokeCommandInput, LambdaClient, TooManyRequestsException } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { LambdaContinuationStarter } from '../../../lambda/adapters/LambdaContinuationStarter.js';
import type { ContinuationEvent } from '../../../lambda/ports/index.js';

const ARN = 'arn:aws:lambda:us-east-1:123456789012:function:CvpnGuard-Enforcer';
const EVENT: ContinuationEvent = {
  continuation: { of: 'run-2026-11-26T10:05:00Z', generation: 2, reason: 'deferred' },
};
const lambdaMock = mockClient(LambdaClient);

describe('LambdaContinuationStarter', () => {
  const starter = () => new LambdaContinuationStarter(new LambdaClient({ region: 'us-east-1' }));

  beforeEach(() => {
    lambdaMock.reset();
  });

  it('invokes the function asynchronously (InvocationType Event) with the continuation as its payload', async () => {
    // Arrange
    lambdaMock.on(InvokeCommand).resolves({ StatusCode: 202 });

    // Act
    await starter().start(ARN, EVENT);

    // Assert
    const calls = lambdaMock.commandCalls(InvokeCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input as InvokeCommandInput;
    expect(input).toMatchObject({ FunctionName: ARN, InvocationType: 'Event' });
    expect(JSON.parse(new TextDecoder().decode(input.Payload as Uint8Array))).toEqual(EVENT);
  });

  it('fails, naming the function and the status, when Lambda does not answer 202 (queued)', async () => {
    lambdaMock.on(InvokeCommand).resolves({ StatusCode: 200 });

    await expect(starter().start(ARN, EVENT)).rejects.toThrow(
      `Lambda answered the continuation's asynchronous Invoke of ${ARN} with status 200: expected 202 (queued)`,
    );
  });

  it("passes Lambda's own refusal on (a throttle, say)", async () => {
    lambdaMock.on(InvokeCommand).rejects(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }));

    await expect(starter().start(ARN, EVENT)).rejects.toThrow('Rate exceeded');
  });
});
