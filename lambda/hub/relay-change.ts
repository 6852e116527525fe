import {
  type ReachingChange,
  reachingChange,
  relayTargets,
  type UnplacedRow,
  unplacedRows,
} from '../domain/organization/index.js';
import { compareText } from '../domain/order/compare.js';
import type { Notifier, RunDigest, RunLogger, SpokeDirectory, SpokeEntry, SpokeInvoker } from '../ports/index.js';
import { judgeBatch } from '../run/change-filter.js';
import { changeRunId } from '../run/run-id.js';
import { type ImageReader, parseStreamBatch } from '../run/stream-batch.js';
import { HubDirectoryError } from './errors.js';
import { hubDigest } from './hub-digest.js';
import { settleBounded } from './settle-bounded.js';

/** Most spoke enforcers the relay invokes at once. An asynchronous Invoke is answered as soon as it is queued. */
export const RELAY_CONCURRENCY = 8;

/** A spoke the relay could not invoke. */
export interface RelayFailure {
  readonly accountId: string;
  readonly region: string;
  /** The AWS error code (`ResourceNotFoundException`, `AccessDeniedException`, …). */
  readonly error: string;
}

/** What the relay answers for a batch. */
export interface RelayResult {
  /** `relayed` when a change of the batch can end sessions (whether or not a spoke was selected), else `ignored`. */
  readonly status: 'relayed' | 'ignored';
  /** The batch's change run id (`changeRunId`), the spokes' runs are placed under; absent when it holds no change. */
  readonly runId?: string;
  /** Records in the batch. */
  readonly changes: number;
  /** Spoke enforcers the changes select (invoked, or tried). */
  readonly spokes: number;
  /** Each spoke that could not be invoked. */
  readonly failed: readonly RelayFailure[];
  /** Each record that can end no session (another table's, malformed, a change that ends nothing), and why. */
  readonly ignored: readonly string[];
  /** Each change that can end sessions whose row selects no known spoke. */
  readonly unplaced: readonly UnplacedRow[];
}

/** What the relay reaches. */
export interface RelayPorts {
  readonly directory: SpokeDirectory;
  readonly invoker: SpokeInvoker;
  readonly logger: RunLogger;
  /** Where a digest naming the spokes not invoked goes. @default none */
  readonly notifier?: Notifier;
}

/** One batch to relay. */
export interface RelayRequest {
  /** The batch's records, as the event source mapping delivers them. */
  readonly records: readonly unknown[];
  /** The hub's policies table: records of any other table are ignored. */
  readonly policiesTable: string;
  /** Reads a record's images. */
  readonly readImage: ImageReader;
  /** The relay's own function ARN: the spokes' event names it. */
  readonly from: string;
  readonly now: Date;
  /** @default RELAY_CONCURRENCY */
  readonly concurrency?: number;
}

/**
 * Passes a batch of the hub policies table's stream on to the spokes: when a change can end sessions
 * (`changeEffect`), every spoke that a changed row selects gets one asynchronous invocation of its enforcer with the
 * batch's run id. A spoke that cannot be invoked is named and counted and delays no other.
 *
 * @throws HubDirectoryError when the spoke directory cannot be read: the event source mapping then retries the batch
 */
