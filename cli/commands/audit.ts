import type { Command } from 'commander';
import { Outcome } from '../../lambda/domain/index.js';
import { type ListedRecord, type OutcomeCounts, type RunSummary } from '../../lambda/ports/index.js';
import { action, type CliContext } from '../context.js';
import { CliUsageError } from '../errors.js';
import { listOf, wholeNumber, withTargetOptions } from '../options.js';
import { type Column, OutputFormat, renderCsv, renderJson, renderPairs, renderTable } from '../output/index.js';
import { type HubTarget, resolveHub } from '../spokes/hub-target.js';
import { inRequest, placedColumns, placedFilter, withPlacement } from '../spokes/placed-records.js';
import { formatAt, formatElapsed, INSTANT_HINT, parseInstant } from '../time.js';
import { orderRecords, RECORD_COLUMNS, RECORD_CSV_COLUMNS, WIDE_RECORD_COLUMNS } from './audit-records.js';

const FORMATS = [OutputFormat.TABLE, OutputFormat.JSON, OutputFormat.CSV];
const OUTCOMES: readonly string[] = Object.values(Outcome);
/** The window read when nothing narrows a listing to an index. */
const DEFAULT_SINCE = '24h';

/** Options of `audit list`. */
interface ListOptions {
  readonly since?: string;
  readonly until?: string;
  readonly user?: string;
  readonly endpoint?: string;
  readonly policy?: string;
  readonly run?: string;
  readonly outcome?: readonly string[];
  readonly limit: number;
  readonly nextToken?: string;
  readonly first?: boolean;
  readonly wide?: boolean;
}

/** Adds `cvpn-guard audit …`: read the audit table through its indexes, newest first. */
export function registerAuditCommands(program: Command): Command {
  const audit = program
    .command('audit')
    .description(
      "Read the audit table: the runs' decisions, the client connect handler's admissions and the run summaries, newest first, through its indexes.",
    );

  withTargetOptions(
    audit
      .command('list')
      .description(
        "List the runs' decision records and the client connect handler's admission records, newest first (one index query per filter; never a table scan).",
      )
      .option(
        '--since <when>',
        `records at or after (default ${DEFAULT_SINCE} when no --user/--endpoint/--policy/--run); ${INSTANT_HINT}`,
      )
      .option('--until <when>', 'records at or before (default now)')
      .option(
        '--user <name>',
        'records of one user name (or certificate common name), as matched: case-insensitive, exact',
      )
      .option('--endpoint <id>', 'records of one Client VPN endpoint')
      .option('--policy <id>', 'records decided by one policy row')
      .option(
        '--run <id>',
        "records of one run, or gate-YYYY-MM-DD: the client connect handler's records of one UTC day",
      )
      .option('--outcome <outcomes>', `only these outcomes, comma-separated: ${OUTCOMES.join(', ')}`, listOf)
      .option('--limit <n>', 'most records to print', wholeNumber(1, 10_000), 50)
      .option('--next-token <token>', 'go on where an earlier listing stopped (same filters)')
      .option('--first', 'only records of a decision first seen in their own run (firstSeenAt equals their time)')
      .option('--wide', 'the table with full ids, the run, first-seen and confirmation times, and the reasons')
      .addHelpText(
        'after',
        '\nExamples:\n  cvpn-guard audit list --user jdoe --since 7d\n  cvpn-guard audit list --policy idle-30m --outcome would-terminate\n  cvpn-guard audit list --outcome refused,refused-fail-closed --since 24h\n  cvpn-guard audit list --since 2026-11-20 --until 2026-11-21 --output csv > day.csv\n  cvpn-guard audit list --stack CvpnGuardHub --account 111122223333 --region eu-west-1\n',
      ),
    FORMATS,
    'spokes',
  ).action(action(listRecords));

  withTargetOptions(
    audit
      .command('runs')
      .description('One line per run, from the run summaries, newest first.')
      .option('--since <when>', `runs at or after (default ${DEFAULT_SINCE}); ${INSTANT_HINT}`)
      .option('--until <when>', 'runs at or before (default now)')
      .option('--limit <n>', 'most runs to print', wholeNumber(1, 10_000), 20)
      .option('--next-token <token>', 'go on where an earlier listing stopped'),
    FORMATS,
    'spokes',
  ).action(action(listRuns));

  withTargetOptions(
    audit
      .command('show')
      .description("A run's summary and every record of it.")
      .argument('<run-id>', 'run id (see audit runs)'),
    FORMATS,
  ).action(action(showRun));

  return audit;
}

