/**
 * `npm run bench`: cvpn-guard's enforcement against EC2's rate limits, at scale, beside the common
 * script; the Lambda bundle's size and cold start; then the login storm at the client connect handler
 * (bench/storm-run.ts). Prints tables and the benchmark targets, and writes bench/results.json and
 * bench/storm-results.json (bench/results.local.json and bench/storm-results.local.json with --quick).
 *
 * Each contender meets each scenario in a fresh sandbox process (the scenario is generated, the same
 * every time) and runs in a fresh process of its own, bundled as the Lambda is, so its peak RSS is
 * its own. The simulated clock runs `--speed` times faster than real time; the EC2 latency, EC2's
 * token buckets, the Lambda's remaining time, cvpn-guard's own limiter and retries and the
 * baseline's SDK backoff all follow it. Times are simulated seconds unless marked wall.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { EnvVar } from '../lambda/environment.js';
import { parseScheduleExpression } from '../lambda/settings/schedule-expression.js';
import { Setting, SETTING_DEFAULTS } from '../lambda/settings/index.js';
import { ENFORCER_NODE_OPTIONS } from '../lib/enforcer.js';
import { bundleBenchEntry, bundleEnforcer, measureColdInit } from './bundle.js';
import {
  Contender,
  type SandboxCommand,
  type SandboxEvent,
  type SandboxInspection,
  type RunFigures,
  type SandboxReady,
  type SimulationSettings,
  type WorkerEvent,
  type WorkerInput,
  type WorkerResult,
} from './protocol.js';
import {
  type ContenderFigures,
  callsByAction,
  checkTargets,
  contenderLabel,
  invocationCounts,
  fixed,
  minimumDescribePages,
  type ScenarioFigures,
  scenarioMarkdown,
  scenarioTable,
  targetLines,
  targetMarkdown,
  tokenBucketLowerBoundSeconds,
} from './report.js';
import { FULL_SCENARIOS, QUICK_SCENARIOS, type ScenarioSpec } from './scenarios.js';
import { runOrganizationSection } from './organization-run.js';
import { FULL_ORGANIZATION, type OrganizationSpec, QUICK_ORGANIZATION } from './organization-scenario.js';
import { type ReportSectionSpec, runReportSection } from './report-run.js';
import {
  DYNAMO_REPORT,
  FULL_REPORT,
  QUICK_DYNAMO_REPORT,
  QUICK_REPORT,
  QUICK_SHORT_REPORT,
  SHORT_REPORT,
} from './report-scenario.js';
import { runRevokeSection } from './revoke-run.js';
import { FULL_REVOKE, QUICK_REVOKE, type RevokeSpec } from './revoke-scenario.js';
import { Timeline } from './schedule-timeline.js';
import { runStormSection } from './storm-run.js';
import { FULL_STORM, QUICK_STORM, type StormSpec } from './storm-scenario.js';

const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
const PROJECT_ROOT = join(BENCH_DIR, '..');
/** The scenarios' simulated start: a Thursday morning. */
const SCENARIO_START = '2026-11-26T10:00:00Z';
/** cvpn-guard stops after this many runs even if decisions are still deferred (`--max-runs`). */
const MAX_RUNS = 40;
/** Issue 7's targets. */
export const TARGETS = {
  ratio: 1.15,
  rssMB: 256,
  rssAtConnections: 100_000,
  bundleBytes: 600_000,
  coldInitMs: 250,
} as const;

/** `--timeline both`. */
const BOTH = 'both';
/** The stack's schedule period, simulated ms: the schedule timeline's gap between two ticks. */
const SCHEDULE_PERIOD_MS = schedulePeriodMs(SETTING_DEFAULTS[Setting.SCHEDULE]);

/** The parts of the bench. */
const Section = {
  ENFORCER: 'enforcer',
  STORM: 'storm',
  REVOKE: 'revoke',
  ORGANIZATION: 'organization',
  REPORT: 'report',
} as const;
type Section = (typeof Section)[keyof typeof Section];

