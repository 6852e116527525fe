import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runReportSection } from '../../../bench/report-run.js';
import { QUICK_DYNAMO_REPORT, QUICK_REPORT, QUICK_SHORT_REPORT } from '../../../bench/report-scenario.js';

jest.setTimeout(600_000);

describe('the report section, --quick', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cvpn-guard-report-bench-'));

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads every generated record through the product, renders every format, and reports its memory', async () => {
    // Arrange
    const out = join(dir, 'report-results.json');
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);

    // Act
    const { passes, checks } = await runReportSection({
      spec: { full: QUICK_REPORT, short: QUICK_SHORT_REPORT, dynamodb: QUICK_DYNAMO_REPORT },
      out,
      machine: { test: true },
      echoProgress: false,
    }).finally(() => {
      log.mockRestore();
      write.mockRestore();
    });

    // Assert: the figures' shape, not their timing.
    expect(passes.map((pass) => pass.source)).toEqual(['synthetic', 'synthetic', 'dynamodb']);
    for (const pass of passes) {
      expect(pass.measurement.read.records).toBe(pass.volumes.records);
      expect(pass.measurement.read.summaries).toBe(pass.volumes.summaries);
      expect(pass.measurement.read.pages).toBeGreaterThanOrEqual(Math.ceil(pass.volumes.records / 1000));
      expect(pass.measurement.files.map((file) => file.format)).toEqual(['html', 'csv', 'json']);
      expect(pass.measurement.files.every((file) => file.bytes > 0)).toBe(true);
      expect(pass.measurement.peakRssBytes).toBeGreaterThan(pass.measurement.startRssBytes / 2);
      expect(pass.progressLines).toBeGreaterThanOrEqual(1);
    }
    expect(passes[0]!.measurement.served?.records).toBe(passes[0]!.volumes.records);
    expect(passes[2]!.written?.records).toBe(passes[2]!.volumes.records);
    const written = JSON.parse(readFileSync(out, 'utf8')) as { targets: { target: string; met: boolean }[] };
    expect(written.targets.map((check) => check.target)).toEqual(checks.map((check) => check.target));
    expect(checks.find((check) => check.target.startsWith('every record and run summary'))?.met).toBe(true);
  });
});
