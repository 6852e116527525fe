import { describe, expect, it } from '@jest/globals';
import { loadEnforcerConfig, loadGateConfig } from '../../lambda/config.js';
import { EnforcerConfigError } from '../../lambda/errors.js';
import { EnvVar } from '../../lambda/environment.js';

const TABLES = {
  [EnvVar.POLICIES_TABLE]: 'policies',
  [EnvVar.AUDIT_TABLE]: 'audit',
  [EnvVar.STATE_TABLE]: 'state',
};

describe('loadEnforcerConfig', () => {
  it('applies the safe defaults', () => {
    const config = loadEnforcerConfig(TABLES);
    expect(config).toMatchObject({
      dryRun: false,
      disabled: false,
      endpointIds: [],
      maxTerminationsPerRun: 100,
      auditRetentionDays: 365,
      terminateRate: 5,
      terminateBurst: 50,
      terminateConcurrency: 10,
      timeMarginMs: 20_000,
      leaseMs: 300_000,
    });
    expect(config.topicArn).toBeUndefined();
    expect(config.endpointTag).toBeUndefined();
    expect(config.connectHandlerFunction).toBeUndefined();
  });

  it("reads the client connect handler's function name, for the canary", () => {
    expect(
      loadEnforcerConfig({ ...TABLES, [EnvVar.CONNECT_HANDLER_FUNCTION]: ' AWSClientVPN-cvpn-guard ' }),
    ).toMatchObject({ connectHandlerFunction: 'AWSClientVPN-cvpn-guard' });
  });

  it('reads endpoint ids, a tag and the switches', () => {
    expect(
      loadEnforcerConfig({
        ...TABLES,
        [EnvVar.ENDPOINT_IDS]: 'cvpn-endpoint-0123456789abcdef0, cvpn-endpoint-0aaaaaaa',
        [EnvVar.DRY_RUN]: 'true',
      }),
    ).toMatchObject({
      endpointIds: ['cvpn-endpoint-0123456789abcdef0', 'cvpn-endpoint-0aaaaaaa'],
      dryRun: true,
    });
    expect(loadEnforcerConfig({ ...TABLES, [EnvVar.ENDPOINT_TAG]: 'cvpn-guard=enforce' }).endpointTag).toEqual({
      key: 'cvpn-guard',
      value: 'enforce',
    });
  });

  it.each([
    [{ [EnvVar.POLICIES_TABLE]: undefined }, EnvVar.POLICIES_TABLE],
    [{ [EnvVar.ENDPOINT_IDS]: 'vpn-123' }, 'vpn-123'],
    [{ [EnvVar.ENDPOINT_TAG]: 'no-equals-sign' }, EnvVar.ENDPOINT_TAG],
    [{ [EnvVar.MAX_TERMINATIONS_PER_RUN]: '-1' }, EnvVar.MAX_TERMINATIONS_PER_RUN],
    [{ [EnvVar.TERMINATE_RATE]: 'fast' }, EnvVar.TERMINATE_RATE],
    [{ [EnvVar.DRY_RUN]: 'yes' }, EnvVar.DRY_RUN],
    [{ [EnvVar.TOPIC_ARN]: 'my-topic' }, EnvVar.TOPIC_ARN],
    [{ [EnvVar.ENDPOINT_IDS]: 'cvpn-endpoint-0123456789abcdef0', [EnvVar.ENDPOINT_TAG]: 'a=b' }, 'not both'],
  ])('rejects %j with an error naming %s', (override, named) => {
    expect(() => loadEnforcerConfig({ ...TABLES, ...override })).toThrow(EnforcerConfigError);
    expect(() => loadEnforcerConfig({ ...TABLES, ...override })).toThrow(named);
  });

  it('reports every variable at fault at once, each with its setting and what it accepts', () => {
    try {
      loadEnforcerConfig({
        [EnvVar.POLICIES_TABLE]: ' ',
        [EnvVar.AUDIT_TABLE]: 'audit',
        [EnvVar.STATE_TABLE]: 'state',
        [EnvVar.TIME_MARGIN_SECONDS]: '1',
        [EnvVar.TERMINATE_RATE]: '500',
      });
      throw new Error('expected a refusal');
    } catch (error) {
      expect(error).toBeInstanceOf(EnforcerConfigError);
      expect((error as EnforcerConfigError).issues).toEqual([
        { variable: EnvVar.POLICIES_TABLE, message: expect.stringContaining('is required') },
        {
          variable: EnvVar.TIME_MARGIN_SECONDS,
          message: `${EnvVar.TIME_MARGIN_SECONDS}="1" (setting timeMarginSeconds): expected a whole number of seconds from 5 to 600`,
        },
        {
          variable: EnvVar.TERMINATE_RATE,
          message: expect.stringContaining(
            `${EnvVar.TERMINATE_RATE}="500" (setting terminateRate): expected a whole number`,
          ),
        },
      ]);
    }
  });

  it('reads a variable set to an empty text as not set', () => {
    expect(loadEnforcerConfig({ ...TABLES, [EnvVar.TERMINATE_BURST]: '', [EnvVar.DRY_RUN]: '' })).toMatchObject({
      terminateBurst: 50,
      dryRun: false,
    });
  });
});

