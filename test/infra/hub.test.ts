/**
 * The organization deployment: the hub settings' checks, the hub stack and its StackSet, and what the spoke roles
 * may reach in the hub (resource-based policies) and in their own account (identity policies), evaluated with the
 * IAM evaluator. One hub is synthesized, with bundling: the spoke template's code goes to the asset buckets, which
 * needs the bundled files.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { Template } from 'aws-cdk-lib/assertions';
import { loadStackConfig } from '../../lib/config.js';
import { ConfigValidationError } from '../../lib/errors.js';
import { lambdaEntry } from '../../lib/function-code.js';
import { HubStack } from '../../lib/hub-stack.js';
import { HUB_OUTPUTS, StackOutput } from '../../lib/outputs.js';
import { SpokeParameter } from '../../lib/spoke.js';
import { AUDIT_COMPLETION_ATTRIBUTES } from '../../lambda/tables.js';
import {
  allows,
  type Caller,
  type Deployed,
  PARTITION,
  type PolicyStatement,
  type Request,
  resolve,
  type Resources,
  resourcePolicyAllows,
  type ResourceStatement,
  roleStatementsResolved,
  updateItem,
} from './iam-evaluator.js';
import { buildApp, cdkJsonContext, ENDPOINT_A } from './stack-factory.js';

const ORG = 'o-abcdefghij';
const HUB = { organizationId: ORG, targetOus: 'ou-ab12-abcdefgh', targetRegions: 'eu-west-1,us-east-1' };
const HUB_CONTEXT = { deployment: 'hub', ...HUB };

const HUB_ACCOUNT = '999988887777';
const HUB_REGION = 'eu-west-1';
const SPOKE_ACCOUNT = '111122223333';
const SPOKE_REGION = 'us-east-1';
const OTHER_ACCOUNT = '444455556666';

/** The issues the stack's settings check finds in `context` (on top of cdk.json). */
function issuesOf(context: Record<string, unknown>): { key: string; message: string }[] {
  const all = { ...cdkJsonContext(), ...context };
  try {
    loadStackConfig((key) => all[key], Object.keys(all));
    return [];
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) throw error;
    return error.issues.map(({ key, message }) => ({ key, message }));
  }
}

describe('organization settings', () => {
  it.each([
    ['targetOus', /deployment=hub needs at least one entry/],
    ['targetRegions', /deployment=hub needs at least one entry/],
    ['organizationId', /needs the organization id/],
  ])('Noncompliance 1: a hub without %s is refused, naming the key', (key, message) => {
    const issues = issuesOf({ ...HUB_CONTEXT, [key]: '' });

    expect(issues).toEqual([{ key, message: expect.stringMatching(message) }]);
  });

  it('Noncompliance 2: a single deployment with organization settings is refused: set deployment=hub', () => {
    expect(issuesOf({ targetOus: HUB.targetOus, organizationId: ORG })).toEqual([
      { key: 'targetOus', message: expect.stringContaining('set deployment=hub') },
      { key: 'organizationId', message: expect.stringContaining('set deployment=hub') },
    ]);
  });

  it.each([
    ['targetOus', 'ou-x', '"ou-x" is not an organizational unit or root id'],
    ['targetRegions', 'eu-west,mars-1', '"eu-west", "mars-1" are not Region names'],
    ['organizationId', 'o-short', 'expected an organization id like o-abcdefghij'],
    ['deployment', 'spoke', 'expected single or hub'],
  ])('Noncompliance 3: %s=%s is refused, saying why', (key, value, message) => {
    const issues = issuesOf({ ...HUB_CONTEXT, [key]: value });

    expect(issues.filter((issue) => issue.key === key).map((issue) => issue.message)).toEqual([
      expect.stringContaining(message),
    ]);
  });

  it('Noncompliance 4: endpoint ids, attaching, and a stack name too long for spoke role names are refused in a hub', () => {
    const issues = issuesOf({
      ...HUB_CONTEXT,
      endpointIds: [ENDPOINT_A],
      attachConnectHandler: true,
      stackName: `S${'x'.repeat(47)}`,
    });

    expect(issues.map((issue) => issue.key).sort()).toEqual(['attachConnectHandler', 'endpointIds', 'stackName']);
    expect(issues.find((issue) => issue.key === 'stackName')?.message).toMatch(/IAM allows 64/);
  });

  it('Compliance 1: a hub reads its targets, duplicates dropped', () => {
    const all: Record<string, unknown> = { ...cdkJsonContext(), ...HUB_CONTEXT, targetRegions: 'eu-west-1,eu-west-1' };
    const config = loadStackConfig((key) => all[key]);

    expect(config.deployment).toBe('hub');
    expect(config.organization).toEqual({
      organizationalUnits: ['ou-ab12-abcdefgh'],
      regions: ['eu-west-1'],
      organizationId: ORG,
    });
  });
});

