import { Outcome, type Placement } from '../domain/index.js';
import {
  AuditRecordType,
  type ChatDigest,
  type DecisionRecord,
  type RunDigest,
  type RunRecord,
} from '../ports/index.js';
import type { RunReport } from './RunReport.js';

/** Outcomes whose records are listed; the repeated ones (held run after run) only when new. */
const LISTED = [Outcome.TERMINATED, Outcome.FAILED, Outcome.CAPPED, Outcome.WOULD_TERMINATE] as const;
const LISTED_OUTCOMES: ReadonlySet<string> = new Set(LISTED);
/** Outcomes a run records again at every run while the condition holds: the digest tells what is new. */
const REPEATED: ReadonlySet<string> = new Set([Outcome.CAPPED, Outcome.WOULD_TERMINATE]);
/** Outcomes that alone make a digest (a would-terminate makes one only when new). */
const ALARMING = [Outcome.TERMINATED, Outcome.FAILED, Outcome.CAPPED] as const;
const MAX_LINES = 200;
/** Decision lines in a chat message: a chat shows a screen, the email the rest. */
const MAX_CHAT_LINES = 20;

/**
 * The digest of a run, or undefined when nothing was terminated, failed, capped, newly would-terminate,
 * invalid or found failed later. Capped and would-terminate decisions held since an earlier run are summed
 * up as "still capped since <time>: N connections"; only the new ones are listed.
 */
export function digestOf(report: RunReport): RunDigest | undefined {
  const invalid = report.findings.length;
  const late = report.lateFailures.length;
  const listed = report.records.filter(isListed);
  const fresh = listed.filter((record) => !REPEATED.has(record.outcome) || isNew(record));
  const newlyWouldTerminate = fresh.filter((record) => record.outcome === Outcome.WOULD_TERMINATE).length;
  const counts = ALARMING.map((outcome) => [outcome, report.counts[outcome] ?? 0] as const);
  if (invalid === 0 && late === 0 && newlyWouldTerminate === 0 && counts.every(([, count]) => count === 0))
    return undefined;
  const parts = counts.filter(([, count]) => count > 0).map(([outcome, count]) => `${count} ${outcome}`);
  if (newlyWouldTerminate > 0) parts.push(`${newlyWouldTerminate} new would-terminate`);
  if (invalid > 0) parts.push(`${invalid} invalid ${invalid === 1 ? 'policy' : 'policies'}`);
  if (late > 0) parts.push(`${late} earlier ${late === 1 ? 'termination' : 'terminations'} failed`);
  const still = stillHeld(listed);
  const where = report.spoke === undefined ? '' : ` in ${spokeName(report.spoke)}`;
  const headline = `cvpn-guard run ${report.runId}${where}${report.dryRun ? ' (dry run)' : ''}: ${parts.join(', ')}.`;
  const message = [
    headline,
    `Connections seen: ${report.connectionsSeen} on ${report.endpoints} endpoint(s).`,
    ...(report.endpointErrors.length
      ? ['', 'Endpoints that could not be read:', ...report.endpointErrors.map((e) => `- ${e}`)]
      : []),
    ...(invalid
      ? ['', 'Invalid policy rows (they match nothing until fixed):', ...report.findings.map((f) => `- ${f.message}`)]
      : []),
    ...(late
      ? [
          '',
          'Earlier terminations EC2 accepted that did not take effect (the connections are still up; end them by hand):',
          ...limited(
            report.lateFailures.map((record) => `${line(record)} (run ${record.runId})`),
            MAX_LINES,
          ),
        ]
      : []),
    ...(still.length ? ['', ...still] : []),
    ...(fresh.length
      ? ['', still.length ? 'New decisions:' : 'Decisions:', ...limited(fresh.map(line), MAX_LINES)]
      : []),
    '',
    `Every record: cvpn-guard audit show ${report.runId}`,
  ].join('\n');
  return {
    subject: `cvpn-guard${report.spoke === undefined ? '' : ` ${spokeName(report.spoke)}`}: ${parts.join(', ')}`,
    message,
    chat: chatOf(report, parts, still, fresh),
  };
}

/** A spoke as the hub's people name it: `<accountId>/<region>`. */
export function spokeName(spoke: Placement): string {
  return `${spoke.accountId}/${spoke.region}`;
}

/** The digest for chat, in markdown: the headline, what still holds, the new decisions, and where to look. */
function chatOf(
  report: RunReport,
  parts: readonly string[],
  still: readonly string[],
  fresh: readonly DecisionRecord[],
): ChatDigest {
  const description = [
    `Run \`${report.runId}\`${report.dryRun ? ' (dry run)' : ''}: ${report.connectionsSeen} connection(s) seen on ${report.endpoints} endpoint(s).`,
    ...(report.findings.length
      ? [`*${report.findings.length} invalid policy row(s)*: they match nothing until fixed.`]
      : []),
    ...(report.lateFailures.length
      ? [`*${report.lateFailures.length} earlier termination(s) did not take effect*: end those connections by hand.`]
      : []),
    ...still,
    ...limited(fresh.map(line), MAX_CHAT_LINES),
  ].join('\n');
  return {
    title: `:shield: cvpn-guard${report.spoke === undefined ? '' : ` ${spokeName(report.spoke)}`}: ${parts.join(', ')}`,
    description,
    nextSteps: [`cvpn-guard audit show ${report.runId}`],
    keywords: ['cvpn-guard', ...(report.dryRun ? ['dry run'] : [])],
  };
}

function isListed(record: RunRecord): record is DecisionRecord {
  return record.recordType === AuditRecordType.DECISION && LISTED_OUTCOMES.has(record.outcome);
}

/** True when the record's decision was first seen in this run (a record without first-seen time counts as new). */
function isNew(record: DecisionRecord): boolean {
  return record.firstSeenAt === undefined || record.firstSeenAt === record.at;
}

/** "still capped since <time>: N connections", per repeated outcome held since an earlier run (earliest time). */
function stillHeld(records: readonly DecisionRecord[]): string[] {
  return [...REPEATED].flatMap((outcome) => {
    const held = records.filter((record) => record.outcome === outcome && !isNew(record));
    if (held.length === 0) return [];
    const since = held.map((record) => record.firstSeenAt as string).sort()[0];
    return [`still ${outcome} since ${since}: ${held.length} ${held.length === 1 ? 'connection' : 'connections'}`];
  });
}

function line(record: DecisionRecord): string {
  const identity = record.username ?? record.commonName ?? 'no identity';
  const why = record.policyReason ? ` (row's reason: ${record.policyReason})` : '';
  return `- ${record.outcome}: ${record.connectionId} on ${record.endpointId} (${identity}): ${record.reason}${why}${record.errorCode ? ` [${record.errorCode}]` : ''}`;
}

function limited(lines: readonly string[], max: number): string[] {
  const shown = lines.slice(0, max);
  if (lines.length > shown.length) shown.push(`… and ${lines.length - shown.length} more in the audit table`);
  return shown;
}
