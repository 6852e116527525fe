/**
 * The hub's relay on the sandbox (one account): spokes' heartbeats in the audit table, spoke "enforcers" registered
 * under spoke names, the relay fed by an event source mapping from the policies table's stream. A row written to the
 * table wakes each spoke it selects once; a spoke whose enforcer is not there is named; a batch Lambda delivers again
 * wakes them again with the same run id.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { DynamoSpokeDirectory } from '../../../lambda/adapters/DynamoSpokeDirectory.js';
import { type AwsClients, createAwsClients } from '../../../lambda/clients.js';
import { EnvVar } from '../../../lambda/environment.js';
import { loadRelayConfig } from '../../../lambda/hub/hub-config.js';
import type { RelayResult } from '../../../lambda/hub/relay-change.js';
import { createRelayHandler, createRelayRuntime } from '../../../lambda/relay-handler.js';
import { hubRelayName, spokeEnforcerName } from '../../../lambda/settings/index.js';
import type { RelayedChangeEvent } from '../../../lambda/ports/index.js';
import { type EventSourceMapping, type Sandbox, startSandbox } from '../../../local/index.js';

const T0 = '2026-11-26T10:00:00.000Z';
const RELAY = hubRelayName('hub');
/** Three spokes; in one sandbox account each spoke's enforcer gets a name of its own. */
const SPOKES = [
  { accountId: '111111111111', region: 'eu-west-1', name: spokeEnforcerName('spoke-a') },
  { accountId: '111111111111', region: 'us-east-1', name: spokeEnforcerName('spoke-b') },
  { accountId: '222222222222', region: 'eu-west-1', name: spokeEnforcerName('spoke-c') },
];
const REGISTERED = SPOKES.slice(0, 2);
const MISSING = SPOKES[2];
const revoking = (policyId: string, extra: Record<string, unknown> = {}) => ({
  policyId,
  kind: 'revoked-user',
  mode: 'enforce',
  endpoints: ['*'],
  usernames: ['mallory'],
  reason: 'left',
  ...extra,
});

describe('the relay on the sandbox', () => {
  let sandbox: Sandbox;
  let clients: AwsClients;
  let mapping: EventSourceMapping;
  let answers: RelayResult[];
  let woken: Map<string, RelayedChangeEvent[]>;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, clock: { start: T0, frozen: true } });
    clients = createAwsClients({ ...sandbox.clientConfig(), maxAttempts: 1 });
    const metrics = new Metrics({ namespace: 'Test', serviceName: 'test' });
    jest.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => metrics);
    const config = loadRelayConfig({
      [EnvVar.POLICIES_TABLE]: sandbox.tables.policies,
      [EnvVar.AUDIT_TABLE]: sandbox.tables.audit,
      [EnvVar.TOPIC_ARN]: sandbox.topicArn,
    });
    const relay = createRelayHandler(() => createRelayRuntime(config, { ...sandbox.clientConfig(), maxAttempts: 1 }), {
      logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
      metrics,
    });
    sandbox.lambda.register(RELAY, async (event: unknown, context: Context) => {
      const answer = await relay(event, context);
      answers.push(answer);
      return answer;
    });
    mapping = sandbox.lambda.createEventSourceMapping({ functionName: RELAY, streamArn: sandbox.policyStream.arn });
  });

  beforeEach(async () => {
    await sandbox.reset();
    answers = [];
    woken = new Map();
    for (const spoke of REGISTERED) {
      sandbox.lambda.register(spoke.name, (event: RelayedChangeEvent) => {
        woken.set(spoke.name, [...(woken.get(spoke.name) ?? []), event]);
      });
    }
    const directory = new DynamoSpokeDirectory(clients.documents, sandbox.tables.audit, 30);
    for (const spoke of SPOKES) {
      await directory.announce({
        accountId: spoke.accountId,
        region: spoke.region,
        at: T0,
        runId: `${spoke.accountId}.${spoke.region}/run-2026-11-26T10:00:00Z`,
        status: 'completed',
        functionArn: sandbox.lambda.arn(spoke.name),
      });
    }
  });

  afterAll(async () => {
    clients?.dynamodb.destroy();
    await sandbox?.stop();
  });

  const write = async (item: Record<string, unknown>) => {
    await clients.documents.send(new PutCommand({ TableName: sandbox.tables.policies, Item: item }));
    await sandbox.lambda.settled();
  };

  it('wakes each registered spoke once and names the one whose enforcer is not there', async () => {
    // Act
    await write(revoking('offboarded'));

    // Assert
    expect(answers).toHaveLength(1);
    const [answer] = answers;
    expect(answer).toMatchObject({
      status: 'relayed',
      spokes: 3,
      failed: [{ accountId: MISSING?.accountId, region: MISSING?.region, error: 'ResourceNotFoundException' }],
    });
    const expected = { change: { runId: answer?.runId, policyIds: ['offboarded'], from: sandbox.lambda.arn(RELAY) } };
    expect(Object.fromEntries(woken)).toEqual(Object.fromEntries(REGISTERED.map((spoke) => [spoke.name, [expected]])));
    expect(answer?.runId).toMatch(/^change-[0-9a-f]{16}$/);
    expect(sandbox.sns.messages.map((message) => message.message)).toEqual([
      expect.stringContaining(`${MISSING?.accountId}/${MISSING?.region}: relay: ResourceNotFoundException`),
    ]);
  });

  it('wakes only the spokes a row selects', async () => {
    // Act
    await write(revoking('in-us', { regions: ['us-east-1'] }));

    // Assert
    expect([...woken.keys()]).toEqual([SPOKES[1]?.name]);
    expect(answers[0]).toMatchObject({ spokes: 1, failed: [] });
  });

  it('wakes no spoke for a change that ends no session', async () => {
    // Act
    await write(revoking('watching', { mode: 'observe' }));

    // Assert
    expect(answers).toEqual([expect.objectContaining({ status: 'ignored', spokes: 0 })]);
    expect(woken.size).toBe(0);
  });

  it('wakes the spokes again with the same run id when Lambda delivers the batch again', async () => {
    // Arrange
    mapping.setRedeliver(1);

    // Act
    await write(revoking('twice'));
    mapping.setRedeliver(0);

    // Assert
    expect(answers).toHaveLength(2);
    expect(answers[1]?.runId).toBe(answers[0]?.runId);
    for (const spoke of REGISTERED)
      expect(woken.get(spoke.name)?.map((event) => event.change.runId)).toEqual([answers[0]?.runId, answers[0]?.runId]);
  });
});