export async function relayChange(ports: RelayPorts, request: RelayRequest): Promise<RelayResult> {
  const { logger } = ports;
  const parsed = parseStreamBatch(request.records, request.policiesTable, request.readImage);
  const verdict = judgeBatch(parsed, request.now);
  for (const why of verdict.rejected) logger.warn('a record of the batch is no change of the policies table', { why });
  const ignored = [...verdict.rejected, ...verdict.unchanged];
  const runId = verdict.span
    ? changeRunId(
        verdict.span.first.eventSourceArn,
        verdict.span.first.sequenceNumber,
        verdict.span.last.sequenceNumber,
      )
    : undefined;
  const reaching = parsed.changes
    .map((change) => reachingChange({ before: change.before, after: change.after }, request.now))
    .filter((change): change is ReachingChange => change !== undefined);
  const answer = { ...(runId === undefined ? {} : { runId }), changes: parsed.records, ignored };
  if (reaching.length === 0 || runId === undefined) {
    logger.info('no change of the batch can end sessions: no spoke is invoked', { ignored });
    return { status: 'ignored', ...answer, spokes: 0, failed: [], unplaced: [] };
  }
  for (const change of reaching)
    logger.info('a change can end sessions', { policyId: change.policyId, why: change.why });

  const spokes = await listSpokes(ports.directory);
  const targets = relayTargets(reaching, spokes);
  const unplaced = unplacedChanges(reaching, targets, spokes);
  for (const row of unplaced)
    logger.warn('a changed row selects no known spoke', { policyId: row.policyId, why: row.why });
  if (spokes.length === 0) logger.warn('no spoke has announced itself: nothing to invoke');

  const failed: RelayFailure[] = [];
  await settleBounded(targets, request.concurrency ?? RELAY_CONCURRENCY, async ({ spoke, policyIds }) => {
    const placement = { accountId: spoke.accountId, region: spoke.region };
    try {
      await ports.invoker.invoke(spoke.functionArn, { change: { runId, policyIds, from: request.from } });
      logger.info('spoke enforcer invoked', { ...placement, functionArn: spoke.functionArn, policyIds });
    } catch (error) {
      const code = codeOf(error);
      failed.push({ ...placement, error: code });
      logger.error('spoke enforcer not invoked', {
        ...placement,
        functionArn: spoke.functionArn,
        error: code,
        detail: String(error),
      });
    }
  });
  const result: RelayResult = {
    status: 'relayed',
    ...answer,
    spokes: targets.length,
    failed: sortFailures(failed),
    unplaced,
  };
  if (failed.length > 0 || unplaced.length > 0)
    await publishDigest(ports, relayDigest(result, spokes.length, request.now));
  return result;
}

async function listSpokes(directory: SpokeDirectory): Promise<SpokeEntry[]> {
  try {
    return await directory.list();
  } catch (error) {
    throw new HubDirectoryError(
      `cvpn-guard relay: the spoke directory (the heartbeats in the hub's audit table) could not be read: ${String(error)}`,
      { cause: error },
    );
  }
}

/** The changes that select no spoke, each once, with why. */
function unplacedChanges(
  reaching: readonly ReachingChange[],
  targets: readonly { readonly policyIds: readonly string[] }[],
  spokes: readonly SpokeEntry[],
): UnplacedRow[] {
  const selected = new Set(targets.flatMap((target) => target.policyIds));
  const rows = reaching
    .filter((change) => !selected.has(change.policyId))
    .flatMap((change) => change.selectors.map((selector) => ({ policyId: change.policyId, ...selector })));
  const seen = new Set<string>();
  return unplacedRows(rows, spokes).filter((row) => !seen.has(row.policyId) && seen.add(row.policyId));
}

function relayDigest(result: RelayResult, spokes: number, now: Date): RunDigest {
  return hubDigest({
    source: 'relay',
    at: now.toISOString(),
    ...(result.runId === undefined ? {} : { runId: result.runId }),
    spokes,
    unreachable: result.failed.map((failure) => ({ ...failure, why: `relay: ${failure.error}` })),
    unplaced: result.unplaced,
  });
}

/** A digest the topic does not take is logged: the batch is not retried for it (the metrics and the log tell). */
async function publishDigest(ports: RelayPorts, digest: RunDigest): Promise<void> {
  if (!ports.notifier) return;
  try {
    await ports.notifier.publish(digest);
  } catch (error) {
    ports.logger.error('the hub digest could not be published', { subject: digest.subject, error: String(error) });
  }
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code !== '') return code;
  return error instanceof Error ? error.name : 'UnknownError';
}

function sortFailures(failures: readonly RelayFailure[]): RelayFailure[] {
  return [...failures].sort((a, b) => compareText(a.accountId, b.accountId) || compareText(a.region, b.region));
}
