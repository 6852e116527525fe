/**
 * The reliability tests' harness: the real handler over a sandbox, invoked as Lambda would invoke
 * it (a context with a request id and a time budget), retried as Lambda retries a failed
 * asynchronous invocation (same event, same request id), and with a way to kill a run at a chosen
 * point the way a crashed or timed-out container dies.
 */
import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { createAwsClients, type AwsClients } from '../../../lambda/clients.js';
import { loadEnforcerConfig } from '../../../lambda/config.js';
import { createHandler } from '../../../lambda/handler.js';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../../lambda/metrics.js';
import { resourceEnvironment } from '../../../lambda/resource-environment.js';
import { AuditTransition } from '../../../lambda/ports/index.js';
import { isRunResult, type RunResult } from '../../../lambda/run/run-result.js';
import { createRuntime, type EnforcerRuntime } from '../../../lambda/runtime.js';
import type { Sandbox } from '../../../local/index.js';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** Metrics that publish nothing (a thrown run would otherwise print Powertools' "no metrics" warning). */
export function quietMetrics(): Metrics {
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });
  metrics.publishStoredMetrics = () => metrics;
  return metrics;
}

/** How one invocation is made. */
export interface InvokeOptions {
  /** The event. @default a schedule tick at the sandbox clock's now */
  readonly event?: Record<string, unknown>;
  /** Lambda's request id: a retry of an asynchronous invocation keeps it. @default a fresh one */
  readonly requestId?: string;
  /**
   * The function's time budget in milliseconds, counted on the sandbox's simulated clock (so a run
   * that backs off under throttling spends it without any real waiting, and the test is
   * deterministic). @default 300000
   */
  readonly budgetMs?: number;
}

/** One invocation: the report, or what it threw. */
export type Invocation =
  { readonly ok: true; readonly report: RunResult } | { readonly ok: false; readonly error: unknown };

/** What `tickWithRetries` did. */
export interface RetriedTick {
  /** Every attempt, in order. */
  readonly attempts: readonly Invocation[];
  /** The report of the attempt that returned, if one did. */
  readonly report?: RunResult;
}

/** The enforcer as one Lambda container: clients and ports built once, invoked many times. */
export class SandboxLambda {
  public readonly clients: AwsClients;
  public readonly runtime: EnforcerRuntime;
  private readonly handler: ReturnType<typeof createHandler>;

  constructor(
    private readonly sandbox: Sandbox,
    options: {
      /** Overrides of the enforcer's environment. */
      readonly env?: Record<string, string>;
      /** Replaces ports (to kill the run at a point, say). */
      readonly wrap?: (runtime: EnforcerRuntime) => EnforcerRuntime;
      /** The Powertools logger the handler writes to. @default silent */
      readonly logger?: Logger;
    } = {},
  ) {
    this.clients = createAwsClients({ ...sandbox.clientConfig() });
    const base = createRuntime(
      loadEnforcerConfig({ ...sandbox.awsEnvironment(), ...resourceEnvironment(sandbox), ...options.env }),
      this.clients,
      sandbox.clock,
    );
    this.runtime = options.wrap ? options.wrap(base) : base;
    this.handler = createHandler(() => this.runtime, {
      logger: options.logger ?? new Logger({ serviceName: SERVICE_NAME, logLevel: 'SILENT' }),
      metrics: quietMetrics(),
    });
  }

  /** The schedule's event for the tick at the sandbox clock's now. */
  public scheduleEvent(): Record<string, unknown> {
    return { scheduledTime: this.sandbox.clock.now().toISOString(), source: 'schedule' };
  }

