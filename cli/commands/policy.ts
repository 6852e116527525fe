import { Argument, type Command, Option } from 'commander';
import { stringify } from 'yaml';
import { DynamoPolicyStore } from '../../lambda/adapters/DynamoPolicyStore.js';
import {
  parsePolicyRow,
  POLICY_ATTRIBUTE_ORDER,
  PolicyKind,
  PolicyMode,
  type PolicyRow,
  type PolicyValidationError,
  ruleInWords,
} from '../../lambda/domain/index.js';
import {
  describeVersion,
  type PolicyChangeStamp,
  PolicyConflictError,
  PolicyExistsError,
  type PolicyStore,
  policyWriteCondition,
  type StoredPolicy,
} from '../../lambda/ports/index.js';
import { confirm } from '../confirm.js';
import { action, type CliContext } from '../context.js';
import { CliExit, CliOperationError, CliUsageError, ExitCode } from '../errors.js';
import { explainError } from '../explain-error.js';
import { listOf, withTargetOptions } from '../options.js';
import { OutputFormat, renderJson, renderPairs, renderTable } from '../output/index.js';
import { type FileRow, readPolicyFile } from '../policy/policy-file.js';
import { FLAG_OF_ATTRIBUTE, rowFromFlags, type AddRowOptions } from '../policy/row-from-flags.js';
import { invalidRowBlock, invalidRowJson, issueLine } from '../policy/row-issues.js';
import { endpointSummary, stateOf, whoSummary } from '../policy/row-summary.js';
import { POLICY_KINDS, skeletonRow, skeletonYaml } from '../policy/skeleton.js';

/** Attributes the CLI writes itself on every change: what a file says about them is not written. */
const BOOKKEEPING = ['updatedBy', 'updatedAt', 'version'] as const;

/** YAML as every reader takes it: YAML 1.1 rules quote "07:00", "yes" and timestamps, which 1.1 readers would turn into numbers, booleans and dates. */
const YAML_OPTIONS = { version: '1.1' } as const;

/** Formats for rows as files (export, skeleton). */
const FILE_FORMATS = ['yaml', 'json'] as const;

/** One stored item, read through the schema. */
interface ReadRow {
  readonly stored: StoredPolicy;
  readonly row?: PolicyRow;
  readonly error?: PolicyValidationError;
}

