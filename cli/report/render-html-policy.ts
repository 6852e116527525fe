import type { Distribution, PolicyEvidence } from '../../lambda/domain/report/types.js';
import { escapeHtml, facts, paragraph, table, type Cell } from './format-html.js';
import { formatCount, formatDuration, formatMinutes, formatTime } from './format-values.js';

/** The control evidence of one policy row: what it is, what it did, how fast, and what went wrong. */
export function policySection(policy: PolicyEvidence, index: number): string {
  const title = `Policy row ${policy.policyId}`;
  return [
    `<section class="policy" id="policy-${index}" aria-label="${escapeHtml(title)}">`,
    `<h3>${escapeHtml(title)}</h3>`,
    facts([
      ['Kind', policy.kind ?? 'not known (the row is gone and its records do not say)'],
      ['Mode', policy.mode ?? 'not known'],
      ['Rule', policy.rule ?? 'not known (the row is gone or invalid)'],
      ['Scope', policy.scope],
      ['Reason', policy.reason ?? 'none given'],
      ['Row', policy.rowExists ? 'in the policies table' : 'deleted (no longer in the policies table)'],
    ]),
    '<h4>What it did</h4>',
    table(
      ['Sessions ended', 'Refused at connect', 'Would have ended', 'Would have refused', 'Exempted', 'Capped'],
      [
        [policy.ended, policy.refused, policy.wouldEnd, policy.wouldRefuse, policy.exempted, policy.capped].map(
          formatCount,
        ),
      ],
      [0, 1, 2, 3, 4, 5],
    ),
    '<h4>How fast</h4>',
    speed(policy),
    '<h4>Exceptions</h4>',
    exceptions(policy),
    '</section>',
  ].join('\n');
}

function speed(policy: PolicyEvidence): string {
  const rows: Cell[][] = [
    ['Time to enforce (condition true → session ended)', ...distributionCells(policy.timeToEnforce, formatDuration)],
  ];
  if (policy.idleMinutesPastLimit) {
    rows.push([
      'Idle minutes past the limit at termination',
      ...distributionCells(policy.idleMinutesPastLimit, formatMinutes),
    ]);
  }
  const parts = [table(['Measure', 'Sessions measured', 'Median', 'p95', 'Max'], rows, [1, 2, 3, 4])];
  if (policy.timeToEnforce.count === 0) parts.push(paragraph(notMeasured(policy), 'note'));
  if (policy.revocation) {
    const { writtenAt, lastEndedAt, seconds } = policy.revocation;
    parts.push(
      facts([
        ['Row written', writtenAt ? formatTime(writtenAt) : 'not recorded by the row'],
        ['Last session ended', lastEndedAt ? formatTime(lastEndedAt) : 'no session ended in the period'],
        ['Revocation took', seconds === undefined ? 'not measured' : formatDuration(seconds)],
      ]),
    );
  }
  return parts.join('\n');
}

function notMeasured(policy: PolicyEvidence): string {
  if (policy.ended === 0) return 'No session was ended by this row in the period, so there is no time to enforce.';
  return (
    'Not measured: the terminations of this row were recorded without the time their condition became true ' +
    '(records written before cvpn-guard recorded it).'
  );
}

function distributionCells(distribution: Distribution, format: (value: number) => string): Cell[] {
  const figure = (value: number | undefined) => (value === undefined ? 'not measured' : format(value));
  return [
    formatCount(distribution.count),
    figure(distribution.median),
    figure(distribution.p95),
    figure(distribution.max),
  ];
}

function exceptions(policy: PolicyEvidence): string {
  const { failed, cappedRuns, deferred, invalid } = policy.exceptions;
  const parts = [
    table(
      ['Failed terminations', 'Runs capped', 'Deferred to the next run', 'Invalid stretches'],
      [[failed, cappedRuns, deferred, invalid.length].map(formatCount)],
      [0, 1, 2, 3],
    ),
  ];
  if (invalid.length > 0) {
    parts.push(
      table(
        ['Finding', 'First seen', 'Last seen', 'Invalid for', 'Runs'],
        invalid.map((span) => [
          span.message,
          formatTime(span.firstSeenAt),
          formatTime(span.lastSeenAt),
          formatDuration(span.seconds),
          formatCount(span.runs),
        ]),
        [3, 4],
      ),
    );
  }
  return parts.join('\n');
}
