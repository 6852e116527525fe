import { Outcome } from '../domain/index.js';
import { AuditRecordType, type DecisionRecord, type RunDigest, type RunRecord } from '../ports/index.js';
import type { RunReport } from './RunReport.js';

const NOTEWORTHY = [Outcome.TERMINATED, Outcome.FAILED, Outcome.CAPPED] as const;
const NOTEWORTHY_OUTCOMES: ReadonlySet<string> = new Set(NOTEWORTHY);
const MAX_LINES = 200;

/** The digest of a run, or undefined when nothing was terminated, failed, capped, invalid or found failed later. */
export function digestOf(report: RunReport): RunDigest | undefined {
  const invalid = report.findings.length;
  const late = report.lateFailures.length;
  const counts = NOTEWORTHY.map((outcome) => [outcome, report.counts[outcome] ?? 0] as const);
  if (invalid === 0 && late === 0 && counts.every(([, count]) => count === 0)) return undefined;
  const parts = counts.filter(([, count]) => count > 0).map(([outcome, count]) => `${count} ${outcome}`);
  if (invalid > 0) parts.push(`${invalid} invalid ${invalid === 1 ? 'policy' : 'policies'}`);
  if (late > 0) parts.push(`${late} earlier ${late === 1 ? 'termination' : 'terminations'} failed`);
  const decisions = limited(report.records.filter(isNoteworthy).map((record) => line(record)));
  const message = [
    `cvpn-guard run ${report.runId}${report.dryRun ? ' (dry run)' : ''}: ${parts.join(', ')}.`,
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
          ...limited(report.lateFailures.map((record) => `${line(record)} (run ${record.runId})`)),
        ]
      : []),
    ...(decisions.length ? ['', 'Decisions:', ...decisions] : []),
    '',
    `Every record: cvpn-guard audit show ${report.runId}`,
  ].join('\n');
  return { subject: `cvpn-guard: ${parts.join(', ')}`, message };
}

function isNoteworthy(record: RunRecord): record is DecisionRecord {
  return record.recordType === AuditRecordType.DECISION && NOTEWORTHY_OUTCOMES.has(record.outcome);
}

function line(record: DecisionRecord): string {
  const identity = record.username ?? record.commonName ?? 'no identity';
  return `- ${record.outcome}: ${record.connectionId} on ${record.endpointId} (${identity}): ${record.reason}${record.errorCode ? ` [${record.errorCode}]` : ''}`;
}

function limited(lines: readonly string[]): string[] {
  const shown = lines.slice(0, MAX_LINES);
  if (lines.length > shown.length) shown.push(`… and ${lines.length - shown.length} more in the audit table`);
  return shown;
}
