import { type Command, InvalidArgumentError } from 'commander';
import { DynamoPolicyStore } from '../../lambda/adapters/DynamoPolicyStore.js';
import {
  type PolicyChangeStamp,
  PolicyConflictError,
  PolicyExistsError,
  type PolicyStore,
} from '../../lambda/ports/index.js';
import { parseDuration } from '../../local/time.js';
import { confirm } from '../confirm.js';
import { action, type CliContext } from '../context.js';
import { CliExit, CliOperationError, CliUsageError, ExitCode } from '../errors.js';
import { withSelectionOptions, withTargetOptions } from '../options.js';
import { OutputFormat, renderJson } from '../output/index.js';
import {
  type AlreadyRevoked,
  checkRevokeRequest,
  planRevocation,
  type RevocationPlan,
  type RevokeRequest,
} from '../policy/revocation.js';
import { printWait, watchRevocation } from '../revoke/watch-revocation.js';
import type { RunSettingsOptions } from '../selection.js';

const FORMATS = [OutputFormat.TABLE, OutputFormat.JSON];
/** How long `--wait` waits unless told. */
const DEFAULT_TIMEOUT = '10m';
/** Writes tried when another edit of the row lands first: each re-reads the rows and adds to what it finds. */
const WRITE_ATTEMPTS = 3;
/** Records this much older than the write still count as its own: the CLI's clock and the run's may differ a little. */
const CLOCK_SKEW_MS = 30_000;

/** Options of `revoke`, as commander parses them. */
interface RevokeOptions extends Pick<RunSettingsOptions, 'endpointIds' | 'endpointTag'> {
  readonly reason?: string;
  readonly commonNames?: readonly string[];
  readonly wait?: boolean;
  readonly timeout: number;
  readonly yes?: boolean;
  readonly by?: string;
}

/** What `revoke` wrote. */
export interface Written {
  readonly plan: RevocationPlan;
  /** The version written; absent when nothing was. */
  readonly version?: number;
}

/** Adds `cvpn-guard revoke`: offboarding in one command. */
export function registerRevokeCommand(program: Command): Command {
  return withTargetOptions(
    withSelectionOptions(
      program
        .command('revoke')
        .description(
          'Revoke users now: an enforcing revoked-user row on every endpoint names them (the row with this exact reason gets them, else a new row revoked-<reason>), so the client connect handler refuses them and the next run ends their connections; --wait until it has. Asks for confirmation unless --yes.',
        )
        .argument('[users...]', 'user names, as the VPN reports them (exact, case-insensitive)')
        .requiredOption('--reason <text>', 'why they are revoked (shown in every decision the row makes)')
        .option('--common-names <names>', 'certificate common names too, comma-separated', identityList)
        .option(
          '--wait',
          "then watch their active connections on the deployment's endpoints until a run has ended each (audit records and EC2)",
        )
        .option(
          '--timeout <duration>',
          `with --wait: give up after this long (exit 1), such as 90s, 10m, 1h (default ${DEFAULT_TIMEOUT})`,
          durationOption,
          parseDuration(DEFAULT_TIMEOUT),
        )
        .option('-y, --yes', 'write without asking (needed when there is no terminal to ask on)')
        .option('--by <name>', 'your name for updatedBy (next to the caller ARN)'),
    ),
    FORMATS,
  )
    .addHelpText(
      'after',
      '\nExamples:\n  cvpn-guard revoke jdoe --reason "left the company (HR-1234)" --stack CvpnGuard --yes\n  cvpn-guard revoke jdoe asmith --common-names jdoe.corp.example.com --reason "left the company" --wait --timeout 15m --sandbox --yes\n',
    )
    .action(action(revoke));
}

async function revoke(context: CliContext, users: readonly string[], options: RevokeOptions): Promise<void> {
  const format = context.format(FORMATS, 'revoke');
  const request = checkRevokeRequest(users, options.commonNames ?? [], options.reason);
  const store = new DynamoPolicyStore(await context.clients.dynamodb(), await context.tables.name('policies'));
  const first = planRevocation(request, await store.list(), context.now());
  if (first.action !== 'none') await confirmWrite(context, options, first);
  const stamp = { updatedBy: await context.changedBy(options.by), updatedAt: context.now().toISOString() };
  const written = await writeRevocation(
    store,
    request,
    stamp,
    first,
    () => context.now(),
    (text) => context.note(text),
  );
  const since = new Date(context.now().getTime() - CLOCK_SKEW_MS);
  if (format === OutputFormat.TABLE) printWritten(context, written);
  const waited = options.wait ? await watchRevocation(context, request, options, since) : undefined;
  if (format === OutputFormat.JSON)
    context.print(renderJson({ ...writtenJson(written), ...(waited ? { wait: waited } : {}) }));
  else if (waited) printWait(context, waited);
  if (waited && waited.stillUp.length > 0) throw new CliExit(ExitCode.FAILURE);
}