// The relay's and the hub watch's handlers are another part's; until they exist, the enforcer's handler stands in.
let hub: Template;
let hubResources: Resources;
let spoke: Resources;
let spokeParameters: Record<string, unknown>;

beforeAll(() => {
  const { app, stack } = buildApp(HUB_CONTEXT, {
    bundle: true,
    hubEntries: { relay: lambdaEntry('handler.ts'), hubWatch: lambdaEntry('handler.ts') },
  });
  if (!(stack instanceof HubStack)) throw new Error('expected a hub');
  hub = Template.fromStack(stack);
  hubResources = hub.toJSON().Resources as Resources;
  const file = join(app.outdir, stack.rollout.template.templateFile);
  const template = JSON.parse(readFileSync(file, 'utf8')) as {
    Resources: Resources;
    Parameters: Record<string, unknown>;
  };
  spoke = template.Resources;
  spokeParameters = template.Parameters;
}, 240_000);

/** The resource of `type` in `resources` whose logical id starts with `prefix`. */
function only(resources: Resources, type: string, prefix: string): [string, Record<string, unknown>] {
  const found = Object.entries(resources).filter(([id, resource]) => resource.Type === type && id.startsWith(prefix));
  if (found.length !== 1) throw new Error(`expected one ${type} ${prefix}, found ${found.length}`);
  const [id, resource] = found[0]!;
  return [id, resource.Properties ?? {}];
}

