import { EnvVar } from './environment.js';
import { EnforcerConfigError, type EnvironmentIssue } from './errors.js';
import {
  describeEnvironmentRefusal,
  ENDPOINT_SELECTION_EXCLUSIVE,
  ENFORCER_SETTING_KEYS,
  type EndpointTag,
  type EnforcerSettings,
  type Environment,
  environmentVariableOf,
  type FunctionSetting,
  GATE_SETTING_KEYS,
  type GateSettings,
  readEnforcerSetting,
  type RunSettings,
  runSettingsOf,
  Setting,
  type SettingValues,
} from './settings/index.js';

/**
 * The enforcer's configuration, from its environment: the resources the stack made for it, and the
 * deployment settings it reads (each documented in the registry, lambda/settings), durations in milliseconds.
 */
export interface EnforcerConfig extends Omit<RunSettings, 'leaseSeconds' | 'timeMarginSeconds'> {
  readonly policiesTable: string;
  readonly auditTable: string;
  readonly stateTable: string;
  /** Where digests go. @default no digest */
  readonly topicArn?: string;
  /** The client connect handler's function, invoked by each run with a synthetic attempt. @default no canary */
  readonly connectHandlerFunction?: string;
  /** Endpoints enforced on; empty (and no tag): every endpoint of the region. */
  readonly endpointIds: readonly string[];
  /** Only endpoints carrying this tag. @default no tag */
  readonly endpointTag?: EndpointTag;
  /** The `timeMarginSeconds` setting, in milliseconds. */
  readonly timeMarginMs: number;
  /** The `leaseSeconds` setting, in milliseconds. */
  readonly leaseMs: number;
}

/** A variable that names a resource the stack made for the function: required, not empty. */
function requiredName(env: Environment, variable: string, what: string, issues: EnvironmentIssue[]): string {
  const text = env[variable]?.trim() ?? '';
  if (text === '') issues.push({ variable, message: `${variable} is required (${what})` });
  return text;
}

/**
 * Reads and validates the enforcer's configuration from its environment. The settings are read with the
 * registry's schemas (lambda/settings), so the function refuses what the stack refuses at synthesis, in the
 * same words; a variable not set or empty takes the setting's default.
 *
 * @throws EnforcerConfigError naming every variable at fault, its setting, its value and what is accepted
 */
export function loadEnforcerConfig(env: Environment): EnforcerConfig {
  const issues: EnvironmentIssue[] = [];

  const policiesTable = requiredName(env, EnvVar.POLICIES_TABLE, 'the name of the policies table', issues);
  const auditTable = requiredName(env, EnvVar.AUDIT_TABLE, 'the name of the audit table', issues);
  const stateTable = requiredName(env, EnvVar.STATE_TABLE, 'the name of the state table', issues);
  const topicArn = env[EnvVar.TOPIC_ARN]?.trim() || undefined;
  if (topicArn !== undefined && !topicArn.startsWith('arn:')) {
    issues.push({
      variable: EnvVar.TOPIC_ARN,
      message: `${EnvVar.TOPIC_ARN}=${JSON.stringify(topicArn)}: expected an SNS topic ARN (arn:aws:sns:…), or nothing for no digest`,
    });
  }

  const connectHandlerFunction = env[EnvVar.CONNECT_HANDLER_FUNCTION]?.trim() || undefined;

  const settings: Partial<EnforcerSettings> = readSettings(env, ENFORCER_SETTING_KEYS, issues);
  const { endpointIds, endpointTag } = settings;
  if (endpointTag && endpointIds && endpointIds.length > 0) {
    issues.push({
      variable: EnvVar.ENDPOINT_TAG,
      message: describeEnvironmentRefusal(
        Setting.ENDPOINT_TAG,
        env[EnvVar.ENDPOINT_TAG],
        `${ENDPOINT_SELECTION_EXCLUSIVE} (${EnvVar.ENDPOINT_IDS}=${JSON.stringify(env[EnvVar.ENDPOINT_IDS])})`,
      ),
    });
  }

  if (issues.length > 0) throw new EnforcerConfigError(issues);
  const read = settings as EnforcerSettings;
  const { leaseSeconds, timeMarginSeconds, ...run } = runSettingsOf(read);
  return {
    policiesTable,
    auditTable,
    stateTable,
    topicArn,
    ...(connectHandlerFunction === undefined ? {} : { connectHandlerFunction }),
    endpointIds: read.endpointIds,
    endpointTag: read.endpointTag,
    ...run,
    timeMarginMs: timeMarginSeconds * 1000,
    leaseMs: leaseSeconds * 1000,
  };
}

/** Reads each of `keys` from the environment with the registry's schema; a refused one becomes an issue. */
function readSettings<K extends FunctionSetting>(
  env: Environment,
  keys: readonly K[],
  issues: EnvironmentIssue[],
): Partial<Pick<SettingValues, K>> {
  const settings: Partial<Record<FunctionSetting, unknown>> = {};
  for (const key of keys) {
    const result = readEnforcerSetting(env, key);
    if (result.ok) settings[key] = result.value;
    else
      issues.push({
        variable: environmentVariableOf(key),
        message: describeEnvironmentRefusal(key, result.text, result.message),
      });
  }
  return settings as Partial<Pick<SettingValues, K>>;
}

/**
 * The client connect handler's configuration (the gate), from its environment: the tables it reads and writes,
 * and the deployment settings it reads (each documented in the registry, lambda/settings), durations in
 * milliseconds.
 */
export interface GateConfig extends Omit<GateSettings, 'policyCacheSeconds'> {
  readonly policiesTable: string;
  readonly auditTable: string;
  /** Where it records the connections it admits (groups, platform, public IP) for the runs to join. */
  readonly stateTable: string;
  /** The `policyCacheSeconds` setting, in milliseconds. */
  readonly policyCacheMs: number;
}

/**
 * Reads and validates the gate's configuration from its environment, with the registry's schemas: the gate
 * refuses when it starts what the stack refuses at synthesis, in the same words.
 *
 * @throws EnforcerConfigError naming every variable at fault, its setting, its value and what is accepted
 */
export function loadGateConfig(env: Environment): GateConfig {
  const issues: EnvironmentIssue[] = [];
  const policiesTable = requiredName(env, EnvVar.POLICIES_TABLE, 'the name of the policies table', issues);
  const auditTable = requiredName(env, EnvVar.AUDIT_TABLE, 'the name of the audit table', issues);
  const stateTable = requiredName(env, EnvVar.STATE_TABLE, 'the name of the state table', issues);
  const settings = readSettings(env, GATE_SETTING_KEYS, issues);
  if (issues.length > 0) throw new EnforcerConfigError(issues);
  const { policyCacheSeconds, ...read } = settings as GateSettings;
  return { policiesTable, auditTable, stateTable, ...read, policyCacheMs: policyCacheSeconds * 1000 };
}