/** Adds `cvpn-guard policy …`: write, read and check policy rows. */
export function registerPolicyCommands(program: Command): Command {
  const policy = program
    .command('policy')
    .description('Add, change, list and check policy rows (validated by the same schema as the enforcer).');

  withTargetOptions(
    policy
      .command('add')
      .description('Add one policy row from flags; written in observe mode unless --enforce.')
      .addArgument(new Argument('<kind>', 'policy kind').choices(POLICY_KINDS))
      .requiredOption('--id <id>', 'policyId: letters, digits, ".", "_", ":" or "-"')
      .requiredOption('--reason <text>', 'why the row exists (shown in every decision it makes)')
      .option('--endpoints <ids>', 'endpoint ids, comma-separated (default: every endpoint, "*")', listOf)
      .option('--users <names>', 'user names, comma-separated', listOf)
      .option('--common-names <names>', 'certificate common names, comma-separated', listOf)
      .option('--idle-minutes <n>', 'idle: minutes without traffic')
      .option('--min-bytes <n>', 'idle: traffic of at most this many bytes still counts as idle (default 0)')
      .option('--max-session-minutes <n>', 'max-session: longest session, in minutes')
      .option('--max-connections <n>', 'max-connections: connections one identity may hold')
      .option('--days <days>', 'off-hours: allowed days, comma-separated (mon,tue,…)', listOf)
      .option('--start <HH:MM>', 'off-hours: the allowed window opens')
      .option('--end <HH:MM>', 'off-hours: the allowed window closes')
      .option('--timezone <iana>', 'off-hours: time zone of start and end, such as Europe/Berlin')
      .option('--expires <when>', 'the row stops applying: an ISO time, or a duration from now such as 8h or 30d')
      .option('--max-terminations <n>', 'most terminations this row may decide in one run (above it: none)')
      .option('--enforce', 'terminate (default: observe, which only records would-terminate)')
      .option('--disabled', 'write the row disabled')
      .option('--replace', 'overwrite a row with the same id')
      .option('--by <name>', 'your name for updatedBy (next to the caller ARN)')
      .addHelpText(
        'after',
        '\nExamples:\n  cvpn-guard policy add revoked-user --id offboard-jdoe --users jdoe --reason "left the company" --enforce\n  cvpn-guard policy add idle --id idle-30m --idle-minutes 30 --reason "free idle seats"\n',
      ),
  ).action(action(addRow));

  withTargetOptions(
    policy
      .command('put')
      .description(
        'Write policy rows from a JSON or YAML file (one row or a list); all are validated before any is written.',
      )
      .requiredOption('-f, --file <path>', 'JSON or YAML file ("-" for stdin)')
      .option('--replace', 'overwrite rows that exist, whatever their version')
      .option('--by <name>', 'your name for updatedBy (next to the caller ARN)')
      .addHelpText(
        'after',
        '\nA row that carries `version` (as `policy export` writes it) is an edit of that version: it is\nwritten only if the table still holds that version. A row without `version` must be new, unless --replace.\n',
      ),
  ).action(action(putRows));

  policy
    .command('validate')
    .description('Check policy rows in a file against the schema; writes nothing, needs no AWS access.')
    .requiredOption('-f, --file <path>', 'JSON or YAML file ("-" for stdin)')
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices([OutputFormat.TABLE, OutputFormat.JSON])
        .default(OutputFormat.TABLE),
    )
    .action(action(validateFile));

  withTargetOptions(
    policy
      .command('list')
      .description('List the policy rows; invalid rows are listed with their errors.')
      .addOption(new Option('--kind <kind>', 'only rows of this kind').choices(POLICY_KINDS))
      .option('--enabled', 'only enabled rows'),
  ).action(action(listRows));

  withTargetOptions(
    policy.command('show').description('Show one policy row and whether it is valid.').argument('<id>', 'policyId'),
  ).action(action(showRow));

  for (const [name, description, changes] of [
    ['enable', 'Enable a policy row.', { enabled: true }],
    ['disable', 'Disable a policy row (it decides nothing until enabled).', { enabled: false }],
    ['enforce', 'Put a policy row in enforce mode: it terminates.', { mode: PolicyMode.ENFORCE }],
    ['observe', 'Put a policy row in observe mode: it only records would-terminate.', { mode: PolicyMode.OBSERVE }],
  ] as const) {
    withTargetOptions(
      policy
        .command(name)
        .description(description)
        .argument('<id>', 'policyId')
        .option('--by <name>', 'your name for updatedBy (next to the caller ARN)'),
    ).action(action((context, id: string, options: { by?: string }) => changeRow(context, name, id, changes, options)));
  }

  withTargetOptions(
    policy
      .command('delete')
      .description('Delete a policy row; asks for confirmation unless --yes.')
      .argument('<id>', 'policyId')
      .option('-y, --yes', 'delete without asking (needed when there is no terminal to ask on)'),
  ).action(action(deleteRow));

  withTargetOptions(
    policy
      .command('export')
      .description('Print every policy row (YAML or JSON), ready to edit and feed back to `policy put --file`.'),
    false,
  )
    .addOption(new Option('-o, --output <format>', 'output format').choices(FILE_FORMATS).default('yaml'))
    .action(action(exportRows));

  policy
    .command('skeleton')
    .description('Print a complete sample row of a kind, ready to edit and feed to `policy put --file`.')
    .addArgument(new Argument('<kind>', 'policy kind').choices(POLICY_KINDS))
    .addOption(new Option('-o, --output <format>', 'output format').choices(FILE_FORMATS).default('yaml'))
    .action(action(printSkeleton));

  return policy;
}

async function storeOf(context: CliContext): Promise<PolicyStore> {
  return new DynamoPolicyStore(await context.clients.dynamodb(), await context.tables.name('policies'));
}

async function stampOf(context: CliContext, by: string | undefined): Promise<PolicyChangeStamp> {
  return { updatedBy: await context.changedBy(by), updatedAt: context.now().toISOString() };
}

/** Validates a row to write with its change stamp applied; a usage error listing every field at fault otherwise. */
function validForWrite(
  item: Record<string, unknown>,
  stamp: PolicyChangeStamp,
  where?: string,
  flags = false,
): PolicyRow {
  const parsed = parsePolicyRow({ ...withoutBookkeeping(item), ...stamp });
  if (parsed.ok) return parsed.row;
  throw new CliUsageError(rowErrorText(parsed.error, where, flags));
}

