/**
 * Fuzzing the files the CLI reads (`policy validate --file`, `policy put --file`): random text,
 * JSON of any shape, hand-edited rows as JSON and YAML, and YAML's sharp edges (alias bombs,
 * duplicate keys, deep nesting, several documents, tags, a byte-order mark). Reading never fails
 * with anything but a usage error naming the file; `policy validate` exits 0 exactly when every
 * row is valid and 2 otherwise, naming the file, and never crashes or prints a secret.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { CliUsageError } from '../../cli/errors.js';
import { readPolicyFile } from '../../cli/policy/policy-file.js';
import { parsePolicyRow } from '../../lambda/domain/index.js';
import { arbValidRow } from '../unit/domain/arbitraries.js';
import { runCli } from '../e2e/cli/support/cli-process.js';
import { runCliInProcess, STACK_TRACE } from './support/cli.js';
import { FUZZ_SEED, fuzzParameters } from './support/fuzz.js';
import { editsOf } from './support/hand-edits.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYFILESFUZZSECRET';
const directory = mkdtempSync(join(tmpdir(), 'cvpn-guard-fuzz-'));

/**
 * Nesting deep enough to overflow the parser's stack. Checked once each, in a child process as a
 * person runs the command: after a stack overflow V8 may fail later regular expressions in the same
 * process, which would take the fuzzing down with it.
 */
const TOO_DEEP = [`${'['.repeat(5000)}${']'.repeat(5000)}`, `${'- '.repeat(2000)}x\n`];

const YAML_EDGES = [
  // A billion laughs: each alias level multiplies the one before.
  `a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n`,
  'policyId: a\npolicyId: b\nkind: idle\n',
  '---\npolicyId: a\n---\npolicyId: b\n...\n',
  '!!js/function "function () { return 1 }"\n',
  'policyId: !!binary aGVsbG8=\nkind: idle\n',
  '\ufeff{"policyId": "bom", "kind": "idle"}',
  'policyId: "crlf"\r\nkind: idle\r\n',
  '~\n',
  '',
  '   \n\t\n',
  '[]',
  '{}',
  'null',
  '"just a string"',
  '12345678901234567890123456789',
  '{"policyId": "dup", "kind": "idle"}\n{"policyId": "dup2"}',
  '- policyId: same\n  kind: exempt\n  usernames: [a]\n  reason: r\n- policyId: same\n  kind: exempt\n  usernames: [a]\n  reason: r\n',
  '{"__proto__": {"polluted": true}, "policyId": "proto", "kind": "idle"}',
  'policyId: x\nkind: idle\nidleMinutes: .inf\nminBytes: .nan\nendpoints: ["*"]\nmode: enforce\nreason: r\n',
  'policyId: 0x1F\nkind: idle\n',
  'policyId: 2026-11-26\nkind: idle\n',
  'policyId: y\nkind: idle\nenabled: yes\n',
];

/** Hand-edited rows (huge lists left to the policy-row fuzzing: here they only slow the YAML parser down). */
const arbEditedRow = arbValidRow
  .chain((row) =>
    fc.tuple(
      fc.constant(row),
      fc.array(
        editsOf(row).filter((edit) => !edit.what.includes('more entries')),
        { maxLength: 2 },
      ),
    ),
  )
  .map(([row, edits]) => edits.reduce((edited, edit) => edit.apply(edited), row));

/** File contents: anything from noise to nearly right. */
const arbFileText: fc.Arbitrary<string> = fc.oneof(
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)) },
  {
    weight: 3,
    arbitrary: fc
      .array(arbEditedRow, { minLength: 1, maxLength: 4 })
      .map((rows) =>
        JSON.stringify(rows.length === 1 ? rows[0] : rows, (_key, value: unknown) =>
          value instanceof Set ? [...value] : value,
        ),
      ),
  },
  {
    weight: 3,
    arbitrary: fc
      .array(arbEditedRow, { minLength: 1, maxLength: 4 })
      .map((rows) => stringify(rows.length === 1 ? rows[0] : rows)),
  },
  { weight: 1, arbitrary: fc.constantFrom(...YAML_EDGES) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        arbEditedRow,
        fc.nat(),
        fc.constantFrom('\u0000', '\ufffd', '\u202e', '"', "'", ':', '#', '&', '*', '\n  '),
      )
      .map(([row, at, junk]) => {
        const text = stringify(row);
        const cut = at % (text.length + 1);
        return `${text.slice(0, cut)}${junk}${text.slice(cut)}`;
      }),
  },
);

