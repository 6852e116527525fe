/**
 * The report benchmark's process: the product's report path alone, so that its peak resident set is the report's
 * own. Reads the period with the command's `readPeriod` (progress on stderr, as the command shows it) from the
 * synthetic table or the sandbox's DynamoDB, renders HTML, CSV and JSON with the command's renderers, writes each
 * file, and answers with the figures. Started by bench/report-run.ts over IPC, with tsx as `cvpn-guard` runs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ReportProgress } from '../cli/report/progress.js';
import { readPeriod } from '../cli/report/read-period.js';
import { renderCsv } from '../cli/report/render-csv.js';
import { renderHtml } from '../cli/report/render-html.js';
import { renderJson } from '../cli/report/render-json.js';
import { parsePolicyRow } from '../lambda/domain/index.js';
import type { EvidenceReport } from '../lambda/domain/report/types.js';
import { DynamoAuditQuery } from '../lambda/adapters/DynamoAuditQuery.js';
import type { AuditQuery } from '../lambda/ports/AuditQuery.js';
import { SANDBOX_CREDENTIALS } from '../local/constants.js';
import { leaverWrites } from './report-day.js';
import type { RenderedFile, ReportCommand, ReportEvent, ReportHeadline, ReportMeasurement } from './report-protocol.js';
import { ReportSource } from './report-protocol.js';
import { SyntheticAuditQuery } from './report-query.js';
import { periodSinceMs, policyItems } from './report-scenario.js';

const SAMPLE_EVERY_MS = 100;

/** The kernel's high-water mark of this process's resident set (VmHWM), bytes; 0 where /proc is not there. */
export function residentHighWaterBytes(): number {
  try {
    const line = readFileSync('/proc/self/status', 'utf8')
      .split('\n')
      .find((each) => each.startsWith('VmHWM:'));
    return line ? Number(line.replace(/\D+/g, '')) * 1024 : 0;
  } catch {
    return 0;
  }
}

function headlineOf(report: EvidenceReport): ReportHeadline {
  const sum = (pick: (policy: EvidenceReport['policies'][number]) => number) =>
    report.policies.reduce((total, policy) => total + pick(policy), 0);
  return {
    policies: report.policies.length,
    ended: sum((policy) => policy.ended),
    refused: sum((policy) => policy.refused),
    wouldEnd: sum((policy) => policy.wouldEnd),
    failed: sum((policy) => policy.exceptions.failed),
    deferred: sum((policy) => policy.exceptions.deferred),
    invalidSpans: sum((policy) => policy.exceptions.invalid.length),
    runs: report.health.runs.total,
    gaps: report.health.gaps.length,
    partialRuns: report.health.partialRuns,
    canaryFailures: report.health.canaryFailures,
    connectionHours: report.cost.totalConnectionHours,
    estimatedUsd: report.cost.estimatedUsd,
  };
}

function queryFor(command: ReportCommand): { query: AuditQuery; synthetic?: SyntheticAuditQuery } {
  if (command.source === ReportSource.SYNTHETIC) {
    const synthetic = new SyntheticAuditQuery(command.spec);
    return { query: synthetic, synthetic };
  }
  const target = command.dynamodb;
  if (!target) throw new Error('the DynamoDB pass needs the sandbox endpoint and audit table');
  const client = new DynamoDBClient({
    endpoint: target.endpoint,
    region: target.region,
    credentials: SANDBOX_CREDENTIALS,
  });
  return { query: new DynamoAuditQuery(DynamoDBDocumentClient.from(client), target.auditTable) };
}

async function measure(command: ReportCommand): Promise<ReportMeasurement> {
  const started = performance.now();
  const startCpu = process.cpuUsage();
  const startRssBytes = process.memoryUsage.rss();
  let sampledPeakRssBytes = startRssBytes;
  let sampledPeakHeapUsedBytes = 0;
  const sampler = setInterval(() => {
    const usage = process.memoryUsage();
    sampledPeakRssBytes = Math.max(sampledPeakRssBytes, usage.rss);
    sampledPeakHeapUsedBytes = Math.max(sampledPeakHeapUsedBytes, usage.heapUsed);
  }, SAMPLE_EVERY_MS);
  try {
    const { query, synthetic } = queryFor(command);
    const { spec } = command;
    const since = new Date(periodSinceMs(spec));
    const until = new Date(spec.until);
    const rows = policyItems(spec, leaverWrites(spec)).map((item) => parsePolicyRow(item));
    const progress = new ReportProgress(process.stderr);
    const report = await readPeriod(
      query,
      rows,
      { since, until, generatedAt: until, prices: new Map([['eu-west-1', 0.06]]) },
      progress,
    );
    const readWallMs = performance.now() - started;
    const files: RenderedFile[] = [];
    const renderings: [RenderedFile['format'], () => Promise<string> | string][] = [
      ['html', () => renderHtml(report)],
      ['csv', () => renderCsv(report)],
      ['json', () => renderJson(report)],
    ];
    for (const [format, render] of renderings) {
      const from = performance.now();
      const text = await render();
      writeFileSync(join(command.outDir, `report.${format}`), text);
      files.push({ format, bytes: Buffer.byteLength(text), wallMs: performance.now() - from });
    }
    const cpu = process.cpuUsage(startCpu);
    return {
      read: report.read,
      ...(synthetic ? { served: { ...synthetic.served } } : {}),
      readWallMs,
      files,
      wallMs: performance.now() - started,
      cpuMs: (cpu.user + cpu.system) / 1000,
      peakRssBytes: residentHighWaterBytes(),
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      sampledPeakRssBytes: Math.max(sampledPeakRssBytes, process.memoryUsage.rss()),
      sampledPeakHeapUsedBytes,
      startRssBytes,
      headline: headlineOf(report),
    };
  } finally {
    clearInterval(sampler);
  }
}

process.once('message', (command: ReportCommand) => {
  measure(command).then(
    (measurement) => {
      const event: ReportEvent = { type: 'measured', measurement };
      process.send!(event, () => process.exit(0));
    },
    (error: unknown) => {
      const event: ReportEvent = {
        type: 'failed',
        message: error instanceof Error ? (error.stack ?? error.message) : String(error),
      };
      process.send!(event, () => process.exit(1));
    },
  );
});
