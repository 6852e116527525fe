/**
 * Security of the synthesized template, asked the way an attacker holding the enforcer's role would
 * ask: "may I do this to that?". The IAM evaluator (iam-evaluator.ts) reads the role's statements
 * (intrinsics resolved to concrete ARNs) and answers each request, explicit denies, wildcards and
 * conditions included, so a broadened statement anywhere in the role fails here whatever its shape.
 * Then a sweep of every resource that stores data: each one is encrypted.
 */
import { describe, expect, it } from '@jest/globals';
import {
  ACCOUNT,
  allows,
  arnOf,
  endpointArn,
  enforcerOf,
  matches,
  OTHER_ACCOUNT,
  PARTITION,
  type PolicyStatement,
  REGION,
  type Request,
  resolve,
  type Resources,
  roleStatementsResolved,
  UNSELECTED,
  updateItem,
} from './iam-evaluator.js';
import { ENDPOINT_A, ENDPOINT_B, logicalId, synthTemplate } from './stack-factory.js';

const DEPLOYMENTS = [
  ['endpoint ids', { endpointIds: [ENDPOINT_A, ENDPOINT_B] }],
  ['an endpoint tag', { endpointTag: 'cvpn-guard=enforce' }],
  ['every endpoint of the region', {}],
] as const;

