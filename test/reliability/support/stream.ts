/**
 * The stream path's harness: the product installed on a sandbox (the policies table's stream mapped to the
 * enforcer, the schedule on or off), a revoked-user row written as an operator writes it, and the mapping's
 * delivery waited out on the simulated clock. The enforcer can be given other settings, as an update of the
 * function's configuration would: new containers, the same name, the same mapping.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { type AwsClients, createAwsClients, destroyClients } from '../../../lambda/clients.js';
import { loadEnforcerConfig } from '../../../lambda/config.js';
import { createHandler } from '../../../lambda/handler.js';
import { SERVICE_NAME } from '../../../lambda/metrics.js';
import { resourceEnvironment } from '../../../lambda/resource-environment.js';
import { createRuntime } from '../../../lambda/runtime.js';
import { defaultValue, Setting } from '../../../lambda/settings/index.js';
import {
  ENFORCER_FUNCTION_NAME,
  GATE_FUNCTION_NAME,
  type InstalledProduct,
  installProduct,
  POLICY_STREAM_MAPPING,
} from '../../../cli/sandbox/product.js';
import type { Sandbox } from '../../../local/index.js';
import { AsyncStatus } from '../../../local/lambda/async-invocations.js';
import { quietMetrics } from './harness.js';
import type { MutableExpectation } from './scenario.js';

/** The endpoints of the stream scenario; the deployment selects every endpoint of the region (the product's default). */
export const STREAM_ENDPOINT_A = 'cvpn-endpoint-05eeeeeeeeeeeeea1';
export const STREAM_ENDPOINT_B = 'cvpn-endpoint-05eeeeeeeeeeeeeb2';
/** Where every stream scenario starts. */
export const STREAM_START = '2026-11-26T10:00:00Z';
/** The user the row revokes, and the reason it gives. */
export const REVOKED_USER = 'mallory';
export const REVOCATION_REASON = 'left the company (HR-7)';
/** The function's timeout in the sandbox, as the stack sets it. */
export const FUNCTION_TIMEOUT_MS = defaultValue(Setting.TIMEOUT_SECONDS) * 1000;

/**
 * Before the row: an exemption and an observe-only rule, nothing to end. mallory has 4 connections on A (more than
 * one call by user name takes: by id) and 3 on B (one call by user name); root-admin, whom the row also names, is
 * exempt; bob and alice match no enforcing rule.
 */
export function streamScenario() {
  return {
    endpoints: [{ id: STREAM_ENDPOINT_A }, { id: STREAM_ENDPOINT_B }],
    connections: [
      { endpoint: STREAM_ENDPOINT_A, username: REVOKED_USER, count: 4, established: '-2h' },
      { endpoint: STREAM_ENDPOINT_B, username: REVOKED_USER, count: 3, established: '-1h' },
      { endpoint: STREAM_ENDPOINT_A, username: 'root-admin', established: '-12h' },
      { endpoint: STREAM_ENDPOINT_A, username: 'bob', count: 2, established: '-3h' },
      { endpoint: STREAM_ENDPOINT_B, username: 'alice', count: 2, established: '-30m' },
    ],
    policies: [
      { policyId: 'break-glass', kind: 'exempt', endpoints: ['*'], usernames: ['root-admin'], reason: 'break-glass' },
      {
        policyId: 'max-1-observe',
        kind: 'max-connections',
        mode: 'observe',
        endpoints: ['*'],
        usernames: ['alice'],
        maxConnections: 1,
        reason: 'one each, watched',
      },
    ],
  };
}

/** The revoked-user row an offboarding writes: mallory, and root-admin (whom the exemption keeps). */
export const REVOCATION_ROW = {
  policyId: 'offboarded-hr-7',
  kind: 'revoked-user',
  mode: 'enforce',
  enabled: true,
  endpoints: ['*'],
  usernames: [REVOKED_USER, 'root-admin'],
  reason: REVOCATION_REASON,
  version: 1,
} as const;

/** The connections of the revoked users (mallory by default) are the targets; every other one is untouchable. */
export function streamExpectation(
  sandbox: Sandbox,
  revokedUsers: readonly string[] = [REVOKED_USER],
): MutableExpectation {
  const targets = new Set<string>();
  const untouchable = new Set<string>();
  for (const connection of sandbox.emulator.listConnections())
    (revokedUsers.includes(connection.username ?? '') ? targets : untouchable).add(connection.connectionId);
  return { targets, untouchable };
}

/** How the enforcer is reconfigured. */
export interface ConfigureOptions {
  /** The function's timeout, which is each run's time budget. @default the stack's */
  readonly timeoutMs?: number;
  /**
   * The function fails (an unhandled error, before the run starts) on this many invocations whose event is a
   * continuation, the first ones; the sandbox's function faults cannot tell one event from another. @default 0
   */
  readonly failContinuations?: number;
}

