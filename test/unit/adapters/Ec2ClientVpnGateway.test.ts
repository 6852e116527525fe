import { describe, expect, it, beforeEach } from '@jest/globals';
import {
  DescribeClientVpnConnectionsCommand,
  DescribeClientVpnEndpointsCommand,
  EC2Client,
  EC2ServiceException,
  TerminateClientVpnConnectionsCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { Ec2ClientVpnGateway, parseEc2Time } from '../../../lambda/adapters/Ec2ClientVpnGateway.js';
import {
  ClientVpnError,
  ClientVpnNotFoundError,
  ClientVpnThrottledError,
  ClientVpnUnauthorizedError,
} from '../../../lambda/ports/index.js';

const ENDPOINT = 'cvpn-endpoint-0123456789abcdef0';
const NOW = new Date('2026-11-26T12:00:00Z');
const ec2Mock = mockClient(EC2Client);

function serviceError(name: string, status = 400): EC2ServiceException {
  return new EC2ServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, requestId: 'req-1' },
    message: `${name} happened`,
  });
}

describe('Ec2ClientVpnGateway', () => {
  const gateway = () => new Ec2ClientVpnGateway(new EC2Client({ region: 'us-east-1' }), () => NOW);
  beforeEach(() => {
    ec2Mock.reset();
  });

  it('reads every page of connections with MaxResults 1000', async () => {
    ec2Mock
      .on(DescribeClientVpnConnectionsCommand)
      .resolvesOnce({
        Connections: [{ ConnectionId: 'cvpn-connection-1', Status: { Code: 'active' } }],
        NextToken: 't1',
      })
      .resolvesOnce({ Connections: [{ ConnectionId: 'cvpn-connection-2', Status: { Code: 'active' } }] });
    const connections = await gateway().listConnections(ENDPOINT);
    expect(connections.map((c) => c.connectionId)).toEqual(['cvpn-connection-1', 'cvpn-connection-2']);
    const calls = ec2Mock.commandCalls(DescribeClientVpnConnectionsCommand);
    // The paginator reuses one input object, so only the last call's NextToken can be read back.
    expect(calls).toHaveLength(2);
    expect(calls.map((call) => call.args[0].input)).toEqual([
      expect.objectContaining({ ClientVpnEndpointId: ENDPOINT, MaxResults: 1000 }),
      expect.objectContaining({ ClientVpnEndpointId: ENDPOINT, MaxResults: 1000, NextToken: 't1' }),
    ]);
  });

  it("counts a user's active connections with EC2's username filter, leaving out the attempt itself", async () => {
    // Arrange
    ec2Mock.on(DescribeClientVpnConnectionsCommand).resolves({
      Connections: [
        { ConnectionId: 'cvpn-connection-1', Username: 'alice', Status: { Code: 'active' } },
        { ConnectionId: 'cvpn-connection-2', Username: 'alice', Status: { Code: 'terminated' } },
        { ConnectionId: 'cvpn-connection-3', Username: 'Alice', Status: { Code: 'active' } },
        { ConnectionId: 'cvpn-connection-new', Username: 'alice', Status: { Code: 'active' } },
        { ConnectionId: 'cvpn-connection-4', Username: 'alice', Status: { Code: 'active' } },
      ],
    });

    // Act
    const count = await gateway().countActive(ENDPOINT, 'alice', 'cvpn-connection-new');

    // Assert
    expect(count).toBe(2);
    expect(ec2Mock.commandCalls(DescribeClientVpnConnectionsCommand)[0]?.args[0].input).toMatchObject({
      ClientVpnEndpointId: ENDPOINT,
      Filters: [{ Name: 'username', Values: ['alice'] }],
    });
  });

  it('stops when EC2 hands back a NextToken it already gave', async () => {
    ec2Mock.on(DescribeClientVpnConnectionsCommand).resolves({
      Connections: [{ ConnectionId: 'cvpn-connection-1', Status: { Code: 'active' } }],
      NextToken: 'same',
    });
    const connections = await gateway().listConnections(ENDPOINT);
    expect(ec2Mock.commandCalls(DescribeClientVpnConnectionsCommand)).toHaveLength(2);
    expect(connections).toHaveLength(2);
  });

  it('maps every field and falls back safely where EC2 leaves one out', async () => {
    ec2Mock.on(DescribeClientVpnConnectionsCommand).resolves({
      Connections: [
        {
          ConnectionId: 'cvpn-connection-1',
          Username: 'alice',
          CommonName: 'alice.example.com',
          ClientIp: '10.0.0.2',
          IngressBytes: '1200',
          EgressBytes: '34',
          ConnectionEstablishedTime: '2026-11-26 10:02:03',
          Status: { Code: 'active' },
        },
        { ConnectionId: 'cvpn-connection-2' },
        { Username: 'no-id' },
      ],
    });
    const [full, sparse, ...rest] = await gateway().listConnections(ENDPOINT);
    expect(full).toEqual({
      endpointId: ENDPOINT,
      connectionId: 'cvpn-connection-1',
      username: 'alice',
      commonName: 'alice.example.com',
      clientIp: '10.0.0.2',
      ingressBytes: 1200,
      egressBytes: 34,
      establishedAt: new Date('2026-11-26T10:02:03Z'),
      status: 'active',
    });
    // Unknown status is never terminated; unknown start counts as now; unknown traffic is NaN (never idle).
    expect(sparse).toMatchObject({ status: 'unknown', establishedAt: NOW, ingressBytes: NaN, egressBytes: NaN });
    expect(rest).toEqual([]);
  });

  it('filters endpoints by id and by tag after listing them all', async () => {
    ec2Mock.on(DescribeClientVpnEndpointsCommand).resolves({
      ClientVpnEndpoints: [
        { ClientVpnEndpointId: 'cvpn-endpoint-aaaaaaaa', Tags: [{ Key: 'guard', Value: 'on' }] },
        { ClientVpnEndpointId: 'cvpn-endpoint-bbbbbbbb', Tags: [{ Key: 'guard', Value: 'off' }] },
      ],
    });
    expect((await gateway().listEndpoints({})).map((e) => e.endpointId)).toEqual([
      'cvpn-endpoint-aaaaaaaa',
      'cvpn-endpoint-bbbbbbbb',
    ]);
    expect((await gateway().listEndpoints({ tag: { key: 'guard', value: 'on' } })).map((e) => e.endpointId)).toEqual([
      'cvpn-endpoint-aaaaaaaa',
    ]);
    expect(
      (await gateway().listEndpoints({ endpointIds: ['cvpn-endpoint-bbbbbbbb'] })).map((e) => e.endpointId),
    ).toEqual(['cvpn-endpoint-bbbbbbbb']);
  });

  it('terminates by username or by connection id and reports the status change', async () => {
    ec2Mock.on(TerminateClientVpnConnectionsCommand).resolves({
      $metadata: { requestId: 'req-9', attempts: 2 },
      ConnectionStatuses: [
        {
          ConnectionId: 'cvpn-connection-1',
          PreviousStatus: { Code: 'active' },
          CurrentStatus: { Code: 'terminating' },
        },
      ],
    });
    const result = await gateway().terminate({
      by: 'username',
      endpointId: ENDPOINT,
      username: 'Alice',
      decisions: [],
    });
    await gateway().terminate({
      by: 'connection-id',
      endpointId: ENDPOINT,
      connectionId: 'cvpn-connection-1',
      decisions: [],
    });
    expect(result).toEqual({
      requestId: 'req-9',
      attempts: 2,
      statuses: [{ connectionId: 'cvpn-connection-1', previousStatus: 'active', currentStatus: 'terminating' }],
    });
    expect(ec2Mock.commandCalls(TerminateClientVpnConnectionsCommand).map((call) => call.args[0].input)).toEqual([
      { ClientVpnEndpointId: ENDPOINT, Username: 'Alice', DryRun: undefined },
      { ClientVpnEndpointId: ENDPOINT, ConnectionId: 'cvpn-connection-1', DryRun: undefined },
    ]);
  });

  it.each([
    ['RequestLimitExceeded', 503, ClientVpnThrottledError],
    ['UnauthorizedOperation', 403, ClientVpnUnauthorizedError],
    ['InvalidClientVpnEndpointId.NotFound', 400, ClientVpnNotFoundError],
    ['InternalError', 500, ClientVpnError],
  ])('maps %s to the port error it means', async (code, status, expected) => {
    ec2Mock.on(TerminateClientVpnConnectionsCommand).rejects(serviceError(code, status));
    const error = await gateway()
      .terminate({ by: 'connection-id', endpointId: ENDPOINT, connectionId: 'cvpn-connection-1', decisions: [] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(expected);
    expect(error).toMatchObject({ code, requestId: 'req-1' });
  });
});

describe('parseEc2Time', () => {
  it.each([
    ['2026-11-26 10:02:03', '2026-11-26T10:02:03.000Z'],
    ['2026-11-26T10:02:03Z', '2026-11-26T10:02:03.000Z'],
    ['2026-11-26T11:02:03+01:00', '2026-11-26T10:02:03.000Z'],
  ])('reads %s as UTC', (text, iso) => {
    expect(parseEc2Time(text)?.toISOString()).toBe(iso);
  });

  it.each([undefined, '', 'yesterday'])('gives undefined for %p', (text) => {
    expect(parseEc2Time(text)).toBeUndefined();
  });
});