describe('What an attacker holding the enforcer role can do', () => {
  describe.each(DEPLOYMENTS)('deployed for %s', (_name, context) => {
    const role = enforcerOf(context);
    const selected = endpointArn(ENDPOINT_A);
    const tagged = { 'aws:ResourceTag/cvpn-guard': 'enforce' };

    it('Compliance 1: the evaluator grants what a run needs (so the refusals below mean something)', () => {
      expect(role.can({ action: 'ec2:TerminateClientVpnConnections', resource: selected, context: tagged })).toBe(true);
      expect(role.can({ action: 'ec2:DescribeClientVpnConnections', resource: '*' })).toBe(true);
      expect(role.can({ action: 'dynamodb:Scan', resource: role.policies })).toBe(true);
      expect(role.can({ action: 'dynamodb:PutItem', resource: role.audit })).toBe(true);
      expect(role.can(updateItem(role.audit, ['pk', 'sk', 'outcome', 'completedAt', 'pendingKey']))).toBe(true);
      expect(role.can({ action: 'dynamodb:Query', resource: `${role.audit}/index/pending` })).toBe(true);
      expect(role.can({ action: 'dynamodb:PutItem', resource: role.state })).toBe(true);
      expect(role.can({ action: 'sns:Publish', resource: role.topic })).toBe(true);
    });

    const selectsAll = Object.keys(context).length === 0;
    // With every endpoint of the region selected, any endpoint of the account and region is in scope by design.
    const outsideSelection = selectsAll
      ? []
      : ([
          ['an endpoint the deployment does not select, untagged', endpointArn(UNSELECTED), {}],
          [
            'an endpoint carrying another value of the tag',
            endpointArn(UNSELECTED),
            { 'aws:ResourceTag/cvpn-guard': 'observe' },
          ],
        ] as const);
    it.each([
      ...outsideSelection,
      ['a selected endpoint id in another region', endpointArn(ENDPOINT_A, 'us-east-1'), tagged],
      ['a selected endpoint id in another account', endpointArn(ENDPOINT_A, REGION, OTHER_ACCOUNT), tagged],
      [
        'a resource that is not a Client VPN endpoint',
        `arn:${PARTITION}:ec2:${REGION}:${ACCOUNT}:instance/i-0123456789abcdef0`,
        tagged,
      ],
      ['every resource', '*', tagged],
    ] as const)('Noncompliance 1: cannot terminate on %s', (_what, resource, requestContext) => {
      expect(role.can({ action: 'ec2:TerminateClientVpnConnections', resource, context: requestContext })).toBe(false);
    });

    it.each([
      'dynamodb:DeleteItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:PartiQLDelete',
      'dynamodb:PartiQLUpdate',
      'dynamodb:DeleteTable',
      'dynamodb:UpdateTable',
      'dynamodb:UpdateTimeToLive',
      'dynamodb:UpdateContinuousBackups',
      'dynamodb:RestoreTableToPointInTime',
      'dynamodb:DeleteBackup',
      'dynamodb:DisableKinesisStreamingDestination',
    ])('Noncompliance 2: cannot delete audit records nor loosen the audit table: %s', (action) => {
      expect(role.can({ action, resource: role.audit })).toBe(false);
      expect(role.can({ action, resource: `${role.audit}/index/byTime` })).toBe(false);
    });

    it.each([
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:PartiQLInsert',
      'dynamodb:PartiQLUpdate',
      'dynamodb:PartiQLDelete',
      'dynamodb:DeleteTable',
      'dynamodb:UpdateTable',
    ])('Noncompliance 3: cannot write policy rows: %s', (action) => {
      expect(role.can({ action, resource: role.policies })).toBe(false);
    });

    it.each([
      ['another topic of the account', `arn:${PARTITION}:sns:${REGION}:${ACCOUNT}:security-alerts`],
      ['a topic of another account', `arn:${PARTITION}:sns:${REGION}:${OTHER_ACCOUNT}:exfiltration`],
      ['every topic', '*'],
    ])('Noncompliance 4: cannot publish to %s', (_what, resource) => {
      expect(role.can({ action: 'sns:Publish', resource })).toBe(false);
    });

    it.each([
      ['iam:PassRole', () => role.role],
      ['iam:PutRolePolicy', () => role.role],
      ['iam:AttachRolePolicy', () => role.role],
      ['sts:AssumeRole', () => `arn:${PARTITION}:iam::${ACCOUNT}:role/Admin`],
      ['lambda:UpdateFunctionCode', () => role.fn],
      ['lambda:UpdateFunctionConfiguration', () => role.fn],
      ['kms:Decrypt', () => `arn:${PARTITION}:kms:${REGION}:${ACCOUNT}:key/other`],
      ['kms:ScheduleKeyDeletion', () => role.key],
      ['kms:PutKeyPolicy', () => role.key],
      ['sqs:ReceiveMessage', () => role.queue],
      ['sqs:PurgeQueue', () => role.queue],
      ['sns:Subscribe', () => role.topic],
      ['sns:SetTopicAttributes', () => role.topic],
      [
        'logs:DeleteLogGroup',
        () =>
          arnOf(
            role.template.toJSON().Resources as Resources,
            logicalId(role.template, 'AWS::Logs::LogGroup', 'EnforcerLogGroup'),
          ),
      ],
      ['ec2:ModifyClientVpnEndpoint', () => endpointArn(ENDPOINT_A)],
      ['ec2:AuthorizeClientVpnIngress', () => endpointArn(ENDPOINT_A)],
      ['ec2:ExportClientVpnClientConfiguration', () => endpointArn(ENDPOINT_A)],
      ['s3:GetObject', () => `arn:${PARTITION}:s3:::any-bucket/any-key`],
    ])('Noncompliance 5: cannot %s', (action, resource) => {
      expect(role.can({ action, resource: resource(), context: tagged })).toBe(false);
    });

    it('Compliance 2: may invoke itself (continuations), read the policies stream and record failed change batches', () => {
      expect(role.can({ action: 'lambda:InvokeFunction', resource: role.fn })).toBe(true);
      expect(role.can({ action: 'dynamodb:GetRecords', resource: role.policiesStream })).toBe(true);
      expect(role.can({ action: 'dynamodb:GetShardIterator', resource: role.policiesStream })).toBe(true);
      expect(role.can({ action: 'sqs:SendMessage', resource: role.changeFailures })).toBe(true);
    });

    it.each([
      ['another function of the account', () => `arn:${PARTITION}:lambda:${REGION}:${ACCOUNT}:function:admin-tool`],
      ['a version of its own function', () => `${role.fn}:1`],
      ['an alias of its own function', () => `${role.fn}:live`],
      ['a function of its name in another region', () => role.fn.replace(`:${REGION}:`, ':us-east-1:')],
      ['every function', () => '*'],
    ])('Noncompliance 6: cannot invoke %s', (_what, resource) => {
      expect(role.can({ action: 'lambda:InvokeFunction', resource: resource() })).toBe(false);
      expect(role.can({ action: 'lambda:InvokeAsync', resource: resource() })).toBe(false);
    });

    it.each([
      ['read the stream of another table', 'dynamodb:GetRecords', () => `${role.audit}/stream/2026-01-01T00:00:00.000`],
      [
        'read the policies stream of another account',
        'dynamodb:GetRecords',
        () => role.policiesStream.replace(ACCOUNT, OTHER_ACCOUNT),
      ],
      ['receive from the change failure queue', 'sqs:ReceiveMessage', () => role.changeFailures],
      ['delete from the change failure queue', 'sqs:DeleteMessage', () => role.changeFailures],
      ['purge the change failure queue', 'sqs:PurgeQueue', () => role.changeFailures],
      ['send to another queue', 'sqs:SendMessage', () => `arn:${PARTITION}:sqs:${REGION}:${ACCOUNT}:other`],
      ['change the stream mapping', 'lambda:UpdateEventSourceMapping', () => '*'],
      ['delete the stream mapping', 'lambda:DeleteEventSourceMapping', () => '*'],
      ['turn the stream off', 'dynamodb:UpdateTable', () => role.policies],
    ])('Noncompliance 7: cannot %s', (_what, action, resource) => {
      expect(role.can({ action, resource: resource() })).toBe(false);
    });
  });
});

