/**
 * The functions' environments, as far as they carry deployment settings: the stack writes the enforcer's with
 * {@link enforcerEnvironment} and the client connect handler's with {@link gateEnvironment}; the functions and
 * the CLI read them with {@link readEnforcerSetting}, so a value the stack refuses at synthesis the function
 * refuses when it starts, in the same words.
 */
import { formatConnectionHourPrices } from './connection-hour-prices.js';
import { formatEndpointTag, type EndpointTag } from './endpoint-tag.js';
import { defaultValue, parseSetting, type SettingParseResult } from './parse-setting.js';
import {
  ENFORCER_SETTING_KEYS,
  type EnforcerSettings,
  type FunctionSetting,
  GATE_SETTING_KEYS,
  type GateSettings,
  SETTINGS,
  type SettingValues,
} from './registry.js';

/** The environment the function runs with (or the CLI's own). */
export type Environment = Readonly<Record<string, string | undefined>>;

/** The environment variable of a setting the function reads. */
export function environmentVariableOf(key: FunctionSetting): string {
  return SETTINGS[key].env;
}

/** A value as the environment holds it; undefined when nothing is written (an empty list, no tag, no price). */
function environmentText(value: SettingValues[FunctionSetting]): string | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.length > 0 ? value.join(',') : undefined;
  if (value instanceof Map) return value.size > 0 ? formatConnectionHourPrices(value) : undefined;
  if (typeof value === 'object') return formatEndpointTag(value as EndpointTag);
  return String(value);
}

/**
 * The variables that carry `settings` to the function, each setting not given at its default. An empty
 * endpoint list and no tag write nothing.
 */
export function enforcerEnvironment(settings: Partial<EnforcerSettings>): Record<string, string> {
  return environmentOf(ENFORCER_SETTING_KEYS, settings);
}

/** The variables that carry `settings` to the client connect handler (the gate), each setting not given at its default. */
export function gateEnvironment(settings: Partial<GateSettings>): Record<string, string> {
  return environmentOf(GATE_SETTING_KEYS, settings);
}

function environmentOf<K extends FunctionSetting>(
  keys: readonly K[],
  settings: Partial<Pick<SettingValues, K>>,
): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const key of keys) {
    const text = environmentText((settings[key] ?? defaultValue(key)) as SettingValues[FunctionSetting]);
    if (text !== undefined) environment[environmentVariableOf(key)] = text;
  }
  return environment;
}

/** One setting as read from the environment: its value or why it is refused, and the text found. */
export type EnvironmentSettingResult<K extends FunctionSetting> = SettingParseResult<K> & {
  /** The variable's text; undefined when it is not set or empty. */
  readonly text: string | undefined;
};

/**
 * Reads one setting from its environment variable with the setting's schema; not set or empty: its default.
 * The gate's settings read the same way.
 */
export function readEnforcerSetting<K extends FunctionSetting>(env: Environment, key: K): EnvironmentSettingResult<K> {
  const raw = env[environmentVariableOf(key)];
  const text = raw === undefined || raw.trim() === '' ? undefined : raw;
  if (text === undefined) return { ok: true, value: defaultValue(key), text };
  return { ...parseSetting(key, text), text };
}

/** A refused environment variable in words: `CVPN_GUARD_TERMINATE_RATE="0" (setting terminateRate): expected …`. */
export function describeEnvironmentRefusal(key: FunctionSetting, text: string | undefined, message: string): string {
  return `${environmentVariableOf(key)}=${JSON.stringify(text ?? '')} (setting ${key}): ${message}`;
}