/** The error the enforcer fails a continuation with, when asked to. */
export class ContinuationCrashError extends Error {
  constructor() {
    super('the container died on the continuation');
    this.name = 'ContinuationCrashError';
  }
}

/** The product on the sandbox, its enforcer reconfigurable. */
export interface StreamProduct {
  readonly product: InstalledProduct;
  /** Clients for the test's own reads and writes. */
  readonly clients: AwsClients;
  /** Gives the enforcer these settings on top of the stack's (new containers, as after UpdateFunctionConfiguration). */
  configure(env: Record<string, string>, options?: ConfigureOptions): void;
  stop(): Promise<void>;
}

/** Installs the product (the stream mapped, the gate not attached) on a sandbox started with `streamScenario()`. */
export async function installStreamProduct(
  sandbox: Sandbox,
  options: { readonly schedule: boolean; readonly stream?: boolean },
): Promise<StreamProduct> {
  const product = await installProduct(sandbox, {
    schedule: options.schedule,
    stream: options.stream ?? true,
    attachGate: false,
  });
  const clients = createAwsClients(sandbox.clientConfig());
  const enforcerClients: AwsClients[] = [];
  return {
    product,
    clients,
    configure: (env, { timeoutMs = FUNCTION_TIMEOUT_MS, failContinuations = 0 } = {}) => {
      const environment = {
        ...sandbox.awsEnvironment(),
        ...resourceEnvironment({ ...sandbox, connectHandlerFunction: GATE_FUNCTION_NAME }),
        ...env,
      };
      const config = loadEnforcerConfig(environment);
      const own = createAwsClients(sandbox.clientConfig());
      enforcerClients.push(own);
      const handler = createHandler(() => createRuntime(config, own, sandbox.clock), {
        logger: new Logger({ serviceName: SERVICE_NAME, logLevel: 'SILENT' }),
        metrics: quietMetrics(),
      });
      let crashesLeft = failContinuations;
      sandbox.lambda.register(
        ENFORCER_FUNCTION_NAME,
        async (event: Record<string, unknown>, context: Context) => {
          if (crashesLeft > 0 && 'continuation' in event) {
            crashesLeft -= 1;
            throw new ContinuationCrashError();
          }
          return handler(event, context);
        },
        { timeoutMs },
      );
    },
    stop: async () => {
      await product.stop();
      for (const each of [clients, ...enforcerClients]) destroyClients(each);
    },
  };
}

/** Writes the revocation row (or another), faults paused for the write alone (the operator's write is not what is tested). */
export async function writeRevocation(
  sandbox: Sandbox,
  clients: AwsClients,
  row: Record<string, unknown> = REVOCATION_ROW,
): Promise<void> {
  // Put back as they were: a rule with a count keeps only what it has left.
  const rules = sandbox.faults
    .list()
    .map(({ fired, ...rule }) =>
      rule.count === undefined ? rule : { ...rule, count: Math.max(0, rule.count - fired) },
    );
  sandbox.faults.clear();
  try {
    await clients.documents.send(new PutCommand({ TableName: sandbox.tables.policies, Item: { ...row } }));
  } finally {
    sandbox.faults.set(rules);
  }
}

/**
 * Lets the mapping's batching window pass and waits until the background work (batches, retries, continuations) has
 * settled; then, while an asynchronous invocation waits for its next attempt (Lambda retries one a minute, then two
 * minutes, after it fails), moves the clock on by `stepMs` and waits again, at most `steps` times. Returns the
 * simulated milliseconds that passed.
 */
export async function deliver(
  sandbox: Sandbox,
  options: { readonly steps?: number; readonly stepMs?: number } = {},
): Promise<number> {
  const started = sandbox.clock.nowMs();
  sandbox.clock.advance(POLICY_STREAM_MAPPING.maximumBatchingWindowMs);
  await sandbox.lambda.settled();
  const waiting = () => sandbox.lambda.asyncInvocations().some((event) => event.status === AsyncStatus.WAITING);
  for (let step = 0; step < (options.steps ?? 5) && waiting(); step += 1) {
    sandbox.clock.advance(options.stepMs ?? 60_000);
    await sandbox.lambda.settled();
  }
  return sandbox.clock.nowMs() - started;
}

/**
 * Moves the clock one schedule period on and waits until the scheduled run that period brings has ended (the
 * schedule is not background work `settled()` waits for), then until what it started has settled.
 */
export async function nextScheduledRun(sandbox: Sandbox, product: InstalledProduct): Promise<void> {
  if (!product.schedule) throw new Error('nextScheduledRun: the product was installed without its schedule');
  const before = product.ticks().length;
  sandbox.clock.advance(product.schedule.periodMs);
  for (const deadline = Date.now() + 20_000; product.ticks().length === before;) {
    if (Date.now() > deadline) throw new Error('nextScheduledRun: no scheduled run ended within 20 s of real time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await sandbox.lambda.settled();
}