interface BenchOptions {
  readonly quick: boolean;
  /** The parts to run. @default every one */
  readonly sections: readonly Section[];
  /** The login storm. */
  readonly storm: StormSpec;
  readonly stormOut: string;
  /** The revocations; `--speed` overrides their speed. */
  readonly revoke: RevokeSpec;
  readonly revokeOut: string;
  /** The organization (a hub and its spokes); `--speed` overrides its speed. */
  readonly organization: OrganizationSpec;
  readonly organizationOut: string;
  /** The evidence report's periods. */
  readonly report: ReportSectionSpec;
  readonly reportOut: string;
  /** The simulation; `speed` from --speed overrides each scenario's. */
  readonly simulation: Omit<SimulationSettings, 'speed'> & { readonly speed?: number };
  readonly scenarios: readonly ScenarioSpec[];
  readonly contenders: readonly Contender[];
  readonly coldInitSamples: number;
  /** Function memory, MB: the contender runs with the V8 heap flags Lambda gives that memory. */
  readonly memoryMB: number;
  /** Directory for CPU profiles of the contender processes. @default none */
  readonly cpuProfileDir?: string;
  /** cvpn-guard stops after this many runs even if decisions are still deferred. */
  readonly maxRuns: number;
  /** How cvpn-guard is invoked on every scenario. @default each scenario's own */
  readonly timelines?: readonly Timeline[];
  readonly out: string;
}