  /** One invocation; never throws (a thrown run comes back as `ok: false`). */
  public async invoke(options: InvokeOptions = {}): Promise<Invocation> {
    const clock = this.sandbox.clock;
    const startedAt = clock.nowMs();
    const budgetMs = options.budgetMs ?? 300_000;
    const context = {
      functionName: 'cvpn-guard-enforcer',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:cvpn-guard-enforcer',
      memoryLimitInMB: '256',
      awsRequestId: options.requestId ?? randomUUID(),
      logGroupName: '/aws/lambda/cvpn-guard-enforcer',
      logStreamName: 'reliability',
      callbackWaitsForEmptyEventLoop: true,
      // Simulated time spent, plus a little real time so a run can never loop for ever.
      getRemainingTimeInMillis: () => budgetMs - (clock.nowMs() - startedAt),
    } as unknown as Context;
    try {
      const result = await this.handler(options.event ?? this.scheduleEvent(), context);
      if (!isRunResult(result)) return { ok: false, error: new Error(`no run: ${JSON.stringify(result)}`) };
      return { ok: true, report: result };
    } catch (error) {
      return { ok: false, error };
    }
  }

  /**
   * A tick as Lambda delivers an asynchronous invocation: when the run throws, the same event is
   * delivered again with the same request id, up to `retries` more times (Lambda's default is two).
   */
  public async tickWithRetries(options: InvokeOptions & { readonly retries?: number } = {}): Promise<RetriedTick> {
    const event = options.event ?? this.scheduleEvent();
    const requestId = options.requestId ?? randomUUID();
    const attempts: Invocation[] = [];
    for (let attempt = 0; attempt <= (options.retries ?? 2); attempt += 1) {
      const invocation = await this.invoke({ ...options, event, requestId });
      attempts.push(invocation);
      if (invocation.ok) return { attempts, report: invocation.report };
    }
    return { attempts };
  }
}

/** The error a killed run's ports answer with: the container is gone, nothing it asks reaches AWS. */
export class RunKilledError extends Error {
  constructor(where: string) {
    super(`the run was killed ${where}`);
    this.name = 'RunKilledError';
  }
}

/** Where a run can be killed. */
export type KillPoint = 'after-lease' | 'after-intent' | 'after-call' | 'before-summary';

/**
 * Wraps every port so that, once the kill point is reached, every call rejects: as for a container
 * that died, nothing more reaches EC2 or DynamoDB, and the lease is left held. A new
 * `SandboxLambda` is a new container.
 */
export function killable(
  runtime: EnforcerRuntime,
  point: KillPoint,
): { runtime: EnforcerRuntime; killed: () => boolean } {
  let dead = false;
  type Hooks = {
    readonly before?: Record<string, () => void>;
    readonly after?: Record<string, (result: unknown) => void>;
  };
  const guard = <T extends object>(port: T, name: string, hooks: Hooks = {}): T =>
    new Proxy(port, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          hooks.before?.[String(property)]?.();
          if (dead) throw new RunKilledError(`before ${name}.${String(property)}`);
          const result: unknown = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          hooks.after?.[String(property)]?.(result);
          if (dead) throw new RunKilledError(`during ${name}.${String(property)}`);
          return result;
        };
      },
    });
  const die = () => {
    dead = true;
  };
  const { ports } = runtime;
  return {
    killed: () => dead,
    runtime: {
      ...runtime,
      ports: {
        ...ports,
        lease: guard(
          ports.lease,
          'lease',
          point === 'after-lease' ? { after: { acquire: (taken) => taken === true && die() } } : {},
        ),
        audit: guard(
          ports.audit,
          'audit',
          point === 'after-intent'
            ? { after: { [AuditTransition.INTEND]: (written) => written === true && die() } }
            : point === 'before-summary'
              ? { before: { putSummary: die } }
              : {},
        ),
        gateway: guard(ports.gateway, 'gateway', point === 'after-call' ? { after: { terminate: die } } : {}),
        policies: guard(ports.policies, 'policies'),
        idleState: guard(ports.idleState, 'idleState'),
        notifier: ports.notifier ? guard(ports.notifier, 'notifier') : undefined,
      },
    },
  };
}
