import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  AccessDecision,
  type AccessRequest,
  type RequestContext,
  evaluatePolicy,
  parsePolicyDocument,
} from '../../../../local/iam/index.js';

const HUB = '111111111111';
const SPOKE = '222222222222';
const TABLE = `arn:aws:dynamodb:us-east-1:${HUB}:table/cvpn-guard-policies`;
const ROLE = `arn:aws:iam::${SPOKE}:role/guard-enforcer-eu-west-1`;

const CONTEXT: RequestContext = {
  'aws:PrincipalOrgID': ['o-aaaa1111'],
  'aws:PrincipalArn': [ROLE],
  'aws:PrincipalAccount': [SPOKE],
  'dynamodb:LeadingKeys': ['p-1'],
  'dynamodb:Attributes': ['policyId', 'mode'],
};

function request(overrides: Partial<AccessRequest> = {}): AccessRequest {
  return {
    principal: {
      accountId: SPOKE,
      arn: `arn:aws:sts::${SPOKE}:assumed-role/guard-enforcer-eu-west-1/s1`,
      roleArn: ROLE,
    },
    action: 'dynamodb:GetItem',
    resource: TABLE,
    context: CONTEXT,
    ...overrides,
  };
}

function policy(...statements: object[]) {
  return parsePolicyDocument(JSON.stringify({ Version: '2012-10-17', Statement: statements }));
}

const allow = (extra: object = {}) => ({
  Effect: 'Allow',
  Principal: '*',
  Action: 'dynamodb:*',
  Resource: TABLE,
  ...extra,
});