describe('loadGateConfig', () => {
  it('applies the safe defaults, durations in milliseconds', () => {
    expect(loadGateConfig(TABLES)).toEqual({
      policiesTable: 'policies',
      auditTable: 'audit',
      stateTable: 'state',
      dryRun: false,
      disabled: false,
      auditRetentionDays: 365,
      connectFailMode: 'admit',
      connectDeadlineMs: 3000,
      policyCacheMs: 30_000,
    });
  });

  it('refuses every variable at fault at once, naming the variable, the setting and what is accepted', () => {
    // Act
    const load = () =>
      loadGateConfig({
        [EnvVar.AUDIT_TABLE]: 'audit',
        [EnvVar.CONNECT_FAIL_MODE]: 'deny',
        [EnvVar.CONNECT_DEADLINE_MS]: '30000',
        [EnvVar.POLICY_CACHE_SECONDS]: '0',
      });

    // Assert
    expect(load).toThrow(EnforcerConfigError);
    try {
      load();
    } catch (error) {
      expect((error as EnforcerConfigError).issues.map((issue) => issue.variable)).toEqual([
        EnvVar.POLICIES_TABLE,
        EnvVar.STATE_TABLE,
        EnvVar.CONNECT_FAIL_MODE,
        EnvVar.CONNECT_DEADLINE_MS,
        EnvVar.POLICY_CACHE_SECONDS,
      ]);
      expect((error as Error).message).toContain(
        'CVPN_GUARD_CONNECT_FAIL_MODE="deny" (setting connectFailMode): expected admit or refuse',
      );
    }
  });
});

