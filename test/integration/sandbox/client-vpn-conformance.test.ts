import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  type ClientVpnConnection,
  DescribeClientVpnConnectionsCommand,
  DescribeClientVpnEndpointsCommand,
  type EC2Client,
  TerminateClientVpnConnectionsCommand,
  paginateDescribeClientVpnConnections,
  paginateDescribeClientVpnEndpoints,
} from '@aws-sdk/client-ec2';
import type { Sandbox } from '../../../local/index.js';
import {
  ENDPOINT_A,
  ENDPOINT_B,
  T0,
  clients,
  ec2Form,
  raw,
  rejection,
  signedFor,
  startTestSandbox,
} from './helpers.js';

const EC2_TIME = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/;

describe('Client VPN emulator, driven by @aws-sdk/client-ec2', () => {
  let sandbox: Sandbox;
  let ec2: EC2Client;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    ec2 = clients(sandbox).ec2;
  });

  beforeEach(async () => {
    await sandbox.reset();
  });

  afterAll(async () => {
    ec2.destroy();
    await sandbox.stop();
  });

  async function allConnections(endpointId: string): Promise<ClientVpnConnection[]> {
    const found: ClientVpnConnection[] = [];
    for await (const page of paginateDescribeClientVpnConnections(
      { client: ec2, pageSize: 5 },
      { ClientVpnEndpointId: endpointId },
    )) {
      found.push(...(page.Connections ?? []));
    }
    return found;
  }

  describe('DescribeClientVpnEndpoints', () => {
    it('describes every endpoint with its status, settings and tags', async () => {
      const output = await ec2.send(new DescribeClientVpnEndpointsCommand({}));

      expect(output.ClientVpnEndpoints?.map((e) => e.ClientVpnEndpointId)).toEqual([ENDPOINT_A, ENDPOINT_B]);
      const corp = output.ClientVpnEndpoints?.[0];
      expect(corp).toMatchObject({
        Description: 'corp',
        Status: { Code: 'available' },
        CreationTime: '2026-11-26T10:00:00',
        ClientCidrBlock: '10.100.0.0/22',
        TransportProtocol: 'udp',
        VpnPort: 443,
        VpnProtocol: 'openvpn',
        SplitTunnel: false,
        SessionTimeoutHours: 24,
        DnsName: `*.${ENDPOINT_A}.prod.clientvpn.us-east-1.amazonaws.com`,
        AuthenticationOptions: [{ Type: 'directory-service-authentication' }],
        ConnectionLogOptions: { Enabled: false },
      });
      expect(corp?.Tags).toEqual([
        { Key: 'Name', Value: 'corp-vpn' },
        { Key: 'team', Value: 'it' },
      ]);
      expect(output.NextToken).toBeUndefined();
      expect(output.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('narrows by ClientVpnEndpointId.N and by the endpoint-id and transport-protocol filters', async () => {
      const byId = await ec2.send(new DescribeClientVpnEndpointsCommand({ ClientVpnEndpointIds: [ENDPOINT_B] }));
      const byFilter = await ec2.send(
        new DescribeClientVpnEndpointsCommand({ Filters: [{ Name: 'transport-protocol', Values: ['tcp'] }] }),
      );
      const byIdFilter = await ec2.send(
        new DescribeClientVpnEndpointsCommand({
          Filters: [{ Name: 'endpoint-id', Values: [ENDPOINT_A, 'cvpn-endpoint-00000000000000000'] }],
        }),
      );

      expect(byId.ClientVpnEndpoints?.map((e) => e.ClientVpnEndpointId)).toEqual([ENDPOINT_B]);
      expect(byFilter.ClientVpnEndpoints?.map((e) => e.ClientVpnEndpointId)).toEqual([ENDPOINT_B]);
      expect(byIdFilter.ClientVpnEndpoints?.map((e) => e.ClientVpnEndpointId)).toEqual([ENDPOINT_A]);
    });

    it('pages with MaxResults and NextToken, as the SDK paginator reads them', async () => {
      for (let i = 0; i < 9; i += 1) sandbox.emulator.addEndpoint({ id: `cvpn-endpoint-1000000000000000${i}` });
      const pages: number[] = [];
      const ids: string[] = [];

      for await (const page of paginateDescribeClientVpnEndpoints({ client: ec2, pageSize: 5 }, {})) {
        pages.push(page.ClientVpnEndpoints?.length ?? 0);
        ids.push(...(page.ClientVpnEndpoints ?? []).map((e) => e.ClientVpnEndpointId ?? ''));
      }

      expect(pages).toEqual([5, 5, 1]);
      expect(new Set(ids).size).toBe(11);
    });

    it('answers InvalidClientVpnEndpointId.NotFound for an unknown id', async () => {
      const error = await rejection(
        ec2.send(new DescribeClientVpnEndpointsCommand({ ClientVpnEndpointIds: ['cvpn-endpoint-0123456789abcdef0'] })),
      );

      expect(error.name).toBe('InvalidClientVpnEndpointId.NotFound');
      expect(error.message).toBe('Endpoint cvpn-endpoint-0123456789abcdef0 does not exist');
      expect((error.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(400);
    });

    it('refuses a filter EC2 does not support for this action', async () => {
      const error = await rejection(
        ec2.send(new DescribeClientVpnEndpointsCommand({ Filters: [{ Name: 'tag:Name', Values: ['corp-vpn'] }] })),
      );

      expect(error.name).toBe('InvalidParameterValue');
      expect(error.message).toContain("'tag:Name'");
    });
  });

  describe('DescribeClientVpnConnections', () => {
    it('describes every field of a connection, counters as strings and times as EC2 prints them', async () => {
      const output = await ec2.send(
        new DescribeClientVpnConnectionsCommand({
          ClientVpnEndpointId: ENDPOINT_A,
          Filters: [{ Name: 'connection-id', Values: ['cvpn-connection-00000000000000001'] }],
        }),
      );

      expect(output.Connections).toHaveLength(1);
      // 95 minutes of the active profile (48,000 in and 16,000 out a minute) on top of the seeded counters.
      expect(output.Connections?.[0]).toEqual({
        ClientVpnEndpointId: ENDPOINT_A,
        ConnectionId: 'cvpn-connection-00000000000000001',
        Username: 'alice',
        CommonName: 'alice.example.com',
        ClientIp: '10.100.0.10',
        ConnectionEstablishedTime: '2026-11-26 08:25:00',
        Timestamp: '2026-11-26 10:00:00',
        IngressBytes: String(1000 + 95 * 48_000),
        EgressBytes: String(500 + 95 * 16_000),
        IngressPackets: String(1 + 95 * 48),
        EgressPackets: String(0 + 95 * 16),
        Status: { Code: 'active' },
      });
    });

    it('describes an ended connection with its end time, status message and a timestamp at its end', async () => {
      const output = await ec2.send(
        new DescribeClientVpnConnectionsCommand({
          ClientVpnEndpointId: ENDPOINT_A,
          Filters: [{ Name: 'username', Values: ['ivan'] }],
        }),
      );

      expect(output.Connections?.[0]).toMatchObject({
        Status: { Code: 'terminated', Message: 'Client disconnected' },
        ConnectionEstablishedTime: '2026-11-26 08:00:00',
        ConnectionEndTime: '2026-11-26 09:30:00',
        Timestamp: '2026-11-26 09:30:00',
      });
    });

    it('lists active connections and those ended within the last 60 minutes only', async () => {
      const connections = await allConnections(ENDPOINT_A);

      const users = connections.map((c) => c.Username ?? c.CommonName);
      expect(users).toEqual(['alice', 'bob', 'agent-01.example.com', 'ivan']);
      expect(users).not.toContain('judy');
    });

    it('describes posture compliance statuses and a certificate-only identity', async () => {
      const connections = await allConnections(ENDPOINT_A);

      const agent = connections.find((c) => c.CommonName === 'agent-01.example.com');
      expect(agent?.Username).toBeUndefined();
      expect(agent?.PostureComplianceStatuses).toEqual(['compliant']);
      expect(agent?.ClientIp).toMatch(/^10\.100\.0\.\d+$/);
      for (const connection of connections) {
        expect(connection.ConnectionEstablishedTime).toMatch(EC2_TIME);
        expect(connection.Timestamp).toMatch(EC2_TIME);
        expect(connection.IngressBytes).toMatch(/^\d+$/);
        expect(connection.EgressPackets).toMatch(/^\d+$/);
      }
    });

    it('pages with the SDK paginator: every connection once, in pages of MaxResults', async () => {
      const sizes: number[] = [];
      const ids: string[] = [];

      for await (const page of paginateDescribeClientVpnConnections(
        { client: ec2, pageSize: 5 },
        { ClientVpnEndpointId: ENDPOINT_B },
      )) {
        sizes.push(page.Connections?.length ?? 0);
        ids.push(...(page.Connections ?? []).map((c) => c.ConnectionId ?? ''));
      }

      expect(sizes).toEqual([5, 5]);
      expect(new Set(ids).size).toBe(10);
      for (const id of ids) expect(id).toMatch(/^cvpn-connection-[0-9a-f]{17}$/);
    });

    it('pages when the emulator caps pages below MaxResults', async () => {
      sandbox.emulator.configurePagination({ pageSizeCap: 3 });
      try {
        const connections = await allConnections(ENDPOINT_B);
        expect(connections).toHaveLength(10);
      } finally {
        sandbox.emulator.configurePagination({ pageSizeCap: undefined });
      }
    });

    it('filters by username and connection-id (values OR-ed, filters AND-ed)', async () => {
      const dave = await ec2.send(
        new DescribeClientVpnConnectionsCommand({
          ClientVpnEndpointId: ENDPOINT_B,
          Filters: [{ Name: 'username', Values: ['dave'] }],
        }),
      );
      const one = dave.Connections?.[0]?.ConnectionId ?? '';
      const both = await ec2.send(
        new DescribeClientVpnConnectionsCommand({
          ClientVpnEndpointId: ENDPOINT_B,
          Filters: [
            { Name: 'username', Values: ['dave', 'carol'] },
            { Name: 'connection-id', Values: [one] },
          ],
        }),
      );

      expect(dave.Connections).toHaveLength(3);
      expect(both.Connections?.map((c) => c.ConnectionId)).toEqual([one]);
    });

    it.each([4, 1001, 0])('refuses MaxResults %i with InvalidParameterValue', async (maxResults) => {
      const error = await rejection(
        ec2.send(new DescribeClientVpnConnectionsCommand({ ClientVpnEndpointId: ENDPOINT_A, MaxResults: maxResults })),
      );

      expect(error.name).toBe('InvalidParameterValue');
      expect(error.message).toContain(`Value (${maxResults}) for parameter MaxResults is invalid`);
    });

    it('accepts MaxResults 5 and 1000', async () => {
      const five = await ec2.send(
        new DescribeClientVpnConnectionsCommand({ ClientVpnEndpointId: ENDPOINT_B, MaxResults: 5 }),
      );
      const thousand = await ec2.send(
        new DescribeClientVpnConnectionsCommand({ ClientVpnEndpointId: ENDPOINT_B, MaxResults: 1000 }),
      );

      expect(five.Connections).toHaveLength(5);
      expect(five.NextToken).toEqual(expect.any(String));
      expect(thousand.Connections).toHaveLength(10);
      expect(thousand.NextToken).toBeUndefined();
    });

    it('answers InvalidClientVpnEndpointId.NotFound for an unknown endpoint', async () => {
      const error = await rejection(
        ec2.send(new DescribeClientVpnConnectionsCommand({ ClientVpnEndpointId: 'cvpn-endpoint-0000000000000dead' })),
      );

      expect(error.name).toBe('InvalidClientVpnEndpointId.NotFound');
      expect((error.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(400);
    });

    it('answers InvalidPaginationToken for a token it did not give', async () => {
      const error = await rejection(
        ec2.send(
          new DescribeClientVpnConnectionsCommand({ ClientVpnEndpointId: ENDPOINT_A, NextToken: 'not-a-token' }),
        ),
      );

      expect(error.name).toBe('InvalidPaginationToken');
    });

    it('answers InvalidParameterValue for an unsupported filter', async () => {
      const error = await rejection(
        ec2.send(
          new DescribeClientVpnConnectionsCommand({
            ClientVpnEndpointId: ENDPOINT_A,
            Filters: [{ Name: 'status', Values: ['active'] }],
          }),
        ),
      );

      expect(error.name).toBe('InvalidParameterValue');
    });
  });

  describe('TerminateClientVpnConnections', () => {
    it('terminates one connection by id: active → terminating, then terminated after 5 simulated seconds with an end time', async () => {
      const output = await ec2.send(
        new TerminateClientVpnConnectionsCommand({
          ClientVpnEndpointId: ENDPOINT_A,
          ConnectionId: 'cvpn-connection-00000000000000001',
        }),
      );

      expect(output.ClientVpnEndpointId).toBe(ENDPOINT_A);
      expect(output.Username).toBe('alice');
      expect(output.ConnectionStatuses).toEqual([
        {
          ConnectionId: 'cvpn-connection-00000000000000001',
          PreviousStatus: { Code: 'active' },
          CurrentStatus: { Code: 'terminating' },
        },
      ]);
      expect(output.$metadata.httpStatusCode).toBe(200);

      const during = await describeOne(ENDPOINT_A, 'cvpn-connection-00000000000000001');
      expect(during?.Status).toEqual({ Code: 'terminating' });
      expect(during?.ConnectionEndTime).toBeUndefined();

      sandbox.clock.advance('5s');
      const after = await describeOne(ENDPOINT_A, 'cvpn-connection-00000000000000001');
      expect(after?.Status).toEqual({ Code: 'terminated' });
      expect(after?.ConnectionEndTime).toBe('2026-11-26 10:00:05');
      expect(after?.Timestamp).toBe('2026-11-26 10:00:05');

      // Traffic stops at the end; the connection is still described for 60 minutes, then no more.
      sandbox.clock.advance('59m');
      expect((await describeOne(ENDPOINT_A, 'cvpn-connection-00000000000000001'))?.IngressBytes).toBe(
        after?.IngressBytes,
      );
      sandbox.clock.advance('2m');
      expect(await describeOne(ENDPOINT_A, 'cvpn-connection-00000000000000001')).toBeUndefined();
    });

    it('terminates every active connection of a user with at most five, by username', async () => {
      const output = await ec2.send(
        new TerminateClientVpnConnectionsCommand({ ClientVpnEndpointId: ENDPOINT_B, Username: 'dave' }),
      );

      expect(output.Username).toBe('dave');
      expect(output.ConnectionStatuses).toHaveLength(3);
      for (const status of output.ConnectionStatuses ?? []) {
        expect(status.PreviousStatus?.Code).toBe('active');
        expect(status.CurrentStatus?.Code).toBe('terminating');
      }
    });

    it('refuses to terminate by username a user with more than five connections', async () => {
      const error = await rejection(
        ec2.send(new TerminateClientVpnConnectionsCommand({ ClientVpnEndpointId: ENDPOINT_B, Username: 'carol' })),
      );

      expect(error.name).toBe('ClientVpnTerminateConnectionsLimitExceeded');
      expect(error.message).toContain('7 active connections');
      expect((error.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(400);
      expect((await allConnections(ENDPOINT_B)).every((c) => c.Status?.Code === 'active')).toBe(true);
    });

    it('answers InvalidClientVpnConnection.UserNotFound for a user with no active connection', async () => {
      const error = await rejection(
        ec2.send(new TerminateClientVpnConnectionsCommand({ ClientVpnEndpointId: ENDPOINT_A, Username: 'ivan' })),
      );

      expect(error.name).toBe('InvalidClientVpnConnection.UserNotFound');
    });

    it('answers InvalidClientVpnConnection.IdNotFound for an unknown connection, or one of another endpoint', async () => {
      const unknown = await rejection(
        ec2.send(
          new TerminateClientVpnConnectionsCommand({
            ClientVpnEndpointId: ENDPOINT_A,
            ConnectionId: 'cvpn-connection-0000000000000beef',
          }),
        ),
      );
      const elsewhere = await rejection(
        ec2.send(
          new TerminateClientVpnConnectionsCommand({
            ClientVpnEndpointId: ENDPOINT_B,
            ConnectionId: 'cvpn-connection-00000000000000001',
          }),
        ),
      );

      expect(unknown.name).toBe('InvalidClientVpnConnection.IdNotFound');
      expect(elsewhere.name).toBe('InvalidClientVpnConnection.IdNotFound');
    });

    it('answers InvalidClientVpnEndpointId.NotFound for an unknown endpoint', async () => {
      const error = await rejection(
        ec2.send(
          new TerminateClientVpnConnectionsCommand({
            ClientVpnEndpointId: 'cvpn-endpoint-0000000000000dead',
            Username: 'alice',
          }),
        ),
      );

      expect(error.name).toBe('InvalidClientVpnEndpointId.NotFound');
    });

    it('wants exactly one of ConnectionId and Username', async () => {
      const both = await rejection(
        ec2.send(
          new TerminateClientVpnConnectionsCommand({
            ClientVpnEndpointId: ENDPOINT_A,
            Username: 'alice',
            ConnectionId: 'cvpn-connection-00000000000000001',
          }),
        ),
      );
      const neither = await rejection(
        ec2.send(new TerminateClientVpnConnectionsCommand({ ClientVpnEndpointId: ENDPOINT_A })),
      );

      expect(both.name).toBe('InvalidParameterCombination');
      expect(neither.name).toBe('MissingParameter');
    });

    it('answers DryRunOperation (412) to a permitted dry run and changes nothing', async () => {
      const error = await rejection(
        ec2.send(
          new TerminateClientVpnConnectionsCommand({
            ClientVpnEndpointId: ENDPOINT_A,
            ConnectionId: 'cvpn-connection-00000000000000001',
            DryRun: true,
          }),
        ),
      );

      expect(error.name).toBe('DryRunOperation');
      expect(error.message).toBe('Request would have succeeded, but DryRun flag is set.');
      expect((error.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(412);
      expect((await describeOne(ENDPOINT_A, 'cvpn-connection-00000000000000001'))?.Status?.Code).toBe('active');
    });

    it('reports the status of a connection already ending without changing it', async () => {
      await ec2.send(
        new TerminateClientVpnConnectionsCommand({
          ClientVpnEndpointId: ENDPOINT_A,
          ConnectionId: 'cvpn-connection-00000000000000001',
        }),
      );
      sandbox.clock.advance('10s');

      const again = await ec2.send(
        new TerminateClientVpnConnectionsCommand({
          ClientVpnEndpointId: ENDPOINT_A,
          ConnectionId: 'cvpn-connection-00000000000000001',
        }),
      );

      expect(again.ConnectionStatuses?.[0]).toMatchObject({
        PreviousStatus: { Code: 'terminated' },
        CurrentStatus: { Code: 'terminated' },
      });
    });

    it('ends in failed-to-terminate for a connection set to fail termination', async () => {
      sandbox.emulator.modifyConnection('cvpn-connection-00000000000000002', { failTermination: true });

      await ec2.send(
        new TerminateClientVpnConnectionsCommand({
          ClientVpnEndpointId: ENDPOINT_A,
          ConnectionId: 'cvpn-connection-00000000000000002',
        }),
      );
      sandbox.clock.advance('5s');

      expect((await describeOne(ENDPOINT_A, 'cvpn-connection-00000000000000002'))?.Status?.Code).toBe(
        'failed-to-terminate',
      );
    });
  });

  describe('the Query protocol', () => {
    it('answers every call with an x-amzn-requestid header, which the SDK reports as the request id', async () => {
      const response = await raw(sandbox, {
        headers: { authorization: signedFor('ec2'), 'content-type': 'application/x-www-form-urlencoded' },
        body: ec2Form({ Action: 'DescribeClientVpnEndpoints' }),
      });

      expect(response.status).toBe(200);
      expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
      expect(response.body).toContain(
        '<DescribeClientVpnEndpointsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">',
      );
      expect(response.body).toContain(`<requestId>${response.headers.get('x-amzn-requestid')}</requestId>`);
    });

    it('answers an unknown action with InvalidAction in the EC2 error envelope', async () => {
      const response = await raw(sandbox, {
        headers: { authorization: signedFor('ec2'), 'content-type': 'application/x-www-form-urlencoded' },
        body: ec2Form({ Action: 'RunInstances' }),
      });

      const requestId = response.headers.get('x-amzn-requestid');
      expect(response.status).toBe(400);
      expect(response.body).toContain(
        `<Response><Errors><Error><Code>InvalidAction</Code><Message>The action RunInstances is not valid for this web service.</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`,
      );
    });

    it('answers a missing ClientVpnEndpointId with MissingParameter', async () => {
      const response = await raw(sandbox, {
        headers: { authorization: signedFor('ec2'), 'content-type': 'application/x-www-form-urlencoded' },
        body: ec2Form({ Action: 'DescribeClientVpnConnections' }),
      });

      expect(response.status).toBe(400);
      expect(response.body).toContain('<Code>MissingParameter</Code>');
      expect(response.body).toContain('ClientVpnEndpointId');
    });

    it('answers malformed values with InvalidParameterValue', async () => {
      const response = await raw(sandbox, {
        headers: { authorization: signedFor('ec2'), 'content-type': 'application/x-www-form-urlencoded' },
        body: ec2Form({
          Action: 'DescribeClientVpnConnections',
          ClientVpnEndpointId: ENDPOINT_A,
          MaxResults: 'ten',
          DryRun: 'maybe',
        }),
      });

      expect(response.status).toBe(400);
      expect(response.body).toContain('<Code>InvalidParameterValue</Code>');
    });

    it('accepts GET with the parameters in the query string, as the EC2 API reference shows', async () => {
      const query = ec2Form({
        Action: 'DescribeClientVpnConnections',
        ClientVpnEndpointId: ENDPOINT_A,
        'Filter.1.Name': 'username',
        'Filter.1.Value.1': 'bob',
      });

      const response = await raw(sandbox, {
        method: 'GET',
        path: `/?${query}`,
        headers: { authorization: signedFor('ec2') },
      });

      expect(response.status).toBe(200);
      expect(response.body).toContain('<username>bob</username>');
      expect(response.body).toContain('<connectionEstablishedTime>2026-11-26 01:00:00</connectionEstablishedTime>');
    });

    it('escapes text in XML', async () => {
      sandbox.emulator.addConnection({ endpointId: ENDPOINT_A, username: "o'brien & <co>", commonName: 'x"y' });

      const output = await ec2.send(
        new DescribeClientVpnConnectionsCommand({
          ClientVpnEndpointId: ENDPOINT_A,
          Filters: [{ Name: 'username', Values: ["o'brien & <co>"] }],
        }),
      );

      expect(output.Connections?.[0]).toMatchObject({ Username: "o'brien & <co>", CommonName: 'x"y' });
    });
  });

  it('starts its clock at the given instant', () => {
    expect(sandbox.clock.now().toISOString()).toBe(T0);
  });

  async function describeOne(endpointId: string, connectionId: string): Promise<ClientVpnConnection | undefined> {
    const output = await ec2.send(
      new DescribeClientVpnConnectionsCommand({
        ClientVpnEndpointId: endpointId,
        Filters: [{ Name: 'connection-id', Values: [connectionId] }],
      }),
    );
    return output.Connections?.[0];
  }
});