function rowErrorText(error: PolicyValidationError, where: string | undefined, flags: boolean): string {
  const lines = error.issues.map((issue) => {
    const flag = flags ? FLAG_OF_ATTRIBUTE[issue.field.split('.')[0] ?? ''] : undefined;
    return `  - ${flag ? issueLine({ ...issue, field: `${issue.field} (${flag})` }) : issueLine(issue)}`;
  });
  return [
    `policy row ${JSON.stringify(error.policyId)}${where ? ` (${where})` : ''} is invalid; nothing was written:`,
    ...lines,
  ].join('\n');
}

async function addRow(
  context: CliContext,
  kind: PolicyKind,
  options: AddRowOptions & { replace?: boolean; by?: string },
): Promise<void> {
  context.format([OutputFormat.TABLE, OutputFormat.JSON], 'policy add');
  const item = rowFromFlags(kind, options, context.now());
  // Check before asking AWS anything: a typo fails fast, offline.
  validForWrite(item, { updatedBy: 'cvpn-guard', updatedAt: context.now().toISOString() }, undefined, true);
  if (kind === PolicyKind.EXEMPT && options.enforce)
    context.note('note: exempt rows never terminate; --enforce does not apply to them');
  const store = await storeOf(context);
  const stamp = await stampOf(context, options.by);
  const row = validForWrite(item, stamp, undefined, true);
  const current = options.replace ? await store.get(row.policyId) : undefined;
  const condition = policyWriteCondition({ replace: options.replace === true, current });
  let version: number;
  try {
    version = await store.put(withoutBookkeeping(row) as typeof row, condition, stamp);
  } catch (error) {
    throw writeError(error);
  }
  const verb = current ? 'replaced' : 'added';
  if (context.options.output === OutputFormat.JSON) {
    context.print(renderJson({ policyId: row.policyId, action: verb, version }));
    return;
  }
  context.print(`${verb} policy row ${row.policyId} (${row.kind}, ${modeText(row)}, version ${version})\n`);
  if ('mode' in row && row.mode === PolicyMode.OBSERVE && row.kind !== PolicyKind.EXEMPT) {
    context.note(
      `It only records would-terminate. Watch it: cvpn-guard audit list --policy ${row.policyId} --outcome would-terminate; then: cvpn-guard policy enforce ${row.policyId}`,
    );
  }
}

async function putRows(context: CliContext, options: { file: string; replace?: boolean; by?: string }): Promise<void> {
  context.format([OutputFormat.TABLE, OutputFormat.JSON], 'policy put');
  const fileRows = await readPolicyFile(options.file, context.io.stdin);
  const checked = checkFileRows(fileRows);
  if (checked.errors.length > 0) {
    context.note(
      `${checked.errors.join('\n')}\n${checked.errors.length} of ${fileRows.length} rows are invalid; nothing was written.`,
    );
    throw new CliExit(ExitCode.USAGE);
  }
  const store = await storeOf(context);
  const stamp = await stampOf(context, options.by);
  const results: { policyId: string; action: string; version?: number; previousVersion?: number; error?: string }[] =
    [];
  let exitCode: ExitCode = ExitCode.OK;
  for (const { row, item, where } of checked.rows) {
    try {
      const current = await store.get(row.policyId);
      const readVersion = typeof item.version === 'number' ? item.version : undefined;
      // Already what the file says: nothing to write, whatever version the file was read at.
      if (current && sameContent(current.item, row)) {
        results.push({ policyId: row.policyId, action: 'unchanged', version: current.version });
        continue;
      }
      const condition = policyWriteCondition({ replace: options.replace === true, current, readVersion });
      const written = validForWrite(row, stamp, where);
      const version = await store.put(withoutBookkeeping(written) as typeof written, condition, stamp);
      results.push({
        policyId: row.policyId,
        action: condition.expect === 'absent' ? 'created' : 'updated',
        version,
        previousVersion: current?.version,
      });
    } catch (error) {
      const explained = explainError(writeError(error), context.scene());
      results.push({ policyId: row.policyId, action: 'failed', error: explained.message });
      exitCode =
        exitCode === ExitCode.FAILURE || explained.exitCode === ExitCode.FAILURE
          ? ExitCode.FAILURE
          : explained.exitCode;
    }
  }
  if (context.options.output === OutputFormat.JSON) context.print(renderJson(results));
  else {
    for (const result of results) {
      if (result.action === 'failed') context.note(`cvpn-guard: ${result.error}`);
      else if (result.action === 'updated')
        context.print(
          `updated ${result.policyId} (${describeVersion(result.previousVersion)} → version ${result.version})\n`,
        );
      else context.print(`${result.action} ${result.policyId} (version ${result.version ?? '-'})\n`);
    }
  }
  if (exitCode !== ExitCode.OK) throw new CliExit(exitCode);
}

