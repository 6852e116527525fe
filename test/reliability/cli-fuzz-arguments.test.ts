/**
 * Fuzzing the CLI's arguments against the sandbox: every command with its flags given odd values
 * (empty, blank, odd unicode, very long, negative, not numbers, times that do not exist, lists of
 * commas), flags repeated or unknown, stray words. Each run exits 0, 1 or 2 and explains a failure
 * in one message (never a stack trace); nothing it writes to the policies table is an invalid row,
 * and no row it adds terminates unless `--enforce` was given.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parsePolicyRow } from '../../lambda/domain/index.js';
import { type Sandbox, startSandbox } from '../../local/index.js';
import { scanAll } from '../support/sandbox-enforcer.js';
import { runCliInProcess, STACK_TRACE } from './support/cli.js';
import { arbOddText, FUZZ_SEED, fuzzParameters } from './support/fuzz.js';
import { SandboxLambda } from './support/harness.js';
import { scenario, START } from './support/scenario.js';

const KINDS = ['revoked-user', 'idle', 'max-session', 'off-hours', 'max-connections', 'exempt'];
const IDS = ['offboarded', 'max-8h', 'break-glass', 'typo', 'new-row', 'fuzz-1', 'fuzz-2'];

const arbValue: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '-',
    '--',
    '-x',
    '*',
    ',',
    ',,a,,',
    'mallory',
    'alice,bob',
    'cvpn-endpoint-0aaaaaaaaaaaaaaa1',
    'cvpn-endpoint-0aaaaaaaaaaaaaaa1,*',
    'cvpn-endpoint-zz',
    '0',
    '-1',
    '1.5',
    ' 3 ',
    '1e9',
    'NaN',
    '99999999999999999999',
    '30',
    '08:00',
    '24:61',
    'Europe/Berlin',
    'Mars/Base',
    'mon,tue',
    'funday',
    '8h',
    '-8h',
    '0d',
    '99999d',
    '2026-11-26T10:00:00Z',
    '2026-02-30T10:00:00Z',
    'yesterday',
    'json',
    'csv',
    'yaml',
    'terminated,failed',
    'run-2026-11-26T10:00:00Z',
    'x'.repeat(3000),
  ),
  fc.constantFrom('mallory', 'offboarded', 'alice').chain(arbOddText),
  fc.string({ maxLength: 20 }),
);

const arbFlag = (name: string) => fc.tuple(fc.constant(name), arbValue).map(([flag, value]) => [flag, value]);

/** The flags of `policy add` and friends, any subset, any values. */
const arbAddFlags = fc
  .subarray([
    '--endpoints',
    '--users',
    '--common-names',
    '--idle-minutes',
    '--min-bytes',
    '--max-session-minutes',
    '--max-connections',
    '--days',
    '--start',
    '--end',
    '--timezone',
    '--expires',
    '--max-terminations',
    '--by',
  ])
  .chain((names) => fc.tuple(...names.map(arbFlag)))
  .map((pairs) => pairs.flat());

/** The flags each kind needs, with good values: the odd ones then come from the optional flags. */
const NEEDED: Readonly<Record<string, readonly string[]>> = {
  'revoked-user': ['--users', 'mallory'],
  idle: ['--idle-minutes', '30'],
  'max-session': ['--max-session-minutes', '480'],
  'off-hours': ['--days', 'mon,tue,wed,thu,fri', '--start', '08:00', '--end', '18:00', '--timezone', 'Europe/Berlin'],
  'max-connections': ['--max-connections', '2'],
  exempt: ['--users', 'root-admin'],
};

/** `policy add` with what its kind needs, and any other flags with any values. */
const arbNearlyRightAdd = fc
  .tuple(
    fc.constantFrom(...KINDS),
    fc.nat(),
    arbValue,
    fc
      .array(
        fc.constantFrom(
          '--endpoints',
          '--users',
          '--common-names',
          '--expires',
          '--max-terminations',
          '--min-bytes',
          '--by',
        ),
        { maxLength: 2 },
      )
      .chain((names) => fc.tuple(...names.map(arbFlag))),
    fc.subarray(['--enforce', '--disabled', '--replace']),
  )
  .map(([kind, n, reason, flags, switches]) => [
    'policy',
    'add',
    kind,
    '--id',
    `fuzz-${n % 20}`,
    '--reason',
    reason.trim() ? reason : 'fuzzing',
    ...(NEEDED[kind] ?? []),
    ...flags.flat(),
    ...switches,
  ]);

