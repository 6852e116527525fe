import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { AUDIT_TABLE, POLICIES_TABLE, STATE_TABLE, type KeyAttribute, type TableDefinition } from '../lambda/tables.js';

/** How one table is kept, beyond its shared definition. */
export interface TableOptions {
  /** Continuous backups with point-in-time recovery. */
  readonly pointInTimeRecovery: boolean;
  /** What CloudFormation does with the table when it leaves the stack. */
  readonly removalPolicy: RemovalPolicy;
  /** What the table's stream carries, when it has one. @default no stream */
  readonly stream?: dynamodb.StreamViewType;
}

function attribute(key: KeyAttribute): dynamodb.Attribute {
  return { name: key.name, type: key.type === 'N' ? dynamodb.AttributeType.NUMBER : dynamodb.AttributeType.STRING };
}

/**
 * Builds a table from its shared definition (lambda/tables.ts): keys, indexes (projection ALL)
 * and TTL attribute come from there, so the stack, the sandbox and the adapters cannot disagree.
 * The logical id is pinned to the definition's, so moving the table in the construct tree never
 * replaces it. On-demand billing; encrypted with the AWS managed key (aws/dynamodb).
 * Deletion protection is on whenever the table is retained: a table to be destroyed with the
 * stack must be deletable.
 */
export function tableFromDefinition(
  scope: Construct,
  definition: TableDefinition,
  options: TableOptions,
): dynamodb.Table {
  const retained = options.removalPolicy === RemovalPolicy.RETAIN;
  const table = new dynamodb.Table(scope, definition.logicalId, {
    partitionKey: attribute(definition.partitionKey),
    ...(definition.sortKey ? { sortKey: attribute(definition.sortKey) } : {}),
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    // AWS managed key rather than a customer managed one: key use is still logged in CloudTrail,
    // and a retained table stays readable (by anyone allowed by IAM) after the stack and any
    // key it owned are gone. The CLI needs no extra key grant either.
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: options.pointInTimeRecovery },
    deletionProtection: retained,
    removalPolicy: options.removalPolicy,
    ...(definition.ttlAttribute ? { timeToLiveAttribute: definition.ttlAttribute } : {}),
    ...(options.stream ? { stream: options.stream } : {}),
  });
  for (const index of definition.indexes) {
    table.addGlobalSecondaryIndex({
      indexName: index.indexName,
      partitionKey: attribute(index.partitionKey),
      ...(index.sortKey ? { sortKey: attribute(index.sortKey) } : {}),
      projectionType: dynamodb.ProjectionType.ALL,
    });
  }
  (table.node.defaultChild as dynamodb.CfnTable).overrideLogicalId(definition.logicalId);
  return table;
}

/** Properties of {@link Tables}. */
export interface TablesProps {
  /**
   * What happens to the policies and audit tables when the stack is deleted. The state table
   * (idle memory and run lease, rebuilt by the next runs) is always destroyed with the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** The three tables: policy rows, audit records, and the enforcer's working state. */
export class Tables extends Construct {
  /**
   * Policy rows, one per `policyId`. Point-in-time recovery; retained by default. Its stream carries each change
   * with both images (NEW_AND_OLD_IMAGES), so the enforcer can tell a change that may end sessions from one that
   * cannot.
   */
  public readonly policies: dynamodb.Table;
  /** Audit records with their indexes and TTL. Point-in-time recovery; retained by default. */
  public readonly audit: dynamodb.Table;
  /** Idle memory and run lease, with TTL. */
  public readonly state: dynamodb.Table;

  constructor(scope: Construct, id: string, props: TablesProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.policies = tableFromDefinition(this, POLICIES_TABLE, {
      pointInTimeRecovery: true,
      removalPolicy,
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
    });
    this.audit = tableFromDefinition(this, AUDIT_TABLE, { pointInTimeRecovery: true, removalPolicy });
    this.state = tableFromDefinition(this, STATE_TABLE, {
      pointInTimeRecovery: false,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.state).acknowledge({
      id: 'AwsSolutions-DDB3',
      reason:
        'The state table holds only the run lease and idle memory, both expiring within days and rebuilt by the next runs; ' +
        'restoring an old copy would be wrong, not helpful, so it has no point-in-time recovery.',
    });
  }
}