async function queryOf(context: CliContext) {
  const { DynamoAuditQuery } = await import('../../lambda/adapters/DynamoAuditQuery.js');
  return new DynamoAuditQuery(await context.clients.documents(), await context.tables.name('audit'));
}

async function listRecords(context: CliContext, options: ListOptions): Promise<void> {
  const format = context.format(FORMATS, 'audit list');
  const outcomes = checkOutcomes(options.outcome);
  const now = context.now();
  const indexed = [options.user, options.endpoint, options.policy, options.run].some((value) => value !== undefined);
  if (!indexed && options.since === undefined && options.nextToken === undefined && format === OutputFormat.TABLE) {
    context.note(`records of the last ${DEFAULT_SINCE} (--since to change)`);
  }
  const since =
    options.since !== undefined
      ? parseInstant('--since', options.since, now)
      : indexed
        ? undefined
        : parseInstant('--since', DEFAULT_SINCE, now);
  const until = options.until !== undefined ? parseInstant('--until', options.until, now) : indexed ? undefined : now;
  checkWindow(since, until);
  const hub = await resolveHub(context);
  const query = await queryOf(context);
  const filter = {
    runId: options.run,
    identity: options.user,
    endpointId: options.endpoint,
    policyId: options.policy,
    outcomes,
    firstSightings: options.first === true,
    since,
    until,
    ...spokesOf(hub, context),
  };
  const page = await pagesOfSpokes(
    hub,
    context,
    (request) => query.records(filter, request),
    options.limit,
    options.nextToken,
  );
  printRecords(context, format, orderRecords(page.items), page.nextToken, options.wide === true, hub !== undefined);
}

/**
 * A page of the audit table; against a hub with `--account` or `--region`, only the selected spokes' items, read on
 * until the page is full or the table has no more (every item of a page read is kept, so the token loses none).
 */
async function pagesOfSpokes<T extends object>(
  hub: HubTarget | undefined,
  context: CliContext,
  read: (request: { limit: number; nextToken?: string }) => Promise<{ items: readonly T[]; nextToken?: string }>,
  limit: number,
  nextToken: string | undefined,
): Promise<{ items: readonly T[]; nextToken?: string }> {
  const request = context.placement ?? {};
  if (hub === undefined || (request.accounts === undefined && request.regions === undefined))
    return read({ limit, nextToken });
  const items: T[] = [];
  let token = nextToken;
  do {
    const page = await read({ limit: limit - items.length, nextToken: token });
    items.push(...page.items.filter((item) => inRequest(item, request)));
    token = page.nextToken;
  } while (token !== undefined && items.length < limit);
  return { items, ...(token === undefined ? {} : { nextToken: token }) };
}

/** Against a hub, the accounts and Regions `--account` and `--region` select, for the table to read only theirs. */
function spokesOf(hub: HubTarget | undefined, context: CliContext): ReturnType<typeof placedFilter> {
  return hub === undefined ? {} : placedFilter(context.placement ?? {});
}

