import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { DescribeClientVpnEndpointsCommand, EC2Client } from '@aws-sdk/client-ec2';

describe('cvpn-guard sandbox --scenario with an organization', () => {
  it("starts, names every account's Region with its endpoints and access key, and answers as those accounts", async () => {
    const child = spawn(
      process.execPath,
      ['bin/cvpn-guard.js', 'sandbox', '--port', '0', '--scenario', 'examples/organization.json'],
      {
        cwd: process.cwd(),
        env: { ...process.env, NO_COLOR: '1' },
      },
    );
    let stdout = '';
    const ready = new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('Press Ctrl-C to stop.')) resolve();
      });
      child.on('close', () => reject(new Error(`exited before it was ready:\n${stdout}`)));
    });
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      await ready;
      const endpoint = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1] ?? '';
      const ec2 = new EC2Client({
        endpoint,
        region: 'eu-west-1',
        credentials: { accessKeyId: 'AKIA222222222222SBXU', secretAccessKey: 'test' },
        maxAttempts: 1,
      });
      const described = await ec2.send(new DescribeClientVpnEndpointsCommand({}));
      ec2.destroy();

      expect(stdout).toContain('scenario examples/organization.json: 3 endpoints, 7 connections, 3 policy rows');
      expect(stdout).toContain('organization o-a1b2c3d4e5: hub 111111111111 in us-east-1');
      expect(stdout).toContain('222222222222/eu-west-1: 1 endpoints, 3 connections; access key AKIA222222222222SBXU');
      expect(described.ClientVpnEndpoints?.map((vpn) => vpn.ClientVpnEndpointId)).toEqual([
        'cvpn-endpoint-0e0e0e0000000001',
      ]);
    } finally {
      child.kill('SIGINT');
      await closed;
    }
  }, 60_000);
});
