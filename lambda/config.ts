import { ACCOUNT_ID_PATTERN, REGION_PATTERN } from './domain/constants.js';
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

/** An account and Region: the domain's `Placement`, which settings cannot import. */
export interface ConfigPlacement {
  readonly accountId: string;
  readonly region: string;
}

/** Where a function runs, and for a spoke of an organization deployment the hub it reaches. */
export interface DeploymentPlacement {
  /**
   * The account (`CVPN_GUARD_ACCOUNT_ID`) and Region (`AWS_REGION`) the function runs in: the rows it enforces are
   * those that select it, and every record it writes carries it. @default absent: a stack made before it was set;
   * every row applies and records carry no account
   */
  readonly placement?: ConfigPlacement;
  /**
   * A spoke: the hub's Region, where the policies and audit tables (named by ARN) and the topic are reached.
   * @default absent: a single deployment, every resource in the function's own Region
   */
  readonly hubRegion?: string;
}

/**
 * The enforcer's configuration, from its environment: the resources the stack made for it, and the
 * deployment settings it reads (each documented in the registry, lambda/settings), durations in milliseconds.
 */
export interface EnforcerConfig extends Omit<RunSettings, 'leaseSeconds' | 'timeMarginSeconds'>, DeploymentPlacement {
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
  const deployment = readPlacement(env, { policiesTable, auditTable, topicArn }, issues);

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
    ...deployment,
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
export interface GateConfig extends Omit<GateSettings, 'policyCacheSeconds'>, DeploymentPlacement {
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
  const deployment = readPlacement(env, { policiesTable, auditTable }, issues);
  const settings = readSettings(env, GATE_SETTING_KEYS, issues);
  if (issues.length > 0) throw new EnforcerConfigError(issues);
  const { policyCacheSeconds, ...read } = settings as GateSettings;
  return { policiesTable, auditTable, stateTable, ...deployment, ...read, policyCacheMs: policyCacheSeconds * 1000 };
}

/** The hub's resources a spoke names: its two tables (by ARN) and, for the enforcer, its topic. */
interface HubResources {
  readonly policiesTable: string;
  readonly auditTable: string;
  readonly topicArn?: string;
}

/** A DynamoDB table's ARN: partition, Region, account, table name. */
const TABLE_ARN = /^arn:aws[a-z-]*:dynamodb:([a-z0-9-]+):(\d{12}):table\/[A-Za-z0-9_.-]{3,255}$/;
/** An SNS topic's ARN: partition, Region, account, topic name. */
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:([a-z0-9-]+):(\d{12}):[A-Za-z0-9_-]{1,256}(\.fifo)?$/;

/**
 * Reads where the function runs (`CVPN_GUARD_ACCOUNT_ID`, `AWS_REGION`) and, for a spoke (`CVPN_GUARD_HUB_REGION`
 * set), checks that the hub's tables are named by ARN in the hub's Region, and its topic is there too: DynamoDB
 * takes another account's table only by ARN, and a name alone would silently reach a table of the spoke's own.
 */
export function readPlacement(env: Environment, hub: HubResources, issues: EnvironmentIssue[]): DeploymentPlacement {
  const accountId = env[EnvVar.ACCOUNT_ID]?.trim() || undefined;
  const region = env.AWS_REGION?.trim() || undefined;
  const hubRegion = env[EnvVar.HUB_REGION]?.trim() || undefined;
  const spoke = hubRegion === undefined ? '' : ` (a spoke: ${EnvVar.HUB_REGION} is set)`;
  if (accountId === undefined) {
    if (hubRegion !== undefined)
      issues.push({
        variable: EnvVar.ACCOUNT_ID,
        message: `${EnvVar.ACCOUNT_ID} is required${spoke}: the 12-digit id of the account the function runs in`,
      });
  } else if (!ACCOUNT_ID_PATTERN.test(accountId)) {
    issues.push({
      variable: EnvVar.ACCOUNT_ID,
      message: `${EnvVar.ACCOUNT_ID}=${JSON.stringify(accountId)}: expected the 12-digit id of the account the function runs in, such as 111122223333`,
    });
  }
  if (region === undefined && (accountId !== undefined || hubRegion !== undefined)) {
    issues.push({
      variable: 'AWS_REGION',
      message: `AWS_REGION is required with ${accountId === undefined ? EnvVar.HUB_REGION : EnvVar.ACCOUNT_ID}: the Region the function runs in (Lambda sets it)`,
    });
  }
  if (hubRegion === undefined) {
    return accountId !== undefined && region !== undefined ? { placement: { accountId, region } } : {};
  }
  if (!REGION_PATTERN.test(hubRegion)) {
    issues.push({
      variable: EnvVar.HUB_REGION,
      message: `${EnvVar.HUB_REGION}=${JSON.stringify(hubRegion)}: expected the hub's AWS Region name, such as eu-west-1`,
    });
    return {};
  }
  const inHub = (variable: string, value: string, pattern: RegExp, what: string, example: string): void => {
    const match = pattern.exec(value);
    if (match?.[1] === hubRegion) return;
    const why = match ? `it is in ${match[1]}, not the hub's Region ${hubRegion}` : `it is not ${what}`;
    issues.push({
      variable,
      message: `${variable}=${JSON.stringify(value)}${spoke}: ${why}; expected ${what} in ${hubRegion}, such as ${example}`,
    });
  };
  const tableArn = (name: string) => `arn:aws:dynamodb:${hubRegion}:111122223333:table/${name}`;
  if (hub.policiesTable !== '')
    inHub(EnvVar.POLICIES_TABLE, hub.policiesTable, TABLE_ARN, "the hub policies table's ARN", tableArn('policies'));
  if (hub.auditTable !== '')
    inHub(EnvVar.AUDIT_TABLE, hub.auditTable, TABLE_ARN, "the hub audit table's ARN", tableArn('audit'));
  if (hub.topicArn !== undefined)
    inHub(
      EnvVar.TOPIC_ARN,
      hub.topicArn,
      TOPIC_ARN,
      "the hub topic's ARN",
      `arn:aws:sns:${hubRegion}:111122223333:cvpn-guard`,
    );
  return accountId !== undefined && region !== undefined
    ? { placement: { accountId, region }, hubRegion }
    : { hubRegion };
}
