import { EnvVar } from '../environment.js';
import { EnforcerConfigError, type EnvironmentIssue } from '../errors.js';
import { describeEnvironmentRefusal, type Environment, readEnforcerSetting, Setting } from '../settings/index.js';

/** The relay's configuration: the hub tables it reads, and where it reports relay failures. */
export interface RelayConfig {
  /** The hub's policies table: the stream whose records the relay accepts. */
  readonly policiesTable: string;
  /** The hub's audit table: the spoke directory (heartbeats). */
  readonly auditTable: string;
  /** The `auditRetentionDays` setting: how long a heartbeat stays in the directory. */
  readonly auditRetentionDays: number;
  /** Where a hub digest naming the spokes the relay could not invoke goes. @default no digest */
  readonly topicArn?: string;
}

/** The hub watch's configuration. */
export interface HubWatchConfig extends RelayConfig {
  /** A spoke whose last heartbeat is older than this is reported unreachable. */
  readonly spokeStaleSeconds: number;
}

/** Most seconds a heartbeat may be old: 30 days, past which the audit retention may well have removed it. */
export const MAX_SPOKE_STALE_SECONDS = 30 * 86_400;

/**
 * Reads and validates the relay's configuration from its environment.
 *
 * @throws EnforcerConfigError naming every variable at fault, its value and what it accepts
 */
export function loadRelayConfig(env: Environment): RelayConfig {
  const issues: EnvironmentIssue[] = [];
  const config = readRelayConfig(env, issues);
  if (issues.length > 0) throw new EnforcerConfigError(issues);
  return config;
}

/**
 * Reads and validates the hub watch's configuration from its environment: the relay's, and
 * `CVPN_GUARD_SPOKE_STALE_SECONDS` (required, whole seconds).
 *
 * @throws EnforcerConfigError naming every variable at fault, its value and what it accepts
 */
export function loadHubWatchConfig(env: Environment): HubWatchConfig {
  const issues: EnvironmentIssue[] = [];
  const config = readRelayConfig(env, issues);
  const spokeStaleSeconds = readStaleSeconds(env, issues);
  if (issues.length > 0) throw new EnforcerConfigError(issues);
  return { ...config, spokeStaleSeconds };
}

function readRelayConfig(env: Environment, issues: EnvironmentIssue[]): RelayConfig {
  const policiesTable = requiredName(env, EnvVar.POLICIES_TABLE, "the name of the hub's policies table", issues);
  const auditTable = requiredName(env, EnvVar.AUDIT_TABLE, "the name of the hub's audit table", issues);
  const topicArn = env[EnvVar.TOPIC_ARN]?.trim() || undefined;
  if (topicArn !== undefined && !topicArn.startsWith('arn:'))
    issues.push({
      variable: EnvVar.TOPIC_ARN,
      message: `${EnvVar.TOPIC_ARN}=${JSON.stringify(topicArn)}: expected an SNS topic ARN (arn:aws:sns:…), or nothing for no digest`,
    });
  const retention = readEnforcerSetting(env, Setting.AUDIT_RETENTION_DAYS);
  if (!retention.ok)
    issues.push({
      variable: EnvVar.AUDIT_RETENTION_DAYS,
      message: describeEnvironmentRefusal(Setting.AUDIT_RETENTION_DAYS, retention.text, retention.message),
    });
  return {
    policiesTable,
    auditTable,
    auditRetentionDays: retention.ok ? retention.value : 0,
    ...(topicArn === undefined ? {} : { topicArn }),
  };
}

function readStaleSeconds(env: Environment, issues: EnvironmentIssue[]): number {
  const variable = EnvVar.SPOKE_STALE_SECONDS;
  const text = env[variable]?.trim() ?? '';
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (Number.isInteger(value) && value >= 1 && value <= MAX_SPOKE_STALE_SECONDS) return value;
  issues.push({
    variable,
    message:
      text === ''
        ? `${variable} is required (how many seconds a spoke's heartbeat may be old before the hub reports it): expected a whole number of seconds from 1 to ${MAX_SPOKE_STALE_SECONDS}`
        : `${variable}=${JSON.stringify(text)}: expected a whole number of seconds from 1 to ${MAX_SPOKE_STALE_SECONDS}`,
  });
  return 0;
}

function requiredName(env: Environment, variable: string, what: string, issues: EnvironmentIssue[]): string {
  const text = env[variable]?.trim() ?? '';
  if (text === '') issues.push({ variable, message: `${variable} is required (${what})` });
  return text;
}
