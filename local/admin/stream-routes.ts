import type { TableStream } from '../dynamodb/table-stream.js';
import type { LambdaService } from '../lambda/lambda-service.js';
import { type RouteEntry, objectBody } from './routing.js';
import { SandboxControlError } from '../errors.js';

/**
 * The admin routes of the policies table's stream and of Lambda's background work: the stream's records, the event
 * source mappings (state, counters, what their on-failure destination received, the redelivery knob), and every
 * asynchronous invocation with its attempts.
 */
export function streamRoutes(stream: TableStream, lambda: LambdaService): RouteEntry[] {
  return [
    {
      method: 'GET',
      pattern: '/dynamodb/stream',
      summary: "the policies table's stream: its ARN, shard and records (kept 24 h simulated), oldest first",
      run: () => ({
        streamArn: stream.arn,
        tableName: stream.tableName,
        shardId: stream.shardId,
        records: stream.list().map((entry) => entry.record),
      }),
    },
    {
      method: 'GET',
      pattern: '/lambda/mappings',
      summary: 'event source mappings, with their settings, position and counters',
      run: () => ({ mappings: lambda.eventSourceMappings().map((mapping) => mapping.view()) }),
    },
    {
      method: 'GET',
      pattern: '/lambda/mappings/:uuid',
      summary: 'one event source mapping',
      run: (_request, _body, [uuid]) => lambda.eventSourceMapping(uuid ?? '').view(),
    },
    {
      method: 'PATCH',
      pattern: '/lambda/mappings/:uuid',
      summary: 'change the redelivery knob {"redeliver": share of successful batches delivered twice, 0 to 1}',
      run: (_request, body, [uuid]) => {
        const change = objectBody(body);
        const unknown = Object.keys(change).filter((key) => key !== 'redeliver');
        if (!('redeliver' in change) || unknown.length > 0) {
          throw new SandboxControlError(
            `mapping ${uuid}: expected {"redeliver": 0 to 1}; got ${JSON.stringify(change)}`,
          );
        }
        const mapping = lambda.eventSourceMapping(uuid ?? '');
        mapping.setRedeliver(change.redeliver as number);
        return mapping.view();
      },
    },
    {
      method: 'GET',
      pattern: '/lambda/mappings/:uuid/failures',
      summary: "what the mapping's on-failure destination received (Lambda's record of each discarded batch)",
      run: (_request, _body, [uuid]) => ({ failures: lambda.eventSourceMapping(uuid ?? '').failures() }),
    },
    {
      method: 'GET',
      pattern: '/lambda/async',
      summary: 'asynchronous invocations (InvocationType Event): payload, status and every attempt',
      run: () => ({ invocations: lambda.asyncInvocations() }),
    },
  ];
}