function readOptions(): BenchOptions {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      speed: { type: 'string' },
      'latency-ms': { type: 'string', default: '40' },
      'jitter-ms': { type: 'string', default: '0' },
      'dynamodb-latency-ms': { type: 'string', default: '0' },
      scenario: { type: 'string', multiple: true },
      section: { type: 'string', multiple: true },
      'no-baseline': { type: 'boolean', default: false },
      contender: { type: 'string', multiple: true },
      idle: { type: 'boolean', default: false },
      'cold-init-samples': { type: 'string' },
      'memory-mb': { type: 'string' },
      'cpu-prof': { type: 'string' },
      'max-runs': { type: 'string' },
      timeline: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(
      [
        'npm run bench -- [--quick] [--speed X] [--latency-ms N] [--jitter-ms N] [--dynamodb-latency-ms N]',
        '                 [--scenario NAME_PREFIX]… [--no-baseline] [--idle] [--cold-init-samples N] [--out FILE]',
        '                 [--section enforcer|storm|revoke|organization|report]…',
        '',
        '--quick         scenarios ten times smaller, a storm of 600 attempts, 5 cold starts; writes *.local.json',
        '--section S     only this part (repeatable): enforcer (the scenarios), storm (the login storm),',
        '                revoke (200 revocations over 30 simulated minutes, at 1× unless --speed: half an hour),',
        '                organization (10 accounts × 3 Regions of spokes, 10% revoked by hub rows, twice: baseline and',
        '                one spoke made unreachable; --quick: 3 × 2 spokes of 200 connections),',
        '                report (the evidence report of 30 days of 100,000 connections, 3 days of the same fleet, and',
        '                1 day of 10,000 through the sandbox DynamoDB; --quick: 3 days of 2,000, 1 day, 1 day of 500)',
        '--speed         simulated ms per real ms for every scenario (default: 1×, 5×, 10× as the scenarios grow)',
        '--latency-ms    latency of every EC2 call, simulated ms (default 40)',
        '--idle          add an observe-mode idle row: every run loads and saves idle memory of every connection',
        '--contender C   only this contender (repeatable): cvpn-guard, "baseline (first page)", "baseline (all pages)"',
        "--memory-mb     the function memory whose V8 heap limits the contender runs with (default: the stack's, 512)",
        '--cpu-prof DIR  write a V8 CPU profile of each contender process into DIR',
        '--max-runs N    stop cvpn-guard after N runs even if some decisions are still deferred (default 40)',
        '--timeline T    how cvpn-guard is invoked: schedule (ticks every schedule period, continuations as they',
        '                fire), back-to-back (tick after tick), or both (default: both on the 10% scenario,',
        '                back-to-back on the others)',
      ].join('\n'),
    );
    process.exit(0);
  }
  const number = (name: string, text: string | undefined, fallback: number, min: number): number => {
    const value = text === undefined ? fallback : Number(text);
    if (!Number.isFinite(value) || value < min)
      throw new Error(`--${name}: expected a number ≥ ${min}, got ${JSON.stringify(text)}`);
    return value;
  };
  const quick = values.quick;
  const sections = chosenSections(values.section);
  const base = quick ? QUICK_SCENARIOS : FULL_SCENARIOS;
  const chosen = values.scenario?.length
    ? base.filter((spec) => values.scenario?.some((prefix) => spec.name.startsWith(prefix)))
    : base;
  if (chosen.length === 0)
    throw new Error(
      `--scenario: none of ${base.map((spec) => JSON.stringify(spec.name)).join(', ')} starts with ${JSON.stringify(values.scenario)}`,
    );
  return {
    quick,
    sections,
    storm: quick ? QUICK_STORM : FULL_STORM,
    stormOut: join(BENCH_DIR, quick ? 'storm-results.local.json' : 'storm-results.json'),
    revoke: {
      ...(quick ? QUICK_REVOKE : FULL_REVOKE),
      ...(values.speed === undefined ? {} : { speed: number('speed', values.speed, 1, 0.1) }),
    },
    revokeOut: join(BENCH_DIR, quick ? 'revoke-results.local.json' : 'revoke-results.json'),
    organization: {
      ...(quick ? QUICK_ORGANIZATION : FULL_ORGANIZATION),
      ...(values.speed === undefined ? {} : { speed: number('speed', values.speed, 1, 0.1) }),
    },
    organizationOut: join(BENCH_DIR, quick ? 'organization-results.local.json' : 'organization-results.json'),
    report: quick
      ? { full: QUICK_REPORT, short: QUICK_SHORT_REPORT, dynamodb: QUICK_DYNAMO_REPORT }
      : { full: FULL_REPORT, short: SHORT_REPORT, dynamodb: DYNAMO_REPORT },
    reportOut: join(BENCH_DIR, quick ? 'report-results.local.json' : 'report-results.json'),
    simulation: {
      speed: values.speed === undefined ? undefined : number('speed', values.speed, 10, 0.1),
      latencyMs: number('latency-ms', values['latency-ms'], 40, 0),
      jitterMs: number('jitter-ms', values['jitter-ms'], 0, 0),
      dynamodbLatencyMs: number('dynamodb-latency-ms', values['dynamodb-latency-ms'], 0, 0),
    },
    scenarios: chosen.map((spec) => ({ ...spec, idleRow: values.idle })),
    contenders: chosenContenders(values['no-baseline'], values.contender),
    coldInitSamples: number('cold-init-samples', values['cold-init-samples'], quick ? 5 : 9, 1),
    memoryMB: number('memory-mb', values['memory-mb'], SETTING_DEFAULTS[Setting.MEMORY_SIZE], 128),
    cpuProfileDir: values['cpu-prof'],
    maxRuns: number('max-runs', values['max-runs'], MAX_RUNS, 1),
    timelines: chosenTimelines(values.timeline),
    out: values.out ?? join(BENCH_DIR, quick ? 'results.local.json' : 'results.json'),
  };
}

/** `--timeline`: one timeline, or both. */
function chosenTimelines(named: string | undefined): readonly Timeline[] | undefined {
  if (named === undefined) return undefined;
  if (named === BOTH) return [Timeline.BACK_TO_BACK, Timeline.SCHEDULE];
  const all = Object.values(Timeline);
  if (all.includes(named as Timeline)) return [named as Timeline];
  throw new Error(
    `--timeline: ${JSON.stringify(named)}; expected one of ${[...all, BOTH].map((name) => JSON.stringify(name)).join(', ')}`,
  );
}

