/**
 * Security of the synthesized template, asked the way an attacker holding the enforcer's role would
 * ask: "may I do this to that?". A small IAM evaluator reads the role's statements (intrinsics
 * resolved to concrete ARNs) and answers each request, explicit denies, wildcards and conditions
 * included, so a broadened statement anywhere in the role fails here whatever its shape. Then a
 * sweep of every resource that stores data: each one is encrypted.
 */
import { describe, expect, it } from '@jest/globals';
import type { Template } from 'aws-cdk-lib/assertions';
import { ENDPOINT_A, ENDPOINT_B, logicalId, synthTemplate } from './stack-factory.js';

const PARTITION = 'aws';
const REGION = 'eu-west-1';
const ACCOUNT = '111122223333';
const OTHER_ACCOUNT = '444455556666';
const UNSELECTED = 'cvpn-endpoint-0ffffffffffffffff';

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

interface PolicyStatement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | string[];
  readonly NotAction?: unknown;
  readonly Resource?: unknown;
  readonly NotResource?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/** One request: an action on a resource, with the condition keys AWS would put in its context. */
interface Request {
  readonly action: string;
  readonly resource: string;
  readonly context?: Readonly<Record<string, string>>;
}

/** The ARN CloudFormation gives a resource, for `Ref` and `Fn::GetAtt [id, 'Arn']`. */
function arnOf(resources: Resources, id: string): string {
  const type = resources[id]?.Type;
  const prefix = `arn:${PARTITION}`;
  switch (type) {
    case 'AWS::DynamoDB::Table':
      return `${prefix}:dynamodb:${REGION}:${ACCOUNT}:table/${id}`;
    case 'AWS::SNS::Topic':
      return `${prefix}:sns:${REGION}:${ACCOUNT}:${id}`;
    case 'AWS::SQS::Queue':
      return `${prefix}:sqs:${REGION}:${ACCOUNT}:${id}`;
    case 'AWS::KMS::Key':
      return `${prefix}:kms:${REGION}:${ACCOUNT}:key/${id}`;
    case 'AWS::Logs::LogGroup':
      return `${prefix}:logs:${REGION}:${ACCOUNT}:log-group:${id}:*`;
    case 'AWS::Lambda::Function':
      return `${prefix}:lambda:${REGION}:${ACCOUNT}:function:${id}`;
    default:
      throw new Error(`no ARN rule for ${id} (${type ?? 'not in the template'}): teach the evaluator`);
  }
}

/** A template value with its intrinsics resolved (strings, lists, Ref, Fn::GetAtt Arn, Fn::Join). */
function resolve(resources: Resources, value: unknown): unknown {
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.map((entry) => resolve(resources, entry));
  if (value && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    if ('Ref' in object) {
      const ref = object.Ref as string;
      if (ref === 'AWS::Partition') return PARTITION;
      if (ref === 'AWS::Region') return REGION;
      if (ref === 'AWS::AccountId') return ACCOUNT;
      return arnOf(resources, ref);
    }
    if ('Fn::GetAtt' in object) {
      const [id, attribute] = object['Fn::GetAtt'] as [string, string];
      if (attribute !== 'Arn') throw new Error(`Fn::GetAtt ${id}.${attribute}: teach the evaluator`);
      return arnOf(resources, id);
    }
    if ('Fn::Join' in object) {
      const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
      return parts.map((part) => resolve(resources, part) as string).join(separator);
    }
    return Object.fromEntries(Object.entries(object).map(([key, inner]) => [key, resolve(resources, inner)]));
  }
  throw new Error(`cannot resolve ${JSON.stringify(value)}`);
}

/** IAM's wildcard match: `*` any run of characters, `?` one; actions case-insensitively. */
function glob(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '').test(value);
}

const list = (value: unknown): string[] =>
  value === undefined ? [] : Array.isArray(value) ? (value as string[]) : [value as string];

function conditionHolds(
  condition: Record<string, Record<string, unknown>> | undefined,
  context: Readonly<Record<string, string>>,
): boolean {
  if (!condition) return true;
  return Object.entries(condition).every(([operator, keys]) =>
    Object.entries(keys).every(([key, expected]) => {
      const actual = context[key];
      const wanted = list(expected);
      switch (operator) {
        case 'StringEquals':
          return actual !== undefined && wanted.includes(actual);
        case 'StringLike':
          return actual !== undefined && wanted.some((pattern) => glob(pattern, actual));
        case 'Bool':
          return actual !== undefined && wanted.includes(actual);
        default:
          throw new Error(`condition operator ${operator}: teach the evaluator`);
      }
    }),
  );
}

