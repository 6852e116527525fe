import { describe, expect, it } from '@jest/globals';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeClientVpnConnectionsCommand, EC2Client } from '@aws-sdk/client-ec2';

const BIN = 'bin/cvpn-guard.js';

interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `cvpn-guard` with these arguments as a child process. */
function cvpnGuard(args: readonly string[]) {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: process.cwd(), env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const finished = new Promise<Finished>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  const printed = (pattern: RegExp) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = (): void => {
        const match = stdout.match(pattern);
        if (match) {
          child.stdout.off('data', check);
          resolve(match);
        }
      };
      child.stdout.on('data', check);
      child.on('close', () => reject(new Error(`exited before printing ${pattern}:\n${stdout}\n${stderr}`)));
      check();
    });
  return { child, finished, printed };
}

function stop(child: ChildProcessWithoutNullStreams, signal: NodeJS.Signals): void {
  child.kill(signal);
}

describe('cvpn-guard sandbox', () => {
  it('runs in the foreground, prints how to point a client at it, answers, and stops on SIGINT with exit 0', async () => {
    const run = cvpnGuard(['sandbox', '--port', '0', '--scenario', 'examples/demo.json']);

    const [, endpoint] = await run.printed(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
    await run.printed(/Press Ctrl-C to stop\./);
    const ec2 = new EC2Client({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    const output = await ec2.send(
      new DescribeClientVpnConnectionsCommand({ ClientVpnEndpointId: 'cvpn-endpoint-0c0ffee0000000001' }),
    );
    ec2.destroy();
    stop(run.child, 'SIGINT');
    const finished = await run.finished;

    expect(output.Connections?.length).toBeGreaterThan(5);
    expect(finished.code).toBe(0);
    expect(finished.stdout).toContain(`--endpoint-url ${endpoint}`);
    expect(finished.stdout).toContain(`export AWS_ENDPOINT_URL=${endpoint}`);
    expect(finished.stdout).toContain('export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1');
    expect(finished.stdout).toContain('scenario examples/demo.json: 2 endpoints, 18 connections, 7 policy rows');
    expect(finished.stdout).toContain("policy changes reach it through the policies table's stream");
    expect(finished.stdout).toContain('sandbox stopped.');
    expect(finished.stderr).not.toContain('Error');
  });

  it('stops on SIGTERM too; --no-stream leaves the policies stream unmapped and says so', async () => {
    const run = cvpnGuard(['sandbox', '--port', '0', '--no-stream']);

    await run.printed(/Press Ctrl-C to stop\./);
    stop(run.child, 'SIGTERM');
    const finished = await run.finished;

    expect(finished.code).toBe(0);
    expect(finished.stdout).toContain("the policies table's stream is not mapped to it (--no-stream)");
  });

  it('exits 2 naming the path and value of a bad scenario', async () => {
    const finished = await cvpnGuard(['sandbox', '--port', '0', '--scenario', 'package.json']).finished;

    expect(finished.code).toBe(2);
    expect(finished.stderr).toContain('scenario package.json is invalid');
    expect(finished.stderr).toContain('endpoints');
  });

  it('exits 2 for a port that is not a number', async () => {
    const finished = await cvpnGuard(['sandbox', '--port', 'http']).finished;

    expect(finished.code).toBe(2);
    expect(finished.stderr).toContain("option '--port <n>' argument 'http' is invalid");
  });

  it('exits 1 naming the port and the fix when the port is in use', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as AddressInfo).port;
    try {
      const finished = await cvpnGuard(['sandbox', '--port', String(port)]).finished;

      expect(finished.code).toBe(1);
      expect(finished.stderr).toContain(`cannot listen on 127.0.0.1:${port}: the port is already in use`);
      expect(finished.stderr).toContain('--port');
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
  });
});
