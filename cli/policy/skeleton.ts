import { stringify } from 'yaml';
import { PolicyKind, PolicyMode, ROW_SCHEMAS as SCHEMAS } from '../../lambda/domain/index.js';

/** Attributes the CLI writes itself on every change; a skeleton leaves them out. */
const BOOKKEEPING = ['updatedBy', 'updatedAt', 'version'];

/** A sample value for each optional attribute a sample leaves out (shown commented out in YAML). */
const OPTIONAL_EXAMPLES: Readonly<Record<string, unknown>> = {
  usernames: ['alice'],
  commonNames: ['alice.vpn.example.com'],
  expiresAt: '2026-12-31T23:59:59Z',
  maxTerminations: 10,
  minBytes: 0,
  mode: PolicyMode.OBSERVE,
};

/** A sample row per kind: every attribute it needs, new rows in observe mode, a per-run cap. */
const SAMPLES: Readonly<Record<PolicyKind, Readonly<Record<string, unknown>>>> = {
  [PolicyKind.REVOKED_USER]: {
    policyId: 'offboard-jdoe',
    kind: PolicyKind.REVOKED_USER,
    enabled: true,
    mode: PolicyMode.OBSERVE,
    endpoints: ['*'],
    usernames: ['jdoe'],
    commonNames: ['jdoe.vpn.example.com'],
    maxTerminations: 10,
    reason: 'jdoe left the company (ticket HR-1234)',
  },
  [PolicyKind.IDLE]: {
    policyId: 'idle-30m',
    kind: PolicyKind.IDLE,
    enabled: true,
    mode: PolicyMode.OBSERVE,
    endpoints: ['*'],
    idleMinutes: 30,
    minBytes: 0,
    maxTerminations: 20,
    reason: 'Free seats held by sessions idle for 30 minutes',
  },
  [PolicyKind.MAX_SESSION]: {
    policyId: 'max-session-12h',
    kind: PolicyKind.MAX_SESSION,
    enabled: true,
    mode: PolicyMode.OBSERVE,
    endpoints: ['*'],
    maxSessionMinutes: 720,
    maxTerminations: 20,
    reason: 'Sessions reconnect at least every 12 hours',
  },
  [PolicyKind.OFF_HOURS]: {
    policyId: 'contractors-office-hours',
    kind: PolicyKind.OFF_HOURS,
    enabled: true,
    mode: PolicyMode.OBSERVE,
    endpoints: ['*'],
    usernames: ['contractor1', 'contractor2'],
    days: ['mon', 'tue', 'wed', 'thu', 'fri'],
    start: '07:00',
    end: '20:00',
    timezone: 'Europe/Berlin',
    maxTerminations: 20,
    reason: 'Contractors connect on working days only',
  },
  [PolicyKind.MAX_CONNECTIONS]: {
    policyId: 'one-connection-each',
    kind: PolicyKind.MAX_CONNECTIONS,
    enabled: true,
    mode: PolicyMode.OBSERVE,
    endpoints: ['*'],
    maxConnections: 1,
    maxTerminations: 20,
    reason: 'One VPN connection per person; the newest is kept',
  },
  [PolicyKind.LOCKDOWN]: {
    policyId: 'lockdown-incident',
    kind: PolicyKind.LOCKDOWN,
    enabled: true,
    mode: PolicyMode.OBSERVE,
    endpoints: ['cvpn-endpoint-0123456789abcdef0'],
    maxTerminations: 200,
    reason: 'Incident response: nobody but the responders connects until the incident is closed',
  },
  [PolicyKind.EXEMPT]: {
    policyId: 'exempt-oncall',
    kind: PolicyKind.EXEMPT,
    enabled: true,
    endpoints: ['*'],
    usernames: ['oncall-robot'],
    reason: 'The on-call robot keeps its session whatever the other rules say',
  },
};

/** Every kind, for help and argument checks. */
export const POLICY_KINDS: readonly PolicyKind[] = Object.values(PolicyKind);

/** A complete sample row of `kind`, as `policy put --file` takes it. */
export function skeletonRow(kind: PolicyKind): Record<string, unknown> {
  return JSON.parse(JSON.stringify(SAMPLES[kind])) as Record<string, unknown>;
}

/**
 * The sample row as commented YAML: each attribute under its description (what it means and what it
 * accepts, from the schema), then the optional attributes the sample leaves out, commented out.
 */
export function skeletonYaml(kind: PolicyKind): string {
  const shape = SCHEMAS[kind].shape as Record<string, { description?: string }>;
  const sample = SAMPLES[kind];
  const lines = [
    `# ${/^[aeiou]/.test(kind) ? 'An' : 'A'} ${kind} policy row. ${SCHEMAS[kind].description ?? ''}`.trimEnd(),
    '# Edit it, then: cvpn-guard policy put --file <this file>   (check first with: cvpn-guard policy validate --file <this file>)',
    '',
  ];
  for (const [name, value] of Object.entries(sample)) {
    lines.push(...comment(shape[name]?.description), stringify({ [name]: value }, { version: '1.1' }).trimEnd(), '');
  }
  const optional = Object.keys(shape).filter(
    (name) => !(name in sample) && !BOOKKEEPING.includes(name) && name in OPTIONAL_EXAMPLES,
  );
  if (optional.length > 0) lines.push('# Optional attributes (remove the "# " to use one):', '');
  for (const name of optional) {
    lines.push(
      ...comment(shape[name]?.description),
      ...stringify({ [name]: OPTIONAL_EXAMPLES[name] }, { version: '1.1' })
        .trimEnd()
        .split('\n')
        .map((line) => `# ${line}`),
      '',
    );
  }
  lines.push(`# ${BOOKKEEPING.join(', ')} are written by the CLI on every change.`);
  return `${lines.join('\n')}\n`;
}

/** A description as comment lines of at most about 100 characters. */
function comment(text: string | undefined): string[] {
  if (!text) return [];
  const lines: string[] = [];
  let line = '#';
  for (const word of text.split(/\s+/)) {
    if (line.length + word.length + 1 > 100 && line !== '#') {
      lines.push(line);
      line = '#';
    }
    line += ` ${word}`;
  }
  lines.push(line);
  return lines;
}
