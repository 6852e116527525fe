import type { ConditionValues } from './policy-document.js';
import { arnMatch, wildcardMatch } from './wildcard.js';

/**
 * A request's value for one condition key: its values (one for a single-valued key), `null` when the key does not
 * apply to this request (absent), or `{ unknown }` when the sandbox cannot tell (then nothing is decided on it).
 */
export type ContextValue = readonly string[] | null | { readonly unknown: string };

/** The request context: condition key (any case) → its value. A key not listed is one the sandbox does not emulate. */
export type RequestContext = Readonly<Record<string, ContextValue>>;

/** A three-valued answer: a statement part holds, does not, or cannot be judged (with why). */
export type Judgement = boolean | { readonly unknown: string };

type Matcher = (pattern: string, value: string) => boolean;

/** The base operators the evaluator knows, with whether each is negated. */
const OPERATORS: Readonly<Record<string, { readonly match: Matcher; readonly negated: boolean }>> = {
  StringEquals: { match: (pattern, value) => pattern === value, negated: false },
  StringNotEquals: { match: (pattern, value) => pattern === value, negated: true },
  StringEqualsIgnoreCase: { match: (pattern, value) => pattern.toLowerCase() === value.toLowerCase(), negated: false },
  StringNotEqualsIgnoreCase: {
    match: (pattern, value) => pattern.toLowerCase() === value.toLowerCase(),
    negated: true,
  },
  StringLike: { match: (pattern, value) => wildcardMatch(pattern, value), negated: false },
  StringNotLike: { match: (pattern, value) => wildcardMatch(pattern, value), negated: true },
  ArnEquals: { match: arnMatch, negated: false },
  ArnLike: { match: arnMatch, negated: false },
  ArnNotEquals: { match: arnMatch, negated: true },
  ArnNotLike: { match: arnMatch, negated: true },
  Bool: { match: (pattern, value) => pattern.toLowerCase() === value.toLowerCase(), negated: false },
};

const QUALIFIERS = ['ForAnyValue:', 'ForAllValues:'] as const;
const VARIABLE = /\$\{([^}]*)\}/g;

/** Every condition block of a statement holds (AND over operators and keys; OR over one key's values). */
export function conditionsHold(
  conditions: Readonly<Record<string, ConditionValues>>,
  context: RequestContext,
): Judgement {
  let unknown: Judgement | undefined;
  for (const [operator, keys] of Object.entries(conditions)) {
    for (const [key, values] of Object.entries(keys)) {
      const judged = conditionHolds(operator, key, values, context);
      if (judged === false) return false;
      if (judged !== true) unknown ??= judged;
    }
  }
  return unknown ?? true;
}

/** One operator on one key, as IAM evaluates it. */
export function conditionHolds(
  operator: string,
  key: string,
  patterns: readonly string[],
  context: RequestContext,
): Judgement {
  const value = lookup(context, key);
  if (isUnknown(value)) return value;
  if (operator === 'Null') {
    const wantAbsent = patterns.map((pattern) => pattern.toLowerCase() === 'true');
    return wantAbsent.includes(value === null || value.length === 0);
  }
  const qualifier = QUALIFIERS.find((prefix) => operator.startsWith(prefix));
  let base = qualifier ? operator.slice(qualifier.length) : operator;
  const ifExists = base.endsWith('IfExists');
  if (ifExists) base = base.slice(0, -'IfExists'.length);
  const known = OPERATORS[base];
  if (!known) return { unknown: `the condition operator ${operator} is not emulated by the sandbox` };
  const resolved = resolveVariables(patterns, context, base.startsWith('String') || base.startsWith('Arn'));
  if (isUnknown(resolved)) return resolved;
  const one = (text: string) => {
    const matched = resolved.some((pattern) => known.match(pattern, text));
    return known.negated ? !matched : matched;
  };
  if (qualifier === 'ForAllValues:') return value === null || value.every(one);
  if (qualifier === 'ForAnyValue:') return value !== null && value.some(one);
  if (value === null || value.length === 0) return ifExists || known.negated;
  if (value.length > 1)
    return {
      unknown: `${key} has several values in this request; use ForAnyValue: or ForAllValues: with ${operator}`,
    };
  return one(value[0] as string);
}

/** Condition keys are case-insensitive. */
function lookup(context: RequestContext, key: string): ContextValue {
  const wanted = key.toLowerCase();
  const found = Object.entries(context).find(([name]) => name.toLowerCase() === wanted);
  return found ? found[1] : { unknown: `the condition key ${key} is not emulated by the sandbox` };
}

/** Substitutes `${key}` policy variables from the context; unknown when one cannot be. */
function resolveVariables(
  patterns: readonly string[],
  context: RequestContext,
  allowed: boolean,
): readonly string[] | { unknown: string } {
  const resolved: string[] = [];
  for (const pattern of patterns) {
    if (!pattern.includes('${')) {
      resolved.push(pattern);
      continue;
    }
    if (!allowed) return { unknown: `a policy variable in ${pattern} is only read by String and Arn operators` };
    let failure: string | undefined;
    const text = pattern.replace(VARIABLE, (_whole, name: string) => {
      const value = lookup(context, name);
      if (isUnknown(value) || value === null || value.length !== 1) {
        failure ??= `the policy variable \${${name}} has no single value the sandbox knows`;
        return '';
      }
      return value[0] as string;
    });
    if (failure) return { unknown: failure };
    resolved.push(text);
  }
  return resolved;
}

function isUnknown(value: unknown): value is { readonly unknown: string } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'unknown' in value;
}
