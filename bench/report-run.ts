/**
 * The bench's report section: the evidence report of 30 days of a 100,000-connection fleet made by the product's
 * report path in a process of its own (bench/report-process.ts), its records generated as they are read; the same
 * fleet over a short period, to show memory does not grow with the period; and one day of a smaller fleet written to
 * the sandbox's DynamoDB and read back through the product's `DynamoAuditQuery`. Prints the figures and the
 * targets; writes them to a JSON file.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox } from '../local/index.js';
import { writePeriod } from './report-dynamo.js';
import {
  checkReportTargets,
  passLine,
  periodVolumes,
  REPORT_RSS_TARGET_MB,
  type ReportPass,
  volumeLines,
} from './report-figures.js';
import { type ReportCommand, type ReportEvent, type ReportMeasurement, ReportSource } from './report-protocol.js';
import type { ReportSpec } from './report-scenario.js';
import { fixed, targetLines, targetMarkdown } from './report.js';

const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));

/** What the report section runs. */
export interface ReportSectionSpec {
  /** The period the target is about, generated as it is read. */
  readonly full: ReportSpec;
  /** The same fleet over a shorter period. @default none */
  readonly short?: ReportSpec;
  /** Written to the sandbox's DynamoDB and read back. @default none */
  readonly dynamodb?: ReportSpec;
}

/** Runs one pass of the report process and collects its stderr's progress lines. */
function measure(
  command: ReportCommand,
  echo: boolean,
): Promise<{ measurement: ReportMeasurement; progressLines: number; lastProgressLine?: string }> {
  return new Promise((resolve, reject) => {
    const child = fork(join(BENCH_DIR, 'report-process.ts'), [], {
      cwd: join(BENCH_DIR, '..'),
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    });
    let progressLines = 0;
    let lastProgressLine: string | undefined;
    let rest = '';
    const errors: string[] = [];
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      const lines = (rest + chunk).split(/[\r\n]/);
      rest = lines.pop() ?? '';
      for (const line of lines.filter((each) => each.trim() !== '')) {
        if (/^read(ing)? /.test(line)) {
          progressLines += 1;
          lastProgressLine = line.trim();
          if (echo) process.stderr.write(`  | ${line.trim()}\n`);
        } else errors.push(line);
      }
    });
    let event: ReportEvent | undefined;
    child.once('message', (message: ReportEvent) => {
      event = message;
    });
    child.once('exit', (code) => {
      if (event?.type === 'measured')
        resolve({ measurement: event.measurement, progressLines, ...(lastProgressLine ? { lastProgressLine } : {}) });
      else
        reject(
          new Error(
            `the report process failed (${code}): ${event?.type === 'failed' ? event.message : 'no answer'}` +
              (errors.length > 0 ? `\n${errors.slice(-20).join('\n')}` : ''),
          ),
        );
    });
    child.send(command);
  });
}

async function syntheticPass(spec: ReportSpec, outDir: string, echo: boolean): Promise<ReportPass> {
  const volumes = periodVolumes(spec);
  console.log(`${spec.name}, generated as read:\n${volumeLines(spec, volumes)}`);
  const measured = await measure({ spec, source: ReportSource.SYNTHETIC, outDir }, echo);
  const pass: ReportPass = { name: spec.name, source: ReportSource.SYNTHETIC, volumes, ...measured };
  console.log(passLine(pass));
  return pass;
}

async function dynamodbPass(spec: ReportSpec, outDir: string, echo: boolean): Promise<ReportPass> {
  const volumes = periodVolumes(spec);
  console.log(`${spec.name}:\n${volumeLines(spec, volumes)}`);
  const sandbox = await startSandbox({ clock: { start: spec.until } });
  try {
    const written = await writePeriod(sandbox, spec);
    console.log(
      `  written with BatchWriteItem: ${written.records + written.summaries} items in ${written.requests} requests, ` +
        `${fixed(written.wallMs / 1000, 1)} s wall`,
    );
    const config = sandbox.clientConfig();
    const measured = await measure(
      {
        spec,
        source: ReportSource.DYNAMODB,
        outDir,
        dynamodb: { endpoint: config.endpoint, region: config.region, auditTable: sandbox.tables.audit },
      },
      echo,
    );
    const pass: ReportPass = { name: spec.name, source: ReportSource.DYNAMODB, volumes, written, ...measured };
    console.log(passLine(pass));
    return pass;
  } finally {
    await sandbox.stop();
  }
}

/** The report section of `npm run bench`; returns the passes and the targets it wrote. */
export async function runReportSection(options: {
  readonly spec: ReportSectionSpec;
  readonly out: string;
  /** The machine the figures come from, as the results name it. */
  readonly machine: object;
  /** Echo the report process's progress lines. @default true */
  readonly echoProgress?: boolean;
}) {
  const { spec } = options;
  const echo = options.echoProgress ?? true;
  console.log(
    `\nreport: the evidence report (HTML, CSV, JSON) of a period, made by the product's readPeriod, ReportAccumulator ` +
      `and renderers in a process of its own (tsx, as cvpn-guard runs); its peak RSS (VmHWM) against ${REPORT_RSS_TARGET_MB} MB`,
  );
  const outDir = mkdtempSync(join(tmpdir(), 'cvpn-guard-report-bench-'));
  try {
    const full = await syntheticPass(spec.full, outDir, echo);
    const short = spec.short ? await syntheticPass(spec.short, outDir, echo) : undefined;
    const dynamodb = spec.dynamodb ? await dynamodbPass(spec.dynamodb, outDir, echo) : undefined;
    const checks = checkReportTargets({ full, short, dynamodb });
    console.log('');
    process.stdout.write(targetLines(checks));
    const passes = [full, ...(short ? [short] : []), ...(dynamodb ? [dynamodb] : [])];
    writeFileSync(
      options.out,
      `${JSON.stringify(
        {
          generatedAt: new Date().toISOString(),
          machine: options.machine,
          spec,
          passes,
          targets: checks,
          markdown: { targets: targetMarkdown(checks) },
        },
        null,
        2,
      )}\n`,
    );
    console.log(`report results in ${options.out}`);
    return { passes, checks };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}
