import { type Command, Option } from 'commander';
import { errorCode } from '../../lambda/adapters/aws-errors.js';
import { type ParsedPolicyRow, parsePolicyRow } from '../../lambda/domain/index.js';
import type { AuditQuery } from '../../lambda/ports/index.js';
import type { EvidenceReport } from '../../lambda/report/index.js';
import { parseConnectionHourPrices } from '../../lambda/settings/connection-hour-prices.js';
import { type Environment, readEnforcerSetting, Setting, SETTINGS } from '../../lambda/settings/index.js';
import { stackTemplateBody } from '../aws.js';
import { action, type CliContext } from '../context.js';
import { enforcerEnvironmentOf } from '../deployed-environment.js';
import { CliOperationError, CliUsageError } from '../errors.js';
import { explainError } from '../explain-error.js';
import { listOf, withTargetOptions } from '../options.js';
import { ReportProgress } from '../report/progress.js';
import { readPeriod } from '../report/read-period.js';
import { renderCsv } from '../report/render-csv.js';
import { renderHtml } from '../report/render-html.js';
import { renderJson } from '../report/render-json.js';
import { checkDestination, ReportFormat, reportDestination, writeReportFile } from '../report/report-file.js';
import { resolveHub } from '../spokes/hub-target.js';
import { ALL } from '../spokes/selector.js';
import { formatAt, INSTANT_HINT, parseInstant } from '../time.js';

/** The period a report covers without `--since`. */
export const DEFAULT_REPORT_SINCE = '30d';
/** The enforcer's variable that holds the connection-hour prices (setting `connectionHourPrices`). */
const CONNECTION_HOUR_PRICES_ENV = 'CVPN_GUARD_CONNECTION_HOUR_PRICES';
/** DynamoDB's answers to reading faster than the table allows, once the SDK's retries are spent. */
const THROTTLED = new Set(['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded']);
const DAY_MS = 86_400_000;

/** Options of `report`. */
interface ReportOptions {
  readonly since?: string;
  readonly until?: string;
  readonly policy?: readonly string[];
  readonly output: ReportFormat;
  readonly out?: string;
  readonly price?: readonly string[];
  readonly quiet?: boolean;
}

/** Adds `cvpn-guard report`: the evidence report of a period, from the audit table's indexes. */
export function registerReportCommand(program: Command): Command {
  return withTargetOptions(
    program
      .command('report')
      .description(
        "The evidence report of a period: what each policy row ended, refused and exempted and how fast, every exception, the runs' health, sessions over time and the estimated cost saved. Read from the audit table through its indexes (never a scan).",
      )
      .option('--since <when>', `the period's start (default ${DEFAULT_REPORT_SINCE}); ${INSTANT_HINT}`)
      .option('--until <when>', "the period's end, not included (default now); the same forms as --since")
      .option('--policy <ids>', 'only these policy rows, comma-separated or repeated (one index read per row)', listOf)
      .addOption(
        new Option('-o, --output <format>', 'html (one self-contained page), csv or json (the report model as is)')
          .choices(Object.values(ReportFormat))
          .default(ReportFormat.HTML),
      )
      .option(
        '--out <file>',
        'write the report to this file (written whole, then renamed into place); - for stdout (default: html to cvpn-guard-report-<since>-<until>.html in the working directory, csv and json to stdout)',
      )
      .option(
        '--price <region=usd>',
        `connection-hour price of a Region, US dollars, comma-separated or repeated (default: the deployed enforcer's ${CONNECTION_HOUR_PRICES_ENV}, else 0.05 in every Region)`,
        listOf,
      )
      .option('--quiet', 'no progress on stderr')
      .addHelpText(
        'after',
        '\nExamples:\n  cvpn-guard report --since 30d\n  cvpn-guard report --since 2026-11-01 --until 2026-12-01 --out november.html\n  cvpn-guard report --policy revoke-leavers,idle-30m -o csv > controls.csv\n  cvpn-guard report --stack CvpnGuardHub --account 111122223333 --region eu-west-1 -o json\n',
      ),
    false,
    'spokes',
  ).action(action(report));
}

async function report(context: CliContext, options: ReportOptions): Promise<void> {
  const now = context.now();
  const since = parseInstant('--since', options.since ?? DEFAULT_REPORT_SINCE, now);
  const until = options.until !== undefined ? parseInstant('--until', options.until, now) : now;
  if (since.getTime() >= until.getTime())
    throw new CliUsageError(
      `--since ${formatAt(since.toISOString())} is not before --until ${formatAt(until.toISOString())}: the period would be empty; swap them, or move --since back`,
    );
  const destination = reportDestination(options.output, options.out, since, until);
  if (destination !== undefined) await checkDestination(destination);
  const flagPrices = options.price === undefined ? undefined : pricesOf('--price', options.price.join(','));

  const hub = await resolveHub(context);
  const placement = hub === undefined ? {} : (context.placement ?? {});
  const accountIds = placement.accounts === undefined || placement.accounts === ALL ? [] : placement.accounts;
  const regions = placement.regions === undefined || placement.regions === ALL ? [] : placement.regions;
  const env = await deployedEnvironment(context);
  const prices = flagPrices ?? pricesOf(CONNECTION_HOUR_PRICES_ENV, env[CONNECTION_HOUR_PRICES_ENV] ?? '');
  warnPastRetention(context, env, since, now);

  const auditTable = await context.tables.name('audit');
  const query = await queryOf(context, auditTable);
  const policyIds = options.policy ?? [];
  const rows = await selectedRows(context, query, policyIds, since, until);
  const progress = new ReportProgress(context.io.stderr, { quiet: options.quiet === true });
  let evidence: EvidenceReport;
  try {
    evidence = await readPeriod(
      query,
      rows,
      { since, until, policyIds, accountIds, regions, generatedAt: now, prices },
      progress,
    );
  } catch (error) {
    if (THROTTLED.has(errorCode(error)))
      throw new CliOperationError(
        `the audit table ${auditTable} throttled the report's reads (${errorCode(error)}) after the SDK's retries: try a shorter period or later; no report was written`,
        { cause: error },
      );
    throw error;
  }

  const text = await render(evidence, options.output);
  if (destination === undefined) context.print(text);
  else await writeReportFile(destination, text);
  if (options.quiet !== true) context.note(summaryLine(evidence, destination));
}

