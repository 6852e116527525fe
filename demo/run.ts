/**
 * `npm start`: the main job on the embedded default. Starts the sandbox in-process with a scenario,
 * runs the real Lambda handler for a few simulated schedule ticks (far enough apart for idle
 * detection to fire), prints each tick's decisions and, at the end, the audit table. Leaves no
 * process or file behind.
 */
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { renderTable } from '../cli/output/table.js';
import type { Column } from '../cli/output/columns.js';
import { DynamoAuditLog } from '../lambda/adapters/DynamoAuditLog.js';
import { createAwsClients } from '../lambda/clients.js';
import { loadEnforcerConfig } from '../lambda/config.js';
import { createHandler } from '../lambda/handler.js';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../lambda/metrics.js';
import type { RunRecord } from '../lambda/ports/index.js';
import { resourceEnvironment } from '../lambda/resource-environment.js';
import type { RunReport } from '../lambda/run/RunReport.js';
import { createRuntime } from '../lambda/runtime.js';
import { startSandbox } from '../local/index.js';

const DEFAULT_SCENARIO = new URL('../examples/demo.json', import.meta.url).pathname;
/** The first tick; the demo's clock is frozen here so every run of the demo prints the same. */
const START = '2026-11-26T17:30:00Z';
const TICKS = 3;
const TICK_MINUTES = 20;
/** What a scheduled run has left when it starts: the stack's default function timeout (`timeoutSeconds`, 240 s). */
const FUNCTION_TIMEOUT_MS = 240_000;

const decisionColumns: readonly Column<RunRecord>[] = [
  { header: 'endpoint', value: (r) => r.endpointId?.replace('cvpn-endpoint-', '…') },
  { header: 'connection', value: (r) => r.connectionId ?? '' },
  { header: 'identity', value: (r) => r.username ?? r.commonName ?? '' },
  { header: 'policy', value: (r) => r.policyId },
  { header: 'outcome', value: (r) => r.outcome },
  { header: 'reason', value: (r) => r.reason },
];

const auditColumns: readonly Column<RunRecord>[] = [
  { header: 'time', value: (r) => r.at.slice(0, 16).replace('T', ' ') },
  { header: 'connection', value: (r) => r.connectionId ?? '' },
  { header: 'identity', value: (r) => r.username ?? r.commonName ?? '' },
  { header: 'policy', value: (r) => r.policyId },
  { header: 'outcome', value: (r) => r.outcome },
  {
    header: 'status',
    value: (r) => (r.previousStatus && r.currentStatus ? `${r.previousStatus} → ${r.currentStatus}` : ''),
  },
  { header: 'request id', value: (r) => r.requestId ?? r.errorCode ?? '' },
];

async function main(): Promise<void> {
  // The SDK warns that releases after January 2027 need Node.js 22; the pinned lock file runs here on 20.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { values } = parseArgs({ options: { scenario: { type: 'string' } }, strict: true });
  const scenario = values.scenario ?? DEFAULT_SCENARIO;
  const sandbox = await startSandbox({ port: 0, scenario, clock: { start: START, frozen: true } });
  try {
    const environment = { ...sandbox.awsEnvironment(), ...resourceEnvironment(sandbox) };
    const clients = createAwsClients({ ...sandbox.clientConfig() });
    const config = loadEnforcerConfig(environment);
    // Quiet observability: the demo prints tables; in Lambda the same handler logs JSON and EMF.
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    const handler = createHandler(() => createRuntime(config, clients, sandbox.clock), {
      logger: new Logger({ serviceName: SERVICE_NAME, logLevel: 'SILENT' }),
      metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME }),
    });

    console.log(`cvpn-guard demo — scenario ${relative(process.cwd(), scenario)}`);
    console.log(
      `sandbox on ${sandbox.endpoint}; simulated clock starts ${START}; ${TICKS} schedule ticks ${TICK_MINUTES} minutes apart\n`,
    );
    const runIds: string[] = [];
    for (let tick = 1; tick <= TICKS; tick += 1) {
      const scheduledTime = sandbox.clock
        .now()
        .toISOString()
        .replace(/\.000Z$/, 'Z');
      const deadline = Date.now() + FUNCTION_TIMEOUT_MS;
      const context = { getRemainingTimeInMillis: () => deadline - Date.now() } as unknown as Context;
      const report: RunReport = await handler({ scheduledTime, source: 'schedule' }, context);
      runIds.push(report.runId);
      printTick(tick, report);
      sandbox.clock.advance(`${TICK_MINUTES}m`);
    }

    const audit = new DynamoAuditLog(clients.documents, config.auditTable, config.auditRetentionDays);
    const records = (await Promise.all(runIds.map(async (runId) => (await audit.getRun(runId)).records))).flat();
    console.log(`Audit table: ${records.length} records (one per decision per run)\n`);
    console.log(renderTable(auditColumns, records));
    console.log(`SNS digests published: ${sandbox.sns.messages.length}`);
    console.log(
      'Next: `npm test` runs the tests; `npx cvpn-guard sandbox --scenario examples/demo.json` keeps the sandbox up for the CLI or the AWS CLI.',
    );
  } finally {
    await sandbox.stop();
  }
}

function printTick(tick: number, report: RunReport): void {
  const counts =
    Object.entries(report.counts)
      .map(([outcome, count]) => `${count} ${outcome}`)
      .join(', ') || 'no decisions';
  console.log(`Tick ${tick} — ${report.runId} (${report.status}${report.dryRun ? ', dry run' : ''})`);
  console.log(
    `  ${report.connectionsSeen} connections on ${report.endpoints} endpoints; ${counts}; ${report.terminateCalls} terminate calls`,
  );
  for (const finding of report.findings) console.log(`  invalid policy row: ${finding.message}`);
  for (const problem of report.endpointErrors) console.log(`  endpoint not read: ${problem}`);
  const decisions = report.records.filter((record) => record.connectionId);
  if (decisions.length) console.log(indent(renderTable(decisionColumns, decisions)));
  else console.log('');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => (line ? `  ${line}` : line))
    .join('\n');
}

main().catch((error: unknown) => {
  console.error(`cvpn-guard demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
