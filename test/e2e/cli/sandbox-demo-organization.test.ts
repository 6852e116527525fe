/**
 * `npm start -- --scenario examples/organization.json` (demo/organization.ts) as a user runs it: the hub and three
 * spokes on a frozen clock, so every run prints the same.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { cleanEnv } from './support/cli-process.js';

const TSX = resolve(process.cwd(), 'node_modules/.bin/tsx');

function runDemo(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(TSX, ['demo/run.ts', '--scenario', 'examples/organization.json'], {
      env: cleanEnv({ NO_COLOR: '1' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

describe('npm start -- --scenario examples/organization.json', () => {
  let run: { code: number | null; stdout: string; stderr: string };

  beforeAll(async () => {
    run = await runDemo();
  }, 70_000);

  it('installs the hub and a spoke in every account and Region with endpoints, each running with a placed run id', () => {
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('hub 111111111111/us-east-1');
    expect(run.stdout).toContain('spokes: 222222222222/eu-west-1, 222222222222/us-east-1, 333333333333/us-east-1');
    expect(run.stdout).toContain(
      '222222222222/us-east-1: 222222222222.us-east-1/run-2026-11-26T17:30:00Z completed; 2 connections; 1 terminated',
    );
  });

  it('a row written in the hub ends the sessions it selects through the relay, within seconds', () => {
    expect(run.stdout).toMatch(/alice has 0 sessions left, \d+(\.\d+)? simulated seconds after the write/);
    expect(run.stdout).toMatch(
      /222222222222 +us-east-1 +change-[0-9a-f]{16} +cvpn-connection-\w+ +alice +revoke-alice +terminated/,
    );
  });

  it('the idle row scoped to one Region ends only there', () => {
    expect(run.stdout).toMatch(
      /222222222222 +eu-west-1 +run-2026-11-26T18:10:01Z +cvpn-connection-\w+ +bob +idle-eu-30m +terminated/,
    );
    expect(run.stdout).not.toMatch(/333333333333 .* idle-eu-30m/);
  });

  it('the hub watch names the spoke whose role was deleted and the row that names no spoke', () => {
    expect(run.stdout).toContain('333333333333/us-east-1: no heartbeat since 2026-11-26T18:10:01.000Z');
    expect(run.stdout).toContain('row lockdown-old-account names account 999999999999 which is not a spoke');
    expect(run.stdout).not.toMatch(/222222222222\/(eu-west-1|us-east-1): no heartbeat/);
  });
});
