import { describe, expect, it } from '@jest/globals';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoChangeSignal } from '../../lambda/adapters/DynamoChangeSignal.js';
import { LambdaContinuationStarter } from '../../lambda/adapters/LambdaContinuationStarter.js';
import { createAwsClients } from '../../lambda/clients.js';
import { loadEnforcerConfig } from '../../lambda/config.js';
import { EnvVar } from '../../lambda/environment.js';
import { createRuntime } from '../../lambda/runtime.js';

describe('createRuntime', () => {
  it('wires the change signal to the state table and continuations to the Lambda client', () => {
    // Arrange
    const config = loadEnforcerConfig({
      [EnvVar.POLICIES_TABLE]: 'p',
      [EnvVar.AUDIT_TABLE]: 'a',
      [EnvVar.STATE_TABLE]: 's',
    });

    // Act
    const { ports } = createRuntime(config, createAwsClients({ region: 'us-east-1' }));

    // Assert
    expect(ports.changes).toBeInstanceOf(DynamoChangeSignal);
    expect(ports.continuations).toBeInstanceOf(LambdaContinuationStarter);
    expect(config.maxContinuations).toBe(12);
  });
});

describe('createRuntime in a spoke', () => {
  const HUB = 'eu-west-1';
  const SPOKE_ENV = {
    [EnvVar.POLICIES_TABLE]: `arn:aws:dynamodb:${HUB}:111122223333:table/cvpn-guard-policies`,
    [EnvVar.AUDIT_TABLE]: `arn:aws:dynamodb:${HUB}:111122223333:table/cvpn-guard-audit`,
    [EnvVar.STATE_TABLE]: 'cvpn-guard-state',
    [EnvVar.HUB_REGION]: HUB,
    [EnvVar.ACCOUNT_ID]: '222233334444',
    AWS_REGION: 'eu-central-1',
  };

  it("reads the hub's policies through the hub's Region, by ARN, and announces the spoke there", async () => {
    // Arrange
    const dynamodbMock = mockClient(DynamoDBClient);
    const documentsMock = mockClient(DynamoDBDocumentClient);
    dynamodbMock.on(ScanCommand).resolves({ Items: [] });
    documentsMock.on(PutCommand).resolves({});
    const config = loadEnforcerConfig(SPOKE_ENV);
    const clients = createAwsClients({ region: 'eu-central-1' }, { hubRegion: config.hubRegion });

    try {
      // Act
      const runtime = createRuntime(config, clients);
      await runtime.ports.policies.loadAll();
      await runtime.spokes?.announce({
        accountId: '222233334444',
        region: 'eu-central-1',
        at: '2026-11-26T10:00:00.000Z',
        runId: '222233334444.eu-central-1/run-2026-11-26T10:00:00Z',
        status: 'completed',
        functionArn: 'arn:aws:lambda:eu-central-1:222233334444:function:cvpn-guard-enforcer',
      });

      // Assert
      const [scan] = dynamodbMock.commandCalls(ScanCommand);
      expect(scan?.args[0].input.TableName).toBe(SPOKE_ENV[EnvVar.POLICIES_TABLE]);
      expect(await (scan?.thisValue as DynamoDBClient).config.region()).toBe(HUB);
      expect(documentsMock.commandCalls(PutCommand)[0]?.args[0].input.TableName).toBe(SPOKE_ENV[EnvVar.AUDIT_TABLE]);
    } finally {
      dynamodbMock.restore();
      documentsMock.restore();
    }
  });

  it('announces nothing in a single deployment', () => {
    const config = loadEnforcerConfig({
      [EnvVar.POLICIES_TABLE]: 'p',
      [EnvVar.AUDIT_TABLE]: 'a',
      [EnvVar.STATE_TABLE]: 's',
    });
    expect(createRuntime(config, createAwsClients({ region: 'us-east-1' })).spokes).toBeUndefined();
  });
});