function chosenSections(named: readonly string[] | undefined): Section[] {
  const all = Object.values(Section);
  if (!named?.length) return all;
  const unknown = named.filter((name) => !all.includes(name as Section));
  if (unknown.length > 0)
    throw new Error(
      `--section: ${JSON.stringify(unknown)}; expected one of ${all.map((name) => JSON.stringify(name)).join(', ')}`,
    );
  return all.filter((section) => named.includes(section));
}

function chosenContenders(noBaseline: boolean, named: readonly string[] | undefined): Contender[] {
  const all = Object.values(Contender);
  if (named?.length) {
    const unknown = named.filter((name) => !all.includes(name as Contender));
    if (unknown.length > 0)
      throw new Error(
        `--contender: ${JSON.stringify(unknown)}; expected one of ${all.map((name) => JSON.stringify(name)).join(', ')}`,
      );
    return all.filter((contender) => named.includes(contender));
  }
  return noBaseline ? [Contender.CVPN_GUARD] : all;
}

/** A sandbox in its own process. */
class SandboxProcess {
  private constructor(
    private readonly child: ChildProcess,
    public readonly ready: SandboxReady,
  ) {}

  public static async start(spec: ScenarioSpec, simulation: SimulationSettings): Promise<SandboxProcess> {
    const child = fork(join(BENCH_DIR, 'sandbox-process.ts'), [], {
      cwd: PROJECT_ROOT,
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const command: SandboxCommand = { type: 'start', spec, start: SCENARIO_START, simulation };
    child.send(command);
    const event = await nextEvent(child);
    if (event.type !== 'ready')
      throw new Error(`the sandbox did not start: ${event.type === 'failed' ? event.message : event.type}`);
    return new SandboxProcess(child, event.ready);
  }

  public async inspect(audit: boolean): Promise<SandboxInspection> {
    const command: SandboxCommand = { type: 'inspect', audit };
    this.child.send(command);
    const event = await nextEvent(this.child);
    if (event.type !== 'inspection')
      throw new Error(`the sandbox could not be inspected: ${event.type === 'failed' ? event.message : event.type}`);
    return event.inspection;
  }

  public async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    const command: SandboxCommand = { type: 'stop' };
    this.child.send(command);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

function nextEvent(child: ChildProcess): Promise<SandboxEvent> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`the sandbox process exited (${code}) before answering`));
    child.once('exit', onExit);
    child.once('message', (event: SandboxEvent) => {
      child.off('exit', onExit);
      resolve(event);
    });
  });
}

/** The period of a `rate(...)` schedule, ms; the timeline needs a fixed gap between ticks. */
function schedulePeriodMs(expression: string): number {
  const parsed = parseScheduleExpression(expression);
  if (!parsed.ok || parsed.schedule.periodSeconds === undefined)
    throw new Error(
      `the schedule timeline needs a rate(...) schedule for its gap between ticks, got ${JSON.stringify(expression)}`,
    );
  return parsed.schedule.periodSeconds * 1000;
}

/**
 * The V8 heap flags Lambda's Node.js runtime starts `node` with for a function of `memoryMB`: a
 * tenth of the memory for the young generation (two semi-spaces), the rest for the old one.
 */
export function lambdaHeapFlags(memoryMB: number): string[] {
  const newSpace = Math.floor(memoryMB / 10);
  return [`--max-semi-space-size=${Math.floor(newSpace / 2)}`, `--max-old-space-size=${memoryMB - newSpace}`];
}

