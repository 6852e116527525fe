/**
 * The revocation scenario in a process of its own: a fresh sandbox with EC2's latency and throttling, the product
 * installed as the stack wires it (the gate, the enforcer on its schedule, the policies table's stream mapped to
 * it), then each revocation written with PutItem at its time on the simulated clock, as `cvpn-guard revoke` or
 * the console would. The enforcer runs in this process because the sandbox's Lambda runs the functions registered
 * in its own process. Every TerminateClientVpnConnections call EC2 takes is recorded with the connections it moved
 * to `terminating`; the run summaries are read from the audit table at the end (not timed).
 * Started by bench/revoke-run.ts with `node --import tsx`.
 */
import { DynamoDBClient, paginateScan, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { ConnectionStatus } from '../lambda/domain/constants.js';
import { AuditRecordType } from '../lambda/ports/index.js';
import { type Sandbox, startSandbox } from '../local/index.js';
import { installProduct } from '../cli/sandbox/product.js';
import type { ObservedRun, ObservedWrite, RevokeCommand, RevokeEvent, RevokeObservation } from './revoke-protocol.js';
import { FULL_REVOKE, generateRevokeScenario, type Revocation } from './revoke-scenario.js';
import { recordTerminateCalls } from './revoke-terminate-calls.js';
import { STORM_START } from './storm-scenario.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** After the last write, how long the process waits for the last user's connections to end: one schedule period and a minute. */
const SETTLE_AFTER_LAST_MS = FULL_REVOKE.schedulePeriodMs + 60_000;
/** How often the process looks whether every revoked connection has ended, simulated ms. */
const POLL_MS = 1000;

/** Writes each revocation at its time, without waiting for the writes before it. */
async function play(
  sandbox: Sandbox,
  client: DynamoDBClient,
  revocations: readonly Revocation[],
  originMs: number,
): Promise<ObservedWrite[]> {
  const writes: Promise<ObservedWrite>[] = [];
  for (const revocation of revocations) {
    await sandbox.clock.waitUntil(originMs + revocation.atMs);
    writes.push(write(sandbox, client, revocation, originMs));
  }
  return Promise.all(writes);
}

async function write(
  sandbox: Sandbox,
  client: DynamoDBClient,
  revocation: Revocation,
  originMs: number,
): Promise<ObservedWrite> {
  const sentAtMs = sandbox.clock.nowMs() - originMs;
  await client.send(
    new PutItemCommand({
      TableName: sandbox.tables.policies,
      Item: marshall({ ...revocation.row, updatedAt: sandbox.clock.now().toISOString() }),
      ConditionExpression: 'attribute_not_exists(policyId)',
    }),
  );
  return {
    username: revocation.username,
    plannedAtMs: revocation.atMs,
    sentAtMs,
    acknowledgedAtMs: sandbox.clock.nowMs() - originMs,
  };
}

/** Waits until every revoked connection is terminating or terminated, or `untilMs` (absolute) has passed. */
async function waitForEnds(sandbox: Sandbox, revocations: readonly Revocation[], untilMs: number): Promise<void> {
  const revoked = new Set(revocations.flatMap((revocation) => revocation.connectionIds));
  while (sandbox.clock.nowMs() < untilMs) {
    const live = sandbox.emulator
      .listConnections()
      .some((connection) => revoked.has(connection.connectionId) && connection.status === ConnectionStatus.ACTIVE);
    if (!live) return;
    await sandbox.clock.waitUntil(Math.min(untilMs, sandbox.clock.nowMs() + POLL_MS));
  }
}

/** The run summaries of the audit table. */
async function runsOf(sandbox: Sandbox, client: DynamoDBClient, originMs: number): Promise<ObservedRun[]> {
  const runs: ObservedRun[] = [];
  for await (const page of paginateScan({ client }, { TableName: sandbox.tables.audit })) {
    for (const item of page.Items ?? []) {
      if (item.recordType?.S !== AuditRecordType.SUMMARY) continue;
      const handedOn = item.handedOn?.M?.reason?.S;
      runs.push({
        runId: item.runId?.S ?? '',
        trigger: item.trigger?.S ?? 'unknown',
        startedAtMs: Date.parse(item.at?.S ?? '') - originMs,
        finishedAtMs: Date.parse(item.finishedAt?.S ?? '') - originMs,
        terminateCalls: Number(item.terminateCalls?.N ?? 0),
        ...(handedOn === undefined ? {} : { handedOn }),
      });
    }
  }
  return runs.sort((a, b) => a.startedAtMs - b.startedAtMs);
}

async function observe(command: RevokeCommand): Promise<RevokeObservation> {
  const scenario = generateRevokeScenario(command.spec);
  const sandbox = await startSandbox({
    port: 0,
    scenario: { region: 'us-east-1', endpoints: scenario.endpoints.map((id) => ({ id })), policies: [] },
    clock: { start: STORM_START, speed: command.spec.speed, frozen: false },
    latency: [{ service: 'ec2', ms: command.ec2LatencyMs }],
    throttling: { enabled: true },
  });
  const client = new DynamoDBClient({ ...sandbox.clientConfig(), maxAttempts: 10 });
  try {
    for (const connection of scenario.connections) {
      sandbox.emulator.addConnection({
        endpointId: connection.endpoint,
        connectionId: connection.id,
        username: connection.username,
        establishedAt: new Date(sandbox.clock.nowMs() - 60 * 60_000),
        profile: 'active',
      });
    }
    const product = await installProduct(sandbox);
    if (product.schedule?.periodMs !== command.spec.schedulePeriodMs)
      throw new Error(
        `revoke scenario: it places revocations for a schedule every ${command.spec.schedulePeriodMs} ms, the product runs every ${product.schedule?.periodMs} ms; set the spec's schedulePeriodMs to the product's`,
      );
    const originMs = sandbox.clock.nowMs();
    const startedWall = performance.now();
    const terminateCalls = recordTerminateCalls(sandbox.emulator, originMs);
    const writes = await play(sandbox, client, scenario.revocations, originMs);
    await waitForEnds(sandbox, scenario.revocations, sandbox.clock.nowMs() + SETTLE_AFTER_LAST_MS);
    await sandbox.lambda.settled();
    const observedMs = sandbox.clock.nowMs() - originMs;
    const wallMs = performance.now() - startedWall;
    await product.stop();
    const finalStatus = Object.fromEntries(
      sandbox.emulator.listConnections().map((connection) => [connection.connectionId, connection.status as string]),
    );
    return {
      writes,
      terminateCalls,
      runs: await runsOf(sandbox, client, originMs),
      finalStatus,
      streamInvocations: product.streamMapping?.view().stats.invocations ?? 0,
      ticks: product.ticks().length,
      observedMs,
      wallMs,
    };
  } finally {
    client.destroy();
    await sandbox.stop();
  }
}

process.once('message', (command: RevokeCommand) => {
  const send = (event: RevokeEvent) => process.send?.(event, undefined, undefined, () => process.exit(0));
  observe(command).then(
    (observation) => send({ type: 'observed', observation }),
    (error: unknown) =>
      send({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
