/**
 * The revocation section's figures, from what its process saw: per revocation, the simulated time from the
 * PutItem's acknowledgment to the first TerminateClientVpnConnections call naming one of the user's connections
 * (by connection id or user name), and to the last of them being `terminating`; the runs by trigger; and the checks
 * (every revoked user's connections ended, no other connection did) and targets.
 */
import { fixed, type TargetCheck } from './report.js';
import type { RevokeObservation } from './revoke-protocol.js';
import type { GeneratedRevokeScenario, Revocation } from './revoke-scenario.js';
import { percentile } from './storm-report.js';

/** The section's targets, simulated seconds at p99. */
export const REVOKE_TARGETS = { firstTerminateP99Seconds: 5, allTerminatingP99Seconds: 10 } as const;

/** p50, p99 and max of one latency, simulated seconds. */
export interface LatencyFigures {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** One revocation's outcome. */
export interface RevocationLatency {
  readonly username: string;
  readonly placed: Revocation['placed'];
  readonly acknowledgedAtMs: number;
  /** Simulated ms from the acknowledgment; undefined when it never happened. */
  readonly firstTerminateMs?: number;
  readonly allTerminatingMs?: number;
  /** The trigger of the run under way when the write was acknowledged, if one was. */
  readonly landedDuring?: string;
}

/** The section's figures. */
export interface RevokeFigures {
  readonly revocations: number;
  readonly revokedConnections: number;
  readonly firstTerminate: LatencyFigures;
  readonly allTerminating: LatencyFigures;
  /** Runs by trigger (change, schedule, continuation, …), and how many handed on. */
  readonly runsByTrigger: Readonly<Record<string, number>>;
  readonly handedOn: Readonly<Record<string, number>>;
  /** Revocations whose write landed while a scheduled run was under way. */
  readonly landedDuringScheduledRun: number;
  readonly closeTogether: number;
  /** Revoked users with a connection not ended at the end. */
  readonly usersNotEnded: readonly string[];
  /** Connections of nobody revoked that ended. */
  readonly wronglyEnded: readonly string[];
  readonly terminateCalls: number;
  readonly refusedTerminateCalls: Readonly<Record<string, number>>;
  readonly streamInvocations: number;
  readonly slowest: readonly RevocationLatency[];
  readonly observedSeconds: number;
  readonly wallSeconds: number;
}

const ENDED = new Set<string>(['terminating', 'terminated']);

/** Each revocation's latencies, from the observation. */
export function revocationLatencies(
  scenario: GeneratedRevokeScenario,
  observation: RevokeObservation,
): RevocationLatency[] {
  const writes = new Map(observation.writes.map((write) => [write.username, write]));
  return scenario.revocations.map((revocation) => {
    const write = writes.get(revocation.username);
    if (write === undefined)
      throw new Error(
        `revoke bench: no write was observed for ${revocation.username}; the process must write every row`,
      );
    const owned = new Set(revocation.connectionIds);
    const naming = observation.terminateCalls.filter(
      (call) =>
        call.atMs >= write.sentAtMs &&
        (call.username === revocation.username || (call.connectionId !== undefined && owned.has(call.connectionId))),
    );
    const firstAt = naming.reduce<number | undefined>(
      (first, call) => Math.min(first ?? call.atMs, call.atMs),
      undefined,
    );
    const movedAt = new Map<string, number>();
    for (const call of observation.terminateCalls)
      for (const id of call.movedToTerminating) if (owned.has(id) && !movedAt.has(id)) movedAt.set(id, call.atMs);
    const allMoved = revocation.connectionIds.every((id) => movedAt.has(id));
    const lastAt = allMoved ? Math.max(...revocation.connectionIds.map((id) => movedAt.get(id) ?? 0)) : undefined;
    const during = observation.runs.find(
      (run) => run.startedAtMs <= write.acknowledgedAtMs && write.acknowledgedAtMs < run.finishedAtMs,
    );
    return {
      username: revocation.username,
      placed: revocation.placed,
      acknowledgedAtMs: write.acknowledgedAtMs,
      ...(firstAt === undefined ? {} : { firstTerminateMs: firstAt - write.acknowledgedAtMs }),
      ...(lastAt === undefined ? {} : { allTerminatingMs: lastAt - write.acknowledgedAtMs }),
      ...(during === undefined ? {} : { landedDuring: during.trigger }),
    };
  });
}

function latencyFigures(values: readonly (number | undefined)[]): LatencyFigures {
  // A revocation that never got there counts as infinitely late: it must fail the target, not vanish from it.
  const seconds = values.map((ms) => (ms === undefined ? Number.POSITIVE_INFINITY : ms / 1000));
  return { p50: percentile(seconds, 50), p99: percentile(seconds, 99), max: percentile(seconds, 100) };
}

function tally(names: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of names) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

/** The section's figures from the scenario and what its process saw. */
export function revokeFigures(scenario: GeneratedRevokeScenario, observation: RevokeObservation): RevokeFigures {
  const latencies = revocationLatencies(scenario, observation);
  const revoked = new Set(scenario.revocations.flatMap((revocation) => revocation.connectionIds));
  const ended = (id: string) => ENDED.has(observation.finalStatus[id] ?? '');
  const movedEver = new Set(observation.terminateCalls.flatMap((call) => call.movedToTerminating));
  const wronglyEnded = scenario.connections
    .filter((connection) => !revoked.has(connection.id) && (ended(connection.id) || movedEver.has(connection.id)))
    .map((connection) => connection.id);
  const usersNotEnded = scenario.revocations
    .filter((revocation) => !revocation.connectionIds.every(ended))
    .map((revocation) => revocation.username);
  const byLateness = [...latencies].sort(
    (a, b) => (b.allTerminatingMs ?? Number.POSITIVE_INFINITY) - (a.allTerminatingMs ?? Number.POSITIVE_INFINITY),
  );
  return {
    revocations: latencies.length,
    revokedConnections: revoked.size,
    firstTerminate: latencyFigures(latencies.map((latency) => latency.firstTerminateMs)),
    allTerminating: latencyFigures(latencies.map((latency) => latency.allTerminatingMs)),
    runsByTrigger: tally(observation.runs.map((run) => run.trigger)),
    handedOn: tally(observation.runs.flatMap((run) => (run.handedOn === undefined ? [] : [run.handedOn]))),
    landedDuringScheduledRun: latencies.filter((latency) => latency.landedDuring === 'schedule').length,
    closeTogether: scenario.revocations.filter((revocation) => revocation.placed === 'close').length,
    usersNotEnded,
    wronglyEnded,
    terminateCalls: observation.terminateCalls.length,
    refusedTerminateCalls: tally(observation.terminateCalls.flatMap((call) => (call.error ? [call.error] : []))),
    streamInvocations: observation.streamInvocations,
    slowest: byLateness.slice(0, 5),
    observedSeconds: observation.observedMs / 1000,
    wallSeconds: observation.wallMs / 1000,
  };
}

/** The checks and targets, met or not. */
export function checkRevokeTargets(figures: RevokeFigures): TargetCheck[] {
  const seconds = (value: number) => (Number.isFinite(value) ? `${fixed(value, 2)} s` : 'never');
  return [
    {
      target: "every revoked user's connections ended",
      met: figures.usersNotEnded.length === 0,
      figure: `${figures.revocations - figures.usersNotEnded.length}/${figures.revocations} users`,
    },
    {
      target: 'no other connection ended',
      met: figures.wronglyEnded.length === 0,
      figure: `${figures.wronglyEnded.length} ended wrongly`,
    },
    {
      target: `write → first terminate p99 ≤ ${REVOKE_TARGETS.firstTerminateP99Seconds} s`,
      met: figures.firstTerminate.p99 <= REVOKE_TARGETS.firstTerminateP99Seconds,
      figure: seconds(figures.firstTerminate.p99),
    },
    {
      target: `write → all terminating p99 ≤ ${REVOKE_TARGETS.allTerminatingP99Seconds} s`,
      met: figures.allTerminating.p99 <= REVOKE_TARGETS.allTerminatingP99Seconds,
      figure: seconds(figures.allTerminating.p99),
    },
  ];
}

/** The figures as the bench prints them. */
export function revokeLines(figures: RevokeFigures): string {
  const latency = (name: string, value: LatencyFigures) =>
    `  ${name}: p50 ${fixed(value.p50, 2)} s, p99 ${fixed(value.p99, 2)} s, max ${fixed(value.max, 2)} s`;
  const counts = (record: Readonly<Record<string, number>>) =>
    Object.entries(record)
      .map(([name, count]) => `${name} ${count}`)
      .join(', ') || 'none';
  return [
    `revocations: ${figures.revocations} users (${figures.revokedConnections} connections), ${figures.closeTogether} within a second of the one before, ` +
      `${figures.landedDuringScheduledRun} acknowledged while a scheduled run was under way; ${fixed(figures.observedSeconds, 0)} simulated s (${fixed(figures.wallSeconds, 0)} s wall)`,
    latency('write → first terminate', figures.firstTerminate),
    latency('write → all terminating', figures.allTerminating),
    `  runs by trigger: ${counts(figures.runsByTrigger)}; handed on: ${counts(figures.handedOn)}; stream invocations ${figures.streamInvocations}`,
    `  terminate calls ${figures.terminateCalls} (refused: ${counts(figures.refusedTerminateCalls)}); users not ended ${figures.usersNotEnded.length}, connections ended wrongly ${figures.wronglyEnded.length}`,
    '',
  ].join('\n');
}