let fileCount = 0;
function writeCase(text: string, extension: string): string {
  fileCount += 1;
  const path = join(directory, `case-${fileCount}.${extension}`);
  writeFileSync(path, text);
  return path;
}

/** What the file holds as validate should judge it: every row valid and each id once. */
async function allValid(path: string): Promise<boolean | 'unreadable'> {
  try {
    const rows = await readPolicyFile(path);
    const parsed = rows.map(({ item }) => parsePolicyRow(item));
    const ids = parsed.flatMap((result) => (result.ok ? [result.row.policyId] : []));
    return parsed.every((result) => result.ok) && new Set(ids).size === ids.length;
  } catch (error) {
    if (error instanceof CliUsageError) return 'unreadable';
    throw error;
  }
}

describe(`fuzzing the files the CLI reads (seed ${FUZZ_SEED})`, () => {
  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it.each(TOO_DEEP.map((text, index) => [index === 0 ? '5000 nested JSON lists' : '2000 nested YAML lists', text]))(
    'refuses %s with a usage error naming the file (the cvpn-guard binary)',
    async (_what, text) => {
      const path = writeCase(text, 'yaml');

      const result = await runCli(['policy', 'validate', '--file', path]);

      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^cvpn-guard: .* is not valid JSON or YAML/);
      expect(result.stderr).toContain(path);
    },
    60_000,
  );

  it('reads rows or refuses with a usage error naming the file, whatever the file holds (2000 cases)', async () => {
    await fc.assert(
      fc.asyncProperty(arbFileText, fc.constantFrom('json', 'yaml', 'yml', 'txt'), async (text, extension) => {
        const path = writeCase(text, extension);

        try {
          const rows = await readPolicyFile(path);
          expect(rows.length).toBeGreaterThan(0);
          for (const row of rows) expect(row.where.startsWith(path)).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(CliUsageError);
          expect((error as Error).message).toContain(path);
        }
      }),
      fuzzParameters(2000),
    );
  });

  it('policy validate --file exits 0 exactly when every row is valid, else 2 naming the file; never crashes nor prints a secret (300 cases)', async () => {
    const seen = { valid: 0, invalid: 0, unreadable: 0 };
    await fc.assert(
      fc.asyncProperty(arbFileText, fc.constantFrom('table', 'json'), async (text, output) => {
        // Arrange
        const path = writeCase(text, 'yaml');
        const expected = await allValid(path);
        seen[expected === 'unreadable' ? 'unreadable' : expected ? 'valid' : 'invalid'] += 1;

        // Act
        const result = await runCliInProcess(['policy', 'validate', '--file', path, '--output', output], {
          AWS_SECRET_ACCESS_KEY: SECRET,
          AWS_SESSION_TOKEN: SECRET,
        });

        // Assert
        expect(result.code).toBe(expected === true ? 0 : 2);
        expect(`${result.stdout}${result.stderr}`).not.toMatch(STACK_TRACE);
        expect(`${result.stdout}${result.stderr}`).not.toContain(SECRET);
        if (expected === 'unreadable')
          expect(result.stderr).toMatch(new RegExp(`^cvpn-guard: .*${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
        else if (output === 'json') expect(JSON.parse(result.stdout)).toMatchObject({ valid: expected });
        else if (!expected) expect(result.stderr).toContain(path);
      }),
      fuzzParameters(300),
    );
    expect(seen.valid).toBeGreaterThan(0);
    expect(seen.invalid).toBeGreaterThan(0);
    expect(seen.unreadable).toBeGreaterThan(0);
  });
});