/** Runs one contender in a fresh process of the bundled worker, started as Lambda starts the function. */
function runWorker(
  workerBundle: string,
  input: WorkerInput,
  memoryMB: number,
  cpuProfileDir: string | undefined,
): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const child = fork(workerBundle, [], {
      cwd: join(workerBundle, '..'),
      execArgv: [
        ...lambdaHeapFlags(memoryMB),
        ...(cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : []),
      ],
      env: { ...process.env, NODE_OPTIONS: ENFORCER_NODE_OPTIONS },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: WorkerResult | undefined;
    child.on('message', (event: WorkerEvent) => {
      if (event.type === 'run') console.log(`    run ${event.index}: ${runLine(event.run)}`);
      else result = event.result;
    });
    child.once('exit', (code) =>
      result ? resolve(result) : reject(new Error(`${input.contender} exited (${code}) without a result`)),
    );
    child.send(input);
  });
}

/** The enforcer's environment: the stack's defaults, the global cap raised so big scenarios are not capped. */
function enforcerEnvironment(targeted: number): Record<string, string> {
  return {
    [EnvVar.MAX_TERMINATIONS_PER_RUN]: String(Math.max(SETTING_DEFAULTS[Setting.MAX_TERMINATIONS_PER_RUN], targeted)),
    [EnvVar.TERMINATE_RATE]: String(SETTING_DEFAULTS[Setting.TERMINATE_RATE]),
    [EnvVar.TERMINATE_BURST]: String(SETTING_DEFAULTS[Setting.TERMINATE_BURST]),
    [EnvVar.TERMINATE_CONCURRENCY]: String(SETTING_DEFAULTS[Setting.TERMINATE_CONCURRENCY]),
    [EnvVar.TIME_MARGIN_SECONDS]: String(SETTING_DEFAULTS[Setting.TIME_MARGIN_SECONDS]),
    [EnvVar.LEASE_SECONDS]: String(SETTING_DEFAULTS[Setting.LEASE_SECONDS]),
  };
}

function figuresOf(
  spec: ScenarioSpec,
  ready: SandboxReady,
  result: WorkerResult,
  inspection: SandboxInspection,
): ContenderFigures {
  const { calls, throttled } = callsByAction(inspection.counters);
  const terminate = inspection.counters.ec2?.TerminateClientVpnConnections;
  const describe = inspection.counters.ec2?.DescribeClientVpnConnections;
  const accepted = terminate?.succeeded ?? 0;
  const lowerBoundSeconds = tokenBucketLowerBoundSeconds(
    accepted,
    SETTING_DEFAULTS[Setting.TERMINATE_RATE],
    SETTING_DEFAULTS[Setting.TERMINATE_BURST],
  );
  const isGuard = result.contender === Contender.CVPN_GUARD;
  const onSchedule = isGuard && result.timeline === Timeline.SCHEDULE;
  // On the schedule, the last run's tail and the wait for a tick that finds nothing left are not the job's.
  const simulatedSeconds = (onSchedule ? (result.lastTerminateMs ?? result.simulatedMs) : result.simulatedMs) / 1000;
  const minimumPages = isGuard
    ? result.runs.reduce((sum, run) => sum + minimumDescribePages(run.listedPerEndpoint), 0)
    : minimumDescribePages(Array.from({ length: spec.endpoints }, () => spec.connectionsPerEndpoint));
  const wronglyEnded = Object.values(inspection.wronglyEnded).reduce((sum, count) => sum + count, 0);
  return {
    contender: result.contender,
    ...(isGuard ? { timeline: result.timeline, invocations: invocationCounts(result.runs) } : {}),
    simulatedSeconds,
    wallSeconds: result.wallMs / 1000,
    runs: isGuard ? result.runs.length : 1,
    calls,
    throttled,
    targeted: ready.targeted,
    ended: inspection.targetedEnded,
    wronglyEnded,
    wronglyEndedByRole: inspection.wronglyEnded,
    endedPerSecond: simulatedSeconds > 0 ? inspection.targetedEnded / simulatedSeconds : Number.NaN,
    acceptedTerminateCalls: accepted,
    lowerBoundSeconds,
    ratioToLowerBound: lowerBoundSeconds >= 1 ? simulatedSeconds / lowerBoundSeconds : undefined,
    describePages: describe?.succeeded ?? 0,
    minimumDescribePages: minimumPages,
    auditWrites: (calls.PutItem ?? 0) + (calls.UpdateItem ?? 0),
    peakRssMB: result.memory.peakRssBytes / 2 ** 20,
    readyRssMB: result.memory.readyRssBytes / 2 ** 20,
    peakHeapUsedMB: result.memory.peakHeapUsedBytes / 2 ** 20,
    cpuSeconds: result.cpuMs / 1000,
    sandboxCpuSeconds: inspection.cpuMs / 1000,
    apiLatency: result.apiLatency,
    perRun: isGuard ? result.runs : undefined,
    audit: inspection.audit,
    failedTerminateCalls: isGuard ? (inspection.audit?.byOutcome.failed ?? 0) : (result.baseline?.failed ?? 0),
    errors: result.baseline?.errors,
  };
}

