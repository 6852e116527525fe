import type { z } from 'zod';
import type { PolicyFieldIssue } from '../errors.js';
import { acceptedValues } from './attributes.js';

/**
 * zod's issues as issues a person can act on: one per attribute (the first problem found), naming the
 * field, the value found and what is accepted. An unknown attribute is named with the attributes this
 * kind accepts, and the nearest one when it looks like a typo.
 */
export function toFieldIssues(
  issues: readonly z.core.$ZodIssue[],
  raw: Record<string, unknown>,
  schema: z.ZodObject,
  kindName: string,
): PolicyFieldIssue[] {
  const byField = new Map<string, PolicyFieldIssue>();
  for (const issue of issues) {
    for (const fieldIssue of fieldIssuesOf(issue, raw, schema, kindName)) {
      const attribute = fieldIssue.field.split('.')[0] ?? fieldIssue.field;
      if (!byField.has(attribute)) byField.set(attribute, fieldIssue);
    }
  }
  return [...byField.values()];
}

function fieldIssuesOf(
  issue: z.core.$ZodIssue,
  raw: Record<string, unknown>,
  schema: z.ZodObject,
  kindName: string,
): PolicyFieldIssue[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      field: key,
      value: raw[key],
      expected: unknownAttributeHint(key, schema, kindName),
    }));
  }
  const path = issue.path.map(String);
  const [attribute] = path;
  const field = path.length > 0 ? path.join('.') : '(row)';
  const expected =
    issue.code === 'custom' || attribute === undefined ? issue.message : acceptedOf(schema, attribute, issue.message);
  const found = valueAt(raw, issue.path);
  return [found.present ? { field, value: found.value, expected } : { field, expected }];
}

function acceptedOf(schema: z.ZodObject, attribute: string, fallback: string): string {
  const attributeSchema = schema.shape[attribute];
  return (attributeSchema && acceptedValues.get(attributeSchema)?.accepts) ?? fallback;
}

function unknownAttributeHint(key: string, schema: z.ZodObject, kindName: string): string {
  const accepted = Object.keys(schema.shape);
  const nearest = accepted.find((name) => isTypo(key, name));
  const hint = nearest === undefined ? '' : ` (did you mean ${nearest}?)`;
  const article = /^[aeiou]/.test(kindName) ? 'an' : 'a';
  return `one of the attributes of ${article} ${kindName} row${hint}: ${accepted.join(', ')}`;
}

/** The value at a zod issue path in the raw item; sets are read as lists, like the schema reads them. */
function valueAt(raw: Record<string, unknown>, path: readonly PropertyKey[]): { present: boolean; value?: unknown } {
  let current: unknown = raw;
  for (const key of path) {
    const container = current instanceof Set ? [...(current as Set<unknown>)] : current;
    if (typeof container !== 'object' || container === null || !Object.hasOwn(container, key))
      return { present: false };
    current = (container as Record<PropertyKey, unknown>)[key];
  }
  return { present: true, value: current };
}

/** True when `a` is one edit (insert, delete, replace or swap of neighbours) away from `b`, ignoring case. */
function isTypo(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x === y) return true;
  if (Math.abs(x.length - y.length) > 1) return false;
  return editDistance(x, y) <= 1 || isSwap(x, y);
}

function isSwap(x: string, y: string): boolean {
  if (x.length !== y.length) return false;
  const differences = [...x].flatMap((char, index) => (char === y[index] ? [] : [index]));
  const [first, second] = differences;
  return (
    differences.length === 2 &&
    first !== undefined &&
    second === first + 1 &&
    x[first] === y[second] &&
    x[second] === y[first]
  );
}

function editDistance(x: string, y: string): number {
  let previous = Array.from({ length: y.length + 1 }, (_, index) => index);
  for (let i = 1; i <= x.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= y.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (x[i - 1] === y[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[y.length] ?? 0;
}
