import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Template } from 'aws-cdk-lib/assertions';
import { Match } from 'aws-cdk-lib/assertions';
import { AUDIT_TABLE, POLICIES_TABLE, STATE_TABLE, TABLES, type TableDefinition } from '../../lambda/tables.js';
import { synthTemplate } from './stack-factory.js';

const keySchema = (definition: Pick<TableDefinition, 'partitionKey' | 'sortKey'>) => [
  { AttributeName: definition.partitionKey.name, KeyType: 'HASH' },
  ...(definition.sortKey ? [{ AttributeName: definition.sortKey.name, KeyType: 'RANGE' }] : []),
];

describe('Tables', () => {
  let template: Template;
  beforeAll(() => {
    template = synthTemplate();
  });

  it('Compliance 1: keeps exactly the three tables under their stable logical ids', () => {
    expect(Object.keys(template.findResources('AWS::DynamoDB::Table')).sort()).toEqual([
      'AuditTable',
      'PoliciesTable',
      'StateTable',
    ]);
  });

  it.each(TABLES.map((definition): [string, TableDefinition] => [definition.logicalId, definition]))(
    'Compliance 2: %s has the keys, indexes and TTL of its shared definition',
    (logicalId, definition) => {
      const table = template.toJSON().Resources[logicalId];

      expect(table.Properties.KeySchema).toEqual(keySchema(definition));
      expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
      const indexes = (table.Properties.GlobalSecondaryIndexes ?? []) as {
        IndexName: string;
        KeySchema: unknown;
        Projection: unknown;
      }[];
      expect(indexes.map((index) => index.IndexName)).toEqual(definition.indexes.map((index) => index.indexName));
      for (const [position, index] of definition.indexes.entries()) {
        expect(indexes[position]).toEqual({
          IndexName: index.indexName,
          KeySchema: keySchema(index),
          Projection: { ProjectionType: 'ALL' },
        });
      }
      if (definition.ttlAttribute) {
        expect(table.Properties.TimeToLiveSpecification).toEqual({
          AttributeName: definition.ttlAttribute,
          Enabled: true,
        });
      } else {
        expect(table.Properties.TimeToLiveSpecification).toBeUndefined();
      }
    },
  );

  it('Compliance 4: only the policies table has a stream, carrying both images of each change', () => {
    const streams = Object.fromEntries(
      Object.entries(template.findResources('AWS::DynamoDB::Table')).map(([id, table]) => [
        id,
        table.Properties.StreamSpecification,
      ]),
    );

    expect(streams).toEqual({
      AuditTable: undefined,
      PoliciesTable: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      StateTable: undefined,
    });
  });

  it('Compliance 3: the audit table has TTL `ttl` and every index the audit log reads', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      GlobalSecondaryIndexes: ['byTime', 'byIdentity', 'byEndpoint', 'byPolicy', 'pending', 'byAccount'].map(
        (IndexName) => Match.objectLike({ IndexName }),
      ),
    });
    expect(AUDIT_TABLE.ttlAttribute).toBe('ttl');
  });

  it.each([POLICIES_TABLE.logicalId, AUDIT_TABLE.logicalId])(
    'Compliance 4: %s has point-in-time recovery, deletion protection, encryption, and is retained',
    (logicalId) => {
      expect(template.toJSON().Resources[logicalId]).toMatchObject({
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          DeletionProtectionEnabled: true,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          // Encrypted with the AWS managed key (aws/dynamodb): SSE on, no customer key.
          SSESpecification: { SSEEnabled: true },
        },
      });
      expect(template.toJSON().Resources[logicalId].Properties.SSESpecification.KMSMasterKeyId).toBeUndefined();
    },
  );

  it('Compliance 5: the state table expires items by `ttl` and goes with the stack', () => {
    expect(template.toJSON().Resources[STATE_TABLE.logicalId]).toMatchObject({
      DeletionPolicy: 'Delete',
      Properties: {
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
        SSESpecification: { SSEEnabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false },
      },
    });
  });

  it('Compliance 6: tableRemovalPolicy=destroy deletes the policies and audit tables with the stack, so deletion protection is off', () => {
    const destroyed = synthTemplate({ tableRemovalPolicy: 'destroy' }).toJSON().Resources;

    for (const logicalId of [POLICIES_TABLE.logicalId, AUDIT_TABLE.logicalId]) {
      expect(destroyed[logicalId]).toMatchObject({
        DeletionPolicy: 'Delete',
        Properties: {
          DeletionProtectionEnabled: false,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        },
      });
    }
  });
});
