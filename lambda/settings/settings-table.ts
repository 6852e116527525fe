import { CONNECT_HANDLER_PREFIX, MAX_FUNCTION_NAME_LENGTH } from './connect-handler-name.js';
import { readersOf, SETTING_KEYS, SETTINGS, SettingReader } from './registry.js';

/**
 * Text safe in a Markdown table cell: `|` escaped everywhere (code spans included, as tables require), and
 * outside code spans the characters Markdown would read as HTML or emphasis (`<n>`, `* * *`).
 */
function cell(text: string): string {
  return text
    .split('`')
    .map((part, index) => (index % 2 === 1 ? part : part.replace(/[<>*]/g, (character) => `\\${character}`)))
    .join('`')
    .replace(/\|/g, '\\|')
    .replace(/\n/g, ' ');
}

/** A default as cdk.json writes it. */
const defaultText = (value: unknown): string =>
  typeof value === 'string' && value !== '' ? `\`${value}\`` : `\`${JSON.stringify(value)}\``;

/** A setting's variable, with the functions that read it when the enforcer is not the only one. */
function variableCell(key: (typeof SETTING_KEYS)[number]): string {
  const { env } = SETTINGS[key];
  if (env === undefined) return '—';
  const readers = readersOf(key);
  const only = readers.length === 1 && readers[0] === SettingReader.ENFORCER;
  return only ? `\`${env}\`` : `\`${env}\` (${readers.join(', ')})`;
}

/** The settings table: one row per setting, in registry order. */
export function settingsTable(): string {
  const rows = SETTING_KEYS.map((key) => {
    const setting = SETTINGS[key];
    return [
      `\`${setting.key}\``,
      variableCell(key),
      defaultText(setting.default),
      cell(setting.accepted),
      cell(setting.doc),
    ];
  });
  return [
    '| context key | environment variable | default | accepted values | what it does |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

/** docs/settings.md: a short introduction, then the settings table. */
export function settingsDocument(): string {
  return `# Settings

<!-- Generated from lambda/settings by \`npm run schema\`; a test fails while this file is stale. -->

Every setting has a safe default, held in \`cdk.json\` under \`"context"\`. Change one for good in
\`cdk.json\`, or for one command with \`-c key=value\` (lists comma-separated). \`-c\` values are not
remembered: the next \`cdk deploy\` without them goes back to \`cdk.json\`. A bad value fails
\`cdk synth\` / \`cdk deploy\` with a message naming the key, the value and what is accepted.

The stack hands the settings a run needs to the function as environment variables. The function
checks them again when it starts, with the same rules and in the same words (naming the variable
and the key), so a value changed on the function by hand is refused as \`cdk synth\` would refuse it;
a variable that is empty counts as not set. \`cvpn-guard plan\` and \`cvpn-guard doctor\` read the
endpoint selection, the cap and the switches from the same variables: the deployed function's with
\`--stack\`, else their own environment. A setting without a variable (—) shapes the stack only. A
variable is the enforcer's unless the table names the functions that read it: \`gate\` is the
client connect handler, which decides each connection attempt before Client VPN admits it.

Checked together at synthesis: \`timeoutSeconds\` is shorter than the schedule period and than
\`leaseSeconds\`, \`timeMarginSeconds\` is shorter than \`timeoutSeconds\`, \`endpointIds\` and
\`endpointTag\` are not both set, \`attachConnectHandler\` comes with \`endpointIds\` (not
\`endpointTag\`), and \`stackName\` leaves the client connect handler's name,
\`${CONNECT_HANDLER_PREFIX}<stackName>\`, within the ${MAX_FUNCTION_NAME_LENGTH} characters Lambda allows.

${settingsTable()}
`;
}
