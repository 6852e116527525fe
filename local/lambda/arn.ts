/** Lambda function names and ARNs, as the Lambda API reference writes them. */

/** A function name: letters, digits, hyphens and underscores, 1 to 64 of them. */
export const FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** The version an unqualified name invokes; the sandbox's functions have no other version and no alias. */
export const LATEST = '$LATEST';

// The parts of an ARN, each a capture group.
const PARTITION = '(aws[a-zA-Z-]*)';
const REGION = '([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\\d)';
const ACCOUNT = '(\\d{12})';
const NAME = '([a-zA-Z0-9_-]{1,64})';
const QUALIFIER = '(\\$LATEST|[a-zA-Z0-9_-]{1,128})';

/**
 * `FunctionName` as Invoke takes it: a name, a full ARN (`arn:aws:lambda:us-east-1:123456789012:function:name`) or a
 * partial ARN (`123456789012:function:name`), each with an optional `:qualifier`.
 */
const FUNCTION_REF = new RegExp(
  `^(?:arn:${PARTITION}:lambda:${REGION}:)?(?:${ACCOUNT}:)?(?:function:)?${NAME}(?::${QUALIFIER})?$`,
);

/** A full function ARN, and nothing else (what ModifyClientVpnEndpoint takes). */
const FUNCTION_ARN = new RegExp(`^arn:${PARTITION}:lambda:${REGION}:${ACCOUNT}:function:${NAME}(?::${QUALIFIER})?$`);

/** What a `FunctionName` names: parts it leaves out are the caller's own (its region and account). */
export interface FunctionRef {
  readonly name: string;
  readonly region?: string;
  readonly accountId?: string;
  /** A version or alias. @default none: `$LATEST` */
  readonly qualifier?: string;
}

/** A full function ARN, parsed. */
export interface FunctionArn extends FunctionRef {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
}

/** Parses a `FunctionName` as Invoke takes it; undefined when it is none of the accepted forms. */
export function parseFunctionRef(text: string): FunctionRef | undefined {
  const match = FUNCTION_REF.exec(text);
  if (!match) return undefined;
  const [, , region, accountId, name, qualifier] = match;
  return { name: name ?? '', region, accountId, qualifier };
}

/** Parses a full function ARN; undefined for anything else (a name, a partial ARN, another service's ARN). */
export function parseFunctionArn(text: string): FunctionArn | undefined {
  const match = FUNCTION_ARN.exec(text);
  if (!match) return undefined;
  const [, partition, region, accountId, name, qualifier] = match;
  return {
    partition: partition ?? 'aws',
    region: region ?? '',
    accountId: accountId ?? '',
    name: name ?? '',
    qualifier,
  };
}

/** `arn:aws:lambda:<region>:<account>:function:<name>`, with `:<qualifier>` when given. */
export function functionArn(region: string, accountId: string, name: string, qualifier?: string): string {
  const arn = `arn:aws:lambda:${region}:${accountId}:function:${name}`;
  return qualifier === undefined ? arn : `${arn}:${qualifier}`;
}
