/**
 * The roles around the client connect handler: its own (least privilege, never terminate), the enforcer's
 * permission to invoke it for the canary, and the attachment provider's.
 */
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

describe('Enforcer canary IAM', () => {
  // Besides its own function, for continuations (iam.test.ts).
  const invokeStatements = (context: Record<string, unknown>) => {
    const template = synthTemplate(context);
    const own = logicalId(template, 'AWS::Lambda::Function', 'EnforcerFunction');
    return {
      template,
      invoke: statementsWith(roleStatements(template, 'EnforcerFunctionRole'), 'lambda:InvokeFunction').filter(
        (statement) => !resourcesOf(statement).every((resource) => references(resource, own)),
      ),
    };
  };

  it('Compliance 1: may invoke exactly the client connect handler', () => {
    const { template, invoke } = invokeStatements({});

    expect(invoke).toEqual([
      {
        Sid: 'InvokeConnectHandlerCanary',
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: { 'Fn::GetAtt': [logicalId(template, 'AWS::Lambda::Function', 'ConnectHandlerFunction'), 'Arn'] },
      },
    ]);
  });

  it('Compliance 2: with provisioned concurrency, exactly the function and its alias live', () => {
    const { template, invoke } = invokeStatements({ connectHandlerProvisionedConcurrency: 3 });

    expect(invoke.flatMap(resourcesOf)).toEqual([
      { 'Fn::GetAtt': [logicalId(template, 'AWS::Lambda::Function', 'ConnectHandlerFunction'), 'Arn'] },
      { Ref: logicalId(template, 'AWS::Lambda::Alias', 'ConnectHandlerLiveAlias') },
    ]);
  });
});

describe('Client connect handler IAM', () => {
  let template: Template;
  let statements: Statement[];
  beforeAll(() => {
    template = synthTemplate();
    statements = roleStatements(template, 'ConnectHandlerFunctionRole');
  });

  const actionsOn = (id: string) =>
    statements
      .filter((statement) => resourcesOf(statement).some((resource) => references(resource, id)))
      .flatMap(actionsOf)
      .sort();

  it('Compliance 1: the policies table may only be scanned, as DynamoPolicyRepository does', () => {
    expect(actionsOn('PoliciesTable')).toEqual(['dynamodb:Scan']);
  });

  it('Compliance 2: the audit table may only be put to (admission records), never updated or deleted', () => {
    expect(actionsOn('AuditTable')).toEqual(['dynamodb:PutItem']);
  });

  it('Compliance 3: on the state table, only its own connection records (partition keys CONN#…) are read and written', () => {
    expect(statements.filter((statement) => resourcesOf(statement).some((r) => references(r, 'StateTable')))).toEqual([
      {
        Sid: 'ReadWriteOwnConnections',
        Effect: 'Allow',
        Action: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
        Resource: { 'Fn::GetAtt': ['StateTable', 'Arn'] },
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CONN#*'] } },
      },
    ]);
  });

  it('Compliance 4: may describe Client VPN connections in the stack region, the only EC2 action', () => {
    expect(statements.filter((statement) => actionsOf(statement).some((action) => action.startsWith('ec2:')))).toEqual([
      {
        Sid: 'DescribeClientVpnConnections',
        Effect: 'Allow',
        Action: 'ec2:DescribeClientVpnConnections',
        Resource: '*',
        Condition: { StringEquals: { 'aws:RequestedRegion': { Ref: 'AWS::Region' } } },
      },
    ]);
  });

  it('Compliance 5: writes to its own log group only; metrics leave as EMF, so no PutMetricData', () => {
    const logGroupId = logicalId(template, 'AWS::Logs::LogGroup', 'ConnectHandlerLogGroup');

    expect(statements.filter((statement) => actionsOf(statement).some((action) => /^logs:/.test(action)))).toEqual([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] },
      },
    ]);
    expect(statements.flatMap(actionsOf).filter((action) => action.startsWith('cloudwatch:'))).toEqual([]);
  });

  it.each([{}, { connectHandlerProvisionedConcurrency: 2 }, { attachConnectHandler: true, endpointIds: [ENDPOINT_A] }])(
    'Noncompliance 1: may never terminate a connection, nor use a wildcard action (%j)',
    (context) => {
      const actions = roleStatements(synthTemplate(context), 'ConnectHandlerFunctionRole').flatMap(actionsOf);

      expect(actions).not.toContain(TERMINATE);
      expect(actions.filter((action) => action.includes('*'))).toEqual([]);
      expect(actions.sort()).toEqual([
        'dynamodb:BatchGetItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:Scan',
        'ec2:DescribeClientVpnConnections',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
      ]);
    },
  );
});

describe('Attachment provider IAM', () => {
  let template: Template;
  let statements: Statement[];
  beforeAll(() => {
    template = synthTemplate({ attachConnectHandler: true, endpointIds: [ENDPOINT_A, ENDPOINT_B] });
    statements = roleStatements(template, 'ConnectHandlerAttachmentFunctionRole');
  });

  it('Compliance 1: may modify the listed endpoints only, and describe endpoints in the stack region', () => {
    expect(statements.filter((statement) => actionsOf(statement).some((action) => action.startsWith('ec2:')))).toEqual([
      {
        Sid: 'ModifyListedEndpoints',
        Effect: 'Allow',
        Action: 'ec2:ModifyClientVpnEndpoint',
        Resource: [endpointArn(ENDPOINT_A), endpointArn(ENDPOINT_B)],
      },
      {
        Sid: 'DescribeClientVpnEndpoints',
        Effect: 'Allow',
        Action: 'ec2:DescribeClientVpnEndpoints',
        Resource: '*',
        Condition: { StringEquals: { 'aws:RequestedRegion': { Ref: 'AWS::Region' } } },
      },
    ]);
  });

  it('Noncompliance 1: nothing else but its own logs', () => {
    expect(statements.flatMap(actionsOf).sort()).toEqual([
      'ec2:DescribeClientVpnEndpoints',
      'ec2:ModifyClientVpnEndpoint',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
    ]);
  });

  it('Noncompliance 2: the custom resource framework may invoke the provider function, and nothing of EC2', () => {
    const framework = roleStatements(template, 'ConnectHandlerAttachmentFrameworkRole').flatMap(actionsOf);

    expect(framework.filter((action) => !action.startsWith('logs:')).sort()).toEqual([
      'lambda:GetFunction',
      'lambda:InvokeFunction',
    ]);
  });

  it('Noncompliance 3: without attachConnectHandler there is no provider and no role may modify an endpoint', () => {
    const everyAction = Object.values(synthTemplate().findResources('AWS::IAM::Policy')).flatMap((policy) =>
      (policy.Properties.PolicyDocument.Statement as Statement[]).flatMap(actionsOf),
    );

    expect(everyAction).not.toContain('ec2:ModifyClientVpnEndpoint');
  });
});
