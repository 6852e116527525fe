/**
 * The bench's sandbox, in a process of its own (so the contender's memory and CPU are its own):
 * generates a scenario, starts the sandbox on a free port with the simulated clock running at the
 * bench's speed, EC2 latency and EC2's throttling, and answers the orchestrator's questions over
 * the IPC channel. Started by bench/run.ts with `node --import tsx`.
 */
import { DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { AuditRecordType } from '../lambda/ports/index.js';
import { ConnectionStatus, Outcome } from '../lambda/domain/constants.js';
import { resourceEnvironment } from '../lambda/resource-environment.js';
import { type Sandbox, startSandbox } from '../local/index.js';
import type {
  AuditInspection,
  SandboxCommand,
  SandboxEvent,
  SandboxInspection,
  SimulationSettings,
} from './protocol.js';
import { type GeneratedScenario, generateScenario, isTargeted, type ScenarioSpec } from './scenarios.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const ENDED = new Set<string>([ConnectionStatus.TERMINATING, ConnectionStatus.TERMINATED]);

let sandbox: Sandbox | undefined;
let generated: GeneratedScenario | undefined;
let cpuAtReady: NodeJS.CpuUsage | undefined;

function send(event: SandboxEvent): void {
  process.send?.(event);
}

async function start(spec: ScenarioSpec, startAt: string, simulation: SimulationSettings): Promise<void> {
  const began = performance.now();
  generated = generateScenario(spec, new Date(startAt));
  sandbox = await startSandbox({
    port: 0,
    scenario: generated.scenario,
    clock: { start: startAt, speed: simulation.speed, frozen: false },
    latency: [
      { service: 'ec2', ms: simulation.latencyMs, jitterMs: simulation.jitterMs },
      ...(simulation.dynamodbLatencyMs > 0 ? [{ service: 'dynamodb', ms: simulation.dynamodbLatencyMs }] : []),
    ],
    // EC2's own sizes: mutating burst 50, 5 a second; describe burst 100, 20 a second.
    throttling: { enabled: true },
  });
  for (const connection of generated.connections) {
    sandbox.emulator.addConnection({
      endpointId: connection.endpoint,
      connectionId: connection.id,
      username: connection.username,
      establishedAt: new Date(connection.established),
      profile: 'active',
    });
  }
  cpuAtReady = process.cpuUsage();
  // Read both clocks at one instant: the contender runs its own copy of the simulated clock from them.
  const simulatedMs = sandbox.clock.nowMs();
  const realMs = Date.now();
  send({
    type: 'ready',
    ready: {
      endpoint: sandbox.endpoint,
      region: sandbox.region,
      credentials: { ...sandbox.credentials },
      environment: { ...sandbox.awsEnvironment(), ...resourceEnvironment(sandbox) },
      clock: { simulatedMs, realMs, speed: simulation.speed },
      connections: generated.connections.length,
      targeted: generated.connections.filter((connection) => isTargeted(connection.role)).length,
      revokedUsernames: generated.revokedUsernames,
      maxSessionMinutes: generated.maxSessionMinutes,
      loadMs: performance.now() - began,
    },
  });
}

async function inspect(withAudit: boolean): Promise<SandboxInspection> {
  if (!sandbox || !generated) throw new Error('inspect before start');
  const statuses = new Map(
    sandbox.emulator.listConnections().map((view) => [view.connectionId, view.status as string]),
  );
  let targeted = 0;
  let targetedEnded = 0;
  const wronglyEnded: Record<string, number> = {};
  for (const connection of generated.connections) {
    const ended = ENDED.has(statuses.get(connection.id) ?? '');
    if (isTargeted(connection.role)) {
      targeted += 1;
      if (ended) targetedEnded += 1;
    } else if (ended) {
      wronglyEnded[connection.role] = (wronglyEnded[connection.role] ?? 0) + 1;
    }
  }
  const cpu = process.cpuUsage(cpuAtReady);
  return {
    cpuMs: (cpu.user + cpu.system) / 1000,
    counters: sandbox.counters.snapshot(),
    targeted,
    targetedEnded,
    wronglyEnded,
    audit: withAudit ? await inspectAudit(sandbox, generated) : undefined,
  };
}

/** Reads the audit table (the bench only: the product never scans it). Not counted: the counters were read first. */
async function inspectAudit(box: Sandbox, scenario: GeneratedScenario): Promise<AuditInspection> {
  const client = new DynamoDBClient({ ...box.clientConfig(), maxAttempts: 10 });
  const targetedIds = new Set(
    scenario.connections.filter((connection) => isTargeted(connection.role)).map((connection) => connection.id),
  );
  const byOutcome: Record<string, number> = {};
  let summaries = 0;
  let pending = 0;
  const terminatedIds = new Set<string>();
  for await (const page of paginateScan({ client }, { TableName: box.tables.audit })) {
    for (const item of page.Items ?? []) {
      if (item.recordType?.S !== AuditRecordType.DECISION) {
        if (item.recordType?.S === AuditRecordType.SUMMARY) summaries += 1;
        continue;
      }
      const outcome = item.outcome?.S ?? 'unknown';
      byOutcome[outcome] = (byOutcome[outcome] ?? 0) + 1;
      if (outcome === Outcome.PENDING) pending += 1;
      const connectionId = item.connectionId?.S;
      if (outcome === Outcome.TERMINATED && connectionId && targetedIds.has(connectionId))
        terminatedIds.add(connectionId);
    }
  }
  client.destroy();
  return { byOutcome, summaries, pending, terminatedRecords: terminatedIds.size };
}

process.on('message', (message: SandboxCommand) => {
  const handle = async (): Promise<void> => {
    switch (message.type) {
      case 'start':
        await start(message.spec, message.start, message.simulation);
        return;
      case 'inspect':
        send({ type: 'inspection', inspection: await inspect(message.audit) });
        return;
      case 'stop':
        await sandbox?.stop();
        process.disconnect?.();
        return;
    }
  };
  handle().catch((error: unknown) => {
    send({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  });
});
