import { describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { loadEnforcerConfig } from '../../lambda/config.js';
import { EnvVar } from '../../lambda/environment.js';
import { EnforcerEventError } from '../../lambda/errors.js';
import { createHandler } from '../../lambda/handler.js';
import { HEARTBEAT_FAILED_METRIC } from '../../lambda/metrics.js';
import type { SpokeDirectory, SpokeEntry } from '../../lambda/ports/index.js';
import { isRunResult, type RunResult } from '../../lambda/run/run-result.js';
import type { EnforcerRuntime } from '../../lambda/runtime.js';
import { aConnection, ENDPOINT_A } from '../support/fixtures.js';
import { memoryPorts } from '../support/MemoryPorts.js';

const SPOKE_ACCOUNT = '222233334444';
const SPOKE_REGION = 'eu-central-1';
const HUB_REGION = 'eu-west-1';
const FUNCTION_ARN = `arn:aws:lambda:${SPOKE_REGION}:${SPOKE_ACCOUNT}:function:cvpn-guard-enforcer`;
const CONTEXT = {
  getRemainingTimeInMillis: () => 200_000,
  functionName: 'cvpn-guard-enforcer',
  awsRequestId: 'req',
  invokedFunctionArn: `${FUNCTION_ARN}:live`,
} as unknown as Context;
const RELAY_ARN = `arn:aws:lambda:${HUB_REGION}:111122223333:function:cvpn-guard-relay`;
const REVOKED = {
  policyId: 'offboarded',
  kind: 'revoked-user',
  mode: 'enforce',
  endpoints: ['*'],
  usernames: ['mallory'],
  reason: 'left',
};

/** The environment of a spoke's enforcer: the hub's tables and topic by ARN, in the hub's Region. */
const SPOKE_ENV = {
  [EnvVar.POLICIES_TABLE]: `arn:aws:dynamodb:${HUB_REGION}:111122223333:table/cvpn-guard-policies`,
  [EnvVar.AUDIT_TABLE]: `arn:aws:dynamodb:${HUB_REGION}:111122223333:table/cvpn-guard-audit`,
  [EnvVar.STATE_TABLE]: 'cvpn-guard-state',
  [EnvVar.TOPIC_ARN]: `arn:aws:sns:${HUB_REGION}:111122223333:cvpn-guard`,
  [EnvVar.CONNECT_HANDLER_FUNCTION]: 'AWSClientVPN-cvpn-guard',
  [EnvVar.HUB_REGION]: HUB_REGION,
  [EnvVar.ACCOUNT_ID]: SPOKE_ACCOUNT,
  AWS_REGION: SPOKE_REGION,
};

/** The hub's directory in memory; `fail` makes every announce reject. */
class MemorySpokes implements Pick<SpokeDirectory, 'announce'> {
  public readonly entries: SpokeEntry[] = [];
  public fail = false;
  public async announce(entry: SpokeEntry): Promise<void> {
    if (this.fail) throw new Error('AccessDeniedException: not allowed by the resource-based policy');
    this.entries.push(entry);
  }
}

function setup(env: Record<string, string> = SPOKE_ENV) {
  const ports = memoryPorts(
    [{ endpointId: ENDPOINT_A, tags: {} }],
    [aConnection({ connectionId: 'cvpn-connection-1', username: 'mallory' })],
    [REVOKED],
  );
  const config = loadEnforcerConfig(env);
  const spokes = new MemorySpokes();
  const runtime: EnforcerRuntime = { config, ports, ...(config.hubRegion === undefined ? {} : { spokes }) };
  const metrics = new Metrics({ namespace: 'Test', serviceName: 'test' });
  const added: Array<[string, number]> = [];
  jest.spyOn(metrics, 'addMetric').mockImplementation((name, _unit, value) => {
    added.push([name, value]);
    return metrics;
  });
  jest.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => metrics);
  jest
    .spyOn(metrics, 'singleMetric')
    .mockImplementation(() => ({ addDimensions: () => undefined, addMetric: () => undefined }) as unknown as Metrics);
  const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
  const handler = createHandler(() => runtime, { logger, metrics });
  const run = async (event: unknown, context: Context = CONTEXT): Promise<RunResult> => {
    const result = await handler(event, context);
    if (!isRunResult(result)) throw new Error(`expected a run, got ${JSON.stringify(result)}`);
    return result;
  };
  return { ports, spokes, handler, run, added };
}