/** Rows of a file checked as a whole: every row valid, each id once. */
function checkFileRows(fileRows: readonly FileRow[]): {
  rows: { row: PolicyRow; item: Record<string, unknown>; where: string }[];
  errors: string[];
} {
  const rows: { row: PolicyRow; item: Record<string, unknown>; where: string }[] = [];
  const errors: string[] = [];
  const seen = new Map<string, string>();
  for (const { where, item } of fileRows) {
    const parsed = parsePolicyRow(item);
    if (!parsed.ok) {
      errors.push(invalidRowBlock(parsed.error, where));
      continue;
    }
    const earlier = seen.get(parsed.row.policyId);
    if (earlier)
      errors.push(
        `policy row ${JSON.stringify(parsed.row.policyId)} (${where}) appears twice: also ${earlier}; keep one`,
      );
    seen.set(parsed.row.policyId, where);
    rows.push({ row: parsed.row, item: item as Record<string, unknown>, where });
  }
  return { rows, errors };
}

async function validateFile(context: CliContext, options: { file: string }): Promise<void> {
  const fileRows = await readPolicyFile(options.file, context.io.stdin);
  const checked = checkFileRows(fileRows);
  if (context.options.output === OutputFormat.JSON) {
    const invalid = fileRows.flatMap(({ where, item }) => {
      const parsed = parsePolicyRow(item);
      return parsed.ok ? [] : [{ where, ...invalidRowJson(parsed.error) }];
    });
    context.print(
      renderJson({ valid: checked.errors.length === 0, rows: fileRows.length, invalid, problems: checked.errors }),
    );
  } else if (checked.errors.length === 0) {
    context.print(
      `${options.file}: ${fileRows.length} valid policy ${fileRows.length === 1 ? 'row' : 'rows'} (${checked.rows.map(({ row }) => row.policyId).join(', ')})\n`,
    );
  } else {
    context.note(
      `${checked.errors.join('\n')}\n${options.file}: ${checked.errors.length} of ${fileRows.length} rows are invalid.`,
    );
  }
  if (checked.errors.length > 0) throw new CliExit(ExitCode.USAGE);
}

async function readAll(context: CliContext): Promise<ReadRow[]> {
  const store = await storeOf(context);
  return (await store.list()).map((stored) => {
    const parsed = parsePolicyRow(stored.item);
    return parsed.ok ? { stored, row: parsed.row } : { stored, error: parsed.error };
  });
}

async function listRows(context: CliContext, options: { kind?: PolicyKind; enabled?: boolean }): Promise<void> {
  const format = context.format([OutputFormat.TABLE, OutputFormat.JSON], 'policy list');
  const now = context.now();
  const all = await readAll(context);
  const shown = all.filter(({ stored, row }) => {
    const kind = row?.kind ?? stored.item.kind;
    const enabled = row ? row.enabled : stored.item.enabled !== false;
    return (options.kind === undefined || kind === options.kind) && (!options.enabled || enabled);
  });
  if (format === OutputFormat.JSON) {
    context.print(
      renderJson(
        shown.map(({ stored, row, error }) => ({
          policyId: stored.policyId,
          valid: row !== undefined,
          ...(row ? { state: stateOf(row, now) } : { issues: invalidRowJson(error!).issues }),
          row: plainItem(stored.item),
        })),
      ),
    );
    return;
  }
  const valid = shown.filter((entry): entry is ReadRow & { row: PolicyRow } => entry.row !== undefined);
  const invalid = shown.filter((entry) => entry.error !== undefined);
  if (shown.length === 0) {
    context.print(
      all.length === 0 ? 'No policy rows. Add one: cvpn-guard policy add --help\n' : 'No policy row matches.\n',
    );
    return;
  }
  if (valid.length > 0) {
    context.print(
      renderTable(
        [
          { header: 'POLICY ID', value: ({ row }) => row.policyId },
          { header: 'KIND', value: ({ row }) => row.kind },
          { header: 'STATE', value: ({ row }) => stateOf(row, now) },
          { header: 'MODE', value: ({ row }) => modeText(row) },
          { header: 'ENDPOINTS', value: ({ row }) => endpointSummary(row.endpoints) },
          { header: 'WHO', value: ({ row }) => whoSummary(row) },
          { header: 'RULE', value: ({ row }) => ruleInWords(row) },
          { header: 'CAP', value: ({ row }) => row.maxTerminations },
          { header: 'EXPIRES', value: ({ row }) => row.expiresAt },
          { header: 'VER', value: ({ row }) => row.version },
          { header: 'REASON', value: ({ row }) => row.reason },
        ],
        valid,
      ),
    );
  }
  if (invalid.length > 0) {
    context.print(
      `\n${invalid.length} invalid ${invalid.length === 1 ? 'row matches' : 'rows match'} nothing until fixed (cvpn-guard policy export, edit, policy put --file):\n` +
        invalid.map(({ error }) => invalidRowBlock(error!)).join('\n') +
        '\n',
    );
  }
}

