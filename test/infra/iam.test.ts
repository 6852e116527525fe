import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Template } from 'aws-cdk-lib/assertions';
import { AUDIT_COMPLETION_ATTRIBUTES } from '../../lambda/tables.js';
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
    // The table itself and its indexes, not its stream (see 'policy changes').
    const onStream = (resource: unknown) => JSON.stringify(resource).includes('"StreamArn"');
    const actionsOn = (id: string) =>
      statements
        .filter((statement) =>
          resourcesOf(statement).some((resource) => references(resource, id) && !onStream(resource)),
        )
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

    it('Compliance 4: an update of an audit record may name the completion attributes only, and ask nothing back', () => {
      expect(
        statementsWith(statements, 'dynamodb:UpdateItem').filter((statement) =>
          references(statement.Resource, 'AuditTable'),
        ),
      ).toEqual([
        {
          Sid: 'CompleteAudit',
          Effect: 'Allow',
          Action: 'dynamodb:UpdateItem',
          Resource: { 'Fn::GetAtt': ['AuditTable', 'Arn'] },
          Condition: {
            'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...AUDIT_COMPLETION_ATTRIBUTES] },
            StringEqualsIfExists: { 'dynamodb:ReturnValues': ['NONE'] },
          },
        },
      ]);
      expect(AUDIT_COMPLETION_ATTRIBUTES).toEqual(expect.arrayContaining(['pk', 'sk']));
      expect(AUDIT_COMPLETION_ATTRIBUTES).not.toEqual(expect.arrayContaining(['ttl']));
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

    it('Compliance 3: writes to its own log group, its dead-letter queue and its change failure queue only', () => {
      const logGroupId = logicalId(template, 'AWS::Logs::LogGroup', 'EnforcerLogGroup');
      const queueId = logicalId(template, 'AWS::SQS::Queue', 'EnforcerDeadLetterQueue');
      const failureQueueId = logicalId(template, 'AWS::SQS::Queue', 'PolicyChangesFailureQueue');

      expect(
        statements.filter((statement) => actionsOf(statement).some((action) => /^(logs|sqs):/.test(action))),
      ).toEqual([
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] },
        },
        { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [queueId, 'Arn'] } },
        {
          Sid: 'RecordFailedChangeBatches',
          Effect: 'Allow',
          Action: 'sqs:SendMessage',
          Resource: { 'Fn::GetAtt': [failureQueueId, 'Arn'] },
        },
      ]);
    });

    it('Noncompliance 1: no action is a wildcard and no Allow has Resource "*" but Describe Client VPN and ListStreams', () => {
      expect(statements.flatMap(actionsOf).filter((action) => action.includes('*'))).toEqual([]);
      expect(statements.filter((statement) => resourcesOf(statement).includes('*')).flatMap(actionsOf)).toEqual([
        'ec2:DescribeClientVpnConnections',
        'ec2:DescribeClientVpnEndpoints',
        'dynamodb:ListStreams',
      ]);
    });
  });

  describe('policy changes', () => {
    const streamArn = { 'Fn::GetAtt': ['PoliciesTable', 'StreamArn'] };

    it('Compliance 1: reads the policies stream with the actions Lambda documents for a stream mapping, and no other stream', () => {
      const onStreams = statements.filter((statement) =>
        actionsOf(statement).some((action) =>
          /^dynamodb:(DescribeStream|GetRecords|GetShardIterator|ListStreams)$/.test(action),
        ),
      );

      expect(onStreams).toEqual([
        { Effect: 'Allow', Action: 'dynamodb:ListStreams', Resource: '*' },
        {
          Effect: 'Allow',
          Action: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
          Resource: streamArn,
        },
      ]);
    });

    it('Compliance 2: the mapping reads the policies stream into the enforcer, and records failed batches in its queue', () => {
      const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'));

      expect(mappings).toHaveLength(1);
      expect(mappings[0]?.Properties).toMatchObject({
        EventSourceArn: streamArn,
        FunctionName: { Ref: logicalId(template, 'AWS::Lambda::Function', 'EnforcerFunction') },
        DestinationConfig: {
          OnFailure: {
            Destination: { 'Fn::GetAtt': [logicalId(template, 'AWS::SQS::Queue', 'PolicyChangesFailureQueue'), 'Arn'] },
          },
        },
      });
    });
  });

  describe('continuations', () => {
    const continuation = () => {
      const policies = template.findResources('AWS::IAM::Policy');
      const id = Object.keys(policies).find((candidate) => candidate.startsWith('EnforcerContinuationPolicy'));
      return { id: id as string, policy: policies[id as string] };
    };

    it('Compliance 1: may invoke its own function (unqualified) and only that, from a policy of its own', () => {
      const functionId = logicalId(template, 'AWS::Lambda::Function', 'EnforcerFunction');
      const { policy } = continuation();

      expect(policy?.Properties.Roles).toEqual([
        { Ref: logicalId(template, 'AWS::IAM::Role', 'EnforcerFunctionRole') },
      ]);
      expect(policy?.Properties.PolicyDocument.Statement).toEqual([
        {
          Sid: 'InvokeItselfForContinuations',
          Effect: 'Allow',
          Action: 'lambda:InvokeFunction',
          Resource: { 'Fn::GetAtt': [functionId, 'Arn'] },
        },
      ]);
    });

    it('Noncompliance 1: the function does not wait for that policy (which names it), so there is no dependency cycle', () => {
      const functionId = logicalId(template, 'AWS::Lambda::Function', 'EnforcerFunction');
      const dependsOn = (template.toJSON().Resources[functionId].DependsOn ?? []) as string[];

      expect(dependsOn).not.toContain(continuation().id);
      expect(dependsOn.some((id) => id.startsWith('EnforcerFunctionRoleDefaultPolicy'))).toBe(true);
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