describe('HubStack', () => {
  it('Compliance 1: one service-managed StackSet, auto-deployed to the target OUs in every target Region, stacks removed with an account', () => {
    const [, stackSet] = only(hubResources, 'AWS::CloudFormation::StackSet', 'SpokeStackSet');

    expect(stackSet).toMatchObject({
      StackSetName: 'CvpnGuard-spokes',
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      StackInstancesGroup: [
        {
          DeploymentTargets: { OrganizationalUnitIds: ['ou-ab12-abcdefgh'] },
          Regions: ['eu-west-1', 'us-east-1'],
        },
      ],
    });
  });

  it("Compliance 2: the StackSet gives every spoke parameter, from the hub's own resources", () => {
    const [, stackSet] = only(hubResources, 'AWS::CloudFormation::StackSet', 'SpokeStackSet');
    const given = Object.fromEntries(
      (stackSet.Parameters as { ParameterKey: string; ParameterValue: unknown }[]).map((parameter) => [
        parameter.ParameterKey,
        parameter.ParameterValue,
      ]),
    );

    expect(Object.keys(given).sort()).toEqual(Object.values(SpokeParameter).sort());
    expect(Object.keys(spokeParameters).sort()).toEqual(Object.values(SpokeParameter).sort());
    expect(given.PoliciesTableArn).toEqual({ 'Fn::GetAtt': ['PoliciesTable', 'Arn'] });
    expect(given.AuditTableArn).toEqual({ 'Fn::GetAtt': ['AuditTable', 'Arn'] });
    expect(JSON.stringify(given.RelayRoleArn)).toContain('HubRelayRole');
    expect(given.HubRegion).toEqual({ Ref: 'AWS::Region' });
  });

  it('Compliance 3: outputs say it is a hub, name the StackSet and the spoke stack name', () => {
    const outputs = hub.toJSON().Outputs as Record<string, { Value: unknown }>;

    expect(Object.keys(outputs).sort()).toEqual([...HUB_OUTPUTS].sort());
    expect(outputs[StackOutput.DEPLOYMENT]?.Value).toBe('hub');
    expect(outputs[StackOutput.STACK_SET_NAME]?.Value).toBe('CvpnGuard-spokes');
    expect(outputs[StackOutput.SPOKE_STACK_NAME]?.Value).toBe('CvpnGuard');
    expect(outputs[StackOutput.POLICIES_TABLE_ARN]?.Value).toEqual({ 'Fn::GetAtt': ['PoliciesTable', 'Arn'] });
  });

  it.each(['SpokesUnreachable', 'SpokeRelayFailures'])('Compliance 4: alarms on %s ≥ 1', (metricName) => {
    hub.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: metricName,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('Compliance 5: the relay is fed by the policies stream, the hub watch runs on the schedule with three periods and a timeout of silence', () => {
    const [relayId] = only(hubResources, 'AWS::Lambda::Function', 'HubRelayFunction');
    const [, mapping] = only(hubResources, 'AWS::Lambda::EventSourceMapping', 'HubRelayFunction');
    const [, watch] = only(hubResources, 'AWS::Lambda::Function', 'HubHubWatchFunction');

    expect(mapping.FunctionName).toEqual({ Ref: relayId });
    expect(mapping.EventSourceArn).toEqual({ 'Fn::GetAtt': ['PoliciesTable', 'StreamArn'] });
    expect(watch.FunctionName).toBe('CvpnGuard-hub-watch');
    expect((watch.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
      CVPN_GUARD_SPOKE_STALE_SECONDS: String(3 * 300 + 240),
      CVPN_GUARD_STACK_NAME: 'CvpnGuard',
    });
    hub.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(5 minutes)' });
  });

  it('Compliance 6: the spoke names its functions, roles and state table as every part expects, and names the hub tables by ARN', () => {
    const [, enforcer] = only(spoke, 'AWS::Lambda::Function', 'SpokeEnforcerFunction');
    const [, gate] = only(spoke, 'AWS::Lambda::Function', 'SpokeConnectHandlerFunction');
    const [, state] = only(spoke, 'AWS::DynamoDB::Table', 'StateTable');
    const at = spokeAt();
    const roleName = (prefix: string) => resolve(spoke, only(spoke, 'AWS::IAM::Role', prefix)[1].RoleName, at);

    expect(enforcer.FunctionName).toBe('CvpnGuard-enforcer');
    expect(gate.FunctionName).toBe('AWSClientVPN-CvpnGuard');
    expect(state.TableName).toBe('CvpnGuard-state');
    expect(roleName('SpokeEnforcerFunctionRole')).toBe(`CvpnGuard-enforcer-${SPOKE_REGION}`);
    expect(roleName('SpokeConnectHandlerFunctionRole')).toBe(`CvpnGuard-gate-${SPOKE_REGION}`);
    expect(roleName('SpokeOperatorRole')).toBe(`CvpnGuard-operator-${SPOKE_REGION}`);
    expect(resolve(spoke, (enforcer.Environment as { Variables: unknown }).Variables, at)).toMatchObject({
      CVPN_GUARD_POLICIES_TABLE: hubTableArn('policies'),
      CVPN_GUARD_AUDIT_TABLE: hubTableArn('audit'),
      CVPN_GUARD_HUB_REGION: HUB_REGION,
      CVPN_GUARD_ACCOUNT_ID: SPOKE_ACCOUNT,
    });
  });
});

const hubTableArn = (table: 'policies' | 'audit') =>
  `arn:${PARTITION}:dynamodb:${HUB_REGION}:${HUB_ACCOUNT}:table/CvpnGuard-${table}`;

/** A spoke as deployed in SPOKE_ACCOUNT / SPOKE_REGION, with the parameters the hub gives. */
function spokeAt(account = SPOKE_ACCOUNT, region = SPOKE_REGION): Deployed {
  return {
    account,
    region,
    parameters: {
      HubAccountId: HUB_ACCOUNT,
      HubRegion: HUB_REGION,
      PoliciesTableArn: hubTableArn('policies'),
      AuditTableArn: hubTableArn('audit'),
      TopicArn: `arn:${PARTITION}:sns:${HUB_REGION}:${HUB_ACCOUNT}:CvpnGuard-topic`,
      TopicKeyArn: `arn:${PARTITION}:kms:${HUB_REGION}:${HUB_ACCOUNT}:key/hub-key`,
      RelayRoleArn: `arn:${PARTITION}:iam::${HUB_ACCOUNT}:role/CvpnGuard-relay-role`,
      AssetBucketPrefix: `cvpnguard-spoke-assets-${HUB_ACCOUNT}`,
    },
  };
}

/** A spoke role's identity policy, as deployed. */
function spokeRole(prefix: string): (request: Request) => boolean {
  const statements = roleStatementsResolved(Template.fromJSON({ Resources: spoke }), prefix, spokeAt());
  return (request) => allows(statements, request);
}

/** A hub table's resource policy, as deployed in the hub. */
function tablePolicy(logicalId: string): ResourceStatement[] {
  const properties = hubResources[logicalId]?.Properties as {
    ResourcePolicy: { PolicyDocument: { Statement: unknown[] } };
  };
  const at: Deployed = { account: HUB_ACCOUNT, region: HUB_REGION };
  return properties.ResourcePolicy.PolicyDocument.Statement.map(
    (statement) => resolve(hubResources, statement, at) as PolicyStatement,
  );
}

const roleOf = (purpose: string, account = SPOKE_ACCOUNT, region = SPOKE_REGION): Caller => ({
  roleArn: `arn:${PARTITION}:iam::${account}:role/CvpnGuard-${purpose}-${region}`,
  account,
  orgId: ORG,
});
const putItem = (resource: string, pk: string): Request => ({
  action: 'dynamodb:PutItem',
  resource,
  context: { 'dynamodb:LeadingKeys': [pk] },
});
const ownRun = `RUN#${SPOKE_ACCOUNT}.${SPOKE_REGION}/2026-12-01T10:00:00Z`;

describe("the hub tables' resource-based policies", () => {
  it('Compliance 1: a spoke enforcer of the organization puts its own run records and heartbeat, and completes its own records', () => {
    const audit = tablePolicy('AuditTable');
    const enforcer = roleOf('enforcer');

    expect(resourcePolicyAllows(audit, enforcer, putItem(hubTableArn('audit'), ownRun))).toBe(true);
    expect(
      resourcePolicyAllows(audit, enforcer, putItem(hubTableArn('audit'), `SPOKE#${SPOKE_ACCOUNT}.${SPOKE_REGION}`)),
    ).toBe(true);
    const complete = updateItem(hubTableArn('audit'), ['pk', 'sk', 'outcome'], 'NONE');
    expect(
      resourcePolicyAllows(audit, enforcer, {
        ...complete,
        context: { ...complete.context, 'dynamodb:LeadingKeys': [ownRun] },
      }),
    ).toBe(true);
    expect(
      resourcePolicyAllows(audit, enforcer, {
        action: 'dynamodb:Query',
        resource: `${hubTableArn('audit')}/index/pending`,
      }),
    ).toBe(true);
  });

  it("Noncompliance 1: a spoke writes no other account's records, updates no decision, deletes nothing", () => {
    const audit = tablePolicy('AuditTable');
    const enforcer = roleOf('enforcer');
    const otherRun = `RUN#${OTHER_ACCOUNT}.${SPOKE_REGION}/2026-12-01T10:00:00Z`;

    expect(resourcePolicyAllows(audit, enforcer, putItem(hubTableArn('audit'), otherRun))).toBe(false);
    expect(resourcePolicyAllows(audit, enforcer, putItem(hubTableArn('audit'), `SPOKE#${OTHER_ACCOUNT}.x`))).toBe(
      false,
    );
    const rewrite = updateItem(hubTableArn('audit'), ['pk', 'sk', 'decision'], 'NONE');
    expect(
      resourcePolicyAllows(audit, enforcer, {
        ...rewrite,
        context: { ...rewrite.context, 'dynamodb:LeadingKeys': [ownRun] },
      }),
    ).toBe(false);
    expect(
      resourcePolicyAllows(audit, enforcer, { action: 'dynamodb:DeleteItem', resource: hubTableArn('audit') }),
    ).toBe(false);
    expect(
      resourcePolicyAllows(audit, enforcer, {
        action: 'dynamodb:Query',
        resource: `${hubTableArn('audit')}/index/byIdentity`,
      }),
    ).toBe(false);
  });

  it('Noncompliance 2: another organization, and a role not named as a spoke role, are refused', () => {
    const audit = tablePolicy('AuditTable');
    const policies = tablePolicy('PoliciesTable');
    const scan = { action: 'dynamodb:Scan', resource: hubTableArn('policies') };

    expect(resourcePolicyAllows(policies, roleOf('gate'), scan)).toBe(true);
    expect(resourcePolicyAllows(policies, { ...roleOf('gate'), orgId: 'o-otherorgxyz' }, scan)).toBe(false);
    expect(
      resourcePolicyAllows(policies, { ...roleOf('gate'), roleArn: `arn:aws:iam::${SPOKE_ACCOUNT}:role/Admin` }, scan),
    ).toBe(false);
    expect(
      resourcePolicyAllows(
        audit,
        { ...roleOf('enforcer'), orgId: 'o-otherorgxyz' },
        putItem(hubTableArn('audit'), ownRun),
      ),
    ).toBe(false);
  });

  it('Noncompliance 3: the gate only puts its own admissions; nobody from a spoke writes policy rows', () => {
    const audit = tablePolicy('AuditTable');
    const policies = tablePolicy('PoliciesTable');

    expect(resourcePolicyAllows(audit, roleOf('gate'), putItem(hubTableArn('audit'), ownRun))).toBe(true);
    expect(
      resourcePolicyAllows(audit, roleOf('gate'), updateItem(hubTableArn('audit'), ['pk', 'sk', 'outcome'], 'NONE')),
    ).toBe(false);
    expect(
      resourcePolicyAllows(audit, roleOf('gate'), { action: 'dynamodb:Query', resource: hubTableArn('audit') }),
    ).toBe(false);
    for (const caller of [roleOf('enforcer'), roleOf('gate'), roleOf('operator')])
      for (const action of ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'])
        expect([
          caller.roleArn,
          action,
          resourcePolicyAllows(policies, caller, {
            action,
            resource: hubTableArn('policies'),
            context: { 'dynamodb:LeadingKeys': ['p1'] },
          }),
        ]).toEqual([caller.roleArn, action, false]);
  });
});

describe("the spoke roles' identity policies", () => {
  const foreignState = [
    `arn:${PARTITION}:dynamodb:${SPOKE_REGION}:${OTHER_ACCOUNT}:table/CvpnGuard-state`,
    `arn:${PARTITION}:dynamodb:eu-central-1:${SPOKE_ACCOUNT}:table/CvpnGuard-state`,
  ];

  it("Compliance 1: the enforcer reaches the hub's tables, the pending index and its own state table", () => {
    const can = spokeRole('SpokeEnforcerFunctionRole');
    const ownState = `arn:${PARTITION}:dynamodb:${SPOKE_REGION}:${SPOKE_ACCOUNT}:table/CvpnGuard-state`;

    expect(can({ action: 'dynamodb:Scan', resource: hubTableArn('policies') })).toBe(true);
    expect(can({ action: 'dynamodb:PutItem', resource: hubTableArn('audit') })).toBe(true);
    expect(can(updateItem(hubTableArn('audit'), [...AUDIT_COMPLETION_ATTRIBUTES], 'NONE'))).toBe(true);
    expect(can({ action: 'dynamodb:Query', resource: `${hubTableArn('audit')}/index/pending` })).toBe(true);
    expect(can({ action: 'dynamodb:PutItem', resource: ownState })).toBe(true);
    expect(can({ action: 'sns:Publish', resource: spokeAt().parameters!.TopicArn! })).toBe(true);
  });

  it.each(['SpokeEnforcerFunctionRole', 'SpokeConnectHandlerFunctionRole', 'SpokeOperatorRole'])(
    "Noncompliance 1: %s reaches no other spoke's state table, and no other table of the hub",
    (prefix) => {
      const can = spokeRole(prefix);
      const actions = [
        'dynamodb:GetItem',
        'dynamodb:Query',
        'dynamodb:PutItem',
        'dynamodb:Scan',
        'dynamodb:DeleteItem',
      ];

      for (const resource of [...foreignState, `arn:${PARTITION}:dynamodb:${HUB_REGION}:${HUB_ACCOUNT}:table/Other`])
        for (const action of actions)
          expect([
            action,
            resource,
            can({ action, resource, context: { 'dynamodb:LeadingKeys': ['CONN#x'] } }),
          ]).toEqual([action, resource, false]);
    },
  );

  it('Noncompliance 2: the gate never writes policy rows or updates audit records; the operator role writes nothing', () => {
    const gate = spokeRole('SpokeConnectHandlerFunctionRole');
    const operator = spokeRole('SpokeOperatorRole');

    expect(gate({ action: 'dynamodb:Scan', resource: hubTableArn('policies') })).toBe(true);
    expect(gate({ action: 'dynamodb:PutItem', resource: hubTableArn('policies') })).toBe(false);
    expect(gate(updateItem(hubTableArn('audit'), ['pk', 'sk', 'outcome'], 'NONE'))).toBe(false);
    expect(
      operator({
        action: 'dynamodb:PutItem',
        resource: `arn:aws:dynamodb:${SPOKE_REGION}:${SPOKE_ACCOUNT}:table/CvpnGuard-state`,
      }),
    ).toBe(false);
    expect(
      operator({
        action: 'ec2:TerminateClientVpnConnections',
        resource: `arn:aws:ec2:${SPOKE_REGION}:${SPOKE_ACCOUNT}:client-vpn-endpoint/${ENDPOINT_A}`,
      }),
    ).toBe(false);
    expect(
      operator({
        action: 'lambda:InvokeFunction',
        resource: `arn:aws:lambda:${SPOKE_REGION}:${SPOKE_ACCOUNT}:function:CvpnGuard-enforcer`,
      }),
    ).toBe(true);
  });

  it("Compliance 2: only the hub relay's role may invoke the spoke enforcer from outside", () => {
    const [, permission] = only(spoke, 'AWS::Lambda::Permission', 'SpokeEnforcerFunctionHubRelayInvokes');

    expect(resolve(spoke, permission.Principal, spokeAt())).toBe(spokeAt().parameters!.RelayRoleArn);
    expect(permission.Action).toBe('lambda:InvokeFunction');
  });
});
