import {
  type Decision,
  type DecisionSighting,
  evaluate,
  type IdleState,
  isRowActive,
  planTerminations,
  PolicyKind,
  rememberDecisions,
  type PolicyValidationError,
  type TerminationCall,
  Verdict,
} from '../domain/index.js';
import { AuditRecordType, type DecisionRecord, type InvalidPolicyRecord, type RunRecord } from '../ports/index.js';
import { decisionRecord, invalidPolicyRecord, outcomeOfVerdict } from './audit-records.js';
import { type Confirmation, confirmationsOf } from './confirm-terminations.js';
import type { Gathered } from './gather-run.js';
import type { GroupsKnowledge } from './join-facts.js';

/** How one run decides. */
export interface DecideOptions {
  /** The run the records belong to. */
  readonly runId: string;
  /** The instant the run decides at: its start (for `plan`, now or `--at`). */
  readonly now: Date;
  /** Never call terminate: `terminate` decisions become `would-terminate`. */
  readonly dryRun: boolean;
  /** Global cap; a run over it terminates nothing. */
  readonly maxTerminationsPerRun: number;
  /** Records an earlier attempt of this run id already wrote: kept as they are, not decided again. @default none */
  readonly earlier?: readonly RunRecord[];
}

/** Outcomes of the final records a run decides (not those of terminate calls): remembered run after run. */
const REMEMBERED_OUTCOMES: ReadonlySet<string> = new Set(
  [Verdict.WOULD_TERMINATE, Verdict.EXEMPTED, Verdict.CAPPED].map(outcomeOfVerdict),
);

/** The idle memory a run saves: `next` over `previous` (whose connections `next` no longer holds are forgotten). */
export interface IdleMemoryChange {
  readonly next: IdleState;
  readonly previous: IdleState;
}

/** What a run knows of its connections' groups, and the rows that select by them. */
export interface GroupsInPlan extends GroupsKnowledge {
  /** The rows in force that select by `groups` (any kind), by policy id: when none, unknown groups change nothing. */
  readonly selectingRows: readonly string[];
}

/** What a run will do, decided before it does any of it. */
export interface RunPlan {
  /** One decision per connection on which a rule fired, in the engine's order. */
  readonly decisions: readonly Decision[];
  /** Every invalid policy row (those the table held, then any the engine found). */
  readonly findings: readonly PolicyValidationError[];
  /** True when the global cap turned every `terminate` into `capped`. */
  readonly globallyCapped: boolean;
  /** Policy ids whose own `maxTerminations` turned their decisions into `capped`. */
  readonly cappedPolicies: readonly string[];
  /** One record per finding, to record before anything else. */
  readonly invalidPolicyRecords: readonly InvalidPolicyRecord[];
  /** The records an earlier attempt of this run already wrote for these decisions. */
  readonly kept: readonly DecisionRecord[];
  /** Final records of the decisions that call nothing (not kept). */
  readonly finals: readonly DecisionRecord[];
  /** The terminate calls of the `terminate` decisions (not kept). */
  readonly calls: readonly TerminationCall[];
  /**
   * The idle memory to save: present while an idle row is in the table, or a decision is remembered (now or
   * by earlier runs). It keeps, beside the traffic, which final decisions this run records, for `firstSeenAt`.
   */
  readonly idleMemory?: IdleMemoryChange;
  /** How this run's listing confirms earlier runs' unconfirmed terminations. */
  readonly confirmations: readonly Confirmation[];
  /** How many active connections have unknown groups, and whether any row in force selects by groups. */
  readonly groups: GroupsInPlan;
}

/**
 * Decides a run from what was gathered: evaluates the policies over the listed connections and the
 * idle memory at `options.now`, and says what to record, what to call, what idle memory to save and
 * which earlier terminations to confirm. Pure: no I/O, no clock. The run carries the plan out; `plan`
 * prints it.
 */
export function decideRun(gathered: Gathered, options: DecideOptions): RunPlan {
  const { now, runId } = options;
  const { listing } = gathered;
  const evaluation = evaluate(gathered.rows, listing.connections, gathered.idleMemory, now, {
    dryRun: options.dryRun,
    maxTerminationsPerRun: options.maxTerminationsPerRun,
  });
  const findings = [...gathered.findings, ...evaluation.findings];

  // A retried invocation of this tick keeps what the earlier attempt already recorded.
  const done = new Map<string, DecisionRecord>();
  for (const record of options.earlier ?? []) {
    if (record.recordType === AuditRecordType.DECISION)
      done.set(connectionKey(record.endpointId, record.connectionId), record);
  }
  const kept: DecisionRecord[] = [];
  const fresh = evaluation.decisions.filter((decision) => {
    const earlier = done.get(connectionKey(decision.connection.endpointId, decision.connection.connectionId));
    if (earlier) kept.push(earlier);
    return !earlier;
  });
  const finalDecisions = fresh.filter((decision) => decision.verdict !== Verdict.TERMINATE);
  const remembered = rememberDecisions(
    evaluation.idleState,
    gathered.idleMemory,
    [
      ...kept.filter((record) => REMEMBERED_OUTCOMES.has(record.outcome)).map(keptSighting),
      ...finalDecisions.map(sightingOf),
    ],
    now,
  );
  const keepsMemory =
    gathered.rows.some((row) => row.kind === PolicyKind.IDLE) ||
    remembered.memory.size > 0 ||
    gathered.idleMemory.size > 0;
  return {
    decisions: evaluation.decisions,
    findings,
    globallyCapped: evaluation.globallyCapped,
    cappedPolicies: evaluation.cappedPolicies,
    invalidPolicyRecords: findings.map((finding) => invalidPolicyRecord(runId, now, finding)),
    kept,
    finals: finalDecisions.map((decision) =>
      decisionRecord(runId, now, decision, remembered.firstSeenAt(sightingOf(decision))),
    ),
    calls: planTerminations(
      fresh.filter((decision) => decision.verdict === Verdict.TERMINATE),
      listing.connections,
    ),
    idleMemory: keepsMemory ? { next: remembered.memory, previous: gathered.idleMemory } : undefined,
    confirmations: confirmationsOf(gathered.unconfirmed, listing, runId, now),
    groups: {
      ...gathered.groups,
      selectingRows: gathered.rows
        .filter((row) => (row.groups?.length ?? 0) > 0 && isRowActive(row, now))
        .map((row) => row.policyId)
        .sort(),
    },
  };
}

function sightingOf(decision: Decision): DecisionSighting {
  return {
    endpointId: decision.connection.endpointId,
    connectionId: decision.connection.connectionId,
    policyId: decision.decidingPolicyId,
    outcome: outcomeOfVerdict(decision.verdict),
  };
}

/** A record an earlier attempt of this run wrote: remembered with the first-seen time it holds. */
function keptSighting(record: DecisionRecord): DecisionSighting {
  const since = record.firstSeenAt === undefined ? undefined : new Date(record.firstSeenAt);
  return {
    endpointId: record.endpointId,
    connectionId: record.connectionId,
    policyId: record.policyId,
    outcome: record.outcome,
    ...(since && !Number.isNaN(since.getTime()) ? { since } : {}),
  };
}

function connectionKey(endpointId: string, connectionId: string): string {
  return `${endpointId}#${connectionId}`;
}
