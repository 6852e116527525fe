/**
 * A small IAM evaluator over the synthesized template: it reads a role's statements (intrinsics resolved to
 * concrete ARNs) and answers each request, explicit denies, wildcards and conditions included, so a broadened
 * statement anywhere in the role fails a test whatever its shape. What it cannot judge it refuses ("teach the
 * evaluator") rather than guess.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { logicalId, synthTemplate } from './stack-factory.js';

export const PARTITION = 'aws';
export const REGION = 'eu-west-1';
export const ACCOUNT = '111122223333';
export const OTHER_ACCOUNT = '444455556666';
/** The label DynamoDB gives a table's stream when it is enabled. */
export const STREAM_LABEL = '2026-01-01T00:00:00.000';
export const UNSELECTED = 'cvpn-endpoint-0ffffffffffffffff';

/** The template's resources. */
export type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

/** A policy statement, intrinsics resolved. */
export interface PolicyStatement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | string[];
  readonly NotAction?: unknown;
  readonly Resource?: unknown;
  readonly NotResource?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/** One request: an action on a resource, with the condition keys AWS would put in its context (multivalued keys as lists). */
export interface Request {
  readonly action: string;
  readonly resource: string;
  readonly context?: Readonly<Record<string, string | readonly string[]>>;
}

/** Where a template is deployed: its account and Region, and the values of its parameters. */
export interface Deployed {
  readonly region: string;
  readonly account: string;
  /** Template parameter values, by name. @default none */
  readonly parameters?: Readonly<Record<string, string>>;
}

/** The deployment every single-account test evaluates in. */
export const HOME: Deployed = { region: REGION, account: ACCOUNT };

/** A resource's physical name: the name its template gives (resolved), else its logical id. */
function physicalName(resources: Resources, id: string, property: string, at: Deployed): string {
  const given = resources[id]?.Properties?.[property];
  return given === undefined ? id : (resolve(resources, given, at) as string);
}

/** The ARN CloudFormation gives a resource, for `Ref` and `Fn::GetAtt [id, 'Arn']`. */
export function arnOf(resources: Resources, id: string, at: Deployed = HOME): string {
  const type = resources[id]?.Type;
  const prefix = `arn:${PARTITION}`;
  const { region, account } = at;
  switch (type) {
    case 'AWS::DynamoDB::Table':
      return `${prefix}:dynamodb:${region}:${account}:table/${physicalName(resources, id, 'TableName', at)}`;
    case 'AWS::SNS::Topic':
      return `${prefix}:sns:${region}:${account}:${id}`;
    case 'AWS::SQS::Queue':
      return `${prefix}:sqs:${region}:${account}:${id}`;
    case 'AWS::KMS::Key':
      return `${prefix}:kms:${region}:${account}:key/${id}`;
    case 'AWS::Logs::LogGroup':
      return `${prefix}:logs:${region}:${account}:log-group:${id}:*`;
    case 'AWS::Lambda::Function':
      return `${prefix}:lambda:${region}:${account}:function:${physicalName(resources, id, 'FunctionName', at)}`;
    case 'AWS::IAM::Role':
      return `${prefix}:iam::${account}:role/${physicalName(resources, id, 'RoleName', at)}`;
    case 'AWS::Scheduler::Schedule':
      return `${prefix}:scheduler:${region}:${account}:schedule/default/${id}`;
    default:
      throw new Error(`no ARN rule for ${id} (${type ?? 'not in the template'}): teach the evaluator`);
  }
}

