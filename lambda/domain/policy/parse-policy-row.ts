import type { z } from 'zod';
import { PolicyKind, PolicyLimits } from '../constants.js';
import { PolicyValidationError, type PolicyFieldIssue } from '../errors.js';
import { normalizeItem } from './normalize-item.js';
import { ROW_SCHEMAS, type PolicyRow } from './schema.js';
import { toFieldIssues } from './to-field-issues.js';

/** The outcome of parsing one policy row: the typed row, or why it matches nothing. */
export type ParsedPolicyRow =
  { readonly ok: true; readonly row: PolicyRow } | { readonly ok: false; readonly error: PolicyValidationError };

/** `policyId` of an error about a row that has no usable one. */
export const NO_POLICY_ID = '(no policyId)';

const KINDS: readonly string[] = Object.values(PolicyKind);

/**
 * Parses one raw DynamoDB item (as lib-dynamodb unmarshalls it: strings, numbers, booleans, lists, and
 * string sets, read as lists) into a typed {@link PolicyRow} with defaults applied, or a
 * {@link PolicyValidationError} naming the row, each field at fault, its value and what is accepted.
 * Numbers must be numbers (`"30"` is refused by name), unknown attributes are errors (`idleMinute` must not
 * silently mean "no limit"). Never throws, whatever the input; parsing a parsed row gives the same row.
 */
export function parsePolicyRow(item: unknown): ParsedPolicyRow {
  let policyId = NO_POLICY_ID;
  try {
    const raw = normalizeItem(item);
    if (raw === undefined)
      return invalid(policyId, [
        { field: '(row)', value: item, expected: 'an object of attributes (one DynamoDB item)' },
      ]);
    policyId = policyIdOf(raw.policyId);
    return parseRecord(raw, item as Record<string, unknown>, policyId);
  } catch (cause) {
    return invalid(policyId, [{ field: '(row)', expected: 'a row whose attributes can be read' }], cause);
  }
}

/** Checks the normalized record against its kind's schema; issues show the values as the item held them (sets as sets). */
function parseRecord(raw: Record<string, unknown>, item: Record<string, unknown>, policyId: string): ParsedPolicyRow {
  const kind = raw.kind;
  if (typeof kind !== 'string' || !KINDS.includes(kind)) {
    const expected = `one of ${KINDS.map((name) => `"${name}"`).join(', ')}`;
    return invalid(policyId, [
      Object.hasOwn(raw, 'kind') ? { field: 'kind', value: kind, expected } : { field: 'kind', expected },
    ]);
  }
  const schema = ROW_SCHEMAS[kind as PolicyKind];
  const result: z.ZodSafeParseResult<PolicyRow> = schema.safeParse(raw);
  if (result.success) return { ok: true, row: result.data };
  return invalid(policyId, toFieldIssues(result.error.issues, item, schema, kind));
}

/** The row's id for messages: its `policyId` when it is text (cut to the longest valid id), else a placeholder. */
function policyIdOf(value: unknown): string {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string' || value.trim() === '') return NO_POLICY_ID;
  return value.length > PolicyLimits.POLICY_ID_MAX_LENGTH
    ? `${value.slice(0, PolicyLimits.POLICY_ID_MAX_LENGTH)}…`
    : value;
}

function invalid(policyId: string, issues: readonly PolicyFieldIssue[], cause?: unknown): ParsedPolicyRow {
  return { ok: false, error: new PolicyValidationError(policyId, issues, cause === undefined ? undefined : { cause }) };
}
