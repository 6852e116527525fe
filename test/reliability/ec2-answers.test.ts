/**
 * EC2 answers a run must survive, through the real Ec2ClientVpnGateway and the whole run: empty
 * pages, a NextToken that loops, connections with missing fields, unexpected status codes and
 * errors, and a terminate that leaves a connection `failed-to-terminate`. The SDK is mocked with
 * aws-sdk-client-mock; the last cases use the Client VPN emulator.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  type ClientVpnConnection,
  DescribeClientVpnConnectionsCommand,
  DescribeClientVpnEndpointsCommand,
  EC2Client,
  EC2ServiceException,
  TerminateClientVpnConnectionsCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { Ec2ClientVpnGateway } from '../../lambda/adapters/Ec2ClientVpnGateway.js';
import { loadEnforcerConfig } from '../../lambda/config.js';
import { runEnforcement } from '../../lambda/enforce.js';
import { EnvVar } from '../../lambda/environment.js';
import { enforcementOptions } from '../../lambda/run/enforcement-options.js';
import type { RunReport } from '../../lambda/run/RunReport.js';
import { type Sandbox, startSandbox } from '../../local/index.js';
import { memoryPorts } from '../support/MemoryPorts.js';
import { SandboxLambda } from './support/harness.js';
import { decisionRecords } from './support/invariants.js';
import { ENDPOINT_A, START } from './support/scenario.js';

const ec2Mock = mockClient(EC2Client);

const POLICIES = [
  {
    policyId: 'offboarded',
    kind: 'revoked-user',
    mode: 'enforce',
    endpoints: ['*'],
    usernames: ['mallory'],
    reason: 'left',
  },
  {
    policyId: 'max-8h',
    kind: 'max-session',
    mode: 'enforce',
    endpoints: ['*'],
    maxSessionMinutes: 480,
    reason: 'a working day',
  },
  { policyId: 'idle-30', kind: 'idle', mode: 'enforce', endpoints: ['*'], idleMinutes: 30, reason: 'idle' },
];

/** A connection as EC2 describes it: active, established 2 h before the run. */
function described(
  id: number,
  username: string | undefined,
  overrides: Partial<ClientVpnConnection> = {},
): ClientVpnConnection {
  return {
    ConnectionId: `cvpn-connection-${id.toString(16).padStart(17, '0')}`,
    ClientVpnEndpointId: ENDPOINT_A,
    ...(username ? { Username: username } : {}),
    Status: { Code: 'active' },
    ConnectionEstablishedTime: '2026-11-26 08:00:00',
    IngressBytes: '1000',
    EgressBytes: '1000',
    ...overrides,
  };
}
const idOf = (id: number) => `cvpn-connection-${id.toString(16).padStart(17, '0')}`;

function serviceError(name: string, status: number): EC2ServiceException {
  return new EC2ServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, requestId: `req-${name}` },
    message: `${name} happened`,
  });
}

/** What the mocked EC2 lists, so a terminate by user name can answer for that user's connections. */
let listed: ClientVpnConnection[] = [];

/** Terminate answers as EC2 does when the call went through: the connections it names are terminating. */
function terminating(input: { ConnectionId?: string; Username?: string }) {
  const ids = input.ConnectionId
    ? [input.ConnectionId]
    : listed
        .filter((c) => c.Username === input.Username && c.Status?.Code === 'active')
        .map((c) => c.ConnectionId ?? '');
  return {
    ClientVpnEndpointId: ENDPOINT_A,
    ConnectionStatuses: ids.map((ConnectionId) => ({
      ConnectionId,
      PreviousStatus: { Code: 'active' as const },
      CurrentStatus: { Code: 'terminating' as const },
    })),
    $metadata: { requestId: 'req-ok' },
  };
}

/** The mocked EC2 lists these connections (one page). */
function listing(connections: ClientVpnConnection[]): void {
  listed = connections;
  ec2Mock.on(DescribeClientVpnConnectionsCommand).resolves({ Connections: connections });
}

/** One run with the real gateway over the mocked EC2, the other ports in memory. */
async function run(
  policies: Record<string, unknown>[] = POLICIES,
): Promise<{ report: RunReport; ports: ReturnType<typeof memoryPorts> }> {
  const ports = memoryPorts([], [], policies);
  const gateway = new Ec2ClientVpnGateway(new EC2Client({ region: 'us-east-1', maxAttempts: 1 }), () =>
    ports.clock.now(),
  );
  const config = loadEnforcerConfig({
    [EnvVar.POLICIES_TABLE]: 'p',
    [EnvVar.AUDIT_TABLE]: 'a',
    [EnvVar.STATE_TABLE]: 's',
  });
  const report = await runEnforcement(
    { ...ports, gateway },
    enforcementOptions(config, { runId: 'run-ec2-answers', remainingTimeMs: () => 300_000 }),
  );
  return { report, ports };
}

