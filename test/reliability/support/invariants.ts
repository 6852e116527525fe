/**
 * The invariants every run must keep, checked against the sandbox's real state: the audit table as
 * DynamoDB holds it and the connections as the Client VPN emulator holds them.
 */
import type { AwsClients } from '../../../lambda/clients.js';
import type { Sandbox } from '../../../local/index.js';
import { scanAll } from '../../support/sandbox-enforcer.js';

const ENDED = new Set(['terminating', 'terminated']);

/** What the policies of a scenario must end, and what they must never end. */
export interface Expectation {
  /** Connection ids the policies end once every run has done its work. */
  readonly targets: ReadonlySet<string>;
  /** Connection ids no run may ever end (exempt, matching no rule, observe only, unselected endpoint). */
  readonly untouchable: ReadonlySet<string>;
}

/** What one check found. */
export interface InvariantCheck {
  /** Each broken invariant, in words. Empty when every invariant holds. */
  readonly violations: string[];
  /** Decision records read. */
  readonly recordsChecked: number;
  /** Connections the emulator shows ended (that were live when the scenario started). */
  readonly ended: number;
  /** Records still `pending`. */
  readonly pending: number;
}

/** A decision record as the table holds it. */
export interface DecisionItem {
  readonly runId: string;
  readonly endpointId: string;
  readonly connectionId: string;
  readonly outcome: string;
  readonly [attribute: string]: unknown;
}

/** Every decision record of the audit table. Faults are paused while it is read, so the check itself never fails. */
export async function decisionRecords(sandbox: Sandbox, clients: AwsClients): Promise<DecisionItem[]> {
  // Put back as they were: a rule with a count keeps only what it has left.
  const rules = sandbox.faults
    .list()
    .map(({ fired, ...rule }) =>
      rule.count === undefined ? rule : { ...rule, count: Math.max(0, rule.count - fired) },
    );
  sandbox.faults.clear();
  try {
    const items = await scanAll(clients, sandbox.tables.audit);
    return items.filter((item) => item.recordType === 'decision') as unknown as DecisionItem[];
  } finally {
    sandbox.faults.set(rules);
  }
}

/**
 * Checks the invariants:
 * - no untouchable connection has ended;
 * - every `terminated` record is of a connection the emulator really ended;
 * - no connection has two `terminated` records, and no run has two records of one connection;
 * - after a healthy run (`settled`): no record is `pending`, every target has ended, and every
 *   ended connection has exactly one `terminated` record.
 */
export async function checkInvariants(
  sandbox: Sandbox,
  clients: AwsClients,
  expectation: Expectation,
  options: { readonly settled: boolean; readonly endedAtStart?: ReadonlySet<string> },
): Promise<InvariantCheck> {
  const violations: string[] = [];
  const records = await decisionRecords(sandbox, clients);
  const connections = new Map(
    sandbox.emulator.listConnections().map((connection) => [connection.connectionId, connection]),
  );
  const endedAtStart = options.endedAtStart ?? new Set<string>();
  const ended = [...connections.values()]
    .filter((c) => ENDED.has(c.status) && !endedAtStart.has(c.connectionId))
    .map((c) => c.connectionId);

  for (const id of ended) {
    if (expectation.untouchable.has(id)) violations.push(`${id} ended, but no policy may end it`);
    else if (!expectation.targets.has(id)) violations.push(`${id} ended, but it is not a target of the scenario`);
  }

  const terminatedBy = new Map<string, DecisionItem[]>();
  const perRun = new Set<string>();
  for (const record of records) {
    const runKey = `${record.runId}|${record.endpointId}|${record.connectionId}`;
    if (perRun.has(runKey)) violations.push(`duplicate record of ${record.connectionId} in ${record.runId}`);
    perRun.add(runKey);
    if (record.outcome !== 'terminated') continue;
    terminatedBy.set(record.connectionId, [...(terminatedBy.get(record.connectionId) ?? []), record]);
    const status = connections.get(record.connectionId)?.status;
    if (!status || !ENDED.has(status)) {
      violations.push(
        `${record.connectionId} is recorded terminated by ${record.runId}, but the emulator shows it ${status ?? 'missing'}`,
      );
    }
  }
  for (const [id, terminated] of terminatedBy) {
    if (terminated.length > 1)
      violations.push(
        `${id} has ${terminated.length} terminated records (${terminated.map((r) => r.runId).join(', ')})`,
      );
  }

  const pending = records.filter((record) => record.outcome === 'pending');
  if (options.settled) {
    for (const record of pending)
      violations.push(`${record.connectionId} is still pending (${record.runId}) after a healthy run`);
    for (const id of expectation.targets) {
      if (!ended.includes(id))
        violations.push(`target ${id} is still ${connections.get(id)?.status ?? 'missing'} after a healthy run`);
    }
    for (const id of ended) {
      if ((terminatedBy.get(id)?.length ?? 0) !== 1)
        violations.push(`${id} ended with ${terminatedBy.get(id)?.length ?? 0} terminated records`);
    }
  }
  return { violations, recordsChecked: records.length, ended: ended.length, pending: pending.length };
}
