/**
 * The function's environment, as far as it carries deployment settings: the stack writes it with
 * {@link enforcerEnvironment}, the function and the CLI read it with {@link readEnforcerSetting}, so a value
 * the stack refuses at synthesis the function refuses when it starts, in the same words.
 */
import { formatEndpointTag, type EndpointTag } from './endpoint-tag.js';
import { defaultValue, parseSetting, type SettingParseResult } from './parse-setting.js';
import { ENFORCER_SETTING_KEYS, SETTINGS, type EnforcerSetting, type EnforcerSettings } from './registry.js';

/** The environment the function runs with (or the CLI's own). */
export type Environment = Readonly<Record<string, string | undefined>>;

/** The environment variable of a setting the function reads. */
export function environmentVariableOf(key: EnforcerSetting): string {
  return SETTINGS[key].env;
}

/** A value as the environment holds it; undefined when nothing is written (an empty list, no tag). */
function environmentText(value: EnforcerSettings[EnforcerSetting]): string | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.length > 0 ? value.join(',') : undefined;
  if (typeof value === 'object') return formatEndpointTag(value as EndpointTag);
  return String(value);
}

/**
 * The variables that carry `settings` to the function, each setting not given at its default. An empty
 * endpoint list and no tag write nothing.
 */
export function enforcerEnvironment(settings: Partial<EnforcerSettings>): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const key of ENFORCER_SETTING_KEYS) {
    const text = environmentText(settings[key] ?? defaultValue(key));
    if (text !== undefined) environment[environmentVariableOf(key)] = text;
  }
  return environment;
}

/** One setting as read from the environment: its value or why it is refused, and the text found. */
export type EnvironmentSettingResult<K extends EnforcerSetting> = SettingParseResult<K> & {
  /** The variable's text; undefined when it is not set or empty. */
  readonly text: string | undefined;
};

/** Reads one setting from its environment variable with the setting's schema; not set or empty: its default. */
export function readEnforcerSetting<K extends EnforcerSetting>(env: Environment, key: K): EnvironmentSettingResult<K> {
  const raw = env[environmentVariableOf(key)];
  const text = raw === undefined || raw.trim() === '' ? undefined : raw;
  if (text === undefined) return { ok: true, value: defaultValue(key), text };
  return { ...parseSetting(key, text), text };
}

/** A refused environment variable in words: `CVPN_GUARD_TERMINATE_RATE="0" (setting terminateRate): expected …`. */
export function describeEnvironmentRefusal(key: EnforcerSetting, text: string | undefined, message: string): string {
  return `${environmentVariableOf(key)}=${JSON.stringify(text ?? '')} (setting ${key}): ${message}`;
}
