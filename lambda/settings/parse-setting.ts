import type * as z from 'zod';
import { SETTINGS, type Setting, type SettingValue } from './registry.js';
import { REFUSAL_DETAIL } from './schemas.js';

/** A setting's value, or why it is refused. */
export type SettingParseResult<K extends Setting> =
  { readonly ok: true; readonly value: SettingValue<K> } | { readonly ok: false; readonly message: string };

const isDetail = (issue: z.core.$ZodIssue): boolean =>
  issue.code === 'custom' && issue.params?.[REFUSAL_DETAIL] === true;

/**
 * Reads one value of a setting with its schema. A refusal says what is wrong when the schema can tell
 * (`"vpn-1" is not an endpoint id`), then what is accepted: `expected <accepted>`. The stack, the
 * function and the CLI all refuse with these words.
 */
export function parseSetting<K extends Setting>(key: K, value: unknown): SettingParseResult<K> {
  const definition = SETTINGS[key];
  const result = definition.schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data as SettingValue<K> };
  const details = result.error.issues.filter(isDetail).map((issue) => issue.message);
  return { ok: false, message: [...details, `expected ${definition.accepted}`].join('; ') };
}

const defaults = new Map<Setting, unknown>();

/** A setting's default, read with its own schema. */
export function defaultValue<K extends Setting>(key: K): SettingValue<K> {
  if (!defaults.has(key)) {
    const parsed = parseSetting(key, SETTINGS[key].default);
    if (!parsed.ok) throw new Error(`the default of ${key} is refused by its own schema: ${parsed.message}`);
    defaults.set(key, parsed.value);
  }
  return defaults.get(key) as SettingValue<K>;
}
