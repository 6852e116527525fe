import { beforeEach, describe, expect, it } from '@jest/globals';
import {
  InvokeCommand,
  type InvokeCommandInput,
  type InvokeCommandOutput,
  LambdaClient,
  ResourceNotFoundException,
  TooManyRequestsException,
} from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { CANARY_IDENTITY, LambdaConnectHandlerProbe } from '../../../lambda/adapters/LambdaConnectHandlerProbe.js';
import { CANARY_CONNECTION_PREFIX } from '../../../lambda/domain/index.js';

const FUNCTION = 'AWSClientVPN-CvpnGuard';
const ENDPOINT = 'cvpn-endpoint-0a0a0a0a0a0a0a0a1';
const lambdaMock = mockClient(LambdaClient);

/** A payload as the SDK hands it back (a byte array with helpers the adapter does not use). */
const bytes = (text: string) => new TextEncoder().encode(text) as unknown as InvokeCommandOutput['Payload'];
const payload = (value: unknown) => bytes(JSON.stringify(value));
const ALLOWED = {
  allow: true,
  'error-msg-on-denied-connection': '',
  'posture-compliance-statuses': [],
  'schema-version': 'v2',
};

describe('LambdaConnectHandlerProbe', () => {
  let clock = 0;
  const probe = () => new LambdaConnectHandlerProbe(new LambdaClient({ region: 'us-east-1' }), () => (clock += 7));
  const sent = (): Record<string, unknown> => {
    const calls = lambdaMock.commandCalls(InvokeCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input as InvokeCommandInput;
    return JSON.parse(new TextDecoder().decode(input.Payload as Uint8Array)) as Record<string, unknown>;
  };

  beforeEach(() => {
    lambdaMock.reset();
    clock = 0;
  });

  it('sends a synthetic v2 attempt for the endpoint, with a canary connection id unique to each attempt', async () => {
    // Arrange
    lambdaMock.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload(ALLOWED) });

    // Act
    const first = await probe().invoke(FUNCTION, { endpointId: ENDPOINT, timeoutMs: 3000 });
    const request = sent();
    lambdaMock.resetHistory();
    const second = await probe().invoke(FUNCTION, { endpointId: ENDPOINT, timeoutMs: 3000 });

    // Assert
    expect(lambdaMock.commandCalls(InvokeCommand)[0]?.args[0].input).toMatchObject({
      FunctionName: FUNCTION,
      InvocationType: 'RequestResponse',
    });
    expect(request).toEqual({
      'connection-id': first.connectionId,
      'endpoint-id': ENDPOINT,
      'common-name': CANARY_IDENTITY,
      username: CANARY_IDENTITY,
      platform: 'canary',
      'platform-version': '1',
      'public-ip': '192.0.2.1',
      'client-openvpn-version': CANARY_IDENTITY,
      groups: [],
      'schema-version': 'v2',
    });
    expect(first.connectionId.startsWith(CANARY_CONNECTION_PREFIX)).toBe(true);
    expect(second.connectionId).not.toBe(first.connectionId);
  });

  it('reads an allowing answer as ok, with its latency', async () => {
    // Arrange
    lambdaMock.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload(ALLOWED) });

    // Act
    const result = await probe().invoke(FUNCTION, { endpointId: ENDPOINT, timeoutMs: 3000 });

    // Assert
    expect(result).toEqual({ ok: true, connectionId: result.connectionId, allow: true, latencyMs: 7 });
  });

  it('reads a refusing answer as ok too (the handler answered), with the message a client would see', async () => {
    // Arrange
    lambdaMock.on(InvokeCommand).resolves({
      StatusCode: 200,
      Payload: payload({ ...ALLOWED, allow: false, 'error-msg-on-denied-connection': 'Lockdown in progress.' }),
    });

    // Act
    const result = await probe().invoke(FUNCTION, { endpointId: ENDPOINT, timeoutMs: 3000 });

    // Assert
    expect(result).toMatchObject({ ok: true, allow: false, message: 'Lockdown in progress.' });
  });

  it.each([
    [
      'a missing field',
      { allow: true, 'schema-version': 'v2', 'posture-compliance-statuses': [] },
      'error-msg-on-denied-connection',
    ],
    ['allow as text', { ...ALLOWED, allow: 'true' }, 'allow'],
    [
      'eleven posture statuses',
      { ...ALLOWED, 'posture-compliance-statuses': Array(11).fill('ok') },
      'posture-compliance-statuses',
    ],
    [
      'a message over 255 characters',
      { ...ALLOWED, 'error-msg-on-denied-connection': 'x'.repeat(256) },
      'error-msg-on-denied-connection',
    ],
    ['null', null, '(answer)'],
  ])('fails on an answer Client VPN would not accept: %s', async (_, answer, field) => {
    // Arrange
    lambdaMock.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload(answer) });

    // Act
    const result = await probe().invoke(FUNCTION, { endpointId: ENDPOINT, timeoutMs: 3000 });

    // Assert
    expect(result).toMatchObject({ ok: false, failure: 'malformed-answer' });
    expect(!result.ok && result.reason).toContain(field);
    expect(!result.ok && result.reason).toContain('would refuse every client');
  });

  it('fails on an answer that is not JSON, showing what came back', async () => {
    // Arrange
    lambdaMock.on(InvokeCommand).resolves({ StatusCode: 200, Payload: bytes('OK') });

    // Act
    const result = await probe().invoke(FUNCTION, { endpointId: ENDPOINT, timeoutMs: 3000 });

    // Assert
    expect(result).toMatchObject({ ok: false, failure: 'malformed-answer' });
    expect(!result.ok && result.reason).toContain('(got OK)');
  });

  it("names a function error with Lambda's error type and message", async () => {
    // Arrange
    lambdaMock.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: payload({ errorType: 'TypeError', errorMessage: 'x is undefined', trace: [] }),
    });

    // Act
    const result = await probe().invoke(FUNCTION, { endpointId: ENDPOINT, timeoutMs: 3000 });

    // Assert
    expect(result).toMatchObject({
      ok: false,
      failure: 'function-error',
      reason: 'the function failed (Unhandled): TypeError: x is undefined',
    });
  });

  it('calls a function that ran past its own timeout a timeout', async () => {
    // Arrange
    lambdaMock.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: payload({
        errorType: 'Sandbox.Timedout',
        errorMessage: 'RequestId: r Error: Task timed out after 3.00 seconds',
      }),
    });

    // Act
    const result = await probe().invoke(FUNCTION, { endpointId: ENDPOINT, timeoutMs: 3000 });

    // Assert
    expect(result).toMatchObject({ ok: false, failure: 'timeout' });
  });

  it.each([
    ['throttled', new TooManyRequestsException({ message: 'Rate Exceeded.', $metadata: {} })],
    ['not-found', new ResourceNotFoundException({ message: `Function not found: ${FUNCTION}`, $metadata: {} })],
    [
      'access-denied',
      Object.assign(new Error('not authorized to perform: lambda:InvokeFunction'), { name: 'AccessDeniedException' }),
    ],
    [
      'error',
      Object.assign(new Error('The Lambda service encountered an internal error.'), { name: 'ServiceException' }),
    ],
  ])('names a refused invocation: %s', async (failure, error) => {
    // Arrange
    lambdaMock.on(InvokeCommand).rejects(error);

    // Act
    const result = await probe().invoke(FUNCTION, { endpointId: ENDPOINT, timeoutMs: 3000 });

    // Assert
    expect(result).toMatchObject({ ok: false, failure });
    expect(!result.ok && result.reason).toContain(`Invoke ${FUNCTION}: ${error.name}`);
  });
});
