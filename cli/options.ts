import { type Command, InvalidArgumentError, Option } from 'commander';
import { OutputFormat } from './output/index.js';
import { DEFAULT_SANDBOX_URL } from './target.js';

/**
 * Adds the options that say where the deployment is and how to print, to one command. They sit on each
 * command (not on the program) so that they never take the sandbox command's own `--region`. `formats: false`
 * leaves `--output` to the command (files: yaml or json). `across: 'spokes'` (the commands that act across the
 * spokes of a hub) makes `--region` a list and adds `--account` and `--hub-region`.
 */
export function withTargetOptions(
  command: Command,
  formats: readonly OutputFormat[] | false = [OutputFormat.TABLE, OutputFormat.JSON],
  across: 'spokes' | 'one' = 'one',
): Command {
  if (formats !== false)
    command.addOption(
      new Option('-o, --output <format>', 'output format').choices(formats as string[]).default(OutputFormat.TABLE),
    );
  command
    .option('--stack <name>', "read the table names from this deployed stack's outputs (CloudFormation)")
    .option(
      '--sandbox [url]',
      `use the local sandbox (default ${DEFAULT_SANDBOX_URL}): its tables, dummy credentials, us-east-1`,
    )
    .option('--policies-table <name>', 'policies table (overrides --stack; env CVPN_GUARD_POLICIES_TABLE)')
    .option('--audit-table <name>', 'audit table (overrides --stack; env CVPN_GUARD_AUDIT_TABLE)')
    .option('--state-table <name>', 'state table (overrides --stack; env CVPN_GUARD_STATE_TABLE)')
    .addOption(
      across === 'spokes'
        ? new Option(
            '--region <names>',
            "a single deployment: its AWS Region (default: AWS_REGION or the profile's). A hub: the spokes' Regions, comma-separated or repeated, or all (default all)",
          ).argParser(listOf)
        : new Option('--region <region>', "AWS region (default: AWS_REGION or the profile's region)"),
    )
    .option('--profile <name>', 'AWS profile for credentials and region (default: AWS_PROFILE)')
    .option('--endpoint-url <url>', "send every AWS call to this URL (as the AWS CLI's --endpoint-url)");
  return across === 'spokes' ? withSpokeOptions(command) : command;
}

/** The options that select spokes of a hub; `--region` selects them too when the stack is a hub. */
function withSpokeOptions(command: Command): Command {
  return command
    .option(
      '--account <ids>',
      'a hub: only the spokes in these accounts (12-digit ids), comma-separated or repeated, or all (default all)',
      listOf,
    )
    .option(
      '--hub-region <name>',
      "a hub: the hub's own Region, where its stack and tables are (default: AWS_REGION or the profile's, or the one --region)",
    );
}

/** A parser for a whole-number option (`--limit 50`): commander reports anything else as bad usage. */
export function wholeNumber(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const number = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || number < min || number > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}.`);
    }
    return number;
  };
}

/** A parser for a list option: comma-separated, repeatable (`--users alice,bob --users carol`). */
export function listOf(value: string, previous: readonly string[] | undefined): string[] {
  return [
    ...(previous ?? []),
    ...value
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== ''),
  ];
}

/** Adds the options that say which endpoints the deployment enforces on (plan and doctor). */
export function withSelectionOptions(command: Command): Command {
  return command
    .option(
      '--endpoint-ids <ids>',
      "only these endpoints, comma-separated (default: with --stack the deployed enforcer's selection, else env CVPN_GUARD_ENDPOINT_IDS, else every endpoint)",
      listOf,
    )
    .option(
      '--endpoint-tag <key=value>',
      "only endpoints with this tag (default: with --stack the deployed enforcer's, else env CVPN_GUARD_ENDPOINT_TAG)",
    );
}
