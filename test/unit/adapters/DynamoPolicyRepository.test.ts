import { beforeEach, describe, expect, it } from '@jest/globals';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoPolicyRepository } from '../../../lambda/adapters/DynamoPolicyRepository.js';

const HUB_TABLE = 'arn:aws:dynamodb:eu-west-1:111122223333:table/cvpn-guard-policies';
const HERE = { accountId: '222233334444', region: 'eu-central-1' };
const dynamodbMock = mockClient(DynamoDBClient);

const revoked = (policyId: string, placement: Record<string, unknown> = {}) => ({
  policyId,
  kind: 'revoked-user',
  mode: 'enforce',
  endpoints: ['*'],
  usernames: ['mallory'],
  reason: 'left the company',
  ...placement,
});

describe('DynamoPolicyRepository', () => {
  beforeEach(() => {
    dynamodbMock.reset();
    dynamodbMock.on(ScanCommand).resolves({
      Items: [
        revoked('everywhere'),
        revoked('this-account', { accounts: [HERE.accountId] }),
        revoked('other-account', { accounts: ['999988887777'] }),
        revoked('this-region', { regions: [HERE.region] }),
        revoked('other-region', { accounts: [HERE.accountId], regions: ['us-east-1'] }),
        revoked('broken', { accounts: ['not-an-account'] }),
      ].map((row) => marshall(row)),
    });
  });

  it('reads only the rows whose accounts and regions select its placement, naming the hub table by ARN', async () => {
    // Act
    const load = await new DynamoPolicyRepository(
      new DynamoDBClient({ region: 'eu-west-1' }),
      HUB_TABLE,
      HERE,
    ).loadAll();

    // Assert
    expect(load.rows.map((row) => row.policyId)).toEqual(['everywhere', 'this-account', 'this-region']);
    expect(dynamodbMock.commandCalls(ScanCommand)[0]?.args[0].input.TableName).toBe(HUB_TABLE);
  });

  it('still reports an invalid row wherever it is read: it cannot be placed', async () => {
    const load = await new DynamoPolicyRepository(
      new DynamoDBClient({ region: 'eu-west-1' }),
      HUB_TABLE,
      HERE,
    ).loadAll();
    expect(load.findings.map((finding) => finding.policyId)).toEqual(['broken']);
  });

  it('reads every valid row without a placement (a stack that does not know its account)', async () => {
    const load = await new DynamoPolicyRepository(new DynamoDBClient({ region: 'eu-west-1' }), HUB_TABLE).loadAll();
    expect(load.rows).toHaveLength(5);
  });
});