async function listRuns(
  context: CliContext,
  options: { since?: string; until?: string; limit: number; nextToken?: string },
): Promise<void> {
  const format = context.format(FORMATS, 'audit runs');
  const now = context.now();
  const since = parseInstant('--since', options.since ?? DEFAULT_SINCE, now);
  const until = options.until !== undefined ? parseInstant('--until', options.until, now) : now;
  checkWindow(since, until);
  const hub = await resolveHub(context);
  const query = await queryOf(context);
  const page = await pagesOfSpokes(
    hub,
    context,
    (request) => query.runs({ since, until, ...spokesOf(hub, context) }, request),
    options.limit,
    options.nextToken,
  );
  const placed = hub !== undefined;
  if (format === OutputFormat.JSON) {
    const runs = placed ? page.items.map(withPlacement) : page.items;
    context.print(renderJson({ runs, ...(page.nextToken ? { nextToken: page.nextToken } : {}) }));
    return;
  }
  if (format === OutputFormat.CSV) {
    context.print(renderCsv(placed ? placedColumns(RUN_CSV_COLUMNS, true) : RUN_CSV_COLUMNS, page.items));
    if (page.nextToken) context.note(`more runs: --next-token ${page.nextToken}`);
    return;
  }
  if (page.items.length === 0)
    context.print(`No runs between ${formatAt(since.toISOString())} and ${formatAt(until.toISOString())}.\n`);
  else context.print(renderTable(placed ? placedColumns(RUN_COLUMNS, false) : RUN_COLUMNS, page.items));
  if (page.nextToken) context.note(`more runs: --next-token ${page.nextToken}`);
}

async function showRun(context: CliContext, runId: string): Promise<void> {
  const format = context.format(FORMATS, 'audit show');
  const query = await queryOf(context);
  const { summary, records } = await query.run(runId);
  if (!summary && records.length === 0) {
    throw new CliUsageError(
      `no run ${JSON.stringify(runId)} in the audit table: see the run ids with cvpn-guard audit runs --since 7d` +
        (runId.startsWith('gate-')
          ? `; the client connect handler's records of a day: cvpn-guard audit list --run ${runId}`
          : ''),
    );
  }
  if (format === OutputFormat.JSON) {
    context.print(renderJson({ summary: summary ?? null, records: orderRecords(records) }));
    return;
  }
  const ordered = orderRecords(records);
  if (format === OutputFormat.CSV) {
    context.print(renderCsv(RECORD_CSV_COLUMNS, ordered));
    return;
  }
  if (summary) {
    context.print(
      renderPairs([
        ['run', summary.runId],
        ['started', formatAt(summary.at)],
        ['finished', formatAt(summary.finishedAt)],
        ['duration', formatElapsed(summary.durationMs)],
        ['status', `${summary.status}${summary.dryRun ? ' (dry run)' : ''}`],
        ['endpoints', summary.endpoints],
        ['connections seen', summary.connectionsSeen],
        ['outcomes', countsText(summary.counts) || 'no decision'],
        ['invalid policies', summary.invalidPolicies],
        ['terminate calls', `${summary.terminateCalls} (${summary.throttledCalls} throttled)`],
        ['reconciled', summary.reconciled],
        ['endpoint errors', summary.endpointErrors.join('; ')],
        ['connect handler canary', canaryText(summary)],
      ]),
    );
  } else {
    context.print(`run ${runId}: no summary (the run has not finished, or it died; its records follow)\n`);
  }
  context.print(
    records.length > 0
      ? `\n${renderTable(WIDE_RECORD_COLUMNS, ordered)}`
      : '\nNo decision records: nothing broke a policy.\n',
  );
}

function printRecords(
  context: CliContext,
  format: OutputFormat,
  records: readonly ListedRecord[],
  nextToken: string | undefined,
  wide: boolean,
  placed: boolean,
): void {
  if (format === OutputFormat.JSON) {
    context.print(
      renderJson({ records: placed ? records.map(withPlacement) : records, ...(nextToken ? { nextToken } : {}) }),
    );
    return;
  }
  const columns = (chosen: readonly Column<ListedRecord>[], csv: boolean) =>
    placed ? placedColumns(chosen, csv) : chosen;
  if (format === OutputFormat.CSV) context.print(renderCsv(columns(RECORD_CSV_COLUMNS, true), records));
  else
    context.print(
      records.length > 0
        ? renderTable(columns(wide ? WIDE_RECORD_COLUMNS : RECORD_COLUMNS, false), records)
        : 'No records.\n',
    );
  if (nextToken) context.note(`more records: --next-token ${nextToken}`);
}

