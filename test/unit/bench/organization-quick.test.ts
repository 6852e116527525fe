import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runOrganizationSection } from '../../../bench/organization-run.js';
import { QUICK_ORGANIZATION } from '../../../bench/organization-scenario.js';

jest.setTimeout(120_000);

describe('the organization section, --quick', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cvpn-guard-organization-bench-'));

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('ends every targeted connection in every spoke and no other, agrees with the hub audit, and leaves the other spokes whole under a fault', async () => {
    // Arrange
    const out = join(dir, 'organization-results.json');
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);

    // Act
    const { baseline, comparison } = await runOrganizationSection({
      spec: QUICK_ORGANIZATION,
      ec2LatencyMs: 40,
      out,
      machine: { test: true },
    }).finally(() => {
      log.mockRestore();
      write.mockRestore();
    });

    // Assert: the outcome, not the timing.
    expect(baseline.spokes).toHaveLength(6);
    expect(baseline.totals).toMatchObject({ connections: 1200, targeted: 120, ended: 120, wronglyEnded: 0 });
    expect(baseline.spokes.every((spoke) => spoke.auditAgrees && spoke.outcome === 'completed')).toBe(true);
    expect(baseline.dynamodbThrottles).toBe(0);
    expect(comparison.others).toHaveLength(5);
    for (const other of comparison.others) {
      expect(other.fault.ended).toBe(other.baseline.ended);
      expect(other.fault.calls).toBe(other.baseline.calls);
    }
    expect(comparison.faulted.ended).toBeLessThan(comparison.faulted.targeted);
    const written = JSON.parse(readFileSync(out, 'utf8')) as { targets: { target: string }[] };
    expect(written.targets.map((check) => check.target)).toContain(
      'every targeted connection ended (EC2, every spoke)',
    );
  });
});
