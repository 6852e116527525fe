/**
 * One contender against one sandbox, in a fresh process: bench/run.ts bundles this file with esbuild
 * (the Lambda's own options) and forks it, so the figures are those of the bundled code in a process
 * that holds nothing else. cvpn-guard runs as the Lambda runtime would run it: the real middy
 * handler, created once per execution environment, each invocation with the function's timeout on the
 * simulated clock. Back to back, one tick follows another until nothing is left deferred. On the schedule
 * timeline (bench/schedule-timeline.ts) ticks come every schedule period and each continuation a run
 * queues is invoked as the run returns; a tick due while a run is under way runs on a second handler
 * instance. The baseline runs its script once.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { createAwsClients } from '../lambda/clients.js';
import { loadEnforcerConfig } from '../lambda/config.js';
import type { TerminationCall } from '../lambda/domain/index.js';
import { createHandler } from '../lambda/handler.js';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../lambda/metrics.js';
import { RunStatus } from '../lambda/domain/index.js';
import type { ClientVpnGateway, ContinuationEvent, ContinuationStarter } from '../lambda/ports/index.js';
import { type EnforcerResult, isRunResult, type RunResult } from '../lambda/run/run-result.js';
import { createRuntime } from '../lambda/runtime.js';
import { SimulatedClock } from '../local/clock.js';
import { baselineEc2Client, runBaseline } from './baseline.js';
import {
  type BaselineFigures,
  Contender,
  type ClockSync,
  type MemoryFigures,
  type RunFigures,
  type WorkerEvent,
  type WorkerInput,
  type WorkerResult,
} from './protocol.js';
import { InvocationKind, ScheduleTimeline, type StartedInvocation, Timeline } from './schedule-timeline.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

/** The sandbox's simulated clock, run in this process from one reading of both clocks. */
function followClock(sync: ClockSync): SimulatedClock {
  let anchored = false;
  // The clock anchors on its first read of real time: hand it the instant the sandbox read, so the
  // two processes compute the same simulated time from the same (shared) system clock.
  const realNow = (): number => {
    if (anchored) return Date.now();
    anchored = true;
    return sync.realMs;
  };
  return new SimulatedClock({ start: sync.simulatedMs, speed: sync.speed, frozen: false }, realNow);
}

/** Peak RSS and heap of this process. */
class MemoryWatch {
  private peakHeapUsed = 0;
  private readonly timer: ReturnType<typeof setInterval>;
  public readonly readyRss: number;

  constructor() {
    this.readyRss = process.memoryUsage().rss;
    this.timer = setInterval(() => this.sample(), 100);
    this.timer.unref();
  }

  public stop(): MemoryFigures {
    this.sample();
    clearInterval(this.timer);
    return {
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
      readyRssBytes: this.readyRss,
      peakHeapUsedBytes: this.peakHeapUsed,
    };
  }

  private sample(): void {
    this.peakHeapUsed = Math.max(this.peakHeapUsed, process.memoryUsage().heapUsed);
  }
}

/** Mean duration of SDK calls per service, in simulated ms (real duration × speed). */
class LatencyWatch {
  private readonly totals = new Map<string, { calls: number; realMs: number }>();

  constructor(private readonly speed: number) {}

  /** Times every call the client sends (its retries included). */
  public watch(
    service: string,
    client: { middlewareStack: { add: (middleware: never, options: { step: 'initialize'; name: string }) => void } },
  ): void {
    const middleware = (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
      const started = performance.now();
      try {
        return await next(args);
      } finally {
        const total = this.totals.get(service) ?? { calls: 0, realMs: 0 };
        total.calls += 1;
        total.realMs += performance.now() - started;
        this.totals.set(service, total);
      }
    };
    client.middlewareStack.add(middleware as never, { step: 'initialize', name: 'benchLatency' });
  }

  public figures(): WorkerResult['apiLatency'] {
    return Object.fromEntries(
      [...this.totals].map(([service, total]) => [
        service,
        { calls: total.calls, meanSimulatedMs: (total.realMs / total.calls) * this.speed },
      ]),
    );
  }
}

/** Phase marks of the current run, on the simulated clock. */
interface RunMarks {
  listedPerEndpoint: number[];
  listedAt: number;
  firstTerminateAt?: number;
  lastTerminateAt?: number;
}

/** The gateway, reporting what it listed and when the terminate calls ran. */
function observedGateway(gateway: ClientVpnGateway, clock: SimulatedClock, marks: () => RunMarks): ClientVpnGateway {
  return {
    listEndpoints: (selection) => gateway.listEndpoints(selection),
    getConnection: (endpointId, connectionId) => gateway.getConnection(endpointId, connectionId),
    listConnections: async (endpointId) => {
      const listed = await gateway.listConnections(endpointId);
      marks().listedPerEndpoint.push(listed.length);
      marks().listedAt = clock.nowMs();
      return listed;
    },
    terminate: async (call: TerminationCall, options) => {
      marks().firstTerminateAt ??= clock.nowMs();
      try {
        return await gateway.terminate(call, options);
      } finally {
        marks().lastTerminateAt = clock.nowMs();
      }
    },
  };
}

