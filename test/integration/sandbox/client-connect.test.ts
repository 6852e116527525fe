import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  DescribeClientVpnConnectionsCommand,
  type EC2Client,
  ModifyClientVpnEndpointCommand,
} from '@aws-sdk/client-ec2';
import {
  type ClientConnectRequest,
  type ConnectAttempt,
  type LambdaHandler,
  type Sandbox,
  SandboxControlError,
} from '../../../local/index.js';
import { ENDPOINT_A, ENDPOINT_B, T0, clients, ec2Form, raw, startTestSandbox } from './helpers.js';

const GATE = 'AWSClientVPN-gate';
const REFUSAL = 'Error establishing connection. Please contact your administrator.';
const ALLOW = {
  allow: true,
  'error-msg-on-denied-connection': '',
  'posture-compliance-statuses': [],
  'schema-version': 'v2',
};
const DENY = { ...ALLOW, allow: false, 'error-msg-on-denied-connection': 'Your device is not enrolled.' };

describe('connection attempts, admitted as Client VPN admits them', () => {
  let sandbox: Sandbox;
  let ec2: EC2Client;
  let requests: ClientConnectRequest[];

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    ec2 = clients(sandbox).ec2;
  });

  beforeEach(async () => {
    await sandbox.reset();
    requests = [];
  });

  afterAll(async () => {
    ec2.destroy();
    await sandbox.stop();
  });

  /** Registers the gate with `handler` (it records each request) and attaches it to `endpointId`. */
  async function attachGate(handler: LambdaHandler<ClientConnectRequest>, endpointId = ENDPOINT_A, timeoutMs = 30_000) {
    sandbox.lambda.register<ClientConnectRequest, unknown>(
      GATE,
      async (request, context) => {
        requests.push(request);
        return handler(request, context);
      },
      { timeoutMs },
    );
    await ec2.send(
      new ModifyClientVpnEndpointCommand({
        ClientVpnEndpointId: endpointId,
        ClientConnectOptions: { Enabled: true, LambdaFunctionArn: sandbox.lambda.arn(GATE) },
      }),
    );
  }

  const lastAttempt = (): ConnectAttempt | undefined => sandbox.emulator.connectAttempts.list().at(-1);

  describe('with no client connect handler', () => {
    it('admits the client at once: a new active connection with its identity, established now', async () => {
      const result = await sandbox.connect({ endpoint: ENDPOINT_A, username: 'zoe', commonName: 'zoe-laptop' });

      expect(result).toEqual({ admitted: true, connectionId: expect.stringMatching(/^cvpn-connection-[0-9a-f]{17}$/) });
      const connection = sandbox.emulator.getConnection(result.connectionId ?? '');
      expect(connection).toMatchObject({
        endpointId: ENDPOINT_A,
        username: 'zoe',
        commonName: 'zoe-laptop',
        status: 'active',
        profile: 'active',
        establishedAt: new Date(T0),
        ingressBytes: 0,
      });
      const described = await ec2.send(
        new DescribeClientVpnConnectionsCommand({
          ClientVpnEndpointId: ENDPOINT_A,
          Filters: [{ Name: 'connection-id', Values: [result.connectionId ?? ''] }],
        }),
      );
      expect(described.Connections?.[0]).toMatchObject({ Username: 'zoe', Status: { Code: 'active' } });
      expect(lastAttempt()).toEqual({
        at: new Date(T0),
        endpointId: ENDPOINT_A,
        connectionId: result.connectionId,
        username: 'zoe',
        commonName: 'zoe-laptop',
        admitted: true,
        failureReason: undefined,
        message: undefined,
        handler: undefined,
      });
    });

    it('gives every attempt a fresh connection id, and the connection the traffic profile asked for', async () => {
      const first = await sandbox.connect({ endpoint: ENDPOINT_A, username: 'zoe' });
      const second = await sandbox.connect({ endpoint: ENDPOINT_A, username: 'zoe', profile: 'idle' });

      expect(first.connectionId).not.toBe(second.connectionId);
      expect(sandbox.emulator.getConnection(second.connectionId ?? '').profile).toBe('idle');
    });
  });

  describe('with a client connect handler', () => {
    it('invokes it with the v2 request and admits the client it allows, with its posture statuses', async () => {
      await attachGate(async () => ({ ...ALLOW, 'posture-compliance-statuses': ['compliant'] }));

      const result = await sandbox.connect({
        endpoint: ENDPOINT_A,
        username: 'zoe',
        commonName: 'zoe-laptop',
        groups: ['engineering', 'vpn-users'],
        platform: 'mac',
        platformVersion: '14.5',
        publicIp: '198.51.100.7',
      });

      expect(result.admitted).toBe(true);
      expect(requests).toEqual([
        {
          'connection-id': result.connectionId,
          'endpoint-id': ENDPOINT_A,
          'common-name': 'zoe-laptop',
          username: 'zoe',
          platform: 'mac',
          'platform-version': '14.5',
          'public-ip': '198.51.100.7',
          'client-openvpn-version': '',
          groups: 'engineering,vpn-users',
          'schema-version': 'v2',
        },
      ]);
      expect(sandbox.emulator.getConnection(result.connectionId ?? '').postureComplianceStatuses).toEqual([
        'compliant',
      ]);
      expect(lastAttempt()?.handler).toEqual({
        functionArn: sandbox.lambda.arn(GATE),
        request: requests[0],
        waitedMs: 0,
        answer: JSON.stringify({ ...ALLOW, 'posture-compliance-statuses': ['compliant'] }),
        problem: undefined,
      });
      expect(sandbox.counters.get('lambda', 'Invoke')).toMatchObject({ calls: 1, succeeded: 1 });
    });

    it("refuses the client it denies with the function's message, and makes no connection", async () => {
      await attachGate(async () => DENY);
      const before = sandbox.emulator.listConnections(ENDPOINT_A).length;

      const result = await sandbox.connect({ endpoint: ENDPOINT_A, username: 'mallory' });

      expect(result).toEqual({
        admitted: false,
        message: 'Your device is not enrolled.',
        failureReason: 'client-connect-failed',
      });
      expect(sandbox.emulator.listConnections(ENDPOINT_A)).toHaveLength(before);
      expect(lastAttempt()).toMatchObject({
        admitted: false,
        failureReason: 'client-connect-failed',
        username: 'mallory',
      });
    });

    it('leaves the other endpoint alone: its clients are admitted without invoking the handler', async () => {
      await attachGate(async () => DENY, ENDPOINT_A);

      const onA = await sandbox.connect({ endpoint: ENDPOINT_A, username: 'zoe' });
      const onB = await sandbox.connect({ endpoint: ENDPOINT_B, username: 'zoe' });

      expect(onA.admitted).toBe(false);
      expect(onB.admitted).toBe(true);
      expect(requests.map((request) => request['endpoint-id'])).toEqual([ENDPOINT_A]);
    });

    it('admits without asking once the handler is detached', async () => {
      await attachGate(async () => DENY);
      await ec2.send(
        new ModifyClientVpnEndpointCommand({
          ClientVpnEndpointId: ENDPOINT_A,
          ClientConnectOptions: { Enabled: false },
        }),
      );

      const result = await sandbox.connect({ endpoint: ENDPOINT_A, username: 'zoe' });

      expect(result.admitted).toBe(true);
      expect(requests).toHaveLength(0);
    });
  });

  describe('refusals with the failure reasons of the connection log', () => {
    it('client-connect-handler-timed-out: no answer within 30 simulated seconds', async () => {
      await attachGate(
        async () => {
          await sandbox.clock.sleep(45_000);
          return ALLOW;
        },
        ENDPOINT_A,
        60_000,
      );

      const result = await sandbox.connect({ endpoint: ENDPOINT_A, username: 'zoe' });

      expect(result).toEqual({ admitted: false, message: REFUSAL, failureReason: 'client-connect-handler-timed-out' });
      expect(lastAttempt()?.handler).toMatchObject({ waitedMs: 30_000, problem: 'no answer within 30 s' });
    });

    it('client-connect-handler-timed-out: the function runs past its own timeout', async () => {
      await attachGate(
        async () => {
          await sandbox.clock.sleep(5000);
          return ALLOW;
        },
        ENDPOINT_A,
        3000,
      );

      const result = await sandbox.connect({ endpoint: ENDPOINT_A, username: 'zoe' });

      expect(result.failureReason).toBe('client-connect-handler-timed-out');
      expect(lastAttempt()?.handler?.problem).toMatch(/Task timed out after 3\.00 seconds$/);
    });

    it('client-connect-handler-timed-out: an injected timeout, or Lambda latency that eats the 30 s', async () => {
      await attachGate(async () => ALLOW);
      sandbox.lambda.functionFaults.add({ function: GATE, kind: 'timeout', count: 1 });
      const injected = await sandbox.connect({ endpoint: ENDPOINT_A, username: 'zoe' });
      sandbox.latency.set([{ service: 'lambda', ms: 31_000 }]);
      const slow = await sandbox.connect({ endpoint: ENDPOINT_A, username: 'zoe' });

      expect(injected.failureReason).toBe('client-connect-handler-timed-out');
      expect(slow.failureReason).toBe('client-connect-handler-timed-out');
      expect(requests).toHaveLength(0);
    });

    it('client-connect-handler-other-execution-error: the function throws', async () => {
      await attachGate(async () => {
        throw new Error('directory unreachable');
      });

      const result = await sandbox.connect({ endpoint: ENDPOINT_A, username: 'zoe' });

      expect(result).toEqual({
        admitted: false,
        message: REFUSAL,
        failureReason: 'client-connect-handler-other-execution-error',
      });
      expect(lastAttempt()?.handler?.problem).toBe('Error: directory unreachable');
    });

    it("client-connect-handler-throttled: the function's or the account's concurrency is used up", async () => {
      await attachGate(async () => ALLOW);
      sandbox.lambda.functionFaults.add({ function: GATE, kind: 'throttle', count: 1 });
      const functionThrottle = await sandbox.connect({ endpoint: ENDPOINT_A, username: 'zoe' });
      sandbox.faults.add({ service: 'lambda', kind: 'throttle', count: 1 });
      const accountThrottle = await sandbox.connect({ endpoint: ENDPOINT_A, username: 'zoe' });

      expect(functionThrottle).toEqual({
        admitted: false,
        message: REFUSAL,
        failureReason: 'client-connect-handler-throttled',
      });
      expect(accountThrottle.failureReason).toBe('client-connect-handler-throttled');
      expect(sandbox.counters.get('lambda', 'Invoke')).toMatchObject({ calls: 2, throttled: 2 });
    });

    it('client-connect-handler-service-error: a Lambda error, or the function gone since it was attached', async () => {
      await attachGate(async () => ALLOW);
      sandbox.faults.add({ service: 'lambda', kind: 'error', count: 1 });
      const lambdaError = await sandbox.connect({ endpoint: ENDPOINT_A, username: 'zoe' });
      sandbox.lambda.unregister(GATE);
      const gone = await sandbox.connect({ endpoint: ENDPOINT_A, username: 'zoe' });

      expect(lambdaError).toEqual({
        admitted: false,
        message: REFUSAL,
        failureReason: 'client-connect-handler-service-error',
      });
      expect(gone.failureReason).toBe('client-connect-handler-service-error');
      expect(lastAttempt()?.handler?.problem).toBe(`Function not found: ${sandbox.lambda.arn(GATE)}`);
    });

    it.each([
      ['allow is missing', { ...ALLOW, allow: undefined }, 'allow is missing'],
      ['allow is not a boolean', { ...ALLOW, allow: 'true' }, 'allow: expected true or false (got "true")'],
      [
        'the message is missing',
        { ...ALLOW, 'error-msg-on-denied-connection': undefined },
        'error-msg-on-denied-connection is missing',
      ],
      [
        'the message is over 255 characters',
        { ...DENY, 'error-msg-on-denied-connection': 'x'.repeat(256) },
        'error-msg-on-denied-connection: 256 characters; at most 255',
      ],
      [
        'the statuses are missing',
        { ...ALLOW, 'posture-compliance-statuses': undefined },
        'posture-compliance-statuses is missing',
      ],
      [
        'there are 11 statuses',
        { ...ALLOW, 'posture-compliance-statuses': Array.from({ length: 11 }, (_, i) => `s${i}`) },
        'posture-compliance-statuses: 11 statuses; at most 10',
      ],
      [
        'a status is over 255 characters',
        { ...ALLOW, 'posture-compliance-statuses': ['ok', 'y'.repeat(256)] },
        'posture-compliance-statuses[1]: 256 characters; at most 255',
      ],
      [
        'a status is not a string',
        { ...ALLOW, 'posture-compliance-statuses': [7] },
        'posture-compliance-statuses[0]: expected a string (got 7)',
      ],
      ['the schema version is missing', { ...ALLOW, 'schema-version': undefined }, 'schema-version is missing'],
      ['the answer is null', null, 'the answer is not a JSON object (got null)'],
      ['the answer is a list', [ALLOW], 'the answer is not a JSON object'],
      ['the function returns nothing', undefined, 'the answer is not a JSON object (got null)'],
    ])('client-connect-handler-invalid-response: %s', async (_case, answer, problem) => {
      await attachGate(async () => answer);

      const result = await sandbox.connect({ endpoint: ENDPOINT_A, username: 'zoe' });

      expect(result).toEqual({
        admitted: false,
        message: REFUSAL,
        failureReason: 'client-connect-handler-invalid-response',
      });
      expect(lastAttempt()?.handler?.problem).toContain(problem);
    });

    it('client-connect-handler-invalid-response: names every problem of the answer at once', async () => {
      await attachGate(async () => ({ allow: 1, 'posture-compliance-statuses': 'compliant' }));

      await sandbox.connect({ endpoint: ENDPOINT_A, username: 'zoe' });

      expect(lastAttempt()?.handler?.problem).toBe(
        'allow: expected true or false (got 1); error-msg-on-denied-connection is missing; ' +
          'posture-compliance-statuses: expected a list of strings (got "compliant"); schema-version is missing',
      );
    });
  });

  describe('attempts written wrong', () => {
    it('throws a control error for an unknown endpoint, no identity, or an unknown traffic profile', async () => {
      const unknown = sandbox.connect({ endpoint: 'cvpn-endpoint-0123456789abcdef0', username: 'zoe' });
      const anonymous = sandbox.connect({ endpoint: ENDPOINT_A });
      const badProfile = sandbox.connect({ endpoint: ENDPOINT_A, username: 'zoe', profile: 'warp' });

      await expect(unknown).rejects.toMatchObject({ name: 'SandboxControlError', status: 404 });
      await expect(anonymous).rejects.toThrow('give a username, a commonName, or both');
      await expect(badProfile).rejects.toThrow('traffic profile "warp" is not defined');
      expect(sandbox.emulator.connectAttempts.list()).toHaveLength(0);
    });

    it('refuses a client of an endpoint that is not available', async () => {
      sandbox.emulator.addEndpoint({ id: 'cvpn-endpoint-0c0c0c0c0c0c0c0c3', status: 'pending-associate' });

      const attempt = sandbox.connect({ endpoint: 'cvpn-endpoint-0c0c0c0c0c0c0c0c3', username: 'zoe' });

      await expect(attempt).rejects.toBeInstanceOf(SandboxControlError);
      await expect(attempt).rejects.toThrow('the endpoint is pending-associate, not available');
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

    it('POST /connect answers admitted with the connection id, or refused with the message and reason', async () => {
      const admitted = await admin('/connect', 'POST', { endpoint: ENDPOINT_B, username: 'zoe' });
      await attachGate(async () => DENY, ENDPOINT_B);
      const refused = await admin('/connect', 'POST', { endpoint: ENDPOINT_B, username: 'zoe' });

      expect(admitted).toEqual({
        status: 200,
        json: { admitted: true, connectionId: expect.stringMatching(/^cvpn-connection-/) },
      });
      expect(refused).toEqual({
        status: 200,
        json: { admitted: false, message: 'Your device is not enrolled.', failureReason: 'client-connect-failed' },
      });
    });

    it('GET /connect-attempts lists them with the request and answer; ?endpoint narrows, DELETE clears', async () => {
      await attachGate(async () => DENY, ENDPOINT_B);
      await admin('/connect', 'POST', { endpoint: ENDPOINT_A, username: 'zoe' });
      await admin('/connect', 'POST', { endpoint: ENDPOINT_B, commonName: 'kiosk-7' });

      const all = await admin('/connect-attempts');
      const onB = await admin(`/connect-attempts?endpoint=${ENDPOINT_B}`);
      const cleared = await admin('/connect-attempts', 'DELETE');
      const after = await admin('/connect-attempts');

      expect(all.json.attempts).toHaveLength(2);
      expect(onB.json.attempts).toEqual([
        {
          at: T0,
          endpointId: ENDPOINT_B,
          connectionId: expect.stringMatching(/^cvpn-connection-/),
          commonName: 'kiosk-7',
          admitted: false,
          failureReason: 'client-connect-failed',
          message: 'Your device is not enrolled.',
          handler: {
            functionArn: sandbox.lambda.arn(GATE),
            request: expect.objectContaining({ 'common-name': 'kiosk-7', username: '', 'schema-version': 'v2' }),
            waitedMs: 0,
            answer: JSON.stringify(DENY),
          },
        },
      ]);
      expect(cleared.json).toEqual({ attempts: [] });
      expect(after.json).toEqual({ attempts: [] });
    });

    it('answers 404 for an unknown endpoint and 400 for an attempt written wrong, naming the field', async () => {
      const unknown = await admin('/connect', 'POST', { endpoint: 'cvpn-endpoint-0123456789abcdef0', username: 'z' });
      const typo = await admin('/connect', 'POST', { endpoint: ENDPOINT_A, usrname: 'zoe' });
      const badGroups = await admin('/connect', 'POST', { endpoint: ENDPOINT_A, username: 'zoe', groups: 'eng' });

      expect(unknown.status).toBe(404);
      expect(typo.status).toBe(400);
      expect(typo.json.error).toContain('unknown field usrname');
      expect(badGroups.status).toBe(400);
      expect(badGroups.json.error).toContain('groups must be a list of group names');
    });

    it('drives the flow over HTTP: a canned function, attached with the Query API, refuses a client', async () => {
      await admin('/lambda/functions/AWSClientVPN-deny-all', 'PUT', { returns: DENY });
      const attached = await raw(sandbox, {
        body: ec2Form({
          Action: 'ModifyClientVpnEndpoint',
          ClientVpnEndpointId: ENDPOINT_A,
          'ClientConnectOptions.Enabled': 'true',
          'ClientConnectOptions.LambdaFunctionArn': sandbox.lambda.arn('AWSClientVPN-deny-all'),
        }),
      });

      const refused = await admin('/connect', 'POST', { endpoint: ENDPOINT_A, username: 'zoe' });

      expect(attached.status).toBe(200);
      expect(refused.json).toMatchObject({ admitted: false, failureReason: 'client-connect-failed' });
    });
  });
});
