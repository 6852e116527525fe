import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  DynamoConnectionFacts,
  FACT_RETENTION_SECONDS,
  factsPk,
} from '../../../lambda/adapters/DynamoConnectionFacts.js';
import { type AwsClients, createAwsClients } from '../../../lambda/clients.js';
import type { ConnectionFact } from '../../../lambda/ports/index.js';
import { type Sandbox, startSandbox } from '../../../local/index.js';
import { scanAll } from '../../support/sandbox-enforcer.js';

const T0 = '2026-11-26T10:00:00.000Z';
const A = 'cvpn-endpoint-0aaaaaaaaaaaaaaa1';
const B = 'cvpn-endpoint-0bbbbbbbbbbbbbbb2';

function fact(endpointId: string, connectionId: string, overrides: Partial<ConnectionFact> = {}): ConnectionFact {
  return {
    endpointId,
    connectionId,
    username: 'alice',
    commonName: 'alice-laptop',
    groups: ['staff', 'vendors'],
    platform: 'macos',
    platformVersion: '15.1',
    publicIp: '198.51.100.7',
    clientOpenVpnVersion: '2.6.12',
    admittedAt: new Date('2026-11-26T09:30:00.000Z'),
    ...overrides,
  };
}

describe('DynamoConnectionFacts', () => {
  let sandbox: Sandbox;
  let clients: AwsClients;
  let facts: DynamoConnectionFacts;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, clock: { start: T0, frozen: true } });
    clients = createAwsClients({ ...sandbox.clientConfig(), maxAttempts: 1 });
    facts = new DynamoConnectionFacts(clients.documents, sandbox.tables.state, sandbox.clock);
  });

  beforeEach(async () => {
    await sandbox.reset();
  });

  afterAll(async () => {
    clients?.dynamodb.destroy();
    await sandbox?.stop();
  });

  it('keeps a fact under CONN#<endpoint> and its connection id, expiring a day and an hour after admission', async () => {
    // Act
    await facts.put(fact(A, 'cvpn-connection-1'));

    // Assert
    expect(FACT_RETENTION_SECONDS).toBe(25 * 3600);
    expect(await scanAll(clients, sandbox.tables.state)).toEqual([
      {
        pk: `CONN#${A}`,
        sk: 'cvpn-connection-1',
        username: 'alice',
        commonName: 'alice-laptop',
        groups: ['staff', 'vendors'],
        platform: 'macos',
        platformVersion: '15.1',
        publicIp: '198.51.100.7',
        clientOpenVpnVersion: '2.6.12',
        admittedAt: '2026-11-26T09:30:00.000Z',
        ttl: Date.parse('2026-11-26T09:30:00.000Z') / 1000 + 25 * 3600,
      },
    ]);
  });

  it('reads back the facts of the endpoints asked for, by endpoint and connection id', async () => {
    // Arrange
    await facts.put(fact(A, 'cvpn-connection-1'));
    await facts.put(fact(A, 'cvpn-connection-2', { groups: undefined, username: undefined }));
    await facts.put(fact(B, 'cvpn-connection-3'));

    // Act
    const loaded = await facts.load([A]);

    // Assert
    expect([...loaded.keys()]).toEqual([A]);
    expect(loaded.get(A)?.get('cvpn-connection-1')).toEqual(fact(A, 'cvpn-connection-1'));
    expect(loaded.get(A)?.get('cvpn-connection-2')).toEqual(
      fact(A, 'cvpn-connection-2', { groups: undefined, username: undefined }),
    );
    expect(loaded.get(A)?.size).toBe(2);
  });

  it('reads an endpoint of many facts page after page of its one Query', async () => {
    // Arrange: large enough items to pass DynamoDB's 1 MB page.
    const groups = Array.from({ length: 40 }, (_, index) => `group-${index}-${'x'.repeat(200)}`);
    for (let index = 0; index < 150; index += 1) await facts.put(fact(A, `cvpn-connection-${index}`, { groups }));
    sandbox.counters.reset();

    // Act
    const loaded = await facts.load([A]);

    // Assert
    expect(loaded.get(A)?.size).toBe(150);
    expect(sandbox.counters.get('dynamodb', 'Query').calls).toBeGreaterThan(1);
  });

  it('leaves out an expired fact that DynamoDB has not removed yet, and an unreadable one', async () => {
    // Arrange
    await facts.put(fact(A, 'cvpn-connection-old', { admittedAt: new Date('2026-11-25T08:00:00.000Z') }));
    await clients.documents.send(
      new PutCommand({
        TableName: sandbox.tables.state,
        Item: { pk: factsPk(A), sk: 'cvpn-connection-bad', admittedAt: 'yesterday', ttl: 9_999_999_999 },
      }),
    );
    await facts.put(fact(A, 'cvpn-connection-new'));

    // Act
    const loaded = await facts.load([A]);

    // Assert
    expect([...(loaded.get(A)?.keys() ?? [])]).toEqual(['cvpn-connection-new']);
  });
});