/** A template value with its intrinsics resolved (strings, lists, Ref, Fn::GetAtt Arn, Fn::Join). */
export function resolve(resources: Resources, value: unknown, at: Deployed = HOME): unknown {
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.map((entry) => resolve(resources, entry, at));
  if (value && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    if ('Ref' in object) {
      const ref = object.Ref as string;
      if (ref === 'AWS::Partition') return PARTITION;
      if (ref === 'AWS::Region') return at.region;
      if (ref === 'AWS::AccountId') return at.account;
      const parameter = at.parameters?.[ref];
      if (parameter !== undefined) return parameter;
      return arnOf(resources, ref, at);
    }
    if ('Fn::GetAtt' in object) {
      const [id, attribute] = object['Fn::GetAtt'] as [string, string];
      if (attribute === 'StreamArn' && resources[id]?.Type === 'AWS::DynamoDB::Table')
        return `${arnOf(resources, id, at)}/stream/${STREAM_LABEL}`;
      if (attribute !== 'Arn') throw new Error(`Fn::GetAtt ${id}.${attribute}: teach the evaluator`);
      return arnOf(resources, id, at);
    }
    if ('Fn::Join' in object) {
      const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
      return parts.map((part) => resolve(resources, part, at) as string).join(separator);
    }
    return Object.fromEntries(Object.entries(object).map(([key, inner]) => [key, resolve(resources, inner, at)]));
  }
  throw new Error(`cannot resolve ${JSON.stringify(value)}`);
}

/** IAM's wildcard match: `*` any run of characters, `?` one; actions case-insensitively. */
export function glob(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '').test(value);
}

/**
 * IAM's policy variables in a condition's values (`${aws:PrincipalAccount}`), from the request's context; a variable
 * the context lacks is refused rather than guessed.
 */
export function substituteVariables(
  value: string,
  context: Readonly<Record<string, string | readonly string[]>>,
): string {
  return value.replace(/\$\{([^}]+)\}/g, (_whole, key: string) => {
    const found = context[key];
    if (typeof found !== 'string')
      throw new Error(`policy variable \${${key}} not in the request: teach the evaluator`);
    return found;
  });
}

const list = (value: unknown): string[] =>
  value === undefined ? [] : Array.isArray(value) ? (value as string[]) : [value as string];

/**
 * IAM's condition operators as the stack uses them. A single-valued operator on a multivalued key, or a set
 * operator on a single-valued one, is refused: IAM's answer would not be what the statement means.
 * `ForAllValues` holds when the key is absent or empty (every one of no values matches), as in IAM.
 */
export function conditionHolds(
  condition: Record<string, Record<string, unknown>> | undefined,
  context: Readonly<Record<string, string | readonly string[]>>,
): boolean {
  if (!condition) return true;
  return Object.entries(condition).every(([operator, keys]) =>
    Object.entries(keys).every(([key, expected]) => {
      const actual = context[key];
      const wanted = list(expected).map((value) => substituteVariables(value, context));
      if (operator.startsWith('ForAllValues:')) {
        if (typeof actual === 'string') throw new Error(`${operator} on single-valued ${key}: teach the evaluator`);
        if (operator === 'ForAllValues:StringEquals') return (actual ?? []).every((value) => wanted.includes(value));
        if (operator === 'ForAllValues:StringLike')
          return (actual ?? []).every((value) => wanted.some((pattern) => glob(pattern, value)));
        throw new Error(`condition operator ${operator}: teach the evaluator`);
      }
      if (Array.isArray(actual)) throw new Error(`${operator} on multivalued ${key}: teach the evaluator`);
      const single = actual as string | undefined;
      switch (operator) {
        case 'StringEquals':
          return single !== undefined && wanted.includes(single);
        case 'StringEqualsIfExists':
          return single === undefined || wanted.includes(single);
        case 'StringLike':
        case 'ArnLike':
          return single !== undefined && wanted.some((pattern) => glob(pattern, single));
        case 'Bool':
          return single !== undefined && wanted.includes(single);
        default:
          throw new Error(`condition operator ${operator}: teach the evaluator`);
      }
    }),
  );
}

export function matches(statement: PolicyStatement, request: Request): boolean {
  if (statement.NotAction !== undefined || statement.NotResource !== undefined)
    throw new Error('NotAction / NotResource: teach the evaluator');
  return (
    list(statement.Action).some((action) => glob(action, request.action, true)) &&
    list(statement.Resource).some((resource) => glob(resource, request.resource)) &&
    conditionHolds(statement.Condition, { 'aws:RequestedRegion': REGION, ...request.context })
  );
}

