import { type DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { NumberValueImpl, unmarshall } from '@aws-sdk/util-dynamodb';
import {
  inPlacementScope,
  parsePolicyRow,
  type Placement,
  type PolicyRow,
  type PolicyValidationError,
} from '../domain/index.js';
import type { PolicyLoad, PolicyRepository } from '../ports/index.js';

/**
 * The policies table over DynamoDB. Items are unmarshalled here with `wrapNumbers`, so a number no
 * JavaScript number can hold fails its own row with a clear finding instead of failing the scan.
 * With a placement, a valid row whose `accounts`/`regions` do not select it is left out: it is not in force where
 * the reader runs (the run, the gate and `plan` all read through here). An invalid row is a finding wherever it is
 * read: it cannot be placed.
 */
export class DynamoPolicyRepository implements PolicyRepository {
  constructor(
    private readonly dynamodb: DynamoDBClient,
    /** The table's name, or (from another account: a spoke) its ARN. */
    private readonly tableName: string,
    /** Where the reader runs. @default none: every valid row is in force */
    private readonly placement?: Placement,
  ) {}

  public async loadAll(): Promise<PolicyLoad> {
    const rows: PolicyRow[] = [];
    const findings: PolicyValidationError[] = [];
    for await (const page of paginateScan(
      { client: this.dynamodb },
      { TableName: this.tableName, ConsistentRead: true },
    )) {
      for (const item of page.Items ?? []) {
        const parsed = parsePolicyRow(unwrapNumbers(unmarshall(item, { wrapNumbers: true })));
        if (!parsed.ok) findings.push(parsed.error);
        else if (this.placement === undefined || inPlacementScope(parsed.row, this.placement)) rows.push(parsed.row);
      }
    }
    return { rows, findings };
  }
}

/** Numbers as JavaScript numbers where they fit exactly; otherwise their text, which the schema rejects by name. */
export function unwrapNumbers(value: unknown): unknown {
  if (value instanceof NumberValueImpl) {
    const number = Number(value.value);
    return Number.isSafeInteger(number) || (Number.isFinite(number) && !Number.isInteger(number))
      ? number
      : value.value;
  }
  if (Array.isArray(value)) return value.map(unwrapNumbers);
  if (value instanceof Set) return new Set([...value].map(unwrapNumbers));
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, unwrapNumbers(inner)]));
  }
  return value;
}
