import { SandboxControlError } from '../errors.js';
import type { LambdaService } from '../lambda/lambda-service.js';
import { type RouteEntry, objectBody, ruleRoutes } from './routing.js';

/**
 * The admin routes of the sandbox's Lambda: its functions (code-registered ones, and canned ones that answer every
 * invocation with a fixed document, for HTTP-only users), and the functions' faults.
 */
export function lambdaRoutes(lambda: LambdaService): RouteEntry[] {
  return [
    {
      method: 'GET',
      pattern: '/lambda/functions',
      summary: 'Lambda functions, with their ARNs and invocation counters',
      run: () => ({ functions: lambda.list() }),
    },
    {
      method: 'PUT',
      pattern: '/lambda/functions/:name',
      summary: 'register a function that answers every invocation with a fixed document {"returns": …, "timeoutMs"?}',
      run: (_request, body, [name]) => {
        const spec = objectBody(body);
        const unknown = Object.keys(spec).filter((key) => key !== 'returns' && key !== 'timeoutMs');
        if (!('returns' in spec) || unknown.length > 0) {
          throw new SandboxControlError(
            `function ${name}: expected {"returns": <the JSON every invocation answers>, "timeoutMs"?: ms}; ` +
              `got ${JSON.stringify(spec)}`,
          );
        }
        return lambda.registerCanned(name ?? '', spec.returns, { timeoutMs: spec.timeoutMs as number | undefined });
      },
    },
    {
      method: 'DELETE',
      pattern: '/lambda/functions/:name',
      summary: 'remove a function',
      run: (_request, _body, [name]) => {
        if (!lambda.unregister(name ?? '')) {
          throw new SandboxControlError(`no Lambda function ${JSON.stringify(name)}`, 404);
        }
        return { functions: lambda.list() };
      },
    },
    ...ruleRoutes(
      '/lambda/faults',
      lambda.functionFaults,
      'function fault rules',
      '{"function"?, "kind": "error|timeout|throttle|delay", "ms"?, "message"?, "rate"?, "count"?}',
    ),
  ];
}
