/** Values of one attribute shown before `+N more`. */
const MAX_VALUES_SHOWN = 5;

/** The attributes that say where and to whom a row applies, in the order they are read, with their word. */
const SCOPE_ATTRIBUTES = [
  ['endpoints', 'endpoints'],
  ['usernames', 'usernames'],
  ['commonNames', 'common names'],
  ['groups', 'groups'],
  ['accounts', 'accounts'],
  ['regions', 'regions'],
] as const;

/** The identity selectors: a row without any applies to every identity on its endpoints. */
const IDENTITY_ATTRIBUTES: readonly string[] = ['usernames', 'commonNames', 'groups'];

/** The scope of a row that no longer exists and whose records do not say. */
export const UNKNOWN_SCOPE = 'not known (the row no longer exists)';

/**
 * A row's scope in words, attribute by attribute: `endpoints *, groups contractors, accounts 222222222222`.
 * Works on a validated row and on a raw item alike (sets read as lists; values that are not text are left
 * out); an attribute that is absent or empty is not named, and `every identity` stands for no selector.
 * Long lists end with `+N more`.
 */
export function scopeInWords(row: Readonly<Record<string, unknown>>): string {
  const parts: string[] = [];
  let selectsIdentities = false;
  for (const [attribute, word] of SCOPE_ATTRIBUTES) {
    const values = textValues(row[attribute]);
    if (values.length === 0) continue;
    if (IDENTITY_ATTRIBUTES.includes(attribute)) selectsIdentities = true;
    parts.push(`${word} ${shown(values)}`);
  }
  if (!selectsIdentities) parts.splice(textValues(row.endpoints).length > 0 ? 1 : 0, 0, 'every identity');
  return parts.join(', ');
}

function textValues(value: unknown): string[] {
  const entries = value instanceof Set ? [...(value as Set<unknown>)] : Array.isArray(value) ? value : [value];
  return entries.filter((entry): entry is string => typeof entry === 'string' && entry !== '');
}

function shown(values: readonly string[]): string {
  if (values.length <= MAX_VALUES_SHOWN) return values.join(' ');
  return `${values.slice(0, MAX_VALUES_SHOWN).join(' ')} +${values.length - MAX_VALUES_SHOWN} more`;
}
