import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeClientVpnEndpointsCommand } from '@aws-sdk/client-ec2';
import { createAwsClients, createGateClients } from '../../lambda/clients.js';

describe('createAwsClients', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('follows AWS_ENDPOINT_URL, as the sandbox needs, with no code change', async () => {
    const seen: IncomingMessage[] = [];
    const server = createServer((request, response) => {
      seen.push(request);
      response
        .writeHead(200, { 'content-type': 'text/xml' })
        .end('<DescribeClientVpnEndpointsResponse><clientVpnEndpoint/></DescribeClientVpnEndpointsResponse>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      Object.assign(process.env, {
        AWS_ENDPOINT_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
      });
      await createAwsClients().ec2.send(new DescribeClientVpnEndpointsCommand({}));
      expect(seen).toHaveLength(1);
    } finally {
      server.close();
    }
  });

  it('uses adaptive retries, except for terminate calls which the run paces itself', async () => {
    const clients = createAwsClients({ region: 'us-east-1' });
    expect(clients.ec2.config.retryMode).toBe('adaptive');
    expect(clients.dynamodb.config.retryMode).toBe('adaptive');
    expect(await clients.ec2Terminate.config.retryStrategy()).toMatchObject({ mode: 'standard' });
    expect(await clients.ec2Terminate.config.maxAttempts()).toBe(1);
  });

  it("gives the canary's Invoke one attempt: a canary that needs a retry has found what it looks for", async () => {
    const clients = createAwsClients({ region: 'us-east-1' });
    expect(await clients.lambda.config.maxAttempts()).toBe(1);
  });
});

describe('hub clients', () => {
  it("reaches the policies and audit tables and the topic in the hub's Region; EC2, Lambda and the state table stay", async () => {
    const clients = createAwsClients({ region: 'eu-central-1' }, { hubRegion: 'eu-west-1' });
    expect(await clients.hub.dynamodb.config.region()).toBe('eu-west-1');
    expect(await clients.hub.documents.config.region()).toBe('eu-west-1');
    expect(await clients.hub.sns.config.region()).toBe('eu-west-1');
    expect(await clients.dynamodb.config.region()).toBe('eu-central-1');
    expect(await clients.ec2.config.region()).toBe('eu-central-1');
    expect(await clients.lambda.config.region()).toBe('eu-central-1');
    expect(clients.hub.dynamodb.config.retryMode).toBe('adaptive');
  });

  it('shares the clients when there is no hub, or the hub is in the same Region', () => {
    const single = createAwsClients({ region: 'eu-west-1' });
    expect(single.hub.dynamodb).toBe(single.dynamodb);
    expect(single.hub.sns).toBe(single.sns);
    const same = createAwsClients({ region: 'eu-west-1' }, { hubRegion: 'eu-west-1' });
    expect(same.hub.documents).toBe(same.documents);
  });

  it("gives the gate DynamoDB in the hub's Region, and its EC2 count in its own", async () => {
    const gate = createGateClients({ region: 'eu-central-1' }, { hubRegion: 'eu-west-1' });
    expect(await gate.hub.dynamodb.config.region()).toBe('eu-west-1');
    expect(await gate.hub.documents.config.region()).toBe('eu-west-1');
    expect(await gate.dynamodb.config.region()).toBe('eu-central-1');
    expect(await gate.ec2Terminate.config.region()).toBe('eu-central-1');
    const single = createGateClients({ region: 'eu-west-1' });
    expect(single.hub.dynamodb).toBe(single.dynamodb);
  });
});