async function showRow(context: CliContext, id: string): Promise<void> {
  const format = context.format([OutputFormat.TABLE, OutputFormat.JSON], 'policy show');
  const stored = await existing(await storeOf(context), id);
  const parsed = parsePolicyRow(stored.item);
  if (format === OutputFormat.JSON) {
    context.print(
      renderJson({
        policyId: stored.policyId,
        valid: parsed.ok,
        ...(parsed.ok
          ? { state: stateOf(parsed.row, context.now()) }
          : { issues: invalidRowJson(parsed.error).issues }),
        row: plainItem(stored.item),
      }),
    );
    return;
  }
  const item = orderedItem(stored.item);
  context.print(
    renderPairs(
      Object.entries(item).map(([name, value]) => [
        name,
        Array.isArray(value)
          ? value.join(', ')
          : typeof value === 'object' && value !== null
            ? JSON.stringify(value)
            : (value as string),
      ]),
    ),
  );
  context.print(
    parsed.ok
      ? `\nvalid; ${stateOf(parsed.row, context.now())}: ${ruleInWords(parsed.row)}\n`
      : `\n${invalidRowBlock(parsed.error)}\nIt matches nothing until fixed.\n`,
  );
}

async function changeRow(
  context: CliContext,
  command: string,
  id: string,
  changes: Readonly<Record<string, unknown>>,
  options: { by?: string },
): Promise<void> {
  const format = context.format([OutputFormat.TABLE, OutputFormat.JSON], `policy ${command}`);
  const store = await storeOf(context);
  const stored = await existing(store, id);
  if (stored.item.kind === PolicyKind.EXEMPT && 'mode' in changes) {
    throw new CliUsageError(
      `policy row ${JSON.stringify(id)} is an exempt row: it never terminates, so it has no mode to change`,
    );
  }
  const unchanged = Object.entries(changes).every(
    ([name, value]) =>
      stored.item[name] === value || (name === 'enabled' && value === true && stored.item.enabled === undefined),
  );
  if (unchanged) {
    if (format === OutputFormat.JSON)
      context.print(renderJson({ policyId: id, action: 'unchanged', version: stored.version }));
    else
      context.print(
        `${id} is already ${Object.values(changes)
          .map((value) => (value === true ? 'enabled' : value === false ? 'disabled' : `in ${String(value)} mode`))
          .join(', ')} (${describeVersion(stored.version)}); nothing written\n`,
      );
    return;
  }
  const stamp = await stampOf(context, options.by);
  const parsed = parsePolicyRow({ ...withoutBookkeeping(stored.item), ...changes, ...stamp });
  if (!parsed.ok) {
    throw new CliUsageError(
      `${rowErrorText(parsed.error, undefined, false)}\nThe row in the table is invalid: fix it with cvpn-guard policy export, edit, cvpn-guard policy put --file (or delete it)`,
    );
  }
  let version: number;
  try {
    version = await store.update(id, changes, stored.version, stamp);
  } catch (error) {
    throw writeError(error);
  }
  if (format === OutputFormat.JSON)
    context.print(renderJson({ policyId: id, action: 'updated', version, previousVersion: stored.version }));
  else
    context.print(
      `${command === 'enforce' || command === 'observe' ? `${id} now in ${command} mode` : `${command}d ${id}`} (${describeVersion(stored.version)} → version ${version})\n`,
    );
}

