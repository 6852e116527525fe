/**
 * `npm start` (demo/run.ts) as a user runs it: the enforcement ticks, then the admission stories through the client
 * connect handler, on a frozen clock, so every run prints the same (EC2's request ids aside).
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { cleanEnv } from './support/cli-process.js';

const TSX = resolve(process.cwd(), 'node_modules/.bin/tsx');

function runDemo(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(TSX, ['demo/run.ts'], { env: cleanEnv({ NO_COLOR: '1' }), stdio: ['ignore', 'pipe', 'pipe'] });
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

/** The lines of the admission record of `identity`, split on runs of spaces. */
function recordOf(stdout: string, identity: string): string[] | undefined {
  const table = stdout.slice(stdout.indexOf('Admission records'));
  const line = table.split('\n').find((text) => text.split(/ {2,}/)[2] === identity);
  return line?.split(/ {2,}/);
}

describe('npm start', () => {
  let run: { code: number | null; stdout: string; stderr: string };

  beforeAll(async () => {
    run = await runDemo();
  }, 70_000);

  it('runs the product as deployed: the enforcer for three ticks, the handler attached to both endpoints', () => {
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'functions: cvpn-guard-enforcer (the enforcer), AWSClientVPN-CvpnGuard (the client connect handler, attached to 2 endpoints)',
    );
    expect(run.stdout).toMatch(/Tick 1 — run-2026-11-26T17:30:00Z \(completed\)/);
    expect(run.stdout).toContain('Audit table: 19 records');
  });

  it('(a) ends the revoked user in a run, then refuses her reconnection with the row message', () => {
    expect(run.stdout).toMatch(/cvpn-connection-\w+ +mallory +revoke-mallory +terminated/);
    expect(run.stdout).toContain(
      '18:30:00 mallory → …0c0ffee0000000001: refused: "Your VPN access has been revoked. Contact the IT service desk."',
    );
    expect(recordOf(run.stdout, 'mallory')?.slice(3, 5)).toEqual(['refused', 'revoke-mallory']);
  });

  it('(b) admits the exempt admin during a lockdown and refuses another user with the lockdown message', () => {
    expect(run.stdout).toMatch(/breakglass-admin → …0c0ffee0000000002: admitted/);
    expect(run.stdout).toContain(
      'erin → …0c0ffee0000000002: refused: "eng-vpn is locked down for incident INC-2207; only the incident team may connect."',
    );
    expect(recordOf(run.stdout, 'breakglass-admin')).toEqual(expect.arrayContaining(['admitted', 'exempt-breakglass']));
    expect(recordOf(run.stdout, 'erin')?.slice(3, 5)).toEqual(['refused', 'lockdown-eng']);
  });

  it('(c) refuses a contractor off hours by group, and admits staff at the same time', () => {
    expect(run.stdout).toContain(
      'oscar (groups contractors) → …0c0ffee0000000001: refused: "Contractor access is open Monday to Friday, 08:00–18:00 Berlin time."',
    );
    expect(run.stdout).toContain('alice (groups staff) → …0c0ffee0000000001: admitted');
    expect(recordOf(run.stdout, 'oscar')?.slice(3, 5)).toEqual(['refused', 'contractor-hours']);
    expect(run.stdout).toContain('oscar: outside allowed hours mon–fri 08:00–18:00 Europe/Berlin: now Thu 19:31');
  });
});
