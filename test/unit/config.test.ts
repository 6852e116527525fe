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
