import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunResult } from '../../../lambda/run/run-result.js';
import { type Sandbox, startSandbox } from '../../../local/index.js';
import { decisionItems, type SandboxEnforcer, sandboxEnforcer, scanAll } from '../../support/sandbox-enforcer.js';

const DEMO = new URL('../../../examples/demo.json', import.meta.url).pathname;

describe('the enforcement run on the demo scenario', () => {
  let sandbox: Sandbox;
  let enforcer: SandboxEnforcer;
  const reports: RunResult[] = [];
  const statusOf = (username: string) =>
    sandbox.emulator
      .listConnections()
      .filter((c) => c.username === username)
      .map((c) => c.status)
      .sort();

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, scenario: DEMO, clock: { start: '2026-11-26T17:30:00Z', frozen: true } });
    enforcer = sandboxEnforcer(sandbox);
    for (let tick = 0; tick < 3; tick += 1) {
      reports.push(await enforcer.tick());
      sandbox.clock.advance('20m');
    }
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  it('terminates a revoked user on every endpoint', () => {
    expect(statusOf('mallory')).toEqual(['terminated', 'terminated']);
  });

  it('terminates a session past its limit and spares the exempt break-glass admin', () => {
    expect(statusOf('grace')).toEqual(['terminated']);
    expect(statusOf('breakglass-admin')).toEqual(['active']);
    expect(reports[0]?.records.find((r) => r.username === 'breakglass-admin')).toMatchObject({
      outcome: 'exempted',
      exemptedBy: 'exempt-breakglass',
    });
  });

  it('keeps the two newest connections of a user who holds seven', () => {
    const heidi = sandbox.emulator.listConnections().filter((c) => c.username === 'heidi');
    const newestFirst = [...heidi].sort((a, b) => b.establishedAt.getTime() - a.establishedAt.getTime());
    expect(newestFirst.map((c) => c.status)).toEqual([
      'active',
      'active',
      'terminated',
      'terminated',
      'terminated',
      'terminated',
      'terminated',
    ]);
  });

  it('ends idle sessions only once they have been idle long enough, never on first sight', () => {
    expect(reports[0]?.records.some((r) => r.policyId === 'idle-30m')).toBe(false);
    expect(reports[1]?.records.some((r) => r.policyId === 'idle-30m')).toBe(false);
    expect(
      reports[2]?.records
        .filter((r) => r.policyId === 'idle-30m')
        .map((r) => [r.username, r.outcome])
        .sort(),
    ).toEqual([
      ['carol', 'terminated'],
      ['dave', 'terminated'],
    ]);
    expect(statusOf('alice')).toEqual(['active']);
  });

  it('records off-hours connections as would-terminate in observe mode and leaves them up', () => {
    const observed = reports[2]?.records.filter((r) => r.policyId === 'eng-off-hours') ?? [];
    // 19:10 in Berlin: erin and the two connections heidi keeps, on the engineering endpoint.
    expect(observed.map((r) => [r.username, r.outcome]).sort()).toEqual([
      ['erin', 'would-terminate'],
      ['heidi', 'would-terminate'],
      ['heidi', 'would-terminate'],
    ]);
    expect(statusOf('erin')).toEqual(['active']);
  });

  it('reports the malformed row on every run and still applies the valid ones', async () => {
    for (const report of reports) expect(report.findings.map((f) => f.policyId)).toEqual(['idle-lab-typo']);
    const findings = (await scanAll(enforcer.clients, sandbox.tables.audit)).filter(
      (item) => item.recordType === 'invalid-policy',
    );
    expect(findings).toHaveLength(3);
    expect(String(findings[0]?.reason)).toContain('idleMinute');
  });

  it('leaves exactly one final record per decision, none pending', async () => {
    const items = await decisionItems(sandbox, enforcer.clients);
    const decisions = reports.reduce(
      (sum, report) => sum + report.records.filter((record) => record.recordType === 'decision').length,
      0,
    );
    expect(items).toHaveLength(decisions);
    expect(new Set(items.map((item) => `${item.pk}|${item.sk}`)).size).toBe(items.length);
    expect(items.filter((item) => item.outcome === 'pending')).toEqual([]);
    const terminated = items.filter((item) => item.outcome === 'terminated');
    for (const item of terminated) {
      expect(sandbox.emulator.getConnection(String(item.connectionId)).status).not.toBe('active');
      expect(item.requestId).toEqual(expect.any(String));
    }
  });

  it('writes one summary per run and one digest per run that terminated or found an invalid row', async () => {
    const summaries = (await scanAll(enforcer.clients, sandbox.tables.audit)).filter(
      (item) => item.recordType === 'summary',
    );
    expect(summaries.map((s) => s.runId).sort()).toEqual(reports.map((r) => r.runId).sort());
    expect(sandbox.sns.messages).toHaveLength(3);
    expect(sandbox.sns.messages[0]?.subject).toContain('terminated');
  });

  it('changes nothing when the same tick runs a second time', async () => {
    const before = await scanAll(enforcer.clients, sandbox.tables.audit);
    const calls = sandbox.counters.get('ec2', 'TerminateClientVpnConnections').calls;
    const again = await enforcer.tick({ scheduledTime: reports[0]!.runId.replace(/^run-/, ''), source: 'schedule' });
    expect(again.status).toBe('already-done');
    expect(sandbox.counters.get('ec2', 'TerminateClientVpnConnections').calls).toBe(calls);
    expect(await scanAll(enforcer.clients, sandbox.tables.audit)).toEqual(expect.arrayContaining(before));
    expect((await scanAll(enforcer.clients, sandbox.tables.audit)).length).toBe(before.length);
  });
});