const terminatedIds = (report: RunReport) =>
  report.records
    .filter((record) => record.outcome === 'terminated')
    .map((record) => record.connectionId)
    .sort();
const terminateTargets = () =>
  ec2Mock
    .commandCalls(TerminateClientVpnConnectionsCommand)
    .map((call) => call.args[0].input.ConnectionId ?? `user:${call.args[0].input.Username}`);
const ONE_CALL_FOR_MALLORY = ['user:mallory'];

describe('EC2 answers the run survives (aws-sdk-client-mock)', () => {
  beforeEach(() => {
    ec2Mock.reset();
    ec2Mock
      .on(DescribeClientVpnEndpointsCommand)
      .resolves({ ClientVpnEndpoints: [{ ClientVpnEndpointId: ENDPOINT_A }] });
    ec2Mock.on(TerminateClientVpnConnectionsCommand).callsFake(terminating);
  });

  it('reads past empty pages of endpoints and connections', async () => {
    listed = [described(1, 'mallory'), described(2, 'alice')];
    ec2Mock
      .on(DescribeClientVpnEndpointsCommand)
      .resolvesOnce({ ClientVpnEndpoints: [], NextToken: 'e1' })
      .resolvesOnce({ NextToken: 'e2' })
      .resolves({ ClientVpnEndpoints: [{ ClientVpnEndpointId: ENDPOINT_A }] });
    ec2Mock
      .on(DescribeClientVpnConnectionsCommand)
      .resolvesOnce({ Connections: [], NextToken: 'c1' })
      .resolvesOnce({ NextToken: 'c2' })
      .resolvesOnce({ Connections: [described(1, 'mallory'), described(2, 'alice')], NextToken: 'c3' })
      .resolves({ Connections: [] });

    const { report } = await run();

    expect(report.status).toBe('completed');
    expect(report.connectionsSeen).toBe(2);
    expect(terminatedIds(report)).toEqual([idOf(1)]);
  });

  it('stops on a NextToken that loops, and terminates each connection it read once', async () => {
    listed = [described(1, 'mallory'), described(2, 'mallory')];
    // Pages go c1 → c2 → c1 → … for ever; each page lists the same two connections again.
    ec2Mock.on(DescribeClientVpnConnectionsCommand).callsFake((input: { NextToken?: string }) => ({
      Connections: [described(1, 'mallory'), described(2, 'mallory')],
      NextToken: input.NextToken === 'c1' ? 'c2' : 'c1',
    }));

    const { report } = await run();

    expect(ec2Mock.commandCalls(DescribeClientVpnConnectionsCommand).length).toBeLessThanOrEqual(4);
    expect(report.status).toBe('completed');
    expect(report.decisions).toHaveLength(2);
    expect(terminatedIds(report)).toEqual([idOf(1), idOf(2)]);
    expect(terminateTargets()).toEqual(ONE_CALL_FOR_MALLORY);
  });

  it('never ends a connection on a field EC2 left out', async () => {
    listing([
      described(1, 'mallory'),
      // No id: it cannot be acted on, and is left out.
      { ...described(2, 'mallory'), ConnectionId: undefined },
      // No status: never active.
      { ...described(3, 'mallory'), Status: undefined },
      { ...described(4, 'mallory'), Status: {} },
      // No user name (a certificate user): a revoked-user row naming users does not match it.
      described(5, undefined, { CommonName: 'mallory' }),
      // No establishment time: counts as established now, so no session limit fires.
      described(6, 'bob', { ConnectionEstablishedTime: undefined, Timestamp: undefined }),
      described(7, 'bob', { ConnectionEstablishedTime: 'not a time', Timestamp: '' }),
      // No byte counters: unknown traffic is activity, never idleness.
      described(8, 'carol', {
        IngressBytes: undefined,
        EgressBytes: undefined,
        ConnectionEstablishedTime: '2026-11-26 09:50:00',
      }),
      described(9, 'carol', {
        IngressBytes: 'lots',
        EgressBytes: '-1',
        ConnectionEstablishedTime: '2026-11-26 09:50:00',
      }),
    ]);

    const first = await run();

    expect(first.report.status).toBe('completed');
    expect(terminatedIds(first.report)).toEqual([idOf(1)]);
    expect(terminateTargets()).toHaveLength(1);
  });

  it('never calls by user name while a connection of that user has a status the run cannot read (EC2 would end it too)', async () => {
    // The call by user name ends every connection EC2 holds active for the user; the run only knows
    // that this second one, exempt by its certificate, is not listed as anything it can read.
    const rows = [
      ...POLICIES,
      {
        policyId: 'break-glass',
        kind: 'exempt',
        endpoints: ['*'],
        commonNames: ['break-glass.example.com'],
        reason: 'break glass',
      },
    ];
    listing([
      described(1, 'mallory'),
      described(3, 'mallory', { Status: undefined, CommonName: 'break-glass.example.com' }),
      described(4, 'mallory', { Status: { Code: 'pending-unknown' as 'active' } }),
    ]);

    const { report } = await run(rows);

    expect(terminatedIds(report)).toEqual([idOf(1)]);
    expect(terminateTargets()).toEqual([idOf(1)]);
  });

  it.each([
    ['a status code EC2 never documented', 'pending-unknown'],
    ['an empty status code', ''],
    ['terminating already', 'terminating'],
    ['failed-to-terminate', 'failed-to-terminate'],
  ])('never terminates a connection described with %s', async (_name, code) => {
    listing([described(1, 'mallory', { Status: { Code: code as 'active' } })]);

    const { report } = await run();

    expect(report.decisions).toEqual([]);
    expect(terminateTargets()).toEqual([]);
  });

  it.each([
    [
      'an error code the run does not know (400)',
      serviceError('SomethingNewException', 400),
      'failed',
      'SomethingNewException',
      1,
    ],
    ['a 500 every time', serviceError('InternalError', 500), 'failed', 'InternalError', 5],
    ['an unexpected 502 from a proxy', serviceError('BadGateway', 502), 'failed', 'BadGateway', 5],
    [
      'a body the SDK cannot parse',
      Object.assign(new Error('Unexpected token < in XML'), {
        name: 'SyntaxError',
        $metadata: { httpStatusCode: 200 },
      }),
      'failed',
      'SyntaxError',
      1,
    ],
    ['UnauthorizedOperation', serviceError('UnauthorizedOperation', 403), 'failed', 'UnauthorizedOperation', 1],
    [
      'a connection EC2 no longer knows',
      serviceError('InvalidClientVpnConnection.IdNotFound', 400),
      'failed',
      'InvalidClientVpnConnection.IdNotFound',
      1,
    ],
  ])(
    'records a terminate answered with %s, leaves nothing pending, and goes on',
    async (_name, error, outcome, code, calls) => {
      listing([described(1, 'mallory'), described(2, 'grace', { ConnectionEstablishedTime: '2026-11-25 20:00:00' })]);
      ec2Mock
        .on(TerminateClientVpnConnectionsCommand)
        .callsFake((input: { ConnectionId?: string; Username?: string }) => {
          if (input.ConnectionId === idOf(1) || input.Username === 'mallory') throw error;
          return terminating(input);
        });

      const { report } = await run();

      const record = report.records.find((r) => r.connectionId === idOf(1));
      expect(record?.outcome).toBe(outcome);
      expect(record?.errorCode).toBe(code);
      expect(report.records.find((r) => r.connectionId === idOf(2))?.outcome).toBe('terminated');
      expect(report.counts.pending).toBeUndefined();
      // Mallory's one connection goes by its id (a call by user name saves no call).
      expect(terminateTargets().filter((target) => target === idOf(1))).toHaveLength(calls);
    },
  );

  it.each([
    [
      'the connection still active',
      [{ ConnectionId: idOf(1), PreviousStatus: { Code: 'active' }, CurrentStatus: { Code: 'active' } }],
    ],
    [
      'failed-to-terminate',
      [{ ConnectionId: idOf(1), PreviousStatus: { Code: 'active' }, CurrentStatus: { Code: 'failed-to-terminate' } }],
    ],
    ['a status code EC2 never documented', [{ ConnectionId: idOf(1), CurrentStatus: { Code: 'evaporated' } }]],
    ['no status at all', [{ ConnectionId: idOf(1) }]],
    ['another connection only', [{ ConnectionId: idOf(99), CurrentStatus: { Code: 'terminating' } }]],
    ['no connection statuses', undefined],
  ])('never records as terminated a call whose answer shows %s', async (_name, statuses) => {
    listing([described(1, 'mallory')]);
    ec2Mock
      .on(TerminateClientVpnConnectionsCommand)
      .resolves({ ClientVpnEndpointId: ENDPOINT_A, ConnectionStatuses: statuses as never });

    const { report } = await run();

    expect(report.records.map((record) => record.outcome)).toEqual(['failed']);
  });

  it('goes on with a report when EC2 refuses to list endpoints', async () => {
    ec2Mock.on(DescribeClientVpnEndpointsCommand).rejects(serviceError('UnauthorizedOperation', 403));

    const { report } = await run();

    expect(report.status).toBe('partial');
    expect(report.endpointErrors.join(' ')).toContain('UnauthorizedOperation');
    expect(terminateTargets()).toEqual([]);
  });
});

