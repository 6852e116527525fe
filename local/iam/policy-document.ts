import { IamPolicyError } from './errors.js';

/** Allow or Deny. */
export const Effect = { ALLOW: 'Allow', DENY: 'Deny' } as const;
/** One of the two effects a statement has. */
export type Effect = (typeof Effect)[keyof typeof Effect];

/**
 * Who a statement is about: everyone (`"*"`), or the listed values of each principal type (`AWS`: account ids,
 * `arn:aws:iam::<acct>:root`, role, user or assumed-role session ARNs; `Service`, `Federated`…: kept, never a caller).
 */
export type Principal = '*' | Readonly<Record<string, readonly string[]>>;

/** The values of one condition key under one operator. */
export type ConditionValues = Readonly<Record<string, readonly string[]>>;

/** One statement, every list field as a list. */
export interface Statement {
  readonly sid?: string;
  readonly effect: Effect;
  /** Exactly one of principal / notPrincipal (a resource-based policy names who it is about). */
  readonly principal?: Principal;
  readonly notPrincipal?: Principal;
  /** Exactly one of actions / notActions. */
  readonly actions?: readonly string[];
  readonly notActions?: readonly string[];
  /** Exactly one of resources / notResources. */
  readonly resources?: readonly string[];
  readonly notResources?: readonly string[];
  /** Operator (`StringEquals`, `ForAnyValue:StringLike`, …) → condition key → values. */
  readonly conditions: Readonly<Record<string, ConditionValues>>;
}

/** A parsed resource-based policy. */
export interface PolicyDocument {
  readonly version?: string;
  readonly statements: readonly Statement[];
}

const VERSIONS = new Set(['2012-10-17', '2008-10-17']);

/** Reads a resource-based policy from its JSON text; throws IamPolicyError naming the field and the fix. */
export function parsePolicyDocument(text: string): PolicyDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new IamPolicyError(`the policy is not JSON (${(error as Error).message}); write a JSON policy document`, {
      cause: error,
    });
  }
  if (!isObject(raw)) throw new IamPolicyError('the policy must be a JSON object with a "Statement"');
  const version = raw.Version;
  if (version !== undefined && (typeof version !== 'string' || !VERSIONS.has(version)))
    throw new IamPolicyError(`Version ${JSON.stringify(version)} is not one IAM knows; use "2012-10-17"`);
  const statement = raw.Statement;
  const list = Array.isArray(statement) ? statement : statement === undefined ? [] : [statement];
  if (list.length === 0) throw new IamPolicyError('the policy has no Statement; add at least one');
  return { version, statements: list.map((entry, index) => parseStatement(entry, `Statement[${index}]`)) };
}

function parseStatement(raw: unknown, where: string): Statement {
  if (!isObject(raw)) throw new IamPolicyError(`${where} must be an object`);
  const effect = raw.Effect;
  if (effect !== Effect.ALLOW && effect !== Effect.DENY)
    throw new IamPolicyError(`${where}.Effect is ${JSON.stringify(effect)}; use "Allow" or "Deny"`);
  const statement: Statement = {
    ...(typeof raw.Sid === 'string' ? { sid: raw.Sid } : {}),
    effect,
    ...oneOf(raw, where, 'Principal', 'NotPrincipal', parsePrincipal, 'principal', 'notPrincipal'),
    ...oneOf(raw, where, 'Action', 'NotAction', stringList, 'actions', 'notActions'),
    ...oneOf(raw, where, 'Resource', 'NotResource', stringList, 'resources', 'notResources'),
    conditions: parseConditions(raw.Condition, `${where}.Condition`),
  };
  return statement;
}

/** Exactly one of two fields (`Action` or `NotAction`), parsed. */
function oneOf<T, K extends string, N extends string>(
  raw: Record<string, unknown>,
  where: string,
  field: string,
  notField: string,
  parse: (value: unknown, where: string) => T,
  key: K,
  notKey: N,
): Partial<Record<K | N, T>> {
  const has = raw[field] !== undefined;
  const hasNot = raw[notField] !== undefined;
  if (has === hasNot)
    throw new IamPolicyError(
      `${where} must have exactly one of ${field} and ${notField}; it has ${has ? 'both' : 'neither'}`,
    );
  return has
    ? ({ [key]: parse(raw[field], `${where}.${field}`) } as Partial<Record<K | N, T>>)
    : ({ [notKey]: parse(raw[notField], `${where}.${notField}`) } as Partial<Record<K | N, T>>);
}

function parsePrincipal(value: unknown, where: string): Principal {
  if (value === '*') return '*';
  if (!isObject(value))
    throw new IamPolicyError(`${where} must be "*" or an object such as {"AWS": "arn:aws:iam::111122223333:root"}`);
  return Object.fromEntries(Object.entries(value).map(([type, ids]) => [type, stringList(ids, `${where}.${type}`)]));
}

function stringList(value: unknown, where: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || list.some((entry) => typeof entry !== 'string' || entry === ''))
    throw new IamPolicyError(`${where} must be a non-empty string or a list of them; got ${JSON.stringify(value)}`);
  return list as string[];
}

function parseConditions(value: unknown, where: string): Record<string, ConditionValues> {
  if (value === undefined) return {};
  if (!isObject(value)) throw new IamPolicyError(`${where} must be an object of operators`);
  return Object.fromEntries(
    Object.entries(value).map(([operator, keys]) => {
      if (!isObject(keys)) throw new IamPolicyError(`${where}.${operator} must be an object of condition keys`);
      return [
        operator,
        Object.fromEntries(
          Object.entries(keys).map(([key, values]) => {
            const list = Array.isArray(values) ? values : [values];
            if (list.some((entry) => !['string', 'number', 'boolean'].includes(typeof entry)))
              throw new IamPolicyError(`${where}.${operator}.${key} must hold strings, numbers or booleans`);
            return [key, list.map(String)];
          }),
        ),
      ];
    }),
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
