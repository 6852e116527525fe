/**
 * The stack and the function read the deployment settings with the same schemas: a value the stack refuses
 * at synthesis, the function refuses when it starts, in the same words (naming its variable and the key).
 */
import { describe, expect, it } from '@jest/globals';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { loadEnforcerConfig, loadGateConfig } from '../../lambda/config.js';
import { EnvVar } from '../../lambda/environment.js';
import { EnforcerConfigError } from '../../lambda/errors.js';
import {
  ENDPOINT_SELECTION_EXCLUSIVE,
  type EnforcerSetting,
  enforcerEnvironment,
  type GateSetting,
  LOG_RETENTION_PERIODS,
  runSettingsOf,
  SETTINGS,
} from '../../lambda/settings/index.js';
import { loadStackConfig } from '../../lib/config.js';
import { ConfigValidationError } from '../../lib/errors.js';
import { ENDPOINT_A, ENDPOINT_B } from './stack-factory.js';

const TABLES = { [EnvVar.POLICIES_TABLE]: 'policies', [EnvVar.AUDIT_TABLE]: 'audit', [EnvVar.STATE_TABLE]: 'state' };

/** Values each setting the function reads must refuse, as `-c key=value` and the environment give them: text. */
const REFUSED: { readonly [K in EnforcerSetting]: readonly string[] } = {
  endpointIds: ['vpn-123', `${ENDPOINT_A},cvpn-endpoint-XYZ`, JSON.stringify(Array(101).fill(ENDPOINT_A))],
  endpointTag: ['team', 'aws:cloudformation:stack-name=x', '=vpn', `team=${'v'.repeat(257)}`],
  dryRun: ['yes', '1'],
  disabled: ['on', '0'],
  maxTerminationsPerRun: ['-1', '10001', '2.5', 'many'],
  auditRetentionDays: ['0', '3651'],
  stateRetentionDays: ['0', '366'],
  leaseSeconds: ['59', '3601'],
  timeMarginSeconds: ['0', '4', '601'],
  terminateRate: ['0', '101', 'fast'],
  terminateBurst: ['0', '1001'],
  terminateConcurrency: ['0', '101'],
  maxContinuations: ['-1', '101', '1.5', 'few'],
  connectionHourPrices: ['eu-west-1', 'europe=0.05', 'eu-west-1=-0.05', 'eu-west-1=free', 'eu-west-1=1,eu-west-1=2'],
};

const cases = Object.entries(REFUSED).flatMap(([key, values]) =>
  values.map((value) => [key as EnforcerSetting, value] as const),
);

/** The stack's words for the one setting refused in `context`. */
function stackRefusal(key: string, context: Record<string, unknown>): string {
  try {
    loadStackConfig((name) => context[name], Object.keys(context));
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) throw error;
    const issues = error.issues.filter((issue) => issue.key === key);
    if (issues.length === 1) return issues[0]!.message;
    throw error;
  }
  throw new Error(`expected the stack to refuse ${JSON.stringify(context)}`);
}

/** The function's words for its environment `env`. */
function functionRefusal(variable: string, env: Record<string, string>): string {
  try {
    loadEnforcerConfig({ ...TABLES, ...env });
  } catch (error) {
    if (!(error instanceof EnforcerConfigError)) throw error;
    const issues = error.issues.filter((issue) => issue.variable === variable);
    if (issues.length === 1) return issues[0]!.message;
    throw error;
  }
  throw new Error(`expected the function to refuse ${JSON.stringify(env)}`);
}

