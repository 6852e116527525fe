import type { ServiceRequest, ServiceResponse } from '../edge/types.js';
import { SandboxControlError } from '../errors.js';
import type { InjectedRule, SeededRules } from '../faults.js';

/** What an admin route does with a request, its JSON body and the `:name` captures of its path. */
export type RouteRun = (request: ServiceRequest, body: unknown, params: string[]) => unknown | Promise<unknown>;

/** One admin route: method, path pattern under /_sandbox (`:id` captures), what it does. */
export interface RouteEntry {
  readonly method: string;
  readonly pattern: string;
  readonly summary: string;
  readonly run: RouteRun;
  /** The status of a success. @default 200 */
  readonly status?: number;
}

/** The `:name` captures of `path` when it matches `pattern`, else undefined. */
export function match(pattern: string, path: string): string[] | undefined {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: string[] = [];
  for (let i = 0; i < want.length; i += 1) {
    const part = want[i] ?? '';
    if (part.startsWith(':')) params.push(decodeURIComponent(got[i] ?? ''));
    else if (part !== got[i]) return undefined;
  }
  return params;
}

/** The request's JSON body (undefined when empty); a control error when it is not JSON. */
export function parseBody(request: ServiceRequest): unknown {
  if (request.body.length === 0) return undefined;
  try {
    return JSON.parse(request.body.toString('utf8'));
  } catch (error) {
    throw new SandboxControlError(`the body is not valid JSON: ${(error as Error).message}`);
  }
}

/** The body as a JSON object; a control error otherwise. */
export function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new SandboxControlError('expected a JSON object body');
  return body as Record<string, unknown>;
}

/** A field that must be a list. */
export function arrayField<T>(value: T[] | undefined, name: string): T[] {
  if (!Array.isArray(value)) throw new SandboxControlError(`expected "${name}" to be a list`);
  return value;
}

/** A JSON answer. */
export function json(status: number, value: unknown): ServiceResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value, null, 2) };
}

/**
 * The four routes of one list of fault rules at `pattern`: GET lists them, PUT replaces them (`{"rules": […],
 * "seed"?}`), POST adds one, DELETE removes them all. `what` names the rules and `shape` shows one, for the summaries.
 */
export function ruleRoutes<R extends InjectedRule>(
  pattern: string,
  rules: SeededRules<R>,
  what: string,
  shape: string,
): RouteEntry[] {
  return [
    { method: 'GET', pattern, summary: what, run: () => ({ rules: rules.list() }) },
    {
      method: 'PUT',
      pattern,
      summary: `replace the ${what} {"rules": [${shape}], "seed"?}`,
      run: (_request, body) => {
        const { rules: replacing, seed } = objectBody(body) as { rules?: R[]; seed?: number };
        rules.set(arrayField(replacing, 'rules'));
        if (seed !== undefined) rules.reseed(seed);
        return { rules: rules.list() };
      },
    },
    {
      method: 'POST',
      pattern,
      summary: `add one of the ${what}`,
      run: (_request, body) => {
        rules.add(objectBody(body) as unknown as R);
        return { rules: rules.list() };
      },
    },
    {
      method: 'DELETE',
      pattern,
      summary: `remove every one of the ${what}`,
      run: () => (rules.clear(), { rules: [] }),
    },
  ];
}