function checkOutcomes(given: readonly string[] | undefined): Outcome[] | undefined {
  if (!given || given.length === 0) return undefined;
  const wrong = given.filter((outcome) => !OUTCOMES.includes(outcome));
  if (wrong.length > 0)
    throw new CliUsageError(`--outcome ${wrong.join(',')}: expected outcomes among ${OUTCOMES.join(', ')}`);
  return given as Outcome[];
}

function checkWindow(since: Date | undefined, until: Date | undefined): void {
  if (since && until && since.getTime() > until.getTime()) {
    throw new CliUsageError(
      `--since ${formatAt(since.toISOString())} is after --until ${formatAt(until.toISOString())}: swap them`,
    );
  }
}

/** What the run's canary found, in words; undefined when it sent none. */
function canaryText(summary: RunSummary): string | undefined {
  const canary = summary.canary;
  if (!canary) return undefined;
  const where = `on ${canary.endpointId}, ${canary.latencyMs} ms`;
  if (!canary.ok) return `FAILED ${where}: ${canary.reason ?? 'no reason given'}`;
  return `answered ${where}: ${canary.allow ? 'allowed' : `refused${canary.reason ? ` (${JSON.stringify(canary.reason)})` : ''}`}`;
}

function countsText(counts: OutcomeCounts): string {
  return Object.entries(counts)
    .filter(([, count]) => count > 0)
    .map(([outcome, count]) => `${count} ${outcome}`)
    .join(', ');
}

const count = (outcome: Outcome) => (summary: RunSummary) => summary.counts[outcome] ?? 0;

const RUN_COLUMNS: readonly Column<RunSummary>[] = [
  { header: 'TIME', value: (summary) => formatAt(summary.at) },
  { header: 'RUN', value: (summary) => summary.runId },
  { header: 'STATUS', value: (summary) => `${summary.status}${summary.dryRun ? ' (dry run)' : ''}` },
  { header: 'SEEN', value: (summary) => summary.connectionsSeen },
  { header: 'TERMINATED', value: count(Outcome.TERMINATED) },
  { header: 'WOULD-TERMINATE', value: count(Outcome.WOULD_TERMINATE) },
  { header: 'FAILED', value: count(Outcome.FAILED) },
  { header: 'CAPPED', value: count(Outcome.CAPPED) },
  { header: 'DEFERRED', value: count(Outcome.DEFERRED) },
  { header: 'INVALID', value: (summary) => summary.invalidPolicies },
  { header: 'DURATION', value: (summary) => formatElapsed(summary.durationMs) },
];

const RUN_CSV_COLUMNS: readonly Column<RunSummary>[] = [
  { header: 'at', value: (summary) => summary.at },
  { header: 'runId', value: (summary) => summary.runId },
  { header: 'status', value: (summary) => summary.status },
  { header: 'dryRun', value: (summary) => summary.dryRun },
  { header: 'endpoints', value: (summary) => summary.endpoints },
  { header: 'connectionsSeen', value: (summary) => summary.connectionsSeen },
  ...Object.values(Outcome).map((outcome) => ({ header: outcome, value: count(outcome) })),
  { header: 'invalidPolicies', value: (summary) => summary.invalidPolicies },
  { header: 'terminateCalls', value: (summary) => summary.terminateCalls },
  { header: 'throttledCalls', value: (summary) => summary.throttledCalls },
  { header: 'durationMs', value: (summary) => summary.durationMs },
  { header: 'endpointErrors', value: (summary) => summary.endpointErrors.join('; ') },
];
