/**
 * One pass of the organization benchmark in a process of its own: a fresh sandbox holding the generated
 * organization (a hub and every spoke, each spoke's EC2 with its own latency and throttling), its connections, the
 * hub's rows, and the product installed across it as the StackSet would (each spoke's enforcer and gate, the hub's
 * tables, schedule, stream and watch off so that nothing but the started runs acts). Every spoke's enforcer is then
 * invoked once, all at the same simulated instant, as one scheduled tick each; with a fault, one spoke's enforcer
 * role is deleted part-way. Every TerminateClientVpnConnections call each spoke's EC2 takes is recorded; the end
 * states, the hub's audit records and the DynamoDB counters are read once every invocation has returned (not timed).
 * The enforcers run in this process because the sandbox's Lambda runs the functions registered in its own process.
 * Started by bench/organization-run.ts with `node --import tsx`.
 */
import { DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { ConnectionStatus, Outcome } from '../lambda/domain/constants.js';
import type { Placement } from '../lambda/domain/types.js';
import { EnvVar } from '../lambda/environment.js';
import { AuditRecordType } from '../lambda/ports/index.js';
import { defaultValue, Setting, SpokeRole, spokeRoleName } from '../lambda/settings/index.js';
import { type Sandbox, Service, startSandbox } from '../local/index.js';
import { installOrganization, type InstalledOrganization } from '../cli/sandbox/organization.js';
import type {
  ObservedInvocation,
  ObservedSpoke,
  ObservedSummary,
  OrganizationCommand,
  OrganizationEvent,
  OrganizationFault,
  OrganizationObservation,
} from './organization-protocol.js';
import { type GeneratedOrganization, generateOrganization, placementKey } from './organization-scenario.js';
import type { ObservedTerminateCall } from './revoke-protocol.js';
import { recordTerminateCalls } from './revoke-terminate-calls.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** The pass's simulated start: a Thursday morning. */
const ORGANIZATION_START = '2026-11-26T10:00:00Z';
/** How long before the start every connection was established. */
const ESTABLISHED_BEFORE_MS = 60 * 60_000;

async function observe(command: OrganizationCommand): Promise<OrganizationObservation> {
  const setupStarted = performance.now();
  const organization = generateOrganization(command.spec);
  const sandbox = await startSandbox({
    port: 0,
    scenario: organization.scenario,
    clock: { start: ORGANIZATION_START, speed: command.spec.speed, frozen: false },
    latency: [{ service: 'ec2', ms: command.ec2LatencyMs }],
    // EC2's own sizes, per account and Region: mutating burst 50, 5 a second; describe burst 100, 20 a second.
    throttling: { enabled: true },
  });
  try {
    addConnections(sandbox, organization);
    const updatedAt = sandbox.clock.now().toISOString();
    await sandbox.putItems(
      'policies',
      organization.rows.map(({ row }) => ({ ...row, updatedAt })),
    );
    const targetedPerSpoke = Math.max(
      ...organization.spokes.map((spoke) => spoke.connections.filter((connection) => connection.targeted).length),
    );
    const installed = await installOrganization(sandbox, {
      schedule: false,
      stream: false,
      watch: false,
      // The stack's defaults, except the per-run cap (100), raised to the spoke's targeted count so one run ends them.
      environment: { [EnvVar.MAX_TERMINATIONS_PER_RUN]: String(targetedPerSpoke) },
    });
    checkInstalled(organization, installed);
    const setupWallMs = performance.now() - setupStarted;
    progress(`${installed.spokes.length} spokes installed in ${seconds(setupWallMs)} s wall; starting them all`);
    sandbox.counters.reset();
    const originMs = sandbox.clock.nowMs();
    const startedWall = performance.now();
    const calls = new Map<string, ObservedTerminateCall[]>(
      organization.spokes.map((spoke) => [
        placementKey(spoke.placement),
        recordTerminateCalls(sandbox.emulatorAt(spoke.placement), originMs),
      ]),
    );
    const faulted = command.fault === undefined ? undefined : applyAt(sandbox, command.fault, originMs);
    const invocations = await Promise.all(
      installed.spokes.map(async (spoke) => ({
        placement: spoke.placement,
        invocation: await invoke(sandbox, installed, spoke.placement, originMs),
      })),
    );
    const appliedAtMs = await faulted;
    progress(
      `every invocation returned at ${seconds(sandbox.clock.nowMs() - originMs)} simulated s (${seconds(performance.now() - startedWall)} s wall)`,
    );
    await sandbox.lambda.settled();
    const observedMs = sandbox.clock.nowMs() - originMs;
    const wallMs = performance.now() - startedWall;
    const counters = sandbox.counters.snapshot()[Service.DYNAMODB] ?? {};
    const audit = await readAudit(sandbox, installed.hub.auditTableArn);
    await installed.stop();
    const spokes = invocations.map(({ placement, invocation }): ObservedSpoke => {
      const key = placementKey(placement);
      return {
        placement,
        invocation,
        terminateCalls: calls.get(key) ?? [],
        ended: sandbox
          .emulatorAt(placement)
          .listConnections()
          .filter((connection) => connection.status !== ConnectionStatus.ACTIVE)
          .map((connection) => connection.connectionId),
        auditTerminated: audit.terminated.get(key) ?? [],
        summaries: audit.summaries.get(key) ?? [],
      };
    });
    return {
      spokes,
      dynamodbThrottles: Object.fromEntries(
        Object.entries(counters).map(([action, counter]) => [action, counter.throttled]),
      ),
      dynamodbCalls: Object.fromEntries(Object.entries(counters).map(([action, counter]) => [action, counter.calls])),
      observedMs,
      wallMs,
      setupWallMs,
      ...(command.fault === undefined || appliedAtMs === undefined ? {} : { fault: { ...command.fault, appliedAtMs } }),
    };
  } finally {
    await sandbox.stop();
  }
}

/** A line on stderr: a pass takes minutes. */
function progress(line: string): void {
  process.stderr.write(`  organization pass: ${line}\n`);
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(0);
}

/** Every spoke's connections, active, established an hour before the start. */
function addConnections(sandbox: Sandbox, organization: GeneratedOrganization): void {
  const establishedAt = new Date(sandbox.clock.nowMs() - ESTABLISHED_BEFORE_MS);
  for (const spoke of organization.spokes) {
    const emulator = sandbox.emulatorAt(spoke.placement);
    for (const connection of spoke.connections)
      emulator.addConnection({
        endpointId: connection.endpoint,
        connectionId: connection.id,
        username: connection.username,
        establishedAt,
        profile: 'active',
      });
  }
}

/** The installation has exactly the generated spokes. */
function checkInstalled(organization: GeneratedOrganization, installed: InstalledOrganization): void {
  const expected = organization.spokes.map((spoke) => placementKey(spoke.placement)).sort();
  const actual = installed.spokes.map((spoke) => placementKey(spoke.placement)).sort();
  if (expected.join(' ') !== actual.join(' '))
    throw new Error(
      `organization pass: the installation has spokes ${actual.join(', ')}; the scenario has ${expected.join(', ')}`,
    );
}

/** One spoke's tick; never throws. */
async function invoke(
  sandbox: Sandbox,
  installed: InstalledOrganization,
  placement: Placement,
  originMs: number,
): Promise<ObservedInvocation> {
  try {
    const report = await installed.invokeSpoke(placement);
    return { returnedAtMs: sandbox.clock.nowMs() - originMs, runId: report.runId, status: report.status };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    progress(
      `${placementKey(placement)}: its invocation failed at ${seconds(sandbox.clock.nowMs() - originMs)} simulated s: ${message}`,
    );
    return { returnedAtMs: sandbox.clock.nowMs() - originMs, error: message };
  }
}

/** Applies the fault at its time; resolves with when it was applied (simulated ms after the start). */
async function applyAt(sandbox: Sandbox, fault: OrganizationFault, originMs: number): Promise<number> {
  await sandbox.clock.waitUntil(originMs + fault.atMs);
  const { accountId, region } = fault.placement;
  const role = spokeRoleName(defaultValue(Setting.STACK_NAME), SpokeRole.ENFORCER, region);
  if (!sandbox.deleteRole(accountId, role))
    throw new Error(
      `organization fault: account ${accountId} has no role ${role} to delete; the installation named it otherwise`,
    );
  return sandbox.clock.nowMs() - originMs;
}

/** The hub's audit table: `terminated` decisions and run summaries, by the spoke (account and Region) that wrote them. */
async function readAudit(
  sandbox: Sandbox,
  tableArn: string,
): Promise<{ terminated: Map<string, string[]>; summaries: Map<string, ObservedSummary[]> }> {
  const client = new DynamoDBClient({ ...sandbox.clientConfig(), maxAttempts: 10 });
  const terminated = new Map<string, string[]>();
  const summaries = new Map<string, ObservedSummary[]>();
  const push = <T>(map: Map<string, T[]>, key: string, value: T) => map.set(key, [...(map.get(key) ?? []), value]);
  try {
    for await (const page of paginateScan({ client }, { TableName: tableArn })) {
      for (const item of page.Items ?? []) {
        const accountId = item.accountId?.S;
        const region = item.region?.S;
        if (accountId === undefined || region === undefined) continue;
        const key = placementKey({ accountId, region });
        if (item.recordType?.S === AuditRecordType.DECISION && item.outcome?.S === Outcome.TERMINATED)
          push(terminated, key, item.connectionId?.S ?? '');
        if (item.recordType?.S === AuditRecordType.SUMMARY)
          push(summaries, key, {
            runId: item.runId?.S ?? '',
            status: item.status?.S ?? 'unknown',
            durationMs: Number(item.durationMs?.N ?? 0),
            terminateCalls: Number(item.terminateCalls?.N ?? 0),
            throttledCalls: Number(item.throttledCalls?.N ?? 0),
          });
      }
    }
  } finally {
    client.destroy();
  }
  return { terminated, summaries };
}

process.once('message', (command: OrganizationCommand) => {
  const send = (event: OrganizationEvent) => process.send?.(event, undefined, undefined, () => process.exit(0));
  observe(command).then(
    (observation) => send({ type: 'observed', observation }),
    (error: unknown) =>
      send({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
