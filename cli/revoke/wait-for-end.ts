import { type Connection, ConnectionStatus, identityKey, Outcome } from '../../lambda/domain/index.js';
import { errorCode } from '../../lambda/adapters/aws-errors.js';
import {
  type AdmissionRecord,
  AuditRecordType,
  type DecisionRecord,
  type ListedRecord,
} from '../../lambda/ports/index.js';

/** How often `revoke --wait` looks, in milliseconds of real time. */
export const POLL_INTERVAL_MS = 2000;
/** The longest pause between two looks after throttling (the interval doubles up to this). */
export const MAX_POLL_INTERVAL_MS = 16_000;

/** Answers that mean "slow down" (EC2, DynamoDB), or a service that failed for now: wait and look again. */
const BACK_OFF_CODES = new Set([
  'RequestLimitExceeded',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceededException',
  'InternalError',
  'InternalServerError',
  'ServiceUnavailable',
  'Unavailable',
]);

/** A connection as the wait knows it: from EC2's listing, or from the decision record that ended it. */
export type WatchedConnection = Pick<
  Connection,
  'endpointId' | 'connectionId' | 'username' | 'commonName' | 'clientIp' | 'status'
>;

/** What the wait reads through. */
export interface WaitPorts {
  /** The watched identities' connections on the selected endpoints, any status (EC2). */
  listConnections(): Promise<readonly WatchedConnection[]>;
  /** The audit records of one identity (its folded key) at or after `since`, newest first. */
  records(identity: string, since: Date): Promise<readonly ListedRecord[]>;
  sleep(ms: number): Promise<void>;
  /** Real time in milliseconds, for the timeout and the pauses. */
  elapsedNow(): number;
  /** The time the audit records are written in (the sandbox's simulated time against the sandbox). */
  now(): Date;
}

/** How one watched connection ended. */
export interface ConnectionEnd {
  readonly connection: WatchedConnection;
  /** The run that terminated it; undefined when no decision record names it (the client left on its own). */
  readonly runId?: string;
  /** When it ended: the record's completion time, else when the wait saw it gone. */
  readonly at: string;
  /** `terminated` (a record says so), or EC2's status (`terminating`, `terminated`, `not-listed`). */
  readonly how: string;
}

/** What the wait says as it goes. */
export interface WaitReporter {
  /** The first look: the connections of the identities that were active at the write (or ended since by a run). */
  watching(connections: readonly WatchedConnection[]): void;
  ended(end: ConnectionEnd): void;
  /** The client connect handler refused one of the identities after the write. */
  refused(record: AdmissionRecord): void;
  /** A run's termination of a watched connection failed (the connection is still up; a later run tries again). */
  failed(record: DecisionRecord): void;
  /** A connection of the identities came up after the write: it is watched too. */
  appeared(connection: WatchedConnection): void;
  /** A service asked to slow down (or failed for now): the wait backs off and looks again. */
  throttled(service: string, code: string, nextLookMs: number): void;
}

/** Options of one wait. */
export interface WaitOptions {
  /** The identities asked for, folded (their audit records are read by the identity index). */
  readonly identities: readonly string[];
  /** When the row was written, on the audit records' clock: refusals before it are not this change's. */
  readonly since: Date;
  readonly timeoutMs: number;
  /** @default POLL_INTERVAL_MS */
  readonly intervalMs?: number;
  /** @default MAX_POLL_INTERVAL_MS */
  readonly maxIntervalMs?: number;
}

/** How the wait ended. */
export interface WaitResult {
  readonly ended: readonly ConnectionEnd[];
  /** Still active when the time ran out; empty when every watched connection ended. */
  readonly stillUp: readonly WatchedConnection[];
  /** Looks that a service throttled (or that failed for now). */
  readonly throttled: number;
  /** False when no look ever read both EC2 and the audit table before the time ran out. */
  readonly looked: boolean;
}

/**
 * Watches the identities' connections until each has ended, or the time runs out. The first look that reads both
 * EC2 and the audit table sets what is watched: the connections active then, and those a decision record of a run
 * since the write names (a run that came first). Each look reads EC2 first, then the audit
 * records of each identity (the identity index): a run writes its intent before it calls, so a connection EC2
 * shows ended already has the record that names its run. A connection has ended when its decision record says
 * `terminated`, or when EC2 no longer lists it active. A throttled or failing look is reported and the next one
 * waits twice as long (up to a limit); the wait never gives up because of one.
 */
