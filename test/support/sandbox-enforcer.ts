import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { paginateScan } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { createAwsClients, type AwsClients } from '../../lambda/clients.js';
import { loadEnforcerConfig } from '../../lambda/config.js';
import { createHandler } from '../../lambda/handler.js';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../lambda/metrics.js';
import { resourceEnvironment } from '../../lambda/resource-environment.js';
import { isRunResult, type RunResult } from '../../lambda/run/run-result.js';
import { createRuntime, type EnforcerRuntime } from '../../lambda/runtime.js';
import type { Sandbox } from '../../local/index.js';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** The real handler wired to a sandbox, as the Lambda runtime would wire it to AWS. */
export interface SandboxEnforcer {
  readonly clients: AwsClients;
  readonly runtime: EnforcerRuntime;
  /** Invokes the handler for the tick at the sandbox clock's now (or the event given). */
  tick(event?: Record<string, unknown>, remainingMs?: number): Promise<RunResult>;
}

/**
 * Builds the real handler over the sandbox. `env` overrides the enforcer's environment;
 * `wrap` may replace ports (to inject a crash, say).
 */
export function sandboxEnforcer(
  sandbox: Sandbox,
  env: Record<string, string> = {},
  wrap: (runtime: EnforcerRuntime) => EnforcerRuntime = (runtime) => runtime,
): SandboxEnforcer {
  const clients = createAwsClients({ ...sandbox.clientConfig() });
  const runtime = wrap(
    createRuntime(
      loadEnforcerConfig({ ...sandbox.awsEnvironment(), ...resourceEnvironment(sandbox), ...env }),
      clients,
      sandbox.clock,
    ),
  );
  const handler = createHandler(() => runtime, {
    logger: new Logger({ serviceName: SERVICE_NAME, logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME }),
  });
  return {
    clients,
    runtime,
    tick: async (event, remainingMs = 300_000) => {
      const deadline = Date.now() + remainingMs;
      const context = { getRemainingTimeInMillis: () => deadline - Date.now() } as unknown as Context;
      const scheduledTime = sandbox.clock.now().toISOString();
      const result = await handler(event ?? { scheduledTime, source: 'schedule' }, context);
      if (!isRunResult(result)) throw new Error(`the tick ran nothing: ${JSON.stringify(result)}`);
      return result;
    },
  };
}

/** Every item of a sandbox table (tests only: the product never scans the audit table). */
export async function scanAll(clients: AwsClients, tableName: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const page of paginateScan({ client: clients.documents }, { TableName: tableName }))
    items.push(...(page.Items ?? []));
  return items;
}

/** The audit table's decision records (not summaries, not invalid-policy findings). */
export async function decisionItems(sandbox: Sandbox, clients: AwsClients): Promise<Record<string, unknown>[]> {
  return (await scanAll(clients, sandbox.tables.audit)).filter((item) => item.recordType === 'decision');
}