async function deleteRow(context: CliContext, id: string, options: { yes?: boolean }): Promise<void> {
  const format = context.format([OutputFormat.TABLE, OutputFormat.JSON], 'policy delete');
  const store = await storeOf(context);
  const stored = await existing(store, id);
  if (!options.yes) {
    if (!context.io.interactive) {
      throw new CliUsageError(
        `policy delete ${id} needs confirmation and there is no terminal to ask on: pass --yes to delete it`,
      );
    }
    const what = `${String(stored.item.kind ?? 'unknown kind')}, ${describeVersion(stored.version)}`;
    if (!(await confirm(context.io, `Delete policy row ${id} (${what})? It stops applying at the next run.`))) {
      throw new CliOperationError(`not deleted: policy row ${id} is unchanged`);
    }
  }
  try {
    await store.delete(id, stored.version);
  } catch (error) {
    throw writeError(error);
  }
  if (format === OutputFormat.JSON)
    context.print(renderJson({ policyId: id, action: 'deleted', version: stored.version }));
  else context.print(`deleted ${id} (was ${describeVersion(stored.version)})\n`);
}

async function exportRows(context: CliContext, options: { output: string }): Promise<void> {
  const all = await readAll(context);
  const items = all.map(({ stored }) => orderedItem(stored.item));
  context.print(
    options.output === 'json' ? renderJson(items) : items.length === 0 ? '[]\n' : stringify(items, YAML_OPTIONS),
  );
  const invalid = all.filter(({ error }) => error !== undefined);
  if (invalid.length > 0) {
    context.note(
      `note: ${invalid.length} exported ${invalid.length === 1 ? 'row is' : 'rows are'} invalid (${invalid.map(({ stored }) => stored.policyId).join(', ')}): fix them before \`policy put\` takes the file`,
    );
  }
}

async function printSkeleton(context: CliContext, kind: PolicyKind, options: { output: string }): Promise<void> {
  context.print(options.output === 'json' ? renderJson(skeletonRow(kind)) : skeletonYaml(kind));
}

async function existing(store: PolicyStore, id: string): Promise<StoredPolicy> {
  const stored = await store.get(id);
  if (stored) return stored;
  throw new CliUsageError(
    `no policy row ${JSON.stringify(id)} in the policies table: see the ids with cvpn-guard policy list`,
  );
}

/** A failed write as the error a person reads, with the way out. */
function writeError(error: unknown): unknown {
  if (error instanceof PolicyExistsError) {
    return new CliUsageError(
      `${error.message}: pass --replace to overwrite it, or edit it (cvpn-guard policy export, edit, put --file keeps its version)`,
      { cause: error },
    );
  }
  if (error instanceof PolicyConflictError) {
    return new CliOperationError(
      `conflict: ${error.message}; nothing was written. Read it again (cvpn-guard policy show ${error.policyId}) and redo your change on top of it`,
      { cause: error },
    );
  }
  return error;
}

function modeText(row: PolicyRow): string {
  return row.kind === PolicyKind.EXEMPT ? '-' : row.mode;
}

function withoutBookkeeping(item: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(item).filter(([name]) => !(BOOKKEEPING as readonly string[]).includes(name)),
  );
}

/** True when the stored item already says what the row says (bookkeeping aside). */
function sameContent(stored: Readonly<Record<string, unknown>>, row: PolicyRow): boolean {
  const parsed = parsePolicyRow(stored);
  if (!parsed.ok) return false;
  return (
    JSON.stringify(orderedItem(withoutBookkeeping(parsed.row))) === JSON.stringify(orderedItem(withoutBookkeeping(row)))
  );
}

/** An item with string sets as lists (what JSON and YAML can hold). */
function plainItem(item: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(item).map(([name, value]) => [name, value instanceof Set ? [...(value as Set<unknown>)] : value]),
  );
}

/** An item with its attributes in the order a person reads a row (unknown attributes last, by name). */
function orderedItem(item: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const plain = plainItem(item);
  const rank = (name: string) => {
    const index = POLICY_ATTRIBUTE_ORDER.indexOf(name);
    return index === -1 ? POLICY_ATTRIBUTE_ORDER.length : index;
  };
  return Object.fromEntries(
    Object.entries(plain).sort(([left], [right]) => rank(left) - rank(right) || left.localeCompare(right)),
  );
}