function matches(statement: PolicyStatement, request: Request): boolean {
  if (statement.NotAction !== undefined || statement.NotResource !== undefined)
    throw new Error('NotAction / NotResource: teach the evaluator');
  return (
    list(statement.Action).some((action) => glob(action, request.action, true)) &&
    list(statement.Resource).some((resource) => glob(resource, request.resource)) &&
    conditionHolds(statement.Condition, { 'aws:RequestedRegion': REGION, ...request.context })
  );
}

/** The role's identity policies (inline and attached in the template), resolved; managed policies are refused. */
function roleStatementsResolved(template: Template, rolePrefix: string): PolicyStatement[] {
  const resources = template.toJSON().Resources as Resources;
  const roleIds = Object.keys(resources).filter(
    (id) => id.startsWith(rolePrefix) && resources[id]?.Type === 'AWS::IAM::Role',
  );
  if (roleIds.length !== 1) throw new Error(`expected one role ${rolePrefix}, found ${roleIds.join(', ') || 'none'}`);
  const role = resources[roleIds[0] as string]?.Properties ?? {};
  if (role.ManagedPolicyArns !== undefined) throw new Error('the role carries managed policies: evaluate them too');
  const inline = ((role.Policies ?? []) as { PolicyDocument: { Statement: unknown[] } }[]).flatMap(
    (policy) => policy.PolicyDocument.Statement,
  );
  const attached = Object.values(resources)
    .filter((resource) => resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy')
    .filter((resource) =>
      ((resource.Properties?.Roles ?? []) as { Ref: string }[]).some((ref) => ref.Ref === roleIds[0]),
    )
    .flatMap((resource) => (resource.Properties?.PolicyDocument as { Statement: unknown[] }).Statement);
  return [...inline, ...attached].map((statement) => resolve(resources, statement) as PolicyStatement);
}

/** IAM's answer for one principal: an explicit deny wins, then any allow, else the implicit deny. */
function allows(statements: readonly PolicyStatement[], request: Request): boolean {
  const matching = statements.filter((statement) => matches(statement, request));
  return (
    !matching.some((statement) => statement.Effect === 'Deny') &&
    matching.some((statement) => statement.Effect === 'Allow')
  );
}

const endpointArn = (endpointId: string, region = REGION, account = ACCOUNT) =>
  `arn:${PARTITION}:ec2:${region}:${account}:client-vpn-endpoint/${endpointId}`;

/** The enforcer's role, and the ARNs of the stack's own resources, for one deployment. */
function enforcerOf(context: Record<string, unknown>) {
  const template = synthTemplate(context);
  const resources = template.toJSON().Resources as Resources;
  const statements = roleStatementsResolved(template, 'EnforcerFunctionRole');
  const arn = (type: string, prefix: string) => arnOf(resources, logicalId(template, type, prefix));
  return {
    template,
    can: (request: Request) => allows(statements, request),
    policies: arn('AWS::DynamoDB::Table', 'PoliciesTable'),
    audit: arn('AWS::DynamoDB::Table', 'AuditTable'),
    state: arn('AWS::DynamoDB::Table', 'StateTable'),
    topic: arn('AWS::SNS::Topic', 'NotificationsTopic'),
    key: arn('AWS::KMS::Key', 'NotificationsKey'),
    queue: arn('AWS::SQS::Queue', 'EnforcerDeadLetterQueue'),
    fn: arn('AWS::Lambda::Function', 'EnforcerFunction'),
    role: `arn:${PARTITION}:iam::${ACCOUNT}:role/${logicalId(template, 'AWS::IAM::Role', 'EnforcerFunctionRole')}`,
  };
}

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
      expect(role.can({ action: 'dynamodb:UpdateItem', resource: role.audit })).toBe(true);
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

  it('Noncompliance 1: the function is reachable only through its schedule: no function URL, no resource policy', () => {
    expect(ofType('AWS::Lambda::Url')).toEqual([]);
    expect(ofType('AWS::Lambda::Permission')).toEqual([]);
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
