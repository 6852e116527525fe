/** An account and Region that holds its own tables (the same shape as the product's Placement). */
export interface TablePlacement {
  readonly accountId: string;
  readonly region: string;
}

/** A table as a request names it, resolved: where it lives, its own name, and its name inside dynalite. */
export interface ResolvedTable {
  /** As the request wrote it (a plain name or an ARN): how answers name it again. */
  readonly written: string;
  readonly placement: TablePlacement;
  readonly name: string;
  /** The name dynalite holds it under. */
  readonly internal: string;
  /** `arn:aws:dynamodb:<region>:<account>:table/<name>`. */
  readonly arn: string;
}

/** Why a TableName could not be resolved: DynamoDB's error code and message. */
export interface TableNameProblem {
  readonly code: 'ValidationException';
  readonly message: string;
}

const TABLE_ARN = /^arn:aws:dynamodb:([^:]*):([^:]*):table\/([^/]+)(\/.*)?$/;
const ACCOUNT_ID = /^\d{12}$/;
/** An internal name of another placement: `<account>.<region>.<name>`. */
const PLACED_NAME = /^(\d{12})\.([a-z]{2}(?:-[a-z]+)+-\d+)\.(.+)$/;

/** A table's ARN in a placement. */
export function tableArn(placement: TablePlacement, name: string): string {
  return `arn:aws:dynamodb:${placement.region}:${placement.accountId}:table/${name}`;
}

/** True when a TableName is written as an ARN (DynamoDB reads any `arn:` value as one). */
export function isArn(tableName: string): boolean {
  return tableName.startsWith('arn:');
}

/**
 * Where every placement's tables live in the one dynalite: the default placement's under their own names (as before
 * placements existed, so a data dir from then still opens), every other one's as `<account>.<region>.<name>`.
 */
export class TableNames {
  constructor(public readonly defaultPlacement: TablePlacement) {}

  /** The dynalite name of a placement's table. */
  public internal(placement: TablePlacement, name: string): string {
    return this.isDefault(placement) ? name : `${placement.accountId}.${placement.region}.${name}`;
  }

  /** The placement and own name of a dynalite table. */
  public external(internal: string): { placement: TablePlacement; name: string } {
    const placed = PLACED_NAME.exec(internal);
    if (placed)
      return { placement: { accountId: placed[1] as string, region: placed[2] as string }, name: placed[3] as string };
    return { placement: this.defaultPlacement, name: internal };
  }

  /**
   * A TableName as `caller` wrote it: a plain name is the caller's placement's table; an ARN names its own account
   * and must be in the Region the request was sent to.
   */
  public resolve(written: string, caller: TablePlacement): ResolvedTable | TableNameProblem {
    if (!isArn(written)) return this.resolved(written, caller, written);
    const match = TABLE_ARN.exec(written);
    if (!match || match[4] !== undefined || !ACCOUNT_ID.test(match[2] ?? ''))
      return {
        code: 'ValidationException',
        message: `1 validation error detected: Invalid TableName: '${written}' is not a table ARN (arn:aws:dynamodb:<region>:<account>:table/<name>)`,
      };
    const [, region, accountId, name] = match as unknown as [string, string, string, string];
    if (region !== caller.region)
      return {
        code: 'ValidationException',
        message: `1 validation error detected: Invalid AWS region in '${written}'`,
      };
    return this.resolved(written, { accountId, region }, name);
  }

  private resolved(written: string, placement: TablePlacement, name: string): ResolvedTable {
    return { written, placement, name, internal: this.internal(placement, name), arn: tableArn(placement, name) };
  }

  private isDefault(placement: TablePlacement): boolean {
    return placement.accountId === this.defaultPlacement.accountId && placement.region === this.defaultPlacement.region;
  }
}