export async function waitForEnd(ports: WaitPorts, options: WaitOptions, report: WaitReporter): Promise<WaitResult> {
  const base = options.intervalMs ?? POLL_INTERVAL_MS;
  const maxInterval = options.maxIntervalMs ?? MAX_POLL_INTERVAL_MS;
  const deadline = ports.elapsedNow() + options.timeoutMs;
  let up: Map<string, WatchedConnection> | undefined;
  const seen = new Set<string>();
  const identities = new Set(options.identities);
  const reported = new Set<string>();
  const ended: ConnectionEnd[] = [];
  let interval = base;
  let throttled = 0;
  const backOff = (service: string, error: unknown) => {
    const code = errorCode(error);
    if (!isBackOff(error, code)) throw error;
    throttled += 1;
    interval = Math.min(interval * 2, maxInterval);
    report.throttled(service, code, interval);
  };

  while (up === undefined || up.size > 0) {
    const throttledBefore = throttled;
    let listed: readonly WatchedConnection[] | undefined;
    try {
      listed = await ports.listConnections();
    } catch (error) {
      backOff('EC2', error);
    }
    let records: ListedRecord[] | undefined;
    try {
      const read: ListedRecord[] = [];
      for (const identity of identities) read.push(...(await ports.records(identity, options.since)));
      records = read;
    } catch (error) {
      backOff('DynamoDB', error);
    }
    if (up === undefined && listed && records) {
      up = firstWatch(listed, records, options.since);
      for (const key of up.keys()) seen.add(key);
      report.watching([...up.values()]);
    }
    if (up && records) {
      for (const record of records) {
        const key = `${record.runId}/${record.endpointId}/${record.connectionId}/${record.outcome}`;
        if (reported.has(key)) continue;
        if (record.recordType === AuditRecordType.ADMISSION && isRefusal(record.outcome)) {
          reported.add(key);
          report.refused(record);
        } else if (
          record.recordType === AuditRecordType.DECISION &&
          record.outcome === Outcome.FAILED &&
          up.has(keyOf(record))
        ) {
          reported.add(key);
          report.failed(record);
        }
      }
      const latest = latestDecisions(records);
      const listedByKey = listed ? new Map(listed.map((connection) => [keyOf(connection), connection])) : undefined;
      for (const [key, connection] of up) {
        const record = latest.get(key);
        const terminated = record?.outcome === Outcome.TERMINATED;
        const status = listedByKey ? (listedByKey.get(key)?.status ?? 'not-listed') : undefined;
        if (!terminated && (status === undefined || status === ConnectionStatus.ACTIVE)) continue;
        const end: ConnectionEnd = {
          connection,
          runId: record?.runId,
          at: (terminated ? (record.completedAt ?? record.at) : undefined) ?? ports.now().toISOString(),
          how: terminated ? Outcome.TERMINATED : status!,
        };
        up.delete(key);
        ended.push(end);
        report.ended(end);
      }
    }
    for (const connection of up ? (listed ?? []) : []) {
      const key = keyOf(connection);
      if (connection.status !== ConnectionStatus.ACTIVE || seen.has(key)) continue;
      seen.add(key);
      up!.set(key, connection);
      const identity = identityKey(connection);
      if (identity) identities.add(identity);
      report.appeared(connection);
    }
    if (throttled === throttledBefore) interval = base;
    if (up?.size === 0) break;
    const left = deadline - ports.elapsedNow();
    if (left <= 0) break;
    await ports.sleep(Math.min(interval, left));
  }
  return { ended, stillUp: [...(up?.values() ?? [])], throttled, looked: up !== undefined };
}

/** What the first look watches: the active connections, and those a decision record since the write names. */
function firstWatch(
  listed: readonly WatchedConnection[],
  records: readonly ListedRecord[],
  since: Date,
): Map<string, WatchedConnection> {
  const watch = new Map<string, WatchedConnection>();
  for (const connection of listed)
    if (connection.status === ConnectionStatus.ACTIVE) watch.set(keyOf(connection), connection);
  for (const record of records) {
    if (record.recordType !== AuditRecordType.DECISION || Date.parse(record.at) < since.getTime()) continue;
    if (record.outcome !== Outcome.TERMINATED && record.outcome !== Outcome.PENDING) continue;
    const key = keyOf(record);
    if (watch.has(key)) continue;
    const { endpointId, connectionId, username, commonName, clientIp } = record;
    const listedNow = listed.find((connection) => keyOf(connection) === key);
    watch.set(key, {
      endpointId,
      connectionId,
      username,
      commonName,
      clientIp,
      status: listedNow?.status ?? 'not-listed',
    });
  }
  return watch;
}

function keyOf(item: { readonly endpointId?: string; readonly connectionId?: string }): string {
  return `${item.endpointId ?? ''}/${item.connectionId ?? ''}`;
}

/** The decision record that says most of each connection: a `terminated` one, else the newest (records come newest first). */
function latestDecisions(records: readonly ListedRecord[]): Map<string, DecisionRecord> {
  const latest = new Map<string, DecisionRecord>();
  for (const record of records) {
    if (record.recordType !== AuditRecordType.DECISION) continue;
    const key = keyOf(record);
    const known = latest.get(key);
    if (!known || (known.outcome !== Outcome.TERMINATED && record.outcome === Outcome.TERMINATED))
      latest.set(key, record);
  }
  return latest;
}

function isRefusal(outcome: string): boolean {
  return outcome === Outcome.REFUSED || outcome === Outcome.REFUSED_FAIL_CLOSED;
}

/** Throttling, a service's 5xx, or no answer at all: worth another look after a pause. */
function isBackOff(error: unknown, code: string): boolean {
  if (BACK_OFF_CODES.has(code)) return true;
  const shape = (error ?? {}) as { $retryable?: { throttling?: boolean }; $metadata?: { httpStatusCode?: number } };
  if (shape.$retryable?.throttling) return true;
  const status = shape.$metadata?.httpStatusCode;
  return status !== undefined && status >= 500;
}