async function runScenario(spec: ScenarioSpec, options: BenchOptions, workerBundle: string): Promise<ScenarioFigures> {
  const simulation: SimulationSettings = { ...options.simulation, speed: options.simulation.speed ?? spec.speed };
  const contenders: ContenderFigures[] = [];
  let connections = 0;
  let targeted = 0;
  const timelines = options.timelines ?? spec.timelines ?? [Timeline.BACK_TO_BACK];
  const entrants = options.contenders.flatMap((contender): { contender: Contender; timeline: Timeline }[] =>
    contender === Contender.CVPN_GUARD
      ? timelines.map((timeline) => ({ contender, timeline }))
      : [{ contender, timeline: Timeline.BACK_TO_BACK }],
  );
  for (const { contender, timeline } of entrants) {
    const sandbox = await SandboxProcess.start(spec, simulation);
    try {
      const { ready } = sandbox;
      connections = ready.connections;
      targeted = ready.targeted;
      const result = await runWorker(
        workerBundle,
        {
          contender,
          sandbox: ready,
          enforcerEnvironment: enforcerEnvironment(ready.targeted),
          timeoutMs: SETTING_DEFAULTS[Setting.TIMEOUT_SECONDS] * 1000,
          maxRuns: options.maxRuns,
          timeline,
          schedulePeriodMs: SCHEDULE_PERIOD_MS,
        },
        options.memoryMB,
        options.cpuProfileDir,
      );
      const figures = figuresOf(spec, ready, result, await sandbox.inspect(contender === Contender.CVPN_GUARD));
      contenders.push(figures);
      const runs = figures.invocations
        ? `${figures.runs} run${figures.runs === 1 ? '' : 's'}: ${figures.invocations.ticks} ticks, ${figures.invocations.continuations} continuations, ${figures.invocations.skipped} skipped`
        : `${figures.runs} run${figures.runs === 1 ? '' : 's'}`;
      console.log(
        `  ${contenderLabel(figures)}: ${fixed(figures.simulatedSeconds, 1)} s simulated (${fixed(figures.wallSeconds, 1)} s wall, ${runs}), ` +
          `ended ${figures.ended}/${figures.targeted}, wrongly ${figures.wronglyEnded}, peak RSS ${fixed(figures.peakRssMB, 0)} MB; ` +
          `CPU ${fixed(figures.cpuSeconds, 1)} s (sandbox ${fixed(figures.sandboxCpuSeconds, 1)} s); per call ` +
          Object.entries(figures.apiLatency)
            .map(([client, latency]) => `${client} ${fixed(latency.meanSimulatedMs, 0)} ms`)
            .join(', '),
      );
    } finally {
      await sandbox.stop();
    }
  }
  return { name: spec.name, speed: simulation.speed, endpoints: spec.endpoints, connections, targeted, contenders };
}