describe('placement and hub in the configuration', () => {
  const HUB = 'eu-west-1';
  const SPOKE = {
    [EnvVar.POLICIES_TABLE]: `arn:aws:dynamodb:${HUB}:111122223333:table/cvpn-guard-policies`,
    [EnvVar.AUDIT_TABLE]: `arn:aws:dynamodb:${HUB}:111122223333:table/cvpn-guard-audit`,
    [EnvVar.STATE_TABLE]: 'cvpn-guard-state',
    [EnvVar.TOPIC_ARN]: `arn:aws:sns:${HUB}:111122223333:cvpn-guard`,
    [EnvVar.HUB_REGION]: HUB,
    [EnvVar.ACCOUNT_ID]: '222233334444',
    AWS_REGION: 'eu-central-1',
  };
  const issuesOf = (load: () => unknown) => {
    try {
      load();
    } catch (error) {
      if (error instanceof EnforcerConfigError) return error.issues;
      throw error;
    }
    throw new Error('expected an EnforcerConfigError');
  };

  it('reads the placement of a single deployment from its account and AWS_REGION, with no hub', () => {
    const config = loadEnforcerConfig({ ...TABLES, [EnvVar.ACCOUNT_ID]: '111122223333', AWS_REGION: 'us-east-1' });
    expect(config.placement).toEqual({ accountId: '111122223333', region: 'us-east-1' });
    expect(config.hubRegion).toBeUndefined();
  });

  it('has no placement on a stack that does not set the account (records carry none)', () => {
    expect(loadEnforcerConfig({ ...TABLES, AWS_REGION: 'us-east-1' }).placement).toBeUndefined();
    expect(loadGateConfig({ ...TABLES, AWS_REGION: 'us-east-1' }).placement).toBeUndefined();
  });

  it("reads a spoke: its placement, the hub's Region and the hub's tables and topic by ARN", () => {
    const config = loadEnforcerConfig(SPOKE);
    expect(config).toMatchObject({
      placement: { accountId: '222233334444', region: 'eu-central-1' },
      hubRegion: HUB,
      policiesTable: SPOKE[EnvVar.POLICIES_TABLE],
      auditTable: SPOKE[EnvVar.AUDIT_TABLE],
      topicArn: SPOKE[EnvVar.TOPIC_ARN],
    });
    expect(loadGateConfig(SPOKE)).toMatchObject({ placement: config.placement, hubRegion: HUB });
  });

  it.each([
    [EnvVar.ACCOUNT_ID, undefined, 'is required'],
    [EnvVar.ACCOUNT_ID, '2222', '"2222": expected the 12-digit id'],
    [EnvVar.HUB_REGION, 'Ireland', `"Ireland": expected the hub's AWS Region name`],
    [EnvVar.POLICIES_TABLE, 'cvpn-guard-policies', "it is not the hub policies table's ARN"],
    [
      EnvVar.AUDIT_TABLE,
      'arn:aws:dynamodb:us-east-1:111122223333:table/cvpn-guard-audit',
      `it is in us-east-1, not the hub's Region ${HUB}`,
    ],
    [EnvVar.TOPIC_ARN, `arn:aws:sqs:${HUB}:111122223333:cvpn-guard`, "it is not the hub topic's ARN"],
    ['AWS_REGION', undefined, 'AWS_REGION is required'],
  ])('refuses a spoke whose %s is %j, naming the variable, the value and the fix', (variable, value, words) => {
    const env: Record<string, string | undefined> = { ...SPOKE, [variable]: value };
    const [issue, ...others] = issuesOf(() => loadEnforcerConfig(env));
    expect(others).toEqual([]);
    expect(issue?.variable).toBe(variable);
    expect(issue?.message).toContain(words);
    expect(issue?.message).toMatch(/expected|required/);
  });

  it("refuses a spoke's gate whose tables are named, not by ARN", () => {
    const issues = issuesOf(() =>
      loadGateConfig({ ...SPOKE, [EnvVar.POLICIES_TABLE]: 'policies', [EnvVar.AUDIT_TABLE]: 'audit' }),
    );
    expect(issues.map((issue) => issue.variable)).toEqual([EnvVar.POLICIES_TABLE, EnvVar.AUDIT_TABLE]);
    expect(issues[0]?.message).toContain(`such as arn:aws:dynamodb:${HUB}:111122223333:table/policies`);
  });

  it('refuses a single deployment whose account id is not 12 digits', () => {
    const [issue] = issuesOf(() =>
      loadEnforcerConfig({ ...TABLES, [EnvVar.ACCOUNT_ID]: 'me', AWS_REGION: 'us-east-1' }),
    );
    expect(issue).toMatchObject({ variable: EnvVar.ACCOUNT_ID });
    expect(issue?.message).toContain('"me": expected the 12-digit id');
  });
});