describe('evaluatePolicy', () => {
  const cases: [string, object[], Partial<AccessRequest>, AccessDecision][] = [
    ['Principal "*" allows anyone', [allow()], {}, AccessDecision.ALLOW],
    ['an account id principal allows that account', [allow({ Principal: { AWS: SPOKE } })], {}, AccessDecision.ALLOW],
    [
      'the account root allows every principal of it',
      [allow({ Principal: { AWS: `arn:aws:iam::${SPOKE}:root` } })],
      {},
      AccessDecision.ALLOW,
    ],
    ['another account id does not', [allow({ Principal: { AWS: HUB } })], {}, AccessDecision.IMPLICIT_DENY],
    ['a role ARN allows its sessions', [allow({ Principal: { AWS: [ROLE] } })], {}, AccessDecision.ALLOW],
    [
      'a service principal is never an IAM caller',
      [allow({ Principal: { Service: 'lambda.amazonaws.com' } })],
      {},
      AccessDecision.IMPLICIT_DENY,
    ],
    ['an action wildcard matches case-insensitively', [allow({ Action: 'DynamoDB:Get*' })], {}, AccessDecision.ALLOW],
    [
      'an action outside the list is not allowed',
      [allow({ Action: ['dynamodb:PutItem'] })],
      {},
      AccessDecision.IMPLICIT_DENY,
    ],
    [
      'NotAction allows the actions it does not name',
      [allow({ Action: undefined, NotAction: 'dynamodb:Delete*' })],
      {},
      AccessDecision.ALLOW,
    ],
    [
      'NotAction excludes the actions it names',
      [allow({ Action: undefined, NotAction: 'dynamodb:Get*' })],
      {},
      AccessDecision.IMPLICIT_DENY,
    ],
    [
      'the table resource does not cover an index',
      [allow()],
      { resource: `${TABLE}/index/byAccount` },
      AccessDecision.IMPLICIT_DENY,
    ],
    [
      'an /index/* resource covers an index',
      [allow({ Resource: [TABLE, `${TABLE}/index/*`] })],
      { resource: `${TABLE}/index/byAccount` },
      AccessDecision.ALLOW,
    ],
    ['no statement: implicit deny', [allow({ Resource: `${TABLE}-other` })], {}, AccessDecision.IMPLICIT_DENY],
    [
      'a Deny that applies wins over an Allow',
      [allow(), { ...allow(), Effect: 'Deny', Action: 'dynamodb:GetItem' }],
      {},
      AccessDecision.EXPLICIT_DENY,
    ],
    [
      'StringEquals on the org id',
      [allow({ Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-aaaa1111' } } })],
      {},
      AccessDecision.ALLOW,
    ],
    [
      'StringEquals on another org id',
      [allow({ Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-bbbb2222' } } })],
      {},
      AccessDecision.IMPLICIT_DENY,
    ],
    [
      'StringEquals with the key absent',
      [allow({ Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-aaaa1111' } } })],
      { context: { ...CONTEXT, 'aws:PrincipalOrgID': null } },
      AccessDecision.IMPLICIT_DENY,
    ],
    [
      'StringNotEquals with the key absent holds',
      [allow({ Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-x' } } })],
      { context: { ...CONTEXT, 'aws:PrincipalOrgID': null } },
      AccessDecision.ALLOW,
    ],
    [
      'StringLike on the principal ARN',
      [allow({ Condition: { StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/guard-enforcer-*' } } })],
      {},
      AccessDecision.ALLOW,
    ],
    [
      'ArnLike on the principal ARN, part by part',
      [allow({ Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/guard-gate-*' } } })],
      {},
      AccessDecision.IMPLICIT_DENY,
    ],
    [
      'ArnEquals with a wildcard account',
      [allow({ Condition: { ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::*:role/guard-enforcer-eu-west-1` } } })],
      {},
      AccessDecision.ALLOW,
    ],
    [
      'the condition key name is case-insensitive',
      [allow({ Condition: { StringEquals: { 'AWS:PRINCIPALACCOUNT': SPOKE } } })],
      {},
      AccessDecision.ALLOW,
    ],
    [
      'a ${aws:PrincipalAccount} variable',
      [allow({ Condition: { StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::${aws:PrincipalAccount}:role/*' } } })],
      {},
      AccessDecision.ALLOW,
    ],
    [
      'ForAllValues LeadingKeys inside the list',
      [allow({ Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['p-1', 'p-2'] } } })],
      {},
      AccessDecision.ALLOW,
    ],
    [
      'ForAllValues LeadingKeys outside the list',
      [allow({ Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['p-2'] } } })],
      {},
      AccessDecision.IMPLICIT_DENY,
    ],
    [
      'ForAllValues holds when the key is absent (as IAM)',
      [allow({ Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['p-2'] } } })],
      { context: { ...CONTEXT, 'dynamodb:LeadingKeys': null } },
      AccessDecision.ALLOW,
    ],
    [
      'ForAnyValue Attributes with one named',
      [allow({ Condition: { 'ForAnyValue:StringEquals': { 'dynamodb:Attributes': 'mode' } } })],
      {},
      AccessDecision.ALLOW,
    ],
    [
      'ForAnyValue fails when the key is absent',
      [allow({ Condition: { 'ForAnyValue:StringEquals': { 'dynamodb:Attributes': 'mode' } } })],
      { context: { ...CONTEXT, 'dynamodb:Attributes': null } },
      AccessDecision.IMPLICIT_DENY,
    ],
    [
      'a Deny on a named attribute (ForAnyValue) refuses',
      [
        allow(),
        { ...allow(), Effect: 'Deny', Condition: { 'ForAnyValue:StringEquals': { 'dynamodb:Attributes': ['mode'] } } },
      ],
      {},
      AccessDecision.EXPLICIT_DENY,
    ],
    [
      'Bool compares true/false',
      [allow({ Condition: { Bool: { 'aws:PrincipalIsAWSService': 'false' } } })],
      { context: { ...CONTEXT, 'aws:PrincipalIsAWSService': ['false'] } },
      AccessDecision.ALLOW,
    ],
    [
      'conditions AND across keys',
      [allow({ Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-aaaa1111', 'aws:PrincipalAccount': HUB } } })],
      {},
      AccessDecision.IMPLICIT_DENY,
    ],
    [
      'an unemulated key in the only Allow is unjudgeable',
      [allow({ Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1' } } })],
      {},
      AccessDecision.UNJUDGEABLE,
    ],
    [
      'an unemulated operator in a Deny is unjudgeable',
      [allow(), { ...allow(), Effect: 'Deny', Condition: { DateGreaterThan: { 'aws:CurrentTime': '2020-01-01' } } }],
      {},
      AccessDecision.UNJUDGEABLE,
    ],
    [
      'an unjudgeable Allow does not matter when another allows',
      [allow(), allow({ Condition: { StringEquals: { 'aws:SourceVpce': 'v' } } })],
      {},
      AccessDecision.ALLOW,
    ],
    [
      'an unjudgeable statement for another action does not matter',
      [allow({ Action: 'dynamodb:PutItem', Condition: { StringEquals: { 'aws:SourceVpce': 'v' } } })],
      {},
      AccessDecision.IMPLICIT_DENY,
    ],
    [
      'a multi-valued key without a qualifier is unjudgeable',
      [allow({ Condition: { StringEquals: { 'dynamodb:Attributes': 'mode' } } })],
      {},
      AccessDecision.UNJUDGEABLE,
    ],
    [
      'NotPrincipal is unjudgeable',
      [{ ...allow(), Principal: undefined, NotPrincipal: { AWS: HUB } }],
      {},
      AccessDecision.UNJUDGEABLE,
    ],
    [
      'IfExists holds when the key is absent',
      [allow({ Condition: { StringEqualsIfExists: { 'aws:PrincipalOrgID': 'o-x' } } })],
      { context: { ...CONTEXT, 'aws:PrincipalOrgID': null } },
      AccessDecision.ALLOW,
    ],
  ];

  it.each(cases)('%s', (_name, statements, overrides, expected) => {
    const verdict = evaluatePolicy(policy(...statements), request(overrides));

    expect(verdict.decision).toBe(expected);
  });

  it('names why it cannot judge', () => {
    const verdict = evaluatePolicy(
      policy(allow({ Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1' } } })),
      request(),
    );

    expect(verdict).toEqual({
      decision: AccessDecision.UNJUDGEABLE,
      effect: 'Allow',
      reason: 'the condition key aws:SourceVpce is not emulated by the sandbox',
    });
  });

  it('lets a Deny that applies win whatever else the policy holds', () => {
    const actions = fc.constantFrom('dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem');
    const statement = fc.record({
      Effect: fc.constantFrom('Allow', 'Deny'),
      Principal: fc.constantFrom<unknown>('*', { AWS: SPOKE }, { AWS: HUB }, { AWS: ROLE }),
      Action: fc.oneof(actions, fc.constant('dynamodb:*'), fc.constant('*')),
      Resource: fc.constantFrom(TABLE, `${TABLE}/index/*`, '*'),
      Condition: fc.constantFrom<unknown>(
        undefined,
        { StringEquals: { 'aws:PrincipalOrgID': 'o-aaaa1111' } },
        { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['p-2'] } },
        { StringEquals: { 'aws:SourceVpce': 'vpce-1' } },
      ),
    });
    fc.assert(
      fc.property(fc.array(statement, { maxLength: 6 }), actions, fc.nat(6), (others, action, at) => {
        const deny = { Effect: 'Deny', Principal: '*', Action: action, Resource: TABLE };
        const statements = [...others.slice(0, at), deny, ...others.slice(at)];

        const verdict = evaluatePolicy(policy(...statements), request({ action }));

        expect(verdict.decision).toBe(AccessDecision.EXPLICIT_DENY);
      }),
    );
  });
});

describe('parsePolicyDocument', () => {
  it.each([
    ['not JSON', '{', 'the policy is not JSON'],
    ['no statement', '{"Version":"2012-10-17"}', 'the policy has no Statement'],
    [
      'a bad effect',
      '{"Statement":{"Effect":"Permit","Principal":"*","Action":"*","Resource":"*"}}',
      'Statement[0].Effect is "Permit"; use "Allow" or "Deny"',
    ],
    [
      'both Action and NotAction',
      '{"Statement":{"Effect":"Allow","Principal":"*","Action":"*","NotAction":"*","Resource":"*"}}',
      'Statement[0] must have exactly one of Action and NotAction; it has both',
    ],
    [
      'no Resource',
      '{"Statement":{"Effect":"Allow","Principal":"*","Action":"*"}}',
      'Statement[0] must have exactly one of Resource and NotResource; it has neither',
    ],
    [
      'an empty action',
      '{"Statement":{"Effect":"Allow","Principal":"*","Action":[],"Resource":"*"}}',
      'Statement[0].Action must be a non-empty string',
    ],
  ])('refuses %s, naming the field', (_name, text, message) => {
    expect(() => parsePolicyDocument(text)).toThrow(message);
  });
});