const placed = (runId: string) => `${SPOKE_ACCOUNT}.${SPOKE_REGION}/${runId}`;
const relayed = (runId = 'change-0123456789abcdef') => ({
  change: { runId, policyIds: ['offboarded'], from: RELAY_ARN },
});

describe('handler in a spoke', () => {
  it("places a scheduled run's id and a manual run's id under the spoke's account and Region", async () => {
    const { run } = setup();
    expect((await run({ scheduledTime: '2026-11-26T10:05:00Z', source: 'schedule' })).runId).toBe(
      placed('run-2026-11-26T10:05:00Z'),
    );
    expect((await run({ dryRun: true })).runId).toMatch(new RegExp(`^${SPOKE_ACCOUNT}\\.${SPOKE_REGION}/manual-`));
  });

  it('keeps the run ids of a single deployment as they were, its account known', async () => {
    const { run, spokes } = setup({
      [EnvVar.POLICIES_TABLE]: 'p',
      [EnvVar.AUDIT_TABLE]: 'a',
      [EnvVar.STATE_TABLE]: 's',
      [EnvVar.ACCOUNT_ID]: SPOKE_ACCOUNT,
      AWS_REGION: SPOKE_REGION,
    });
    expect((await run({ scheduledTime: '2026-11-26T10:05:00Z' })).runId).toBe('run-2026-11-26T10:05:00Z');
    expect(spokes.entries).toEqual([]);
  });

  it('hands on to a continuation whose root and own id are placed', async () => {
    // Arrange: a change noted while the run reads the policies makes it hand on.
    const { run, ports } = setup();
    const load = ports.policies.loadAll.bind(ports.policies);
    ports.policies.loadAll = async () => {
      await ports.changes.note(ports.clock.now());
      return load();
    };

    // Act
    const first = await run({ scheduledTime: '2026-11-26T10:05:00Z' });
    ports.policies.loadAll = load;
    const event = ports.continuations.next();
    const second = await run(event);

    // Assert
    expect(event).toEqual({
      continuation: { of: placed('run-2026-11-26T10:05:00Z'), generation: 1, reason: 'policy-changed' },
    });
    expect(first.handedOn?.runId).toBe(placed('run-2026-11-26T10:05:00Z+c1'));
    expect(second.runId).toBe(placed('run-2026-11-26T10:05:00Z+c1'));
    expect(second.trigger).toBe('continuation');
  });

  it('runs a relayed change as a placed change run, noting the change signal first', async () => {
    const { run, ports } = setup();
    const report = await run(relayed());
    expect(report.runId).toBe(placed('change-0123456789abcdef'));
    expect(report.trigger).toBe('change');
    expect(report.counts.terminated).toBe(1);
    expect(ports.changes.notes).toHaveLength(1);
  });

  it('does a relayed change delivered twice once: the second is already done', async () => {
    const { run, ports } = setup();
    await run(relayed());
    const again = await run(relayed());
    expect(again.status).toBe('already-done');
    expect(ports.gateway.calls).toHaveLength(1);
  });

  it('runs a relayed change as its plain run id in a single deployment', async () => {
    const { run } = setup({ [EnvVar.POLICIES_TABLE]: 'p', [EnvVar.AUDIT_TABLE]: 'a', [EnvVar.STATE_TABLE]: 's' });
    expect((await run(relayed())).runId).toBe('change-0123456789abcdef');
  });

  it.each([
    [{ change: { runId: 'change-xyz', policyIds: ['a'], from: RELAY_ARN } }, 'change.runId'],
    [{ change: { runId: 'run-2026-11-26T10:05:00Z', policyIds: ['a'], from: RELAY_ARN } }, 'change.runId'],
    [{ change: { runId: 'change-0123456789abcdef', policyIds: 'a', from: RELAY_ARN } }, 'change.policyIds'],
    [{ change: { runId: 'change-0123456789abcdef', policyIds: [1], from: RELAY_ARN } }, 'change.policyIds.0'],
    [{ change: { runId: 'change-0123456789abcdef', policyIds: ['a'], from: 'relay' } }, 'change.from'],
    [{ change: { runId: 'change-0123456789abcdef', policyIds: ['a'] } }, 'change.from'],
    [{ change: { ...relayed().change, extra: true } }, 'extra'],
  ])('refuses the malformed relayed change %j naming %s, touching nothing', async (event, named) => {
    const { handler, ports, spokes } = setup();
    const error = await handler(event, CONTEXT).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EnforcerEventError);
    expect((error as Error).message).toContain(named);
    expect(ports.changes.notes).toEqual([]);
    expect(ports.gateway.calls).toEqual([]);
    expect(await ports.audit.getRun(placed('change-0123456789abcdef'))).toEqual({ records: [] });
    expect(spokes.entries).toEqual([]);
  });

  it("announces the spoke after a run: its unqualified function ARN, the gate's ARN, its state table", async () => {
    const { run, spokes, added } = setup();
    const report = await run({ scheduledTime: '2026-11-26T10:05:00Z' });
    expect(spokes.entries).toEqual([
      {
        accountId: SPOKE_ACCOUNT,
        region: SPOKE_REGION,
        at: new Date(report.startedAt).toISOString(),
        runId: placed('run-2026-11-26T10:05:00Z'),
        status: 'completed',
        functionArn: FUNCTION_ARN,
        gateFunctionArn: `arn:aws:lambda:${SPOKE_REGION}:${SPOKE_ACCOUNT}:function:AWSClientVPN-cvpn-guard`,
        stateTable: 'cvpn-guard-state',
      },
    ]);
    expect(added).toContainEqual([HEARTBEAT_FAILED_METRIC, 0]);
  });

  it('announces nothing after a run that found the lease held or its run already done', async () => {
    // Arrange
    const { run, ports, spokes } = setup();
    await run({ scheduledTime: '2026-11-26T10:05:00Z' });
    spokes.entries.length = 0;
    await ports.lease.acquire('other', ports.clock.now(), new Date(ports.clock.now().getTime() + 60_000), 'x');

    // Act
    const skipped = await run({ scheduledTime: '2026-11-26T10:10:00Z' });
    await ports.lease.release('other');
    const done = await run({ scheduledTime: '2026-11-26T10:05:00Z' });

    // Assert
    expect([skipped.status, done.status]).toEqual(['skipped', 'already-done']);
    expect(spokes.entries).toEqual([]);
  });

  it('counts a heartbeat that cannot be written and keeps the run as it ended', async () => {
    const { run, spokes, added } = setup();
    spokes.fail = true;
    const report = await run({ scheduledTime: '2026-11-26T10:05:00Z' });
    expect(report.status).toBe('completed');
    expect(report.counts.terminated).toBe(1);
    expect(added).toContainEqual([HEARTBEAT_FAILED_METRIC, 1]);
  });

  it("names the spoke in its digest's subject and first line", async () => {
    const { run, ports } = setup();
    await run({ scheduledTime: '2026-11-26T10:05:00Z' });
    const [digest] = ports.notifier.digests;
    expect(digest?.subject).toMatch(new RegExp(`^cvpn-guard ${SPOKE_ACCOUNT}/${SPOKE_REGION}: 1 terminated`));
    expect(digest?.message.split('\n')[0]).toContain(
      `run ${placed('run-2026-11-26T10:05:00Z')} in ${SPOKE_ACCOUNT}/${SPOKE_REGION}:`,
    );
  });
});
