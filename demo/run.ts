/**
 * `npm start`: the product on the sandbox, as the stack deploys it (installProduct). Starts the sandbox
 * in-process with a scenario, invokes the enforcer for a few simulated schedule ticks (far enough apart
 * for idle detection to fire), prints each tick's decisions and the audit table; then clients connect
 * through the client connect handler: a revoked user, a lockdown with an exempt admin, a contractor off
 * hours, with the answers and the admission records. Leaves no process or file behind.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { renderTable } from '../cli/output/table.js';
import type { Column } from '../cli/output/columns.js';
import { installProduct, invokeForAnswer } from '../cli/sandbox/product.js';
import { schedulerTime } from '../cli/sandbox/schedule.js';
import { DynamoAuditLog } from '../lambda/adapters/DynamoAuditLog.js';
import { createAwsClients } from '../lambda/clients.js';
import { loadEnforcerConfig } from '../lambda/config.js';
import type { RunRecord } from '../lambda/ports/index.js';
import { resourceEnvironment } from '../lambda/resource-environment.js';
import type { RunReport } from '../lambda/run/RunReport.js';
import { type Sandbox, startSandbox } from '../local/index.js';
import { tellAdmissionStories } from './admission-stories.js';
import { runOrganizationDemo } from './organization.js';

const DEFAULT_SCENARIO = new URL('../examples/demo.json', import.meta.url).pathname;
/** The first tick; the demo's clock is frozen here so every run of the demo prints the same. */
const START = '2026-11-26T17:30:00Z';
const TICKS = 3;
const TICK_MINUTES = 20;

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
  if (declaresOrganization(scenario)) return runOrganizationDemo(scenario);
  const sandbox = await startSandbox({ port: 0, scenario, clock: { start: START, frozen: true } });
  // The demo makes the ticks itself, 20 minutes apart rather than the stack's 5, so that idle users show.
  const product = await installProduct(sandbox, { schedule: false });
  const clients = createAwsClients({ ...sandbox.clientConfig() });
  try {
    const config = loadEnforcerConfig({ ...sandbox.awsEnvironment(), ...resourceEnvironment(sandbox) });

    console.log(`cvpn-guard demo — scenario ${relative(process.cwd(), scenario)}`);
    console.log(
      `sandbox on ${sandbox.endpoint}; simulated clock starts ${START}; ${TICKS} schedule ticks ${TICK_MINUTES} minutes apart`,
    );
    console.log(
      `functions: ${product.enforcerName} (the enforcer), ${product.gateName} (the client connect handler, attached to ${product.attachedEndpoints.length} endpoints)\n`,
    );
    const runIds: string[] = [];
    for (let tick = 1; tick <= TICKS; tick += 1) {
      const report = await invokeEnforcer(sandbox, product.enforcerName);
      runIds.push(report.runId);
      printTick(tick, report);
      sandbox.clock.advance(`${TICK_MINUTES}m`);
    }

    const audit = new DynamoAuditLog(clients.documents, config.auditTable, config.auditRetentionDays);
    const records = (await Promise.all(runIds.map(async (runId) => (await audit.getRun(runId)).records))).flat();
    console.log(`Audit table: ${records.length} records (one per decision per run)\n`);
    console.log(renderTable(auditColumns, records));
    console.log(`SNS digests published: ${sandbox.sns.messages.length}\n`);

    await tellAdmissionStories(sandbox, clients.documents, config.auditTable);
    console.log(
      'Next: `npm test` runs the tests; `npx cvpn-guard sandbox --scenario examples/demo.json` keeps the sandbox up for the CLI or the AWS CLI.',
    );
  } finally {
    clients.dynamodb.destroy();
    await product.stop();
    await sandbox.stop();
  }
}

/** Whether a scenario file declares an organization (a hub and spokes); the sandbox validates the rest. */
function declaresOrganization(path: string): boolean {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { organization?: unknown }).organization !== undefined;
  } catch {
    return false;
  }
}

/** One tick: the enforcer invoked as EventBridge Scheduler invokes it, with the tick's time. */
async function invokeEnforcer(sandbox: Sandbox, enforcerName: string): Promise<RunReport> {
  const scheduledTime = schedulerTime(sandbox.clock.nowMs());
  try {
    return (await invokeForAnswer(sandbox, enforcerName, {
      scheduledTime,
      source: 'schedule',
    })) as unknown as RunReport;
  } catch (cause) {
    throw new Error(`the enforcer's run at ${scheduledTime} failed: ${(cause as Error).message}`, { cause });
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
