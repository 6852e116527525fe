import { changeEffect, type ChangeEffect } from '../domain/index.js';
import type { ParsedStreamBatch, PolicyTableChange } from './stream-batch.js';

/** What a batch asks for: the changes that can end sessions, and every record that does not start a run. */
export interface BatchVerdict {
  /** Records in the batch. */
  readonly records: number;
  /** The changes that start a run, each with why. */
  readonly starting: readonly ChangeEffect[];
  /** The changes of the policies table that can end no session, and why, in words. */
  readonly unchanged: readonly string[];
  /** The records that are not changes of the policies table (another table, malformed), and why. */
  readonly rejected: readonly string[];
  /** The first and last change of the policies table: what names the batch's run. */
  readonly span?: { readonly first: PolicyTableChange; readonly last: PolicyTableChange };
}

/** Decides, change by change, whether the batch should start a run at `now` (see `changeEffect`). */
export function judgeBatch(batch: ParsedStreamBatch, now: Date): BatchVerdict {
  const starting: ChangeEffect[] = [];
  const unchanged: string[] = [];
  for (const change of batch.changes) {
    const effect = changeEffect({ before: change.before, after: change.after }, now);
    if (effect.startsRun) starting.push(effect);
    else unchanged.push(`${change.eventName} ${effect.why}`);
  }
  const first = batch.changes[0];
  const last = batch.changes[batch.changes.length - 1];
  return {
    records: batch.records,
    starting,
    unchanged,
    rejected: batch.rejected.map((record) => record.why),
    ...(first && last ? { span: { first, last } } : {}),
  };
}
