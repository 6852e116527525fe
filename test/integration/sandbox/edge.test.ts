import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { CloudFormationClient, ListStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeClientVpnConnectionsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { Sandbox } from '../../../local/index.js';
import { ENDPOINT_A, ENDPOINT_B, clients, ec2Form, raw, rejection, signedFor, startTestSandbox } from './helpers.js';

describe('the edge', () => {
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

  describe('routing', () => {
    it('routes by the service of the SigV4 credential scope', async () => {
      const ec2Answer = await raw(sandbox, {
        headers: { authorization: signedFor('ec2') },
        body: ec2Form({ Action: 'DescribeClientVpnEndpoints' }),
      });
      const snsAnswer = await raw(sandbox, {
        headers: { authorization: signedFor('sns') },
        body: new URLSearchParams({ Action: 'ListTopics', Version: '2010-03-31' }).toString(),
      });
      const dynamoAnswer = await raw(sandbox, {
        headers: {
          authorization: signedFor('dynamodb'),
          'x-amz-date': '20261126T100000Z',
          'x-amz-target': 'DynamoDB_20120810.ListTables',
          'content-type': 'application/x-amz-json-1.0',
        },
        body: '{}',
      });

      expect(ec2Answer.body).toContain('<DescribeClientVpnEndpointsResponse');
      expect(snsAnswer.body).toContain(`<TopicArn>${sandbox.topicArn}</TopicArn>`);
      expect(JSON.parse(dynamoAnswer.body)).toEqual({
        TableNames: ['cvpn-guard-audit', 'cvpn-guard-policies', 'cvpn-guard-state'],
      });
      const requestIds = [ec2Answer, snsAnswer, dynamoAnswer].map((answer) => answer.headers.get('x-amzn-requestid'));
      for (const requestId of requestIds)
        expect(requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(new Set(requestIds).size).toBe(3);
    });

    it('routes a signed STS call (the real client)', async () => {
      const sts = new STSClient({ ...sandbox.clientConfig(), maxAttempts: 1 });

      const identity = await sts.send(new GetCallerIdentityCommand({}));
      sts.destroy();

      expect(identity).toMatchObject({ Account: '000000000000', Arn: 'arn:aws:iam::000000000000:user/sandbox' });
    });

    it('routes unsigned requests by their Query Version or Action, or their X-Amz-Target', async () => {
      const byVersion = await raw(sandbox, {
        body: ec2Form({ Action: 'DescribeClientVpnEndpoints' }),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      const byAction = await raw(sandbox, { body: 'Action=GetCallerIdentity' });
      const byTarget = await raw(sandbox, {
        headers: { 'x-amz-target': 'DynamoDB_20120810.ListTables', 'content-type': 'application/x-amz-json-1.0' },
        body: '{}',
      });

      expect(byVersion.status).toBe(200);
      expect(byVersion.body).toContain(ENDPOINT_B);
      expect(byAction.body).toContain('<Account>000000000000</Account>');
      // Routed to DynamoDB, which (like AWS) refuses an unsigned request.
      expect(byTarget.body).toContain('MissingAuthenticationToken');
    });

    it('routes a presigned request by its X-Amz-Credential', async () => {
      const query = new URLSearchParams({
        Action: 'DescribeClientVpnEndpoints',
        Version: '2016-11-15',
        'X-Amz-Credential': 'test/20261126/us-east-1/ec2/aws4_request',
      });

      const answer = await raw(sandbox, { method: 'GET', path: `/?${query}` });

      expect(answer.body).toContain(ENDPOINT_A);
    });

    it('answers a service it does not emulate with an AWS-style NotImplemented error, never a hang (real CloudFormation client)', async () => {
      const cloudformation = new CloudFormationClient({ ...sandbox.clientConfig(), maxAttempts: 1 });

      const error = await rejection(cloudformation.send(new ListStacksCommand({})));
      cloudformation.destroy();

      expect(error.name).toBe('NotImplemented');
      expect(error.message).toContain("does not emulate the service 'cloudformation'");
      expect((error.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(501);
    });

    it('answers an unknown JSON-protocol service in JSON', async () => {
      const answer = await raw(sandbox, {
        headers: {
          authorization: signedFor('kinesis'),
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'Kinesis_20131202.ListStreams',
        },
        body: '{}',
      });

      expect(answer.status).toBe(501);
      expect(answer.headers.get('x-amzn-errortype')).toBe('NotImplemented');
      expect(JSON.parse(answer.body)).toEqual({
        __type: 'NotImplemented',
        message: expect.stringContaining("'kinesis'"),
      });
    });

    it('answers an unknown REST-JSON service in JSON even without a content type (a signed GET)', async () => {
      const answer = await raw(sandbox, {
        method: 'GET',
        path: '/v2/apis',
        headers: { authorization: signedFor('apigateway') },
      });

      expect(answer.status).toBe(501);
      expect(JSON.parse(answer.body)).toMatchObject({ __type: 'NotImplemented' });
    });

    it('answers a request it cannot place with a message saying how to sign it', async () => {
      const answer = await raw(sandbox, { method: 'GET', path: '/' });

      expect(answer.status).toBe(501);
      expect(answer.body).toContain('<Code>NotImplemented</Code>');
      expect(answer.body).toContain('Sign it with SigV4');
    });
  });

  describe('the admin API', () => {
    const admin = (path: string, method = 'GET', body?: unknown) =>
      fetch(`${sandbox.endpoint}/_sandbox${path}`, {
        method,
        body: body === undefined ? undefined : JSON.stringify(body),
      }).then(async (response) => ({
        status: response.status,
        json: (await response.json()) as Record<string, unknown> & Record<number, Record<string, unknown>>,
      }));

    it('lists its routes', async () => {
      const { status, json } = await admin('');

      expect(status).toBe(200);
      expect(json.endpoint).toBe(sandbox.endpoint);
      expect(json.routes).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^POST \/_sandbox\/clock/),
          expect.stringMatching(/^PUT \/_sandbox\/faults/),
        ]),
      );
    });

    it('adds a connection written as in a scenario, changes it, and hangs it up', async () => {
      const added = await admin('/connections', 'POST', {
        endpoint: ENDPOINT_A,
        username: 'zoe',
        established: '-20m',
        profile: 'idle',
        ingressBytes: 10,
      });
      const id = String(added.json[0]?.connectionId);
      const patched = await admin(`/connections/${id}`, 'PATCH', { profile: 'active', statusMessage: 'on the train' });
      const described = await ec2.send(
        new DescribeClientVpnConnectionsCommand({
          ClientVpnEndpointId: ENDPOINT_A,
          Filters: [{ Name: 'username', Values: ['zoe'] }],
        }),
      );
      const hungUp = await admin(`/connections/${id}/disconnect`, 'POST');

      expect(added.status).toBe(201);
      expect(added.json[0]).toMatchObject({
        username: 'zoe',
        establishedAt: '2026-11-26T09:40:00.000Z',
        status: 'active',
        profile: 'idle',
      });
      expect(patched.json).toMatchObject({ profile: 'active', statusMessage: 'on the train' });
      expect(described.Connections?.[0]).toMatchObject({
        ConnectionId: id,
        IngressBytes: '10',
        Status: { Code: 'active', Message: 'on the train' },
      });
      expect(hungUp.json).toMatchObject({ status: 'terminated', endedAt: '2026-11-26T10:00:00.000Z' });
    });

    it('lists connections of one endpoint', async () => {
      const { json } = await admin(`/connections?endpoint=${ENDPOINT_B}`);

      expect(Object.values(json)).toHaveLength(10);
    });

    it('names the field and value of a bad connection', async () => {
      const { status, json } = await admin('/connections', 'POST', {
        endpoint: ENDPOINT_A,
        username: 'zoe',
        established: 'yesterday',
      });

      expect(status).toBe(400);
      expect(json.issues).toEqual([expect.objectContaining({ path: 'established', value: 'yesterday' })]);
    });

    it('changes throttling and refills the buckets', async () => {
      const changed = await admin('/throttling', 'PUT', { mutating: { burst: 3, refillPerSecond: 1 } });
      const refilled = await admin('/throttling/reset', 'POST');

      expect(changed.json).toEqual({
        enabled: true,
        mutating: { burst: 3, refillPerSecond: 1 },
        describe: { burst: 100, refillPerSecond: 20 },
      });
      expect(refilled.status).toBe(200);
    });

    it('sets latency rules and traffic profiles', async () => {
      const latency = await admin('/latency', 'PUT', { rules: [{ service: 'dynamodb', actions: ['@write'], ms: 5 }] });
      const profile = await admin('/profiles/streaming', 'PUT', {
        ingressBytesPerMinute: 5_000_000,
        egressBytesPerMinute: 100_000,
      });

      expect(latency.json).toEqual({ rules: [{ service: 'dynamodb', actions: ['@write'], ms: 5 }] });
      expect(profile.json.streaming).toEqual({ ingressBytesPerMinute: 5_000_000, egressBytesPerMinute: 100_000 });
    });

    it('answers 404 for an unknown route, 405 for a wrong method, 400 for bad JSON or a bad rule', async () => {
      expect((await admin('/nope')).status).toBe(404);
      expect((await admin('/counters', 'POST')).status).toBe(405);
      const badJson = await fetch(`${sandbox.endpoint}/_sandbox/faults`, { method: 'PUT', body: '{' });
      expect(badJson.status).toBe(400);
      const badRule = await admin('/faults', 'POST', { service: 'ec2', kind: 'explode' });
      expect(badRule.status).toBe(400);
      expect(String(badRule.json.error)).toContain('kind must be one of error, throttle, drop');
      expect((await admin('/connections/cvpn-connection-0000000000000beef')).status).toBe(404);
    });

    it('resets the sandbox', async () => {
      sandbox.clock.advance('3h');
      sandbox.emulator.permissions.deny('*');

      const { json } = await admin('/reset', 'POST');

      expect(json).toEqual({ status: 'reset', now: '2026-11-26T10:00:00.000Z' });
      expect(sandbox.emulator.permissions.list()).toEqual([]);
    });
  });

  it('stops cleanly, closes its port, and stopping again is harmless', async () => {
    const extra = await startTestSandbox();
    const endpoint = extra.endpoint;

    await extra.stop();
    await extra.stop();

    await expect(fetch(`${endpoint}/_sandbox/health`)).rejects.toThrow();
  });
});