/** The run's decisions: its records but the invalid rows' (the handler's answer carries no decisions of its own). */
function decisionsOf(report: RunResult): number {
  return Object.entries(report.counts)
    .filter(([outcome]) => outcome !== 'invalid-policy')
    .reduce((sum, [, count]) => sum + (count ?? 0), 0);
}

/** One Lambda execution environment: the handler, made once, with its own runtime and phase marks. */
interface HandlerInstance {
  readonly handler: (event: unknown, context: Context) => Promise<EnforcerResult>;
  marks: RunMarks;
  /** Continuations its current run queued. */
  queued: ContinuationEvent[];
}

/** What one invocation answered, and its figures. */
interface Invoked {
  readonly figures: RunFigures;
  /** Absent when the invocation failed. */
  readonly report?: RunResult;
  readonly continuations: readonly ContinuationEvent[];
}

async function runCvpnGuard(
  input: WorkerInput,
  clock: SimulatedClock,
  memory: () => MemoryWatch,
  latency: LatencyWatch,
): Promise<Pick<WorkerResult, 'runs' | 'timeline' | 'lastTerminateMs'>> {
  const { sandbox } = input;
  const clients = createAwsClients({
    endpoint: sandbox.endpoint,
    region: sandbox.region,
    credentials: sandbox.credentials,
  });
  latency.watch('dynamodb', clients.dynamodb);
  latency.watch('ec2 describe', clients.ec2);
  latency.watch('ec2 terminate', clients.ec2Terminate);
  const config = loadEnforcerConfig({ ...sandbox.environment, ...input.enforcerEnvironment });
  const instances: (HandlerInstance | undefined)[] = [];
  let lastTerminateAt: number | undefined;
  const instanceAt = (index: number): HandlerInstance => {
    const existing = instances[index];
    if (existing) return existing;
    const runtime = createRuntime(config, clients, clock);
    const state: Omit<HandlerInstance, 'handler'> = { marks: { listedPerEndpoint: [], listedAt: 0 }, queued: [] };
    const queueing: ContinuationStarter = {
      // Lambda accepts the event now and invokes it once the run returns: the timeline invokes it then.
      start: async (_functionArn, event) => {
        state.queued.push(event);
      },
    };
    const observed = {
      ...runtime,
      ports: {
        ...runtime.ports,
        gateway: observedGateway(runtime.ports.gateway, clock, () => state.marks),
        // Back to back, every run is a tick: nothing hands on.
        continuations: input.timeline === Timeline.SCHEDULE ? queueing : undefined,
      },
    };
    const handler = createHandler(() => observed, {
      logger: new Logger({ serviceName: SERVICE_NAME, logLevel: 'SILENT' }),
      metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME }),
    });
    const instance: HandlerInstance = Object.assign(state, { handler });
    instances[index] = instance;
    return instance;
  };
  const invoke = async (
    instance: HandlerInstance,
    event: unknown,
    index: number,
    kind: InvocationKind,
    timelineStart: number,
  ): Promise<Invoked> => {
    const startedAt = clock.nowMs();
    const startedWall = performance.now();
    const startedCpu = process.cpuUsage();
    const instanceIndex = instances.indexOf(instance);
    instance.marks = { listedPerEndpoint: [], listedAt: startedAt };
    instance.queued = [];
    const deadline = startedAt + input.timeoutMs;
    const context = {
      functionName: 'cvpn-guard-bench',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:cvpn-guard-bench',
      memoryLimitInMB: '512',
      awsRequestId: `bench-${index}`,
      callbackWaitsForEmptyEventLoop: false,
      getRemainingTimeInMillis: () => deadline - clock.nowMs(),
    } as unknown as Context;
    let report: RunResult | undefined;
    let failure: string | undefined;
    try {
      const result = await instance.handler(event, context);
      if (!isRunResult(result))
        throw new Error(`the bench's invocation ${index} ran nothing: ${JSON.stringify(result)}`);
      report = result;
    } catch (error) {
      // Lambda reports the invocation failed (middy's own timer stops it at the timeout, in real time) and
      // starts a fresh execution environment for the next one.
      failure = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      instances[instances.indexOf(instance)] = undefined;
    }
    const finishedAt = clock.nowMs();
    const cpu = process.cpuUsage(startedCpu);
    const { marks } = instance;
    if (marks.lastTerminateAt !== undefined)
      lastTerminateAt = Math.max(lastTerminateAt ?? marks.lastTerminateAt, marks.lastTerminateAt);
    const figures: RunFigures = {
      status: report?.status ?? `failed (${failure})`,
      kind,
      runId: report?.runId ?? '-',
      instance: instanceIndex,
      startedMs: startedAt - timelineStart,
      simulatedMs: finishedAt - startedAt,
      wallMs: performance.now() - startedWall,
      cpuMs: (cpu.user + cpu.system) / 1000,
      connectionsSeen: report?.connectionsSeen ?? 0,
      decisions: report ? decisionsOf(report) : 0,
      counts: report?.counts ?? {},
      terminateCalls: report?.terminateCalls ?? 0,
      throttledCalls: report?.throttledCalls ?? 0,
      auditFailures: report?.auditFailures ?? 0,
      endpointErrors: report?.endpointErrors.length ?? 0,
      listedPerEndpoint: marks.listedPerEndpoint,
      phases: {
        listed: marks.listedAt - startedAt,
        firstTerminate: marks.firstTerminateAt === undefined ? undefined : marks.firstTerminateAt - startedAt,
        lastTerminate: marks.lastTerminateAt === undefined ? undefined : marks.lastTerminateAt - startedAt,
      },
    };
    send({ type: 'run', index, run: figures });
    return { figures, report, continuations: instance.queued };
  };
  const tickEvent = (scheduledMs: number) => ({
    scheduledTime: new Date(scheduledMs).toISOString(),
    source: 'schedule',
  });
  memory();
  const timelineStart = clock.nowMs();
  const runs: RunFigures[] = [];
  const finished = () => ({
    runs,
    timeline: input.timeline,
    lastTerminateMs: lastTerminateAt === undefined ? undefined : lastTerminateAt - timelineStart,
  });
  if (input.timeline === Timeline.BACK_TO_BACK) {
    for (let run = 1; run <= input.maxRuns; run += 1) {
      const { figures, report } = await invoke(
        instanceAt(0),
        tickEvent(clock.nowMs()),
        run,
        InvocationKind.TICK,
        timelineStart,
      );
      runs.push(figures);
      if (report && (report.counts.deferred ?? 0) === 0) break;
    }
    return finished();
  }
  const timeline = new ScheduleTimeline({
    startMs: timelineStart,
    periodMs: input.schedulePeriodMs,
    maxInvocations: input.maxRuns,
  });
  const running = new Map<number, Promise<{ started: StartedInvocation; invoked: Invoked }>>();
  while (!timeline.done) {
    const due = timeline.next();
    const returned = Promise.race(running.values());
    const wait = due === undefined ? undefined : Math.max(0, due.atMs - clock.nowMs());
    const first = await (wait === undefined ? returned : Promise.race([returned, sleepSimulated(clock, wait)]));
    if (first !== undefined) {
      running.delete(first.started.index);
      runs[first.started.index - 1] = first.invoked.figures;
      timeline.finish(first.started, {
        finishedAtMs: clock.nowMs(),
        skipped: first.invoked.report?.status === RunStatus.SKIPPED,
        // A failed invocation may have left anything undone: the next tick takes it up.
        deferred: first.invoked.report ? (first.invoked.report.counts.deferred ?? 0) : 1,
        continuations: first.invoked.continuations,
      });
      continue;
    }
    if (due === undefined) continue;
    const started = timeline.start(due);
    const event = started.kind === InvocationKind.TICK ? tickEvent(started.atMs) : started.event;
    running.set(
      started.index,
      invoke(instanceAt(started.instance), event, started.index, started.kind, timelineStart).then((invoked) => ({
        started,
        invoked,
      })),
    );
  }
  return finished();
}

