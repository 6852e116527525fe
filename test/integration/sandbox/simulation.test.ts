import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { PutItemCommand, type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeClientVpnConnectionsCommand,
  DescribeClientVpnEndpointsCommand,
  type EC2Client,
  TerminateClientVpnConnectionsCommand,
} from '@aws-sdk/client-ec2';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { type Sandbox, SimulatedClock } from '../../../local/index.js';
import { ENDPOINT_A, ENDPOINT_B, T0, clients, rejection, startTestSandbox } from './helpers.js';

const ALICE = 'cvpn-connection-00000000000000001';
const BOB = 'cvpn-connection-00000000000000002';

describe('sandbox simulation', () => {
  let sandbox: Sandbox;
  let ec2: EC2Client;
  let dynamodb: DynamoDBClient;
  let sns: SNSClient;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    ({ ec2, dynamodb, sns } = clients(sandbox));
  });

  beforeEach(async () => {
    await sandbox.reset();
  });

  afterAll(async () => {
    ec2.destroy();
    dynamodb.destroy();
    sns.destroy();
    await sandbox.stop();
  });

  async function bytesOf(connectionId: string, endpointId = ENDPOINT_A) {
    const output = await ec2.send(
      new DescribeClientVpnConnectionsCommand({
        ClientVpnEndpointId: endpointId,
        Filters: [{ Name: 'connection-id', Values: [connectionId] }],
      }),
    );
    const connection = output.Connections?.[0];
    return {
      ingress: Number(connection?.IngressBytes),
      egress: Number(connection?.EgressBytes),
      status: connection?.Status?.Code,
    };
  }

  describe('the clock', () => {
    it('is frozen at its start until set or advanced', async () => {
      expect(sandbox.clock.frozen).toBe(true);
      expect(sandbox.clock.now().toISOString()).toBe(T0);

      sandbox.clock.advance('1h30m');
      expect(sandbox.clock.now().toISOString()).toBe('2026-11-26T11:30:00.000Z');
      sandbox.clock.set('2026-12-01T00:00:00Z');
      expect(sandbox.clock.now().toISOString()).toBe('2026-12-01T00:00:00.000Z');
    });

    it('runs speed times faster than real time once resumed (checked with an injected real clock)', () => {
      let real = 1_000_000;
      const clock = new SimulatedClock({ start: T0, speed: 10, frozen: false }, () => real);

      real += 1000;
      expect(clock.now().toISOString()).toBe('2026-11-26T10:00:10.000Z');
      clock.advance('1m');
      real += 1000;
      expect(clock.now().toISOString()).toBe('2026-11-26T10:01:10.000Z');
      clock.setSpeed(60);
      real += 1000;
      expect(clock.now().toISOString()).toBe('2026-11-26T10:02:10.000Z');
      expect(clock.toRealMs(600)).toBe(10);
    });

    it('lets a sleeper on a frozen clock move time to its wake-up, earliest first', async () => {
      const woke: string[] = [];

      await Promise.all([
        sandbox.clock.sleep(30_000).then(() => woke.push(`30s at ${sandbox.clock.now().toISOString()}`)),
        sandbox.clock.sleep(5_000).then(() => woke.push(`5s at ${sandbox.clock.now().toISOString()}`)),
      ]);

      expect(woke).toEqual(['5s at 2026-11-26T10:00:05.000Z', '30s at 2026-11-26T10:00:30.000Z']);
    });

    it('keeps a waiter (waitUntil) waiting on a frozen clock until time is moved there, while a sleeper moves it', async () => {
      const clock = new SimulatedClock({ start: T0 });
      const woke: string[] = [];
      const deadline = clock.waitUntil(clock.nowMs() + 3_000).then((reached) => woke.push(`deadline ${reached}`));

      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      const before = [...woke];
      await clock.sleep(1_000);
      const afterSleep = [...woke];
      clock.advance('2s');
      await deadline;

      expect(before).toEqual([]);
      expect(afterSleep).toEqual([]);
      expect(woke).toEqual(['deadline true']);
      expect(clock.now().toISOString()).toBe('2026-11-26T10:00:03.000Z');
    });

    it('answers a waiter false when aborted or released, and true at once for a time already passed', async () => {
      const clock = new SimulatedClock({ start: T0 });
      const abort = new AbortController();
      const aborted = clock.waitUntil(clock.nowMs() + 60_000, abort.signal);
      const released = clock.waitUntil(clock.nowMs() + 60_000);

      abort.abort();
      clock.releaseSleepers();

      expect(await aborted).toBe(false);
      expect(await released).toBe(false);
      expect(await clock.waitUntil(clock.nowMs())).toBe(true);
    });

    it('is controlled through the admin API', async () => {
      const response = await fetch(`${sandbox.endpoint}/_sandbox/clock`, {
        method: 'POST',
        body: JSON.stringify({ advance: '95m' }),
      });

      expect(await response.json()).toEqual({ now: '2026-11-26T11:35:00.000Z', speed: 1, frozen: true });
    });
  });

  describe('traffic', () => {
    it('grows the counters of an active connection with simulated time, not those of an idle one', async () => {
      const aliceBefore = await bytesOf(ALICE);
      const bobBefore = await bytesOf(BOB);

      sandbox.clock.advance('10m');

      expect(await bytesOf(ALICE)).toEqual({
        ingress: aliceBefore.ingress + 480_000,
        egress: aliceBefore.egress + 160_000,
        status: 'active',
      });
      expect(await bytesOf(BOB)).toEqual(bobBefore);
    });

    it('switches a connection to another profile from now on, keeping the bytes it had', async () => {
      sandbox.emulator.defineProfile('burst', { ingressBytesPerMinute: 1_000_000, egressBytesPerMinute: 0 });
      const before = await bytesOf(BOB);

      sandbox.emulator.modifyConnection(BOB, { profile: 'burst' });
      sandbox.clock.advance('2m');

      expect((await bytesOf(BOB)).ingress).toBe(before.ingress + 2_000_000);
    });

    it('adds a burst of bytes and ends a connection when its client hangs up', async () => {
      const before = await bytesOf(BOB);

      sandbox.emulator.modifyConnection(BOB, { addIngressBytes: 5000 });
      const ended = sandbox.emulator.disconnect(BOB);

      expect((await bytesOf(BOB)).ingress).toBe(before.ingress + 5000);
      expect(ended.status).toBe('terminated');
      expect(ended.endedAt?.toISOString()).toBe(T0);
    });
  });

  describe('EC2 throttling (token buckets on the simulated clock)', () => {
    it('lets a burst of 50 terminate calls through, throttles the 51st with RequestLimitExceeded (503), refills 5 a second', async () => {
      const call = () =>
        rejection(
          ec2.send(
            new TerminateClientVpnConnectionsCommand({
              ClientVpnEndpointId: ENDPOINT_A,
              ConnectionId: ALICE,
              DryRun: true,
            }),
          ),
        );

      for (let i = 0; i < 50; i += 1) expect((await call()).name).toBe('DryRunOperation');
      const throttled = await call();

      expect(throttled.name).toBe('RequestLimitExceeded');
      expect(throttled.message).toBe('Request limit exceeded.');
      expect((throttled.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(503);

      sandbox.clock.advance('1s');
      for (let i = 0; i < 5; i += 1) expect((await call()).name).toBe('DryRunOperation');
      expect((await call()).name).toBe('RequestLimitExceeded');
      expect(sandbox.counters.get('ec2', 'TerminateClientVpnConnections')).toMatchObject({ calls: 57, throttled: 2 });
    });

    it('gives describe calls their own bucket of 100, refilled 20 a second', async () => {
      for (let i = 0; i < 100; i += 1) await ec2.send(new DescribeClientVpnEndpointsCommand({}));

      expect((await rejection(ec2.send(new DescribeClientVpnEndpointsCommand({})))).name).toBe('RequestLimitExceeded');
      await ec2.send(new DescribeClientVpnConnectionsCommand({ ClientVpnEndpointId: ENDPOINT_A }));
      sandbox.clock.advance('250ms');
      for (let i = 0; i < 5; i += 1) await ec2.send(new DescribeClientVpnEndpointsCommand({}));
      expect((await rejection(ec2.send(new DescribeClientVpnEndpointsCommand({})))).name).toBe('RequestLimitExceeded');
    });

    it('can be resized or switched off', async () => {
      sandbox.emulator.configureThrottling({ mutating: { burst: 2, refillPerSecond: 1 } });
      const call = () =>
        rejection(
          ec2.send(
            new TerminateClientVpnConnectionsCommand({
              ClientVpnEndpointId: ENDPOINT_A,
              ConnectionId: ALICE,
              DryRun: true,
            }),
          ),
        );

      expect([(await call()).name, (await call()).name, (await call()).name]).toEqual([
        'DryRunOperation',
        'DryRunOperation',
        'RequestLimitExceeded',
      ]);

      sandbox.emulator.configureThrottling({ enabled: false });
      for (let i = 0; i < 60; i += 1) expect((await call()).name).toBe('DryRunOperation');

      await sandbox.reset();
      expect(sandbox.emulator.throttlingConfig()).toEqual({
        enabled: true,
        mutating: { burst: 50, refillPerSecond: 5 },
        describe: { burst: 100, refillPerSecond: 20 },
      });
    });
  });

  describe('permissions', () => {
    it('answers UnauthorizedOperation (403) to a denied action on an endpoint, DryRun included', async () => {
      sandbox.emulator.permissions.deny('TerminateClientVpnConnections', ENDPOINT_A);

      const denied = await rejection(
        ec2.send(new TerminateClientVpnConnectionsCommand({ ClientVpnEndpointId: ENDPOINT_A, ConnectionId: ALICE })),
      );
      const deniedDryRun = await rejection(
        ec2.send(
          new TerminateClientVpnConnectionsCommand({
            ClientVpnEndpointId: ENDPOINT_A,
            ConnectionId: ALICE,
            DryRun: true,
          }),
        ),
      );
      const elsewhere = await ec2.send(
        new TerminateClientVpnConnectionsCommand({ ClientVpnEndpointId: ENDPOINT_B, Username: 'dave' }),
      );

      expect(denied.name).toBe('UnauthorizedOperation');
      expect((denied.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(403);
      expect(deniedDryRun.name).toBe('UnauthorizedOperation');
      expect(elsewhere.ConnectionStatuses).toHaveLength(3);
      expect((await bytesOf(ALICE)).status).toBe('active');
    });

    it('denies an action everywhere, and is set through the admin API', async () => {
      const response = await fetch(`${sandbox.endpoint}/_sandbox/permissions`, {
        method: 'PUT',
        body: JSON.stringify({ deny: [{ action: 'DescribeClientVpnEndpoints' }] }),
      });

      expect(await response.json()).toEqual({ deny: [{ action: 'DescribeClientVpnEndpoints', endpoint: '*' }] });
      expect((await rejection(ec2.send(new DescribeClientVpnEndpointsCommand({})))).name).toBe('UnauthorizedOperation');
    });
  });

  describe('faults', () => {
    it('injects EC2 internal errors (500), throttles (503) and dropped connections', async () => {
      sandbox.faults.set([
        { service: 'ec2', actions: ['DescribeClientVpnEndpoints'], kind: 'error', count: 1 },
        { service: 'ec2', actions: ['@describe'], kind: 'throttle', count: 1 },
        { service: 'ec2', kind: 'drop', count: 1 },
      ]);

      const error = await rejection(ec2.send(new DescribeClientVpnEndpointsCommand({})));
      const throttle = await rejection(ec2.send(new DescribeClientVpnEndpointsCommand({})));
      const dropped = await rejection(ec2.send(new DescribeClientVpnEndpointsCommand({})));
      const fine = await ec2.send(new DescribeClientVpnEndpointsCommand({}));

      expect(error.name).toBe('InternalError');
      expect((error.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(500);
      expect(throttle.name).toBe('RequestLimitExceeded');
      expect((throttle.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(503);
      expect(String(dropped.code ?? dropped.message)).toMatch(/ECONNRESET|socket hang up/);
      expect(fine.ClientVpnEndpoints).toHaveLength(2);
      expect(sandbox.counters.get('ec2', 'DescribeClientVpnEndpoints')).toMatchObject({
        calls: 4,
        succeeded: 1,
        injected: 3,
        dropped: 1,
        throttled: 1,
      });
    });

    it('fails a share of DynamoDB writes with 500 InternalServerError or ProvisionedThroughputExceededException', async () => {
      sandbox.faults.set([
        { service: 'dynamodb', actions: ['@write'], kind: 'error', rate: 0.5 },
        { service: 'dynamodb', actions: ['@write'], kind: 'throttle', rate: 0.5 },
      ]);
      const outcomes: string[] = [];

      for (let i = 0; i < 40; i += 1) {
        try {
          await dynamodb.send(
            new PutItemCommand({ TableName: sandbox.tables.state, Item: { pk: { S: 'x' }, sk: { S: String(i) } } }),
          );
          outcomes.push('ok');
        } catch (error) {
          outcomes.push((error as Error).name);
        }
      }
      const read = await dynamodb.send(
        new GetItemCommand({ TableName: sandbox.tables.state, Key: { pk: { S: 'x' }, sk: { S: '0' } } }),
      );

      expect(new Set(outcomes)).toEqual(
        new Set(['ok', 'InternalServerError', 'ProvisionedThroughputExceededException']),
      );
      expect(outcomes.filter((o) => o === 'ok').length).toBeGreaterThan(0);
      expect(read.$metadata.httpStatusCode).toBe(200);
      expect(sandbox.counters.get('dynamodb', 'GetItem').injected).toBe(0);
    });

    it('draws the same shares from the same seed', async () => {
      const run = async () => {
        sandbox.faults.set([{ service: 'sns', kind: 'error', rate: 0.3 }]);
        sandbox.faults.reseed(7);
        const outcomes: boolean[] = [];
        for (let i = 0; i < 20; i += 1) {
          outcomes.push(
            await sns.send(new PublishCommand({ TopicArn: sandbox.topicArn, Message: 'm' })).then(
              () => true,
              () => false,
            ),
          );
        }
        return outcomes;
      };

      expect(await run()).toEqual(await run());
    });

    it('are set through the admin API', async () => {
      const response = await fetch(`${sandbox.endpoint}/_sandbox/faults`, {
        method: 'PUT',
        body: JSON.stringify({
          rules: [{ service: 'ec2', actions: ['TerminateClientVpnConnections'], kind: 'error', count: 2 }],
        }),
      });

      expect(response.status).toBe(200);
      expect(((await response.json()) as { rules: unknown[] }).rules).toEqual([
        { service: 'ec2', actions: ['TerminateClientVpnConnections'], kind: 'error', count: 2, fired: 0 },
      ]);
      expect(
        (
          await rejection(
            ec2.send(
              new TerminateClientVpnConnectionsCommand({ ClientVpnEndpointId: ENDPOINT_A, ConnectionId: ALICE }),
            ),
          )
        ).name,
      ).toBe('InternalError');
    });
  });

  describe('latency', () => {
    it('delays answers by simulated milliseconds and still answers', async () => {
      sandbox.latency.set([{ service: 'ec2', ms: 20 }]);

      const output = await ec2.send(new DescribeClientVpnEndpointsCommand({}));

      expect(output.ClientVpnEndpoints).toHaveLength(2);
    });
  });

  describe('counters', () => {
    it('count calls per service and action, with how they ended', async () => {
      await ec2.send(new DescribeClientVpnEndpointsCommand({}));
      await rejection(
        ec2.send(new DescribeClientVpnConnectionsCommand({ ClientVpnEndpointId: 'cvpn-endpoint-0000000000000dead' })),
      );
      await sns.send(new PublishCommand({ TopicArn: sandbox.topicArn, Message: 'digest' }));

      const response = await fetch(`${sandbox.endpoint}/_sandbox/counters`);

      expect(await response.json()).toEqual({
        ec2: {
          DescribeClientVpnEndpoints: { calls: 1, succeeded: 1, throttled: 0, injected: 0, dropped: 0, errors: {} },
          DescribeClientVpnConnections: {
            calls: 1,
            succeeded: 0,
            throttled: 0,
            injected: 0,
            dropped: 0,
            errors: { 'InvalidClientVpnEndpointId.NotFound': 1 },
          },
        },
        sns: { Publish: { calls: 1, succeeded: 1, throttled: 0, injected: 0, dropped: 0, errors: {} } },
      });
    });
  });
});