async function queryOf(context: CliContext, auditTable: string): Promise<AuditQuery> {
  const { DynamoAuditQuery } = await import('../../lambda/adapters/DynamoAuditQuery.js');
  return new DynamoAuditQuery(await context.clients.documents(), auditTable);
}

/**
 * The policy rows the report describes: every row of the policies table, or those `--policy` names. An id that
 * is neither a row nor named by any record of the period (a row deleted since still has its records) is bad usage.
 */
async function selectedRows(
  context: CliContext,
  query: AuditQuery,
  policyIds: readonly string[],
  since: Date,
  until: Date,
): Promise<ParsedPolicyRow[]> {
  const { DynamoPolicyStore } = await import('../../lambda/adapters/DynamoPolicyStore.js');
  const store = new DynamoPolicyStore(await context.clients.dynamodb(), await context.tables.name('policies'));
  const stored = await store.list();
  if (policyIds.length === 0) return stored.map(({ item }) => parsePolicyRow(item));
  const known = new Set(stored.map(({ policyId }) => policyId));
  const unknown: string[] = [];
  for (const policyId of policyIds.filter((id) => !known.has(id))) {
    const page = await query.records({ policyId, since, until }, { limit: 1 });
    if (page.items.length === 0) unknown.push(policyId);
  }
  if (unknown.length > 0)
    throw new CliUsageError(
      `--policy ${unknown.join(',')}: no such policy row, and no record of ${unknown.length === 1 ? 'it' : 'them'} in the period; the rows are ${[...known].join(', ') || 'none yet'} (cvpn-guard policy list)`,
    );
  return stored.filter(({ policyId }) => policyIds.includes(policyId)).map(({ item }) => parsePolicyRow(item));
}

/** Connection-hour prices from `region=usd,…` text; bad text is bad usage, named by where it came from. */
function pricesOf(source: string, text: string): ReadonlyMap<string, number> {
  try {
    return parseConnectionHourPrices(text);
  } catch (error) {
    throw new CliUsageError(`${source} ${JSON.stringify(text)}: ${error instanceof Error ? error.message : error}`, {
      cause: error,
    });
  }
}

/**
 * The deployed enforcer's environment (its template, with `--stack`), for the prices and the audit retention;
 * the CLI's own environment otherwise, or when the template cannot be read (a note says so).
 */
async function deployedEnvironment(context: CliContext): Promise<Environment> {
  const stack = context.options.stack;
  if (stack === undefined) return context.io.env;
  try {
    const deployed = enforcerEnvironmentOf(await stackTemplateBody(context.clients, stack));
    if (deployed) return deployed;
  } catch (error) {
    context.note(
      `note: could not read the enforcer's settings from stack ${stack} (${explainError(error, context.scene()).message}): prices and retention come from flags and environment`,
    );
  }
  return context.io.env;
}

/** Warns when the period starts before the audit retention: the table's TTL has deleted those records. */
function warnPastRetention(context: CliContext, env: Environment, since: Date, now: Date): void {
  const retention = readEnforcerSetting(env, Setting.AUDIT_RETENTION_DAYS);
  const days = retention.ok ? retention.value : SETTINGS[Setting.AUDIT_RETENTION_DAYS].default;
  const oldest = new Date(now.getTime() - days * DAY_MS);
  if (since.getTime() < oldest.getTime())
    context.note(
      `warning: the period starts ${formatAt(since.toISOString())}, before the audit retention (${Setting.AUDIT_RETENTION_DAYS} ${days}): records older than ${days} days (before ${formatAt(oldest.toISOString())}) are gone; the report covers what is left`,
    );
}

function render(evidence: EvidenceReport, format: ReportFormat): Promise<string> | string {
  if (format === ReportFormat.CSV) return renderCsv(evidence);
  if (format === ReportFormat.JSON) return renderJson(evidence);
  return renderHtml(evidence);
}

/** What was reported, for stderr: the file, and how much the period held. */
function summaryLine(evidence: EvidenceReport, destination: string | undefined): string {
  const { records, summaries } = evidence.read;
  const period = `${formatAt(evidence.period.since)} to ${formatAt(evidence.period.until)}`;
  const where = destination === undefined ? '' : `wrote ${destination}: `;
  if (records === 0 && summaries === 0)
    return `${where}no audit record and no run summary from ${period}: the report says so`;
  return `${where}${evidence.policies.length} policy ${evidence.policies.length === 1 ? 'row' : 'rows'}, ${records} records, ${summaries} run summaries from ${period}`;
}
