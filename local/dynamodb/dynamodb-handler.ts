import type { Caller, ServiceHandler, ServiceRequest, ServiceResponse } from '../edge/types.js';
import { NO_ACTION } from '../edge/types.js';
import { Service } from '../services.js';
import { authorize } from './authorize.js';
import type { DynamoDbBackend } from './dynamodb-service.js';
import { jsonAnswer, jsonError } from './json-errors.js';
import { answerResourcePolicy, RESOURCE_POLICY_ACTIONS } from './resource-policy-actions.js';
import type { StreamCapture } from './stream-capture.js';
import { isArn, type ResolvedTable } from './table-names.js';
import { messageWithWrittenNames, withInternalNames, withWrittenNames, writtenTableNames } from './table-rewrite.js';

type Json = Record<string, unknown>;

/** Actions whose answer describes a table (its name and ARNs are rewritten even when the request was not). */
const DESCRIBING = new Set(['DescribeTable', 'CreateTable', 'DeleteTable', 'UpdateTable']);
/** Actions after which a table's keys may have changed. */
const RESHAPING = new Set(['CreateTable', 'DeleteTable', 'UpdateTable']);

/**
 * DynamoDB behind the edge, per placement: a request acts on its caller's account and Region by plain name, on any
 * account's table of its Region by ARN when that table's resource-based policy allows the caller. Requests go to
 * dynalite under the store's names; answers name the tables as the request did. Faults answer as DynamoDB does.
 * Writes to a table with a stream go through `capture`, which records what they changed.
 */
export class DynamoDbHandler implements ServiceHandler {
  public readonly service = Service.DYNAMODB;

  constructor(
    private readonly backend: DynamoDbBackend,
    private readonly capture?: StreamCapture,
  ) {}

  public actionOf(request: ServiceRequest): string {
    const target = String(request.headers['x-amz-target'] ?? '');
    return target.includes('.') ? (target.split('.')[1] ?? NO_ACTION) : NO_ACTION;
  }

  public async handle(request: ServiceRequest, action: string): Promise<ServiceResponse> {
    const caller = request.caller ?? this.backend.defaultCaller;
    const body = parseBody(request.body);
    // A body dynalite cannot read either: its own error answers.
    if (!body) return this.forward(request, action);
    if (RESOURCE_POLICY_ACTIONS.has(action)) return answerResourcePolicy(this.backend, action, body, caller);
    if (action === 'ListTables') return this.listTables(request, body, caller);
    const tables = new Map<string, ResolvedTable>();
    for (const written of writtenTableNames(action, body)) {
      // CreateTable takes a plain name only: dynalite refuses an ARN with DynamoDB's pattern error.
      if (action === 'CreateTable' && isArn(written)) continue;
      const resolved = this.backend.names.resolve(written, caller);
      if ('code' in resolved) return jsonError(400, resolved.code, resolved.message);
      const twice = [...tables.values()].find((table) => table.internal === resolved.internal);
      if (twice)
        return jsonError(
          400,
          'ValidationException',
          `The request names the table ${resolved.arn} twice (${twice.written} and ${written}); name it once`,
        );
      tables.set(written, resolved);
    }
    for (const table of tables.values()) {
      const refusal = await authorize(this.backend, action, body, table, caller);
      if (refusal) return refusal;
    }
    const renamed = [...tables.values()].some((table) => table.internal !== table.written);
    const forwarded = renamed
      ? { ...request, body: Buffer.from(JSON.stringify(withInternalNames(action, body, tables))) }
      : request;
    const response = await this.forward(forwarded, action);
    if (RESHAPING.has(action)) for (const table of tables.values()) this.backend.forgetTable(table.internal);
    if (action === 'DeleteTable' && response.status === 200)
      // DynamoDB deletes a table's resource-based policy with the table.
      for (const table of tables.values()) this.backend.policies.delete(table.arn);
    return renamed || DESCRIBING.has(action) ? rewritten(response, tables) : response;
  }

  public faultResponse(_request: ServiceRequest, _action: string, kind: 'error' | 'throttle'): ServiceResponse {
    return kind === 'error'
      ? jsonError(500, 'InternalServerError', 'Internal server error')
      : jsonError(
          400,
          'ProvisionedThroughputExceededException',
          'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
        );
  }

  private forward(request: ServiceRequest, action: string): Promise<ServiceResponse> {
    const forward = () => this.backend.forward(request);
    return this.capture ? this.capture.handle(request, action, forward) : forward();
  }

  /** The caller's placement's tables only, by their own names. */
  private async listTables(request: ServiceRequest, body: Json, caller: Caller): Promise<ServiceResponse> {
    const placement = { accountId: caller.accountId, region: caller.region };
    const start = typeof body.ExclusiveStartTableName === 'string' ? body.ExclusiveStartTableName : undefined;
    const forwarded = start
      ? {
          ...request,
          body: Buffer.from(
            JSON.stringify({ ...body, ExclusiveStartTableName: this.backend.names.internal(placement, start) }),
          ),
        }
      : request;
    const response = await this.forward(forwarded, 'ListTables');
    const answer = response.status === 200 ? parseBody(Buffer.from(response.body)) : undefined;
    if (!answer) return response;
    const own = (internal: unknown) => {
      if (typeof internal !== 'string') return undefined;
      const { placement: where, name } = this.backend.names.external(internal);
      return where.accountId === placement.accountId && where.region === placement.region ? name : undefined;
    };
    const names = (Array.isArray(answer.TableNames) ? answer.TableNames : []).map(own).filter(Boolean);
    const last = own(answer.LastEvaluatedTableName);
    return jsonAnswer({ TableNames: names, ...(last ? { LastEvaluatedTableName: last } : {}) });
  }
}

/** An answer naming the tables as written: a success's fields, an error's message. */
function rewritten(response: ServiceResponse, tables: ReadonlyMap<string, ResolvedTable>): ServiceResponse {
  const answer = parseBody(Buffer.from(response.body));
  if (!answer) return response;
  if (response.status === 200) return jsonAnswer(withWrittenNames(answer, tables));
  const field = typeof answer.message === 'string' ? 'message' : typeof answer.Message === 'string' ? 'Message' : '';
  if (!field) return response;
  const message = messageWithWrittenNames(answer[field] as string, tables);
  return jsonAnswer({ ...answer, [field]: message }, response.status, response.errorCode);
}

function parseBody(body: Buffer): Json | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Json) : undefined;
  } catch {
    return undefined;
  }
}
