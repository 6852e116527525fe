import {
  type AttributeValue,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  paginateScan,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import {
  type PolicyChangeStamp,
  PolicyConflictError,
  PolicyExistsError,
  type PolicyStore,
  type PolicyWriteCondition,
  type StoredPolicy,
} from '../ports/index.js';
import { POLICIES_TABLE } from '../tables.js';
import { isConditionalCheckFailed } from './aws-errors.js';
import { unwrapNumbers } from './DynamoPolicyRepository.js';

const KEY = POLICIES_TABLE.partitionKey.name;

/** A DynamoDB condition expression with its names and values. */
interface Condition {
  readonly expression: string;
  readonly names: Record<string, string>;
  readonly values: Record<string, AttributeValue>;
}

/**
 * The policies table as operators write it: every write is conditional on what the writer read
 * (absent, or the `version` it saw) and bumps `version`, so a lost race surfaces as
 * {@link PolicyConflictError} naming both versions instead of silently overwriting someone's change.
 */
export class DynamoPolicyStore implements PolicyStore {
  constructor(
    private readonly dynamodb: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  public async list(): Promise<StoredPolicy[]> {
    const stored: StoredPolicy[] = [];
    for await (const page of paginateScan(
      { client: this.dynamodb },
      { TableName: this.tableName, ConsistentRead: true },
    )) {
      for (const item of page.Items ?? []) stored.push(toStored(item));
    }
    return stored.sort((left, right) => (left.policyId < right.policyId ? -1 : left.policyId > right.policyId ? 1 : 0));
  }

  public async get(policyId: string): Promise<StoredPolicy | undefined> {
    const output = await this.dynamodb.send(
      new GetItemCommand({ TableName: this.tableName, Key: { [KEY]: { S: policyId } }, ConsistentRead: true }),
    );
    return output.Item ? toStored(output.Item) : undefined;
  }

  public async put(
    row: Readonly<Record<string, unknown>> & { readonly policyId: string },
    condition: PolicyWriteCondition,
    stamp: PolicyChangeStamp,
  ): Promise<number> {
    const version = condition.expect === 'absent' ? 1 : (condition.version ?? 0) + 1;
    const guard = conditionOf(condition);
    try {
      await this.dynamodb.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: marshall({ ...row, ...stamp, version }, { removeUndefinedValues: true }),
          ConditionExpression: guard.expression,
          ExpressionAttributeNames: guard.names,
          ...(Object.keys(guard.values).length > 0 ? { ExpressionAttributeValues: guard.values } : {}),
        }),
      );
      return version;
    } catch (error) {
      throw await this.explain(error, row.policyId, condition);
    }
  }

  public async update(
    policyId: string,
    changes: Readonly<Record<string, unknown>>,
    version: number | undefined,
    stamp: PolicyChangeStamp,
  ): Promise<number> {
    const next = (version ?? 0) + 1;
    const assignments = Object.entries({ ...changes, ...stamp, version: next }).filter(([name]) => name !== KEY);
    const guard = conditionOf({ expect: 'version', version });
    const names = Object.fromEntries(assignments.map(([name], index) => [`#s${index}`, name]));
    const values = marshall(Object.fromEntries(assignments.map(([, value], index) => [`:s${index}`, value])), {
      removeUndefinedValues: true,
    });
    try {
      await this.dynamodb.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { [KEY]: { S: policyId } },
          UpdateExpression: `SET ${assignments.map((_, index) => `#s${index} = :s${index}`).join(', ')}`,
          ConditionExpression: guard.expression,
          ExpressionAttributeNames: { ...names, ...guard.names },
          ExpressionAttributeValues: { ...values, ...guard.values },
        }),
      );
      return next;
    } catch (error) {
      throw await this.explain(error, policyId, { expect: 'version', version });
    }
  }

  public async delete(policyId: string, version: number | undefined): Promise<void> {
    const guard = conditionOf({ expect: 'version', version });
    try {
      await this.dynamodb.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: { [KEY]: { S: policyId } },
          ConditionExpression: guard.expression,
          ExpressionAttributeNames: guard.names,
          ...(Object.keys(guard.values).length > 0 ? { ExpressionAttributeValues: guard.values } : {}),
        }),
      );
    } catch (error) {
      throw await this.explain(error, policyId, { expect: 'version', version });
    }
  }

  /** A failed condition as the error that names what the writer expected and what the table holds now. */
  private async explain(error: unknown, policyId: string, condition: PolicyWriteCondition): Promise<unknown> {
    if (!isConditionalCheckFailed(error)) return error;
    const current = await this.get(policyId).catch(() => undefined);
    if (condition.expect === 'absent') return new PolicyExistsError(policyId, current?.version, { cause: error });
    return new PolicyConflictError(policyId, condition.version, current ? current.version : 'absent', { cause: error });
  }
}

/** The condition that makes a write land only on the row the writer read. */
function conditionOf(condition: PolicyWriteCondition): Condition {
  if (condition.expect === 'absent')
    return { expression: 'attribute_not_exists(#key)', names: { '#key': KEY }, values: {} };
  if (condition.version === undefined) {
    return {
      expression: 'attribute_exists(#key) AND attribute_not_exists(#version)',
      names: { '#key': KEY, '#version': 'version' },
      values: {},
    };
  }
  return {
    expression: '#version = :expected',
    names: { '#version': 'version' },
    values: { ':expected': { N: String(condition.version) } },
  };
}

function toStored(raw: Record<string, AttributeValue>): StoredPolicy {
  const item = unwrapNumbers(unmarshall(raw, { wrapNumbers: true })) as Record<string, unknown>;
  const version =
    typeof item.version === 'number' && Number.isSafeInteger(item.version) && item.version >= 0
      ? item.version
      : undefined;
  return { policyId: String(item[KEY] ?? ''), item, version };
}