const arbCommand: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 4, arbitrary: arbNearlyRightAdd },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.constantFrom('enable', 'disable', 'enforce', 'observe'),
        fc.constantFrom('offboarded', 'max-8h', 'break-glass', 'typo', 'fuzz-1', 'fuzz-2'),
      )
      .map(([verb, id]) => ['policy', verb, id]),
  },
  fc
    .tuple(
      fc.constantFrom(...KINDS, 'no-such-kind'),
      fc.constantFrom(...IDS),
      arbValue,
      arbValue,
      arbAddFlags,
      fc.subarray(['--enforce', '--disabled', '--replace']),
    )
    .map(([kind, id, odd, reason, flags, switches]) => [
      'policy',
      'add',
      kind,
      '--id',
      odd.length % 2 ? id : odd,
      '--reason',
      reason,
      ...flags,
      ...switches,
    ]),
  fc
    .tuple(
      fc.constantFrom('show', 'enable', 'disable', 'enforce', 'observe'),
      fc.oneof(fc.constantFrom(...IDS), arbValue),
    )
    .map(([verb, id]) => ['policy', verb, id]),
  fc
    .tuple(fc.oneof(fc.constantFrom(...IDS), arbValue), fc.boolean())
    .map(([id, yes]) => ['policy', 'delete', id, ...(yes ? ['--yes'] : [])]),
  fc
    .tuple(fc.constantFrom('list', 'export'), fc.subarray(['--enabled']))
    .map(([verb, flags]) => ['policy', verb, ...flags]),
  fc.tuple(fc.oneof(fc.constantFrom(...KINDS), arbValue)).map(([kind]) => ['policy', 'skeleton', kind]),
  fc
    .subarray([
      '--since',
      '--until',
      '--user',
      '--endpoint',
      '--policy',
      '--run',
      '--outcome',
      '--limit',
      '--next-token',
    ])
    .chain((names) => fc.tuple(...names.map(arbFlag)))
    .map((pairs) => ['audit', 'list', ...pairs.flat()]),
  fc.tuple(arbFlag('--since'), arbFlag('--limit')).map(([since, limit]) => ['audit', 'runs', ...since, ...limit]),
  arbValue.map((run) => ['audit', 'show', run]),
  fc
    .tuple(arbFlag('--at'), fc.subarray(['--dry-run']), arbFlag('--endpoint-ids'))
    .map(([at, dry, ids]) => ['plan', ...at, ...dry, ...ids]),
  fc.constant<string[]>(['doctor']),
  fc.array(arbValue, { maxLength: 4 }),
);

/** A command, sometimes with an output format, a stray flag or word, or a flag given twice. */
const arbArgv = fc
  .tuple(
    arbCommand,
    fc.option(fc.constantFrom('json', 'csv', 'yaml', 'table', 'xml'), { nil: undefined }),
    fc.option(fc.constantFrom('--verbose', '--debug', 'extra', '--sandbox', '--region', '--stack', '-h'), {
      nil: undefined,
    }),
  )
  .map(([command, output, stray]) => [...command, ...(output ? ['--output', output] : []), ...(stray ? [stray] : [])]);

describe(`fuzzing the CLI's arguments (seed ${FUZZ_SEED})`, () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, scenario: scenario(), clock: { start: START, frozen: true } });
    // Something in the audit table for audit and plan to read.
    await new SandboxLambda(sandbox).invoke();
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  it('exits 0, 1 or 2 with one message, writes no invalid row, adds no enforcing row without --enforce (400 cases)', async () => {
    const codes = new Map<number, number>();
    let written = 0;
    const clients = new SandboxLambda(sandbox).clients;
    await fc.assert(
      fc.asyncProperty(arbArgv, async (argv) => {
        // Arrange
        const before = new Map(
          (await scanAll(clients, sandbox.tables.policies)).map((item) => [
            String(item.policyId),
            JSON.stringify(item),
          ]),
        );

        // Act
        const result = await runCliInProcess([...argv, `--sandbox=${sandbox.endpoint}`]);

        // Assert
        codes.set(result.code, (codes.get(result.code) ?? 0) + 1);
        expect([0, 1, 2]).toContain(result.code);
        expect(`${result.stdout}${result.stderr}`).not.toMatch(STACK_TRACE);
        // A failure says why: a `cvpn-guard:` or commander `error:` line, or doctor's failed checks.
        if (result.code !== 0)
          expect(`${result.stdout}${result.stderr}`).toMatch(argv[0] === 'doctor' ? /\S/ : /^(cvpn-guard: |error: )/m);
        for (const item of await scanAll(clients, sandbox.tables.policies)) {
          const id = String(item.policyId);
          if (before.get(id) === JSON.stringify(item)) continue;
          // Written by this run: valid, and enforcing only when asked.
          written += 1;
          expect(parsePolicyRow(item).ok).toBe(true);
          if (!before.has(id) && !argv.includes('--enforce')) expect(item.mode).not.toBe('enforce');
        }
      }),
      fuzzParameters(400),
    );
    // The fuzzing reached success, operational failures and bad usage alike.
    expect([...codes.keys()].sort()).toEqual([0, 1, 2]);
    expect(written).toBeGreaterThan(0);
  }, 120_000);
});