/** Resolves (to nothing) once `simulatedMs` have passed on the simulated clock. */
async function sleepSimulated(clock: SimulatedClock, simulatedMs: number): Promise<undefined> {
  await clock.sleep(simulatedMs);
  return undefined;
}

async function main(input: WorkerInput): Promise<WorkerResult> {
  const clock = followClock(input.sandbox.clock);
  const latency = new LatencyWatch(input.sandbox.clock.speed);
  let watch: MemoryWatch | undefined;
  const memory = (): MemoryWatch => (watch ??= new MemoryWatch());
  const startedAt = clock.nowMs();
  const startedWall = performance.now();
  const startedCpu = process.cpuUsage();
  const finished = (
    guard: Pick<WorkerResult, 'runs' | 'timeline' | 'lastTerminateMs'>,
    baseline?: BaselineFigures,
  ): WorkerResult => {
    const cpu = process.cpuUsage(startedCpu);
    return {
      contender: input.contender,
      simulatedMs: clock.nowMs() - startedAt,
      wallMs: performance.now() - startedWall,
      cpuMs: (cpu.user + cpu.system) / 1000,
      apiLatency: latency.figures(),
      ...guard,
      baseline,
      memory: memory().stop(),
    };
  };
  if (input.contender === Contender.CVPN_GUARD) return finished(await runCvpnGuard(input, clock, memory, latency));
  const { sandbox } = input;
  const ec2 = baselineEc2Client(
    { endpoint: sandbox.endpoint, region: sandbox.region, credentials: sandbox.credentials },
    sandbox.clock.speed,
  );
  latency.watch('ec2', ec2);
  memory();
  const baseline = await runBaseline(
    ec2,
    { revokedUsernames: sandbox.revokedUsernames, maxSessionMinutes: sandbox.maxSessionMinutes },
    { pages: input.contender === Contender.BASELINE_ALL_PAGES ? 'all' : 'first', clock },
  );
  return finished({ runs: [] }, baseline);
}

function send(event: WorkerEvent, then: () => void = () => undefined): void {
  process.send?.(event, undefined, undefined, then);
}

process.once('message', (input: WorkerInput) => {
  main(input).then(
    (result) => send({ type: 'result', result }, () => process.exit(0)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
});
