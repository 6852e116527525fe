import { type PolicyDocument, parsePolicyDocument } from '../iam/index.js';

/** One resource-based policy as DynamoDB keeps it: the text as written, parsed, and its revision. */
export interface StoredPolicy {
  readonly text: string;
  readonly document: PolicyDocument;
  readonly revisionId: string;
}

/** `ExpectedRevisionId` that asks for "only if there is no policy yet". */
export const NO_POLICY = 'NO_POLICY';

/** Why a policy change was refused. */
export type PolicyChangeProblem = { readonly code: 'PolicyNotFoundException'; readonly message: string };

/**
 * The tables' resource-based policies, by table ARN (in memory: a data dir keeps items, not policies). Revision ids
 * are decimal strings; putting the same text again keeps its revision, as DynamoDB does.
 */
export class ResourcePolicies {
  private readonly policies = new Map<string, StoredPolicy>();
  private revisions = 0;

  /** The policy on a table, if any. */
  public get(arn: string): StoredPolicy | undefined {
    return this.policies.get(arn);
  }

  /** Attaches a policy (parsed first: throws IamPolicyError on a bad one); checks `expectedRevisionId`. */
  public put(arn: string, text: string, expectedRevisionId?: string): StoredPolicy | PolicyChangeProblem {
    const document = parsePolicyDocument(text);
    const current = this.policies.get(arn);
    const problem = this.checkRevision(arn, current, expectedRevisionId);
    if (problem) return problem;
    if (current && current.text === text) return current;
    const stored = { text, document, revisionId: this.nextRevision() };
    this.policies.set(arn, stored);
    return stored;
  }

  /** Removes a table's policy; the problem when there is none (or not that revision). */
  public delete(arn: string, expectedRevisionId?: string): StoredPolicy | PolicyChangeProblem {
    const current = this.policies.get(arn);
    if (!current) return notFound(arn);
    const problem = this.checkRevision(arn, current, expectedRevisionId);
    if (problem) return problem;
    this.policies.delete(arn);
    return current;
  }

  private checkRevision(
    arn: string,
    current: StoredPolicy | undefined,
    expected: string | undefined,
  ): PolicyChangeProblem | undefined {
    if (expected === undefined) return undefined;
    if (expected === NO_POLICY ? current === undefined : current?.revisionId === expected) return undefined;
    return notFound(arn);
  }

  private nextRevision(): string {
    // Millisecond-like numbers, as DynamoDB's look; strictly increasing within a sandbox.
    this.revisions = Math.max(this.revisions + 1, Date.now());
    return String(this.revisions);
  }
}

/** DynamoDB's answer when there is no policy (or not the expected revision). */
export function notFound(arn: string): PolicyChangeProblem {
  return {
    code: 'PolicyNotFoundException',
    message: `Resource-based policy not found for the provided ResourceArn: ${arn}`,
  };
}
