import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeClientVpnEndpointsCommand } from '@aws-sdk/client-ec2';
import { createAwsClients } from '../../lambda/clients.js';

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
