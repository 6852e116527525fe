import * as z from 'zod';
import { ContinuationReason } from '../ports/index.js';
import { streamBatchSchema } from './stream-batch.js';

/** The Scheduler's payload (`scheduledTime` from `<aws.scheduler.scheduled-time>`), or a manual `{ "dryRun": true }`. */
export const enforcementEventSchema = z
  .object({
    scheduledTime: z.iso.datetime({ offset: true }).optional(),
    source: z.string().optional(),
    dryRun: z.boolean().optional(),
  })
  .strict();
/** A schedule tick or a manual invocation. */
export type EnforcementEvent = z.infer<typeof enforcementEventSchema>;

/** Most continuations one chain could ever ask for: far above any bound a deployment sets. */
const MAX_GENERATION = 1000;

/** The run id a continuation chain begins with: a schedule, manual or change run (never a continuation). */
const ROOT_RUN_ID = /^(run|manual|change)-[0-9A-Za-z:.-]{1,64}$/;

/** A run's own asynchronous invocation of its function, handing its work on. */
export const continuationEventSchema = z
  .object({
    continuation: z
      .object({
        of: z.string().regex(ROOT_RUN_ID, 'a run id run-…, manual-… or change-… (the run the chain began with)'),
        generation: z.int().min(1).max(MAX_GENERATION),
        reason: z.enum([ContinuationReason.DEFERRED, ContinuationReason.POLICY_CHANGED]),
      })
      .strict(),
  })
  .strict();

/** The events the enforcer accepts, in words: what a refusal names. */
export const ACCEPTED_EVENTS =
  'a schedule tick {"scheduledTime": "…Z", "source": "schedule"}, a manual run {"dryRun"?: true|false, "source"?: "…"}, ' +
  'a DynamoDB Streams batch {"Records": [...]} of the policies table, or a continuation ' +
  '{"continuation": {"of": "<run id>", "generation": 1…, "reason": "deferred"|"policy-changed"}}';

/** One event the enforcer accepts, by shape. */
export type EnforcerEvent =
  | { readonly shape: 'run'; readonly event: EnforcementEvent }
  | { readonly shape: 'stream'; readonly records: readonly unknown[] }
  | { readonly shape: 'continuation'; readonly continuation: z.infer<typeof continuationEventSchema>['continuation'] };

/** Why an event was refused: the issues of the shape it came closest to, each naming its field. */
export type EventRefusal = { readonly ok: false; readonly issues: string };

/**
 * Reads an event by its shape: `Records` makes it a stream batch, `continuation` a continuation, anything
 * else a schedule tick or manual run. Never throws; a refusal names the fields at fault.
 */
export function parseEnforcerEvent(event: unknown): ({ readonly ok: true } & EnforcerEvent) | EventRefusal {
  const value = event ?? {};
  const has = (key: string) => typeof value === 'object' && value !== null && Object.hasOwn(value, key);
  if (has('Records')) {
    const parsed = streamBatchSchema.safeParse(value);
    return parsed.success ? { ok: true, shape: 'stream', records: parsed.data.Records } : refusal(parsed.error);
  }
  if (has('continuation')) {
    const parsed = continuationEventSchema.safeParse(value);
    return parsed.success
      ? { ok: true, shape: 'continuation', continuation: parsed.data.continuation }
      : refusal(parsed.error);
  }
  const parsed = enforcementEventSchema.safeParse(value);
  return parsed.success ? { ok: true, shape: 'run', event: parsed.data } : refusal(parsed.error);
}

function refusal(error: z.ZodError): EventRefusal {
  return {
    ok: false,
    issues: error.issues.map((issue) => `${issue.path.join('.') || '(event)'}: ${issue.message}`).join('; '),
  };
}