describe('EC2 answers the run survives (the Client VPN emulator)', () => {
  let sandbox: Sandbox | undefined;
  beforeAll(() => {
    // The real SDK from here on.
    ec2Mock.restore();
  });
  afterEach(async () => {
    await sandbox?.stop();
  });

  it('reads every page when EC2 answers one connection a page', async () => {
    const box = await startSandbox({
      port: 0,
      scenario: {
        endpoints: [{ id: ENDPOINT_A }],
        connections: [
          { endpoint: ENDPOINT_A, username: 'mallory', count: 12, established: '-2h' },
          { endpoint: ENDPOINT_A, username: 'alice', count: 12, established: '-2h' },
        ],
        policies: [POLICIES[0]],
      },
      clock: { start: START, frozen: true },
      pagination: { pageSizeCap: 1 },
    });
    sandbox = box;
    const lambda = new SandboxLambda(box);

    const result = await lambda.invoke();

    expect(result.ok && result.report.connectionsSeen).toBe(24);
    expect(result.ok && result.report.counts).toEqual({ terminated: 12 });
    expect(box.counters.get('ec2', 'DescribeClientVpnConnections').calls).toBeGreaterThanOrEqual(24);
  });

  it('survives a terminate that ends in failed-to-terminate: no crash, no loop, the answer on record', async () => {
    const box = await startSandbox({
      port: 0,
      scenario: {
        endpoints: [{ id: ENDPOINT_A }],
        connections: [
          {
            endpoint: ENDPOINT_A,
            username: 'mallory',
            id: 'cvpn-connection-0000000000000f41',
            established: '-2h',
            failTermination: true,
          },
          { endpoint: ENDPOINT_A, username: 'mallory', id: 'cvpn-connection-0000000000000f42', established: '-2h' },
        ],
        policies: [POLICIES[0]],
      },
      clock: { start: START, frozen: true },
    });
    sandbox = box;
    const lambda = new SandboxLambda(box);

    const first = await lambda.invoke();
    box.clock.advance('5m');
    const second = await lambda.invoke();

    expect(first.ok && first.report.status).toBe('completed');
    expect(second.ok && second.report.status).toBe('completed');
    expect(box.emulator.getConnection('cvpn-connection-0000000000000f41').status).toBe('failed-to-terminate');
    expect(box.emulator.getConnection('cvpn-connection-0000000000000f42').status).toBe('terminated');
    const records = await decisionRecords(box, lambda.clients);
    // EC2 answered "terminating" at the call; the next run saw the connection fail to terminate and says so.
    expect(records.find((record) => record.connectionId === 'cvpn-connection-0000000000000f41')).toMatchObject({
      outcome: 'failed',
      previousStatus: 'active',
      currentStatus: 'failed-to-terminate',
      errorCode: 'failed-to-terminate',
    });
    expect(second.ok && second.report.lateFailures.map((record) => record.connectionId)).toEqual([
      'cvpn-connection-0000000000000f41',
    ]);
    expect(records.filter((record) => record.outcome === 'pending')).toEqual([]);
    // Two terminate calls in all (one by user name, or one per id): the second run does not call again.
    expect(box.counters.get('ec2', 'TerminateClientVpnConnections').calls).toBeLessThanOrEqual(2);
  });

  // EC2 answers `terminating`, then the connection fails to terminate and stays up. The engine decides
  // only on `active` connections, so no run calls again; the audit must not claim the end, and the
  // failure must reach the operator (the failed-terminations metric and the digest).
  it('never leaves a connection that failed to terminate recorded as terminated', async () => {
    const box = await startSandbox({
      port: 0,
      scenario: {
        endpoints: [{ id: ENDPOINT_A }],
        connections: [
          {
            endpoint: ENDPOINT_A,
            username: 'mallory',
            id: 'cvpn-connection-0000000000000f41',
            established: '-2h',
            failTermination: true,
          },
        ],
        policies: [POLICIES[0]],
      },
      clock: { start: START, frozen: true },
    });
    sandbox = box;
    const lambda = new SandboxLambda(box);

    await lambda.invoke();
    box.clock.advance('5m');
    await lambda.invoke();

    const records = await decisionRecords(box, lambda.clients);
    expect(box.emulator.getConnection('cvpn-connection-0000000000000f41').status).toBe('failed-to-terminate');
    expect(records.filter((record) => record.outcome === 'terminated')).toEqual([]);
    expect(records.map((record) => record.outcome)).toEqual(['failed']);
    expect(box.sns.messages.at(-1)?.subject).toContain('1 earlier termination failed');
  });
});
