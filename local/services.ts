/** The AWS services the sandbox answers, by their SigV4 signing name. */
export const Service = {
  EC2: 'ec2',
  DYNAMODB: 'dynamodb',
  SNS: 'sns',
  STS: 'sts',
  LAMBDA: 'lambda',
} as const;
/** One of the emulated services. */
export type Service = (typeof Service)[keyof typeof Service];

/** Every emulated service. */
export const SERVICES: readonly Service[] = Object.values(Service);

/** DynamoDB operations that write. */
const DYNAMODB_WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);
/** DynamoDB operations that read items. */
const DYNAMODB_READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);

/**
 * Groups of actions a fault or latency rule may name instead of listing actions:
 * `@write` and `@read` (DynamoDB item operations), `@mutating` and `@describe` (EC2's two throttling classes).
 */
export const ActionGroup = {
  WRITE: '@write',
  READ: '@read',
  MUTATING: '@mutating',
  DESCRIBE: '@describe',
} as const;

/** True when `action` of `service` is named by `selector` (an action name or an action group). */
export function actionMatches(selector: string, service: string, action: string): boolean {
  switch (selector) {
    case ActionGroup.WRITE:
      return service === Service.DYNAMODB && DYNAMODB_WRITES.has(action);
    case ActionGroup.READ:
      return service === Service.DYNAMODB && DYNAMODB_READS.has(action);
    case ActionGroup.MUTATING:
      return service === Service.EC2 && !isEc2Describe(action);
    case ActionGroup.DESCRIBE:
      return service === Service.EC2 && isEc2Describe(action);
    default:
      return selector === action;
  }
}

/** EC2 throttles describe calls and mutating calls with different buckets. */
export function isEc2Describe(action: string): boolean {
  return action.startsWith('Describe');
}

/** A rule's scope: one service or `*`, and optionally some actions. */
export interface RuleScope {
  /** A service name (`ec2`, `dynamodb`, `sns`, `sts`, `lambda`) or `*` for all. */
  readonly service: string;
  /** Action names or groups (`@write`, `@read`, `@mutating`, `@describe`). @default every action */
  readonly actions?: readonly string[];
}

/** True when a request of `service`/`action` falls in `scope`. */
export function inScope(scope: RuleScope, service: string, action: string): boolean {
  if (scope.service !== '*' && scope.service !== service) return false;
  if (!scope.actions || scope.actions.length === 0) return true;
  return scope.actions.some((selector) => actionMatches(selector, service, action));
}
