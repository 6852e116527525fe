/**
 * The report benchmark's DynamoDB pass: a period of the fleet written to the sandbox's audit table (dynalite) as
 * the enforcer and the client connect handler write it (the product's own item mapping, every index key), with
 * BatchWriteItem, 25 items a request, unprocessed items sent again; the report process then reads it back through
 * the product's `DynamoAuditQuery`.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { recordToItem, summaryToItem } from '../lambda/adapters/audit-item.js';
import { Setting, SETTING_DEFAULTS } from '../lambda/settings/index.js';
import type { Sandbox } from '../local/index.js';
import { planDay } from './report-day.js';
import { recordAt, summaryOf } from './report-records.js';
import type { ReportSpec } from './report-scenario.js';

/** BatchWriteItem's most items a request. */
const BATCH_SIZE = 25;
/** Requests in flight at once. */
const CONCURRENCY = 4;
/** Rounds of resending a batch's unprocessed items before giving up. */
const MAX_ROUNDS = 10;

/** What the write took. */
export interface WrittenPeriod {
  readonly records: number;
  readonly summaries: number;
  readonly requests: number;
  readonly wallMs: number;
}

/** Writes every record and run summary of `spec`'s period to the sandbox's audit table. */
export async function writePeriod(sandbox: Sandbox, spec: ReportSpec): Promise<WrittenPeriod> {
  const started = performance.now();
  const client = new DynamoDBClient({ ...sandbox.clientConfig(), maxAttempts: 3 });
  const documents = DynamoDBDocumentClient.from(client);
  const retentionDays = SETTING_DEFAULTS[Setting.AUDIT_RETENTION_DAYS];
  let records = 0;
  let summaries = 0;
  let requests = 0;
  const send = async (items: Record<string, unknown>[]): Promise<void> => {
    let pending = items;
    for (let round = 0; pending.length > 0; round += 1) {
      if (round === MAX_ROUNDS)
        throw new Error(`BatchWriteItem left ${pending.length} items unprocessed after ${MAX_ROUNDS} rounds`);
      requests += 1;
      const output = await documents.send(
        new BatchWriteCommand({
          RequestItems: { [sandbox.tables.audit]: pending.map((Item) => ({ PutRequest: { Item } })) },
        }),
      );
      pending = (output.UnprocessedItems?.[sandbox.tables.audit] ?? []).map(
        (request) => request.PutRequest!.Item as Record<string, unknown>,
      );
    }
  };
  try {
    for (let dayNumber = 0; dayNumber < spec.days; dayNumber += 1) {
      const plan = planDay(spec, dayNumber);
      const items = function* (): Generator<Record<string, unknown>> {
        for (let index = 0; index < plan.records; index += 1)
          yield recordToItem(recordAt(spec, plan, index), retentionDays);
        for (const run of plan.runs) yield summaryToItem(summaryOf(spec, plan, run), retentionDays);
      };
      const source = items();
      const worker = async () => {
        for (;;) {
          const batch: Record<string, unknown>[] = [];
          while (batch.length < BATCH_SIZE) {
            const next = source.next();
            if (next.done) break;
            batch.push(next.value);
          }
          if (batch.length === 0) return;
          await send(batch);
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      records += plan.records;
      summaries += plan.runs.length;
    }
  } finally {
    client.destroy();
  }
  return { records, summaries, requests, wallMs: performance.now() - started };
}
