/**
 * The fault matrix's runner: one case runs the scenario under its faults for a few ticks (the
 * revoked users reconnecting between them), then healthy ticks until one completes, checking the
 * invariants after every tick. Faults are drawn from the case's seed, so a failure reproduces.
 */
import type { FaultRule, LatencyRule, Sandbox } from '../../../local/index.js';
import type { RunResult } from '../../../lambda/run/run-result.js';
import { SandboxLambda } from './harness.js';
import { checkInvariants } from './invariants.js';
import { expectationOf, reconnect, SELECTED_ENV } from './scenario.js';

/** One case of the matrix. */
export interface MatrixCase {
  readonly name: string;
  /** Seed of the fault shares. */
  readonly seed: number;
  readonly faults: readonly FaultRule[];
  readonly latency?: readonly LatencyRule[];
}

/** What one case did, for the summary. */
export interface MatrixRow {
  readonly name: string;
  readonly seed: number;
  invocations: number;
  thrown: number;
  faultsInjected: number;
  terminated: number;
  deferred: number;
  /** Intents left pending by a faulty run, seen after it. */
  pendingSeen: number;
  /** Pending intents later runs reconciled. */
  reconciled: number;
  recordsChecked: number;
  readonly violations: string[];
  /** Status of the last healthy run. */
  settledStatus?: string;
  /** Targets the scenario had by the end. */
  targets: number;
}

/** Ticks with the faults on. */
export const FAULTY_TICKS = 3;
/** At most this many healthy ticks follow, until one completes (a dead run's lease may still be held). */
export const HEALTHY_TICKS = 4;

/** Runs one case on a sandbox started with `scenario()`; the sandbox is reset first. */
export async function runMatrixCase(sandbox: Sandbox, entry: MatrixCase): Promise<MatrixRow> {
  await sandbox.reset();
  sandbox.faults.reseed(entry.seed);
  const expectation = expectationOf(sandbox);
  const row: MatrixRow = {
    name: entry.name,
    seed: entry.seed,
    invocations: 0,
    thrown: 0,
    faultsInjected: 0,
    terminated: 0,
    deferred: 0,
    pendingSeen: 0,
    reconciled: 0,
    recordsChecked: 0,
    violations: [],
    targets: 0,
  };
  const lambda = new SandboxLambda(sandbox, { env: SELECTED_ENV });
  const tick = async (): Promise<RunResult | undefined> => {
    const { attempts, report } = await lambda.tickWithRetries();
    row.invocations += attempts.length;
    row.thrown += attempts.filter((attempt) => !attempt.ok).length;
    row.deferred += report?.counts.deferred ?? 0;
    row.reconciled += attempts.reduce((sum, attempt) => sum + (attempt.ok ? attempt.report.reconciled : 0), 0);
    return report;
  };
  const check = async (settled: boolean, when: string): Promise<void> => {
    const result = await checkInvariants(sandbox, lambda.clients, expectation, { settled });
    row.violations.push(...result.violations.map((violation) => `${when}: ${violation}`));
    row.recordsChecked += result.recordsChecked;
    if (!settled) row.pendingSeen += result.pending;
    row.terminated = result.ended;
  };

  sandbox.faults.set(entry.faults);
  sandbox.latency.set(entry.latency ?? []);
  for (let index = 1; index <= FAULTY_TICKS; index += 1) {
    await tick();
    await check(false, `faulty run ${index}`);
    reconnect(sandbox, expectation);
    sandbox.clock.advance('5m');
  }
  row.faultsInjected = injected(sandbox);
  sandbox.faults.clear();
  sandbox.latency.clear();
  for (let index = 1; index <= HEALTHY_TICKS && row.settledStatus !== 'completed'; index += 1) {
    row.settledStatus = (await tick())?.status;
    sandbox.clock.advance('5m');
  }
  await check(true, 'after the healthy run');
  row.targets = expectation.targets.size;
  return row;
}

/** Requests the sandbox failed on purpose, every service and action together. */
function injected(sandbox: Sandbox): number {
  return Object.values(sandbox.counters.snapshot())
    .flatMap((actions) => Object.values(actions))
    .reduce((sum, counter) => sum + counter.injected, 0);
}

/** The summary table of a matrix, as printed after it. */
export function matrixSummary(title: string, rows: readonly MatrixRow[]): string {
  const header = [
    'case',
    'seed',
    'invocations',
    'thrown',
    'faults injected',
    'terminated',
    'deferred',
    'pending seen',
    'reconciled',
    'records checked',
    'violations',
  ];
  const cells = (row: MatrixRow) => [
    row.name,
    String(row.seed),
    String(row.invocations),
    String(row.thrown),
    String(row.faultsInjected),
    `${row.terminated}/${row.targets}`,
    String(row.deferred),
    String(row.pendingSeen),
    String(row.reconciled),
    String(row.recordsChecked),
    String(row.violations.length),
  ];
  const sum = (pick: (row: MatrixRow) => number) => String(rows.reduce((total, row) => total + pick(row), 0));
  const lines = rows.map(cells);
  lines.push([
    `total (${rows.length} cases)`,
    '',
    sum((row) => row.invocations),
    sum((row) => row.thrown),
    sum((row) => row.faultsInjected),
    `${sum((row) => row.terminated)}/${sum((row) => row.targets)}`,
    sum((row) => row.deferred),
    sum((row) => row.pendingSeen),
    sum((row) => row.reconciled),
    sum((row) => row.recordsChecked),
    sum((row) => row.violations.length),
  ]);
  const widths = header.map((name, column) =>
    Math.max(name.length, ...lines.map((line) => (line[column] ?? '').length)),
  );
  const format = (line: readonly string[]) =>
    line
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)))
      .join('  ');
  return [title, format(header), ...lines.map(format)].join('\n');
}