/** The role's identity policies (inline and attached in the template), resolved; managed policies are refused. */
export function roleStatementsResolved(template: Template, rolePrefix: string, at: Deployed = HOME): PolicyStatement[] {
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
  return [...inline, ...attached].map((statement) => resolve(resources, statement, at) as PolicyStatement);
}

/** The caller of a request that a resource-based policy judges. */
export interface Caller {
  /** The role's ARN (`aws:PrincipalArn`). */
  readonly roleArn: string;
  /** Its account (`aws:PrincipalAccount`). */
  readonly account: string;
  /** Its organization (`aws:PrincipalOrgID`). */
  readonly orgId: string;
}

/** A resource policy's statement: a policy statement with its principal. */
export interface ResourceStatement extends PolicyStatement {
  readonly Principal?: unknown;
}

/** The condition keys AWS puts in the request context for `caller`. */
export function callerContext(caller: Caller): Record<string, string> {
  return {
    'aws:PrincipalArn': caller.roleArn,
    'aws:PrincipalAccount': caller.account,
    'aws:PrincipalOrgID': caller.orgId,
  };
}

/** Whether a statement's principal names `caller`: `*`, `{ AWS: '*' }`, the role ARN or its account's root. */
function principalMatches(principal: unknown, caller: Caller): boolean {
  if (principal === '*') return true;
  if (principal && typeof principal === 'object' && 'AWS' in principal) {
    const named = list((principal as { AWS: unknown }).AWS);
    return named.some(
      (entry) => entry === '*' || entry === caller.roleArn || entry === `arn:${PARTITION}:iam::${caller.account}:root`,
    );
  }
  throw new Error(`principal ${JSON.stringify(principal)}: teach the evaluator`);
}

/** A resource policy's answer for one caller: an explicit deny wins, then an allow naming the caller. */
export function resourcePolicyAllows(
  statements: readonly ResourceStatement[],
  caller: Caller,
  request: Request,
): boolean {
  const withCaller: Request = { ...request, context: { ...callerContext(caller), ...request.context } };
  const matching = statements.filter(
    (statement) => principalMatches(statement.Principal, caller) && matches(statement, withCaller),
  );
  return (
    !matching.some((statement) => statement.Effect === 'Deny') &&
    matching.some((statement) => statement.Effect === 'Allow')
  );
}

/** IAM's answer for one principal: an explicit deny wins, then any allow, else the implicit deny. */
export function allows(statements: readonly PolicyStatement[], request: Request): boolean {
  const matching = statements.filter((statement) => matches(statement, request));
  return (
    !matching.some((statement) => statement.Effect === 'Deny') &&
    matching.some((statement) => statement.Effect === 'Allow')
  );
}

/** A Client VPN endpoint's ARN. */
export const endpointArn = (endpointId: string, region = REGION, account = ACCOUNT) =>
  `arn:${PARTITION}:ec2:${region}:${account}:client-vpn-endpoint/${endpointId}`;

/** The enforcer's role, and the ARNs of the stack's own resources, for one deployment. */
export function enforcerOf(context: Record<string, unknown>) {
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
    changeFailures: arn('AWS::SQS::Queue', 'PolicyChangesFailureQueue'),
    policiesStream: `${arn('AWS::DynamoDB::Table', 'PoliciesTable')}/stream/${STREAM_LABEL}`,
    fn: arn('AWS::Lambda::Function', 'EnforcerFunction'),
    connectHandler: arn('AWS::Lambda::Function', 'ConnectHandlerFunction'),
    role: `arn:${PARTITION}:iam::${ACCOUNT}:role/${logicalId(template, 'AWS::IAM::Role', 'EnforcerFunctionRole')}`,
  };
}

/** An UpdateItem on a table as DynamoDB authorizes it: the attributes the request names, and its ReturnValues. */
export const updateItem = (resource: string, attributes: readonly string[], returnValues?: string): Request => ({
  action: 'dynamodb:UpdateItem',
  resource,
  context: {
    'dynamodb:Attributes': attributes,
    ...(returnValues === undefined ? {} : { 'dynamodb:ReturnValues': returnValues }),
  },
});