/** One run of cvpn-guard in a line: its phases on the simulated clock and its outcomes. */
function runLine(run: RunFigures): string {
  const seconds = (ms: number | undefined) => (ms === undefined ? '-' : fixed(ms / 1000, 1));
  const counts = Object.entries(run.counts)
    .map(([outcome, count]) => `${outcome} ${count}`)
    .join(', ');
  // Lambda would have stopped such a run at its timeout; the bench lets it finish, and says so.
  const overran = run.simulatedMs > SETTING_DEFAULTS[Setting.TIMEOUT_SECONDS] * 1000 ? ' (over the timeout)' : '';
  return (
    `${run.kind} at ${seconds(run.startedMs)} s on instance ${run.instance}, ${run.status}${overran}, ` +
    `${seconds(run.simulatedMs)} s (${fixed(run.wallMs / 1000, 1)} s wall): listed ${run.connectionsSeen} by ${seconds(run.phases.listed)} s, ` +
    `terminate calls ${seconds(run.phases.firstTerminate)}–${seconds(run.phases.lastTerminate)} s (${run.terminateCalls}); ${counts}`
  );
}

/** The machine the figures came from. */
function machine() {
  return {
    nproc: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    /** The machine's load when the bench started: other work on it moves every wall-clock figure. */
    loadAverage: loadavg().map((load) => Number(load.toFixed(2))),
  };
}

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const options = readOptions();
  const started = performance.now();
  const host = machine();
  console.log(
    `cvpn-guard bench${options.quick ? ' (--quick)' : ''} on ${host.nproc} × ${host.cpuModel}, ${host.memoryGiB} GiB, Node.js ${host.node}, ` +
      `load average ${host.loadAverage.join(' ')}`,
  );
  const workdir = mkdtempSync(join(tmpdir(), 'cvpn-guard-bench-'));
  try {
    if (options.sections.includes(Section.ENFORCER)) await runEnforcerSection(options, host, workdir, started);
    if (options.sections.includes(Section.STORM))
      await runStormSection({
        spec: options.storm,
        workdir,
        coldInitSamples: options.coldInitSamples,
        out: options.stormOut,
        machine: host,
      });
    if (options.sections.includes(Section.REVOKE))
      await runRevokeSection({
        spec: options.revoke,
        ec2LatencyMs: options.simulation.latencyMs,
        out: options.revokeOut,
        machine: host,
      });
    if (options.sections.includes(Section.ORGANIZATION))
      await runOrganizationSection({
        spec: options.organization,
        ec2LatencyMs: options.simulation.latencyMs,
        out: options.organizationOut,
        machine: host,
      });
    if (options.sections.includes(Section.REPORT))
      await runReportSection({ spec: options.report, out: options.reportOut, machine: host });
    console.log(`\nbench took ${fixed((performance.now() - started) / 1000, 0)} s wall`);
  } finally {
    rmSync(workdir, { recursive: true, force: true });
  }
}