describe('The evaluator', () => {
  it('Noncompliance 1: catches a statement broadened anywhere in the role (it is not vacuous)', () => {
    const role = enforcerOf({ endpointIds: [ENDPOINT_A] });
    const statements = roleStatementsResolved(role.template, 'EnforcerFunctionRole');
    const widened = (statement: PolicyStatement) => (request: Request) => allows([...statements, statement], request);

    expect(
      widened({ Effect: 'Allow', Action: 'dynamodb:*', Resource: role.audit })({
        action: 'dynamodb:DeleteItem',
        resource: role.audit,
      }),
    ).toBe(true);
    expect(
      widened({ Effect: 'Allow', Action: 'ec2:Terminate*', Resource: '*' })({
        action: 'ec2:TerminateClientVpnConnections',
        resource: endpointArn(UNSELECTED),
      }),
    ).toBe(true);
    expect(
      widened({ Effect: 'Allow', Action: 'SNS:publish', Resource: `arn:${PARTITION}:sns:${REGION}:${ACCOUNT}:*` })({
        action: 'sns:Publish',
        resource: `arn:${PARTITION}:sns:${REGION}:${ACCOUNT}:other`,
      }),
    ).toBe(true);
    expect(
      widened({ Effect: 'Deny', Action: 'sns:Publish', Resource: '*' })({
        action: 'sns:Publish',
        resource: role.topic,
      }),
    ).toBe(false);
  });
});

describe('Data at rest and in transit', () => {
  const template = synthTemplate();
  const resources = template.toJSON().Resources as Resources;
  const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);

  it('Compliance 1: the stack stores data only in tables, a queue, a topic and a log group (a new kind of store must be checked here)', () => {
    const stores = Object.values(resources)
      .map((resource) => resource.Type)
      .filter((type) =>
        /DynamoDB::Table$|SQS::Queue$|SNS::Topic$|Logs::LogGroup$|S3::Bucket$|RDS::|EFS::|ElastiCache|Kinesis|SecretsManager|SSM::Parameter|Backup::/.test(
          type,
        ),
      );

    expect([...new Set(stores)].sort()).toEqual([
      'AWS::DynamoDB::Table',
      'AWS::Logs::LogGroup',
      'AWS::SNS::Topic',
      'AWS::SQS::Queue',
    ]);
  });

  it('Compliance 2: every table, queue and topic is encrypted, each customer key rotated', () => {
    for (const [id, table] of ofType('AWS::DynamoDB::Table'))
      expect([id, (table.Properties?.SSESpecification as { SSEEnabled?: boolean })?.SSEEnabled]).toEqual([id, true]);
    for (const [id, queue] of ofType('AWS::SQS::Queue'))
      expect([id, queue.Properties?.KmsMasterKeyId]).toEqual([id, expect.anything()]);
    for (const [id, topic] of ofType('AWS::SNS::Topic'))
      expect([id, topic.Properties?.KmsMasterKeyId]).toEqual([id, expect.anything()]);
    for (const [id, key] of ofType('AWS::KMS::Key'))
      expect([id, key.Properties?.EnableKeyRotation]).toEqual([id, true]);
  });

  it('Compliance 3: the queue and the topic refuse requests without TLS', () => {
    const policies = [...ofType('AWS::SQS::QueuePolicy'), ...ofType('AWS::SNS::TopicPolicy')].map(
      ([, policy]) => resolve(resources, policy.Properties?.PolicyDocument) as { Statement: PolicyStatement[] },
    );
    const queue = arnOf(resources, logicalId(template, 'AWS::SQS::Queue', 'EnforcerDeadLetterQueue'));
    const topic = arnOf(resources, logicalId(template, 'AWS::SNS::Topic', 'NotificationsTopic'));
    const denies = (request: Request) =>
      policies.some((policy) =>
        policy.Statement.some((statement) => statement.Effect === 'Deny' && matches(statement, request)),
      );

    expect(denies({ action: 'sqs:SendMessage', resource: queue, context: { 'aws:SecureTransport': 'false' } })).toBe(
      true,
    );
    expect(denies({ action: 'sns:Publish', resource: topic, context: { 'aws:SecureTransport': 'false' } })).toBe(true);
    expect(denies({ action: 'sns:Publish', resource: topic, context: { 'aws:SecureTransport': 'true' } })).toBe(false);
  });

  it('Noncompliance 1: the function is reachable only through its schedule, its stream mapping and its own role: no function URL, no resource policy', () => {
    expect(ofType('AWS::Lambda::Url')).toEqual([]);
    expect(ofType('AWS::Lambda::Permission')).toEqual([]);
    expect(ofType('AWS::Lambda::EventSourceMapping')).toHaveLength(1);
  });

  it('Noncompliance 2: the function environment holds no credential', () => {
    const [, fn] = ofType('AWS::Lambda::Function')[0] ?? [];
    const variables = ((fn?.Properties?.Environment as { Variables?: Record<string, unknown> })?.Variables ??
      {}) as Record<string, unknown>;

    expect(Object.keys(variables).filter((name) => /SECRET|TOKEN|PASSWORD|ACCESS_KEY|CREDENTIAL/i.test(name))).toEqual(
      [],
    );
    expect(
      Object.values(variables).filter(
        (value) => typeof value === 'string' && /^[A-Za-z0-9/+=]{40}$|^(AKIA|ASIA)[A-Z0-9]{16}$/.test(value),
      ),
    ).toEqual([]);
  });
});
