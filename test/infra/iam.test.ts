import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Template } from 'aws-cdk-lib/assertions';
import {
  actionsOf,
  ENDPOINT_A,
  ENDPOINT_B,
  endpointArn,
  logicalId,
  references,
  resourcesOf,
  roleStatements,
  type Statement,
  statementsWith,
  synthTemplate,
} from './stack-factory.js';

const TERMINATE = 'ec2:TerminateClientVpnConnections';

describe('Enforcer IAM', () => {
  let template: Template;
  let statements: Statement[];
  beforeAll(() => {
    template = synthTemplate();
    statements = roleStatements(template, 'EnforcerFunctionRole');
  });

  describe('Client VPN', () => {
    it('Compliance 1: the two Describe actions, which allow no resource-level permission, are limited to the stack region', () => {
      const describe = statements.filter((statement) =>
        actionsOf(statement).some((action) => action.startsWith('ec2:Describe')),
      );

      expect(describe).toEqual([
        {
          Sid: 'DescribeClientVpn',
          Effect: 'Allow',
          Action: ['ec2:DescribeClientVpnConnections', 'ec2:DescribeClientVpnEndpoints'],
          Resource: '*',
          Condition: { StringEquals: { 'aws:RequestedRegion': { Ref: 'AWS::Region' } } },
        },
      ]);
    });

    it('Compliance 2: with endpoint ids, terminate is allowed on those endpoint ARNs only', () => {
      const terminate = statementsWith(
        roleStatements(synthTemplate({ endpointIds: [ENDPOINT_A, ENDPOINT_B] }), 'EnforcerFunctionRole'),
        TERMINATE,
      );

      expect(terminate).toEqual([
        {
          Sid: 'TerminateOnSelectedEndpoints',
          Effect: 'Allow',
          Action: TERMINATE,
          Resource: [endpointArn(ENDPOINT_A), endpointArn(ENDPOINT_B)],
        },
      ]);
    });

    it('Compliance 3: with an endpoint tag, terminate is allowed only on endpoints carrying the tag', () => {
      const terminate = statementsWith(
        roleStatements(synthTemplate({ endpointTag: 'cvpn-guard=enforce' }), 'EnforcerFunctionRole'),
        TERMINATE,
      );

      expect(terminate).toEqual([
        {
          Sid: 'TerminateOnTaggedEndpoints',
          Effect: 'Allow',
          Action: TERMINATE,
          Resource: endpointArn('*'),
          Condition: { StringEquals: { 'aws:ResourceTag/cvpn-guard': 'enforce' } },
        },
      ]);
    });

    it('Compliance 4: with every endpoint selected, terminate is limited to client-vpn-endpoint ARNs of the account and region', () => {
      expect(statementsWith(statements, TERMINATE)).toEqual([
        { Sid: 'TerminateOnEndpointsOfThisRegion', Effect: 'Allow', Action: TERMINATE, Resource: endpointArn('*') },
      ]);
    });

    it.each([{}, { endpointIds: [ENDPOINT_A] }, { endpointTag: 'team=vpn' }])(
      'Noncompliance 1: no policy in the stack allows terminate on "*" (%j)',
      (context) => {
        const everyStatement = Object.values(synthTemplate(context).findResources('AWS::IAM::Policy')).flatMap(
          (policy) => policy.Properties.PolicyDocument.Statement as Statement[],
        );
        const terminate = everyStatement.filter((statement) =>
          actionsOf(statement).some((action) => ['ec2:*', '*', TERMINATE].includes(action)),
        );

        expect(terminate).toHaveLength(1);
        expect(resourcesOf(terminate[0] as Statement)).not.toContain('*');
      },
    );

    it('Noncompliance 2: no other EC2 action is allowed', () => {
      const ec2Actions = statements.flatMap(actionsOf).filter((action) => action.startsWith('ec2:'));

      expect(ec2Actions.sort()).toEqual([
        'ec2:DescribeClientVpnConnections',
        'ec2:DescribeClientVpnEndpoints',
        TERMINATE,
      ]);
    });
  });

  describe('tables', () => {
    const actionsOn = (id: string) =>
      statements
        .filter((statement) => resourcesOf(statement).some((resource) => references(resource, id)))
        .flatMap(actionsOf)
        .sort();

    it('Compliance 1: the policies table is read-only', () => {
      expect(actionsOn('PoliciesTable')).toEqual([
        'dynamodb:BatchGetItem',
        'dynamodb:DescribeTable',
        'dynamodb:GetItem',
        'dynamodb:Query',
        'dynamodb:Scan',
      ]);
    });

    it('Compliance 2: the audit table may be put, updated and read, and only the pending index queried', () => {
      expect(actionsOn('AuditTable')).toEqual([
        'dynamodb:DescribeTable',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
      ]);
      expect(statements.find((statement) => statement.Sid === 'QueryPendingAudit')?.Resource).toEqual({
        'Fn::Join': ['', [{ 'Fn::GetAtt': ['AuditTable', 'Arn'] }, '/index/pending']],
      });
    });

    it('Noncompliance 1: no policy in the stack may delete audit records (no DeleteItem, no BatchWriteItem, no wildcard)', () => {
      const everyStatement = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
        (policy) => policy.Properties.PolicyDocument.Statement as Statement[],
      );
      const onAudit = everyStatement.filter((statement) =>
        resourcesOf(statement).some((resource) => resource === '*' || references(resource, 'AuditTable')),
      );
      const forbidden = onAudit
        .flatMap(actionsOf)
        .filter((action) => /^dynamodb:(Delete|BatchWrite|PartiQLDelete|\*)|^\*$/.test(action));

      expect(onAudit.length).toBeGreaterThan(0);
      expect(forbidden).toEqual([]);
    });

    it('Compliance 3: the state table may be read and written, deletes included', () => {
      expect(actionsOn('StateTable')).toEqual([
        'dynamodb:BatchWriteItem',
        'dynamodb:DeleteItem',
        'dynamodb:DescribeTable',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
      ]);
    });
  });

  describe('messages and logs', () => {
    it('Compliance 1: publishes to its own topic only', () => {
      const topicId = logicalId(template, 'AWS::SNS::Topic', 'NotificationsTopic');

      expect(statementsWith(statements, 'sns:Publish')).toEqual([
        { Sid: 'PublishDigests', Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: topicId } },
      ]);
    });

    it('Compliance 2: may encrypt with the stack key only (topic and dead-letter queue)', () => {
      const keyId = logicalId(template, 'AWS::KMS::Key', 'NotificationsKey');
      const kms = statements.filter((statement) => actionsOf(statement).some((action) => action.startsWith('kms:')));

      expect(kms).toEqual([
        {
          Sid: 'EncryptMessages',
          Effect: 'Allow',
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          Resource: { 'Fn::GetAtt': [keyId, 'Arn'] },
        },
      ]);
    });

    it('Compliance 3: writes to its own log group and its dead-letter queue only', () => {
      const logGroupId = logicalId(template, 'AWS::Logs::LogGroup', 'EnforcerLogGroup');
      const queueId = logicalId(template, 'AWS::SQS::Queue', 'EnforcerDeadLetterQueue');

      expect(
        statements.filter((statement) => actionsOf(statement).some((action) => /^(logs|sqs):/.test(action))),
      ).toEqual([
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] },
        },
        { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [queueId, 'Arn'] } },
      ]);
    });

    it('Noncompliance 1: no action is a wildcard and no Allow has Resource "*" but the Describe statement', () => {
      expect(statements.flatMap(actionsOf).filter((action) => action.includes('*'))).toEqual([]);
      expect(
        statements.filter((statement) => resourcesOf(statement).includes('*')).map((statement) => statement.Sid),
      ).toEqual(['DescribeClientVpn']);
    });
  });

  describe('scheduler role', () => {
    it('Compliance 1: may invoke the function, reach the DLQ and use its key, nothing else', () => {
      const functionId = logicalId(template, 'AWS::Lambda::Function', 'EnforcerFunction');
      const scheduler = roleStatements(template, 'EnforcerSchedulerRole');

      expect(scheduler.flatMap(actionsOf).sort()).toEqual([
        'kms:Decrypt',
        'kms:GenerateDataKey',
        'lambda:InvokeFunction',
        'sqs:SendMessage',
      ]);
      expect(
        statementsWith(scheduler, 'lambda:InvokeFunction')
          .flatMap(resourcesOf)
          .every((resource) => references(resource, functionId)),
      ).toBe(true);
    });
  });
});
