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

/**
 * The run id a continuation chain begins with: a schedule, manual or change run (never a continuation), placed
 * (`<accountId>.<region>/…`) in a spoke.
 */
const ROOT_RUN_ID = /^(\d{12}\.[a-z0-9-]{1,32}\/)?(run|manual|change)-[0-9A-Za-z:.-]{1,64}$/;

/** The run id of a batch of the hub's policies-table stream (`changeRunId`). */
const CHANGE_RUN_ID = /^change-[0-9a-f]{16}$/;

/** The hub's relay function, by ARN. */
const FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]{1,128})?$/;

/** Most policy ids one relayed change names: a batch of the stream holds at most 10,000 records. */
const MAX_RELAYED_POLICIES = 10_000;

/** A change of the hub's policies table, relayed by the hub's relay function to a spoke's enforcer. */
export const relayedChangeEventSchema = z
  .object({
    change: z
      .object({
        runId: z.string().regex(CHANGE_RUN_ID, "a change run id change-<16 hex digits> (of the hub's stream batch)"),
        policyIds: z.array(z.string().min(1)).max(MAX_RELAYED_POLICIES),
        from: z.string().regex(FUNCTION_ARN, "the hub relay function's ARN (arn:aws:lambda:…:function:…)"),
      })
      .strict(),
  })
  .strict();
/** The relayed change a spoke runs for. */
export type RelayedChange = z.infer<typeof relayedChangeEventSchema>['change'];

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
  '{"continuation": {"of": "<run id>", "generation": 1…, "reason": "deferred"|"policy-changed"}}, or a change the hub ' +
  'relays {"change": {"runId": "change-<16 hex>", "policyIds": ["…"], "from": "<relay function ARN>"}}';

/** One event the enforcer accepts, by shape. */
export type EnforcerEvent =
  | { readonly shape: 'run'; readonly event: EnforcementEvent }
  | { readonly shape: 'stream'; readonly records: readonly unknown[] }
  | { readonly shape: 'continuation'; readonly continuation: z.infer<typeof continuationEventSchema>['continuation'] }
  | { readonly shape: 'change'; readonly change: RelayedChange };

/** Why an event was refused: the issues of the shape it came closest to, each naming its field. */
export type EventRefusal = { readonly ok: false; readonly issues: string };

/**
 * Reads an event by its shape: `Records` makes it a stream batch, `continuation` a continuation, `change` a
 * relayed change, anything else a schedule tick or manual run. Never throws; a refusal names the fields at fault.
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
  if (has('change')) {
    const parsed = relayedChangeEventSchema.safeParse(value);
    return parsed.success ? { ok: true, shape: 'change', change: parsed.data.change } : refusal(parsed.error);
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
