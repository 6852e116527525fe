/**
 * How text becomes a setting's value before its schema checks it: `-c key=value` and the function's
 * environment give strings, cdk.json gives JSON values. Each coercion leaves what it cannot read as it
 * was, for the schema to refuse.
 */

/** `"42"` as 42; anything else as it was. */
export function toNumber(value: unknown): unknown {
  return typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value;
}

/** `"true"` / `"false"` (any case) as booleans; anything else as it was. */
export function toBoolean(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim().toLowerCase();
  return text === 'true' ? true : text === 'false' ? false : value;
}

/** A list from a JSON array, a JSON array in a string, or a comma-separated string; empty string = empty list. */
export function toList(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (text.startsWith('[')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return value;
    }
  }
  return text === ''
    ? []
    : text
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
}

/** Trimmed text; empty text = not set. */
export function toOptionalString(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  return text === '' ? undefined : text;
}

/** Trimmed, lower-case text; anything else as it was. */
export function toLowerCase(value: unknown): unknown {
  return typeof value === 'string' ? value.trim().toLowerCase() : value;
}
