import { ec2Errors } from './errors.js';

/** How describe calls page. */
export interface PaginationOptions {
  /** Page size when the request has no MaxResults. @default 1000 */
  readonly defaultPageSize?: number;
  /** Never return more than this many items a page, whatever MaxResults says (to exercise pagination). @default none */
  readonly pageSizeCap?: number;
}

const MIN_RESULTS = 5;
const MAX_RESULTS = 1000;

/** EC2's paging of describe calls: the page size a request gets (MaxResults, checked as EC2 checks it). */
export class Paging {
  private readonly initial: Required<Pick<PaginationOptions, 'defaultPageSize'>> & PaginationOptions;
  private options: Required<Pick<PaginationOptions, 'defaultPageSize'>> & PaginationOptions;

  constructor(options?: PaginationOptions) {
    this.initial = { defaultPageSize: MAX_RESULTS, ...options };
    this.options = this.initial;
  }

  /** Changes paging (what is not given stays). */
  public configure(options: PaginationOptions): void {
    this.options = { ...this.options, ...options };
  }

  /** Back to the constructor's paging. */
  public restore(): void {
    this.options = this.initial;
  }

  /** Items in a page for a request's MaxResults; InvalidParameterValue when EC2 would refuse it. */
  public pageSize(maxResults: number | undefined): number {
    if (
      maxResults !== undefined &&
      (!Number.isInteger(maxResults) || maxResults < MIN_RESULTS || maxResults > MAX_RESULTS)
    ) {
      throw ec2Errors.invalidValue(
        `Value (${maxResults}) for parameter MaxResults is invalid. Expecting a value between ${MIN_RESULTS} and ${MAX_RESULTS}.`,
      );
    }
    const size = maxResults ?? this.options.defaultPageSize;
    return this.options.pageSizeCap ? Math.min(size, this.options.pageSizeCap) : size;
  }
}

/** A NextToken: the listing it continues (`kind` and `scope`) and the sequence number of the last item given. */
export function writePageToken(kind: string, scope: string, seq: number): string {
  return Buffer.from(JSON.stringify({ k: kind, s: scope, n: seq })).toString('base64url');
}

/**
 * The sequence number a NextToken continues after (0 without one); InvalidPaginationToken when the token
 * is not one of this listing's.
 */
export function readPageToken(token: string | undefined, kind: string, scope: string): number {
  if (token === undefined || token === '') return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      k?: unknown;
      s?: unknown;
      n?: unknown;
    };
    if (parsed.k === kind && parsed.s === scope && Number.isInteger(parsed.n)) return parsed.n as number;
  } catch {
    // answered below
  }
  throw ec2Errors.invalidPaginationToken(token);
}
