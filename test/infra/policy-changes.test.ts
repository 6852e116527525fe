import { beforeAll, describe, expect, it } from '@jest/globals';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { logicalId, synthTemplate } from './stack-factory.js';

describe('PolicyChanges', () => {
  let template: Template;
  let queueId: string;
  beforeAll(() => {
    template = synthTemplate();
    queueId = logicalId(template, 'AWS::SQS::Queue', 'PolicyChangesFailureQueue');
  });

  describe('event source mapping', () => {
    it('Compliance 1: reads new changes of the policies stream into the enforcer, in batches of up to 100 within 1 s', () => {
      template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': ['PoliciesTable', 'StreamArn'] },
        FunctionName: { Ref: logicalId(template, 'AWS::Lambda::Function', 'EnforcerFunction') },
        StartingPosition: 'LATEST',
        BatchSize: 1000,
        MaximumBatchingWindowInSeconds: 1,
      });
    });

    it('Compliance 2: gives up on a failing batch after bounded retries, bisecting it, one batch per shard at a time', () => {
      const mapping = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'))[0]?.Properties;

      expect(mapping).toMatchObject({
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 10,
        MaximumRecordAgeInSeconds: 3600,
        ParallelizationFactor: 1,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
      });
      // A run decides on every row at once: there is no single failed item to report.
      expect(mapping?.FunctionResponseTypes).toBeUndefined();
    });

    it('Noncompliance 1: the values stay inside what Lambda accepts for a DynamoDB stream', () => {
      const mapping = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'))[0]?.Properties;

      expect(mapping.MaximumBatchingWindowInSeconds).toBeLessThanOrEqual(300);
      expect(mapping.MaximumRetryAttempts).toBeGreaterThanOrEqual(0);
      expect(mapping.MaximumRetryAttempts).toBeLessThanOrEqual(10_000);
      expect(mapping.MaximumRecordAgeInSeconds).toBeGreaterThanOrEqual(60);
      expect(mapping.MaximumRecordAgeInSeconds).toBeLessThanOrEqual(604_800);
      expect(mapping.BatchSize).toBeLessThanOrEqual(10_000);
      expect(mapping.ParallelizationFactor).toBeLessThanOrEqual(10);
    });
  });

  describe('failure queue', () => {
    it('Compliance 1: is encrypted with the customer managed key, requires TLS and keeps messages 14 days', () => {
      expect(template.toJSON().Resources[queueId].Properties).toMatchObject({
        KmsMasterKeyId: { 'Fn::GetAtt': [logicalId(template, 'AWS::KMS::Key', 'NotificationsKey'), 'Arn'] },
        MessageRetentionPeriod: 14 * 24 * 3600,
      });
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queueId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    });

    it("Compliance 2: the enforcer's role may encrypt for it (the mapping sends with that role)", () => {
      const keyId = logicalId(template, 'AWS::KMS::Key', 'NotificationsKey');
      const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
        (policy) =>
          policy.Properties.PolicyDocument.Statement as { Sid?: string; Action: unknown; Resource: unknown }[],
      );

      expect(statements.find((statement) => statement.Sid === 'EncryptMessages')).toMatchObject({
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: { 'Fn::GetAtt': [keyId, 'Arn'] },
      });
    });
  });
});