/** Asks before writing, unless --yes; refuses to write without asking when no one can be asked. */
async function confirmWrite(context: CliContext, options: RevokeOptions, plan: RevocationPlan): Promise<void> {
  if (options.yes || plan.action === 'none') return;
  if (!context.io.interactive) {
    throw new CliUsageError(
      'revoke needs confirmation and there is no terminal to ask on: pass --yes to write the row',
    );
  }
  const who = [...plan.added.usernames, ...plan.added.commonNames.map((name) => `cn:${name}`)].join(', ');
  const where =
    plan.action === 'create' ? `a new enforcing row ${plan.policyId}` : `the enforcing row ${plan.policyId}`;
  const question = `Revoke ${who} on every endpoint (${where})? The client connect handler refuses them from now on and the next run ends their connections.`;
  if (!(await confirm(context.io, question))) throw new CliOperationError('not revoked: nothing was written');
}

/**
 * Writes the plan: a new row that must not exist yet, or the added identities on the row at the version read.
 * When another edit lands first, the rows are read again and the identities added to what the table holds then
 * (so the other edit is kept), up to {@link WRITE_ATTEMPTS} writes.
 */
export async function writeRevocation(
  store: PolicyStore,
  request: RevokeRequest,
  stamp: PolicyChangeStamp,
  first: RevocationPlan,
  now: () => Date,
  note: (text: string) => void,
): Promise<Written> {
  let plan = first;
  for (let attempt = 1; ; attempt += 1) {
    try {
      if (plan.action === 'none') return { plan };
      if (plan.action === 'create')
        return { plan, version: await store.put(plan.row as { policyId: string }, { expect: 'absent' }, stamp) };
      return { plan, version: await store.update(plan.policyId, plan.changes, plan.version, stamp) };
    } catch (error) {
      const raced = error instanceof PolicyConflictError || error instanceof PolicyExistsError;
      if (!raced) throw error;
      if (attempt >= WRITE_ATTEMPTS) {
        throw new CliOperationError(
          `conflict, ${WRITE_ATTEMPTS} times in a row (last: ${error.message}); nothing was written. Run the command again`,
          { cause: error },
        );
      }
      note(`note: ${error.message}; reading the rows again and adding to what they hold now`);
      plan = planRevocation(request, await store.list(), now());
    }
  }
}

function printWritten(context: CliContext, { plan, version }: Written): void {
  for (const line of alreadyLines(plan.alreadyRevoked)) context.note(line);
  if (plan.action === 'none') {
    context.print('Nothing written: every identity given is already revoked by an enforcing row.\n');
    return;
  }
  const who = addedText(plan);
  if (plan.action === 'create')
    context.print(`added revoked-user row ${plan.policyId} (enforce, every endpoint, version ${version}): ${who}\n`);
  else
    context.print(
      `extended revoked-user row ${plan.policyId} (version ${plan.version ?? 'none'} → ${version}): added ${who}\n`,
    );
}

function alreadyLines(already: readonly AlreadyRevoked[]): string[] {
  return already.map(
    (entry) =>
      `${entry.attribute === 'usernames' ? 'user' : 'common name'} ${entry.identity} is already revoked by the enforcing row ${entry.policyId}: left as it is`,
  );
}

function addedText(plan: Exclude<RevocationPlan, { action: 'none' }>): string {
  return [...plan.added.usernames, ...plan.added.commonNames.map((name) => `cn:${name}`)].join(', ');
}

function writtenJson({ plan, version }: Written) {
  const already = plan.alreadyRevoked.map((entry) => ({
    [entry.attribute === 'usernames' ? 'username' : 'commonName']: entry.identity,
    policyId: entry.policyId,
  }));
  if (plan.action === 'none') return { action: 'unchanged', alreadyRevoked: already };
  return {
    action: plan.action === 'create' ? 'created' : 'extended',
    policyId: plan.policyId,
    version,
    ...(plan.action === 'extend' ? { previousVersion: plan.version } : {}),
    added: plan.added,
    alreadyRevoked: already,
  };
}

/** `--common-names`: comma-separated and repeatable; a blank entry is kept, so that it is refused by name. */
export function identityList(value: string, previous: readonly string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',')];
}

/** `--timeout`: a duration (`90s`, `10m`, `1h30m`). */
export function durationOption(value: string): number {
  const ms = parseDuration(value.trim());
  if (ms === undefined || !(ms > 0)) throw new InvalidArgumentError('expected a duration such as 90s, 10m or 1h.');
  return ms;
}