/** The enforcer's scenarios, bundle and cold start; writes `options.out`. */
async function runEnforcerSection(
  options: BenchOptions,
  host: ReturnType<typeof machine>,
  workdir: string,
  started: number,
): Promise<void> {
  const { simulation } = options;
  console.log(
    `scale: simulated time runs ${simulation.speed === undefined ? "each scenario's speed" : `${simulation.speed}×`} faster than real time (printed per scenario); ` +
      `EC2 latency ${simulation.latencyMs} ms (+ up to ${simulation.jitterMs} ms jitter) simulated per call; EC2 throttling as AWS (mutating burst 50, 5/s; describe burst 100, 20/s); ` +
      `the Lambda's remaining time, cvpn-guard's limiter and backoff and the baseline's SDK backoff follow the simulated clock; figures in simulated seconds unless marked wall. ` +
      `CPU time and the sandbox's own overheads do not scale: at N×, each real ms of them counts N simulated ms.`,
  );
  console.log(
    `enforcer: the stack's defaults (timeout ${SETTING_DEFAULTS[Setting.TIMEOUT_SECONDS]} s, margin ${SETTING_DEFAULTS[Setting.TIME_MARGIN_SECONDS]} s, ` +
      `${SETTING_DEFAULTS[Setting.TERMINATE_RATE]}/s burst ${SETTING_DEFAULTS[Setting.TERMINATE_BURST]}, concurrency ${SETTING_DEFAULTS[Setting.TERMINATE_CONCURRENCY]}), ` +
      `except ${EnvVar.MAX_TERMINATIONS_PER_RUN}, raised from ${SETTING_DEFAULTS[Setting.MAX_TERMINATIONS_PER_RUN]} to the scenario's targeted count so the big scenarios are not capped; ` +
      `each contender runs bundled, with NODE_OPTIONS=${ENFORCER_NODE_OPTIONS} and Lambda's heap flags for ${options.memoryMB} MB (${lambdaHeapFlags(options.memoryMB).join(' ')}).`,
  );
  const bundle = await bundleEnforcer(workdir);
  const probe = await bundleBenchEntry('cold-init-entry', workdir);
  const coldInit = await measureColdInit(probe, options.coldInitSamples);
  console.log(
    `bundle: ${fixed(bundle.bytes / 1000, 0)} KB minified (+ ${fixed(bundle.sourceMapBytes / 1000, 0)} KB source map); ` +
      `cold init (import + build the runtime, ${ENFORCER_NODE_OPTIONS}) median ${fixed(coldInit.medianInitMs, 0)} ms of ${coldInit.samples.length}, ` +
      `${fixed(coldInit.medianSinceProcessStartMs, 0)} ms from the process's start`,
  );
  const workerBundle = await bundleBenchEntry('worker', workdir);
  const scenarios: ScenarioFigures[] = [];
  for (const spec of options.scenarios) {
    console.log(
      `${spec.name}: ${spec.endpoints} × ${spec.connectionsPerEndpoint} connections, ${spec.targetedPerEndpoint * spec.endpoints} targeted, at ${options.simulation.speed ?? spec.speed}×`,
    );
    scenarios.push(await runScenario(spec, options, workerBundle));
  }
  const checks = checkTargets(scenarios, { bytes: bundle.bytes, medianInitMs: coldInit.medianInitMs }, TARGETS);
  console.log('');
  process.stdout.write(scenarioTable(scenarios));
  console.log('');
  process.stdout.write(targetLines(checks));
  const wallSeconds = (performance.now() - started) / 1000;
  console.log(`results in ${options.out}`);
  const results = {
    generatedAt: new Date().toISOString(),
    mode: options.quick ? 'quick' : 'full',
    machine: host,
    simulation,
    enforcer: {
      timeoutSeconds: SETTING_DEFAULTS[Setting.TIMEOUT_SECONDS],
      timeMarginSeconds: SETTING_DEFAULTS[Setting.TIME_MARGIN_SECONDS],
      terminateRate: SETTING_DEFAULTS[Setting.TERMINATE_RATE],
      terminateBurst: SETTING_DEFAULTS[Setting.TERMINATE_BURST],
      terminateConcurrency: SETTING_DEFAULTS[Setting.TERMINATE_CONCURRENCY],
      memoryMB: options.memoryMB,
      nodeFlags: [...lambdaHeapFlags(options.memoryMB), ENFORCER_NODE_OPTIONS],
      maxTerminationsPerRun: "raised to each scenario's targeted count (default 100)",
    },
    bundle: { bytes: bundle.bytes, sourceMapBytes: bundle.sourceMapBytes, coldInit },
    scenarios,
    targets: checks,
    markdown: { scenarios: scenarioMarkdown(scenarios), targets: targetMarkdown(checks) },
    wallSeconds,
  };
  writeFileSync(options.out, `${JSON.stringify(results, null, 2)}\n`);
}

await main();
