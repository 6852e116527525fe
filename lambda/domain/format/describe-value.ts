/** Longest description of one value in an error message; longer ones end with `…`. */
const MAX_DESCRIPTION_LENGTH = 120;
/** Entries of a list, set or object shown before `…`. */
const MAX_ENTRIES_SHOWN = 5;
/** How deep nested lists and objects are shown. */
const MAX_DEPTH = 2;

/**
 * A short, safe description of any value for an error message a person reads:
 * `the string "30"`, `the number 30`, `the bigint 30n`, `a list of 3: ["a", "b", 1]`, `a set of 2: {"a", "b"}`.
 * Never throws (bigint, symbols, cyclic objects and throwing getters included) and truncates long values.
 */
export function describeValue(value: unknown): string {
  try {
    return truncate(describeTop(value));
  } catch {
    return 'a value that cannot be read';
  }
}

function describeTop(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `a list of ${value.length}: ${show(value, 0, new Set())}`;
  if (value instanceof Set) return `a set of ${value.size}: ${show(value, 0, new Set())}`;
  if (value instanceof Map) return `a map of ${value.size} entries`;
  if (value instanceof Date) return `the date ${show(value, 0, new Set())}`;
  switch (typeof value) {
    case 'string':
      return `the string ${show(value, 0, new Set())}`;
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'symbol':
      return `the ${typeof value} ${show(value, 0, new Set())}`;
    case 'function':
      return 'a function';
    default:
      return `an object ${show(value, 0, new Set())}`;
  }
}

/** Renders a value like JSON, but for every JavaScript value, bounded in depth and breadth. */
function show(value: unknown, depth: number, seen: Set<object>): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(truncate(value));
    case 'number':
    case 'boolean':
      return String(value);
    case 'bigint':
      return `${value.toString()}n`;
    case 'symbol':
      return value.toString();
    case 'undefined':
      return 'undefined';
    case 'function':
      return '(function)';
  }
  if (value === null) return 'null';
  const object = value as object;
  if (seen.has(object)) return '(cycle)';
  if (depth >= MAX_DEPTH) return Array.isArray(object) ? '[…]' : '{…}';
  seen.add(object);
  try {
    return showObject(object, depth, seen);
  } finally {
    seen.delete(object);
  }
}

function showObject(object: object, depth: number, seen: Set<object>): string {
  if (object instanceof Date) return Number.isNaN(object.getTime()) ? 'Invalid Date' : object.toISOString();
  if (Array.isArray(object)) return `[${showEntries(object, (item) => show(item, depth + 1, seen))}]`;
  if (object instanceof Set) return `{${showEntries(object, (item) => show(item, depth + 1, seen))}}`;
  if (object instanceof Map) return `Map(${object.size})`;
  const record = object as Record<string, unknown>;
  return `{${showEntries(Object.keys(record), (key) => `${JSON.stringify(truncate(key))}: ${show(record[key], depth + 1, seen)}`)}}`;
}

/** The first few entries, rendered, then `…` when there are more. Reads no more entries than it shows. */
function showEntries<T>(entries: Iterable<T>, render: (entry: T) => string): string {
  const shown: string[] = [];
  for (const entry of entries) {
    if (shown.length === MAX_ENTRIES_SHOWN) return `${shown.join(', ')}, …`;
    shown.push(render(entry));
  }
  return shown.join(', ');
}

/** Cuts a long text to the limit with `…`, never between the two halves of a surrogate pair. */
function truncate(text: string): string {
  if (text.length <= MAX_DESCRIPTION_LENGTH) return text;
  let end = MAX_DESCRIPTION_LENGTH - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}