describe('loadStackConfig and loadEnforcerConfig', () => {
  it.each(cases)('Noncompliance: both refuse %s=%j, in the same words', (key, value) => {
    // Arrange
    const variable = SETTINGS[key].env;

    // Act
    const stack = stackRefusal(key, { [key]: value });
    const enforcer = functionRefusal(variable, { [variable]: value });

    // Assert
    expect(stack).toContain(`expected ${SETTINGS[key].accepted}`);
    expect(enforcer).toBe(`${variable}=${JSON.stringify(value)} (setting ${key}): ${stack}`);
  });

  it('Noncompliance: both refuse endpoint ids and a tag together', () => {
    const stack = stackRefusal('endpointTag', { endpointIds: ENDPOINT_A, endpointTag: 'team=vpn' });
    const enforcer = functionRefusal(EnvVar.ENDPOINT_TAG, {
      [EnvVar.ENDPOINT_IDS]: ENDPOINT_A,
      [EnvVar.ENDPOINT_TAG]: 'team=vpn',
    });

    expect(stack).toContain(ENDPOINT_SELECTION_EXCLUSIVE);
    expect(enforcer).toContain(ENDPOINT_SELECTION_EXCLUSIVE);
  });

  it('Compliance: the function reads back every setting the stack hands it', () => {
    // Arrange
    const config = loadStackConfig(
      (key) =>
        ({
          endpointIds: `${ENDPOINT_A},${ENDPOINT_B}`,
          dryRun: 'true',
          maxTerminationsPerRun: '7',
          auditRetentionDays: '30',
          stateRetentionDays: '3',
          leaseSeconds: '600',
          timeMarginSeconds: '5',
          terminateRate: '100',
          terminateBurst: '1000',
          terminateConcurrency: '1',
          connectionHourPrices: 'eu-west-1=0.06, us-east-1=0',
        })[key],
    );

    // Act
    const enforcer = loadEnforcerConfig({
      ...TABLES,
      ...enforcerEnvironment({ ...runSettingsOf(config), endpointIds: [ENDPOINT_A, ENDPOINT_B] }),
    });

    // Assert
    expect(enforcer).toMatchObject({
      endpointIds: [ENDPOINT_A, ENDPOINT_B],
      dryRun: config.dryRun,
      disabled: config.disabled,
      maxTerminationsPerRun: config.maxTerminationsPerRun,
      auditRetentionDays: config.auditRetentionDays,
      stateRetentionDays: config.stateRetentionDays,
      leaseMs: config.leaseSeconds * 1000,
      timeMarginMs: config.timeMarginSeconds * 1000,
      terminateRate: config.terminateRate,
      terminateBurst: config.terminateBurst,
      terminateConcurrency: config.terminateConcurrency,
      connectionHourPrices: config.connectionHourPrices,
    });
    expect([...enforcer.connectionHourPrices]).toEqual([
      ['eu-west-1', 0.06],
      ['us-east-1', 0],
    ]);
  });
});

/** Values each setting only the gate reads must refuse. */
const GATE_REFUSED: { readonly [K in Exclude<GateSetting, EnforcerSetting>]: readonly string[] } = {
  connectFailMode: ['deny', 'open'],
  connectDeadlineMs: ['99', '25001', '30000'],
  policyCacheSeconds: ['0', '3601'],
};

const gateCases = Object.entries(GATE_REFUSED).flatMap(([key, values]) =>
  values.map((value) => [key as GateSetting, value] as const),
);

/** The gate's words for its environment `env`. */
function gateRefusal(variable: string, env: Record<string, string>): string {
  try {
    loadGateConfig({ ...TABLES, ...env });
  } catch (error) {
    if (!(error instanceof EnforcerConfigError)) throw error;
    const issues = error.issues.filter((issue) => issue.variable === variable);
    if (issues.length === 1) return issues[0]!.message;
    throw error;
  }
  throw new Error(`expected the gate to refuse ${JSON.stringify(env)}`);
}

describe('loadStackConfig and loadGateConfig', () => {
  it.each(gateCases)('Noncompliance: both refuse %s=%j, in the same words', (key, value) => {
    // Arrange
    const variable = SETTINGS[key].env;

    // Act
    const stack = stackRefusal(key, { [key]: value });
    const gate = gateRefusal(variable, { [variable]: value });

    // Assert
    expect(stack).toContain(`expected ${SETTINGS[key].accepted}`);
    expect(gate).toBe(`${variable}=${JSON.stringify(value)} (setting ${key}): ${stack}`);
  });
});

describe('LOG_RETENTION_PERIODS', () => {
  it("are the CDK's RetentionDays, so logRetentionDays translates to one", () => {
    expect([...LOG_RETENTION_PERIODS]).toEqual(Object.values(RetentionDays).filter((days) => typeof days === 'number'));
  });
});
