/**
 * The CLI's safety promises, pushed on: it never prints the credentials it signs with, whatever the
 * command or the failure; its conditional writes cannot be bypassed to overwrite a newer row (a
 * stale `version` in any form, a race, even `--replace` racing a change); and a delete needs a
 * person's explicit yes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { confirm } from '../../cli/confirm.js';
import type { CliIo } from '../../cli/context.js';
import { DynamoPolicyStore } from '../../lambda/adapters/DynamoPolicyStore.js';
import { PolicyConflictError } from '../../lambda/ports/index.js';
import { type Sandbox, startSandbox } from '../../local/index.js';
import { runCliInProcess, STACK_TRACE } from './support/cli.js';
import { FUZZ_SEED, fuzzParameters, ODD_CHARACTERS } from './support/fuzz.js';
import { SandboxLambda } from './support/harness.js';
import { POLICIES, scenario, START } from './support/scenario.js';

const ACCESS_KEY_ID = 'ASIACLIFAKEFAKE77777';
const SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYCLISECRETKEY';
const SESSION_TOKEN = 'IQoJb3JpZ2luX2VjECLISESSIONTOKENFAKE//////////wEaCXVzLWVhc3QtMSJH';

const ROW = {
  policyId: 'idle-30m',
  kind: 'idle',
  mode: 'observe',
  endpoints: ['*'],
  idleMinutes: 30,
  reason: 'free seats',
};
const STAMP = { updatedBy: 'arn:aws:iam::000000000000:user/bob', updatedAt: '2026-11-26T10:00:00Z' };

describe('the CLI', () => {
  let sandbox: Sandbox;
  let store: DynamoPolicyStore;
  let directory: string;
  const sandboxFlag = () => `--sandbox=${sandbox.endpoint}`;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, scenario: scenario(), clock: { start: START, frozen: true } });
    store = new DynamoPolicyStore(new SandboxLambda(sandbox).clients.dynamodb, sandbox.tables.policies);
    directory = mkdtempSync(join(tmpdir(), 'cvpn-guard-cli-safety-'));
  });
  afterAll(async () => {
    rmSync(directory, { recursive: true, force: true });
    await sandbox?.stop();
  });
  describe('never prints the credentials it signs with', () => {
    beforeAll(async () => {
      // A run first, so the audit commands have records to print.
      await new SandboxLambda(sandbox).invoke();
    });

    /** Every AWS option as a person would give them, so the SDK signs with the keys from the environment. */
    const explicit = () => [
      `--endpoint-url=${sandbox.endpoint}`,
      '--region=us-east-1',
      `--policies-table=${sandbox.tables.policies}`,
      `--audit-table=${sandbox.tables.audit}`,
      `--state-table=${sandbox.tables.state}`,
    ];
    const secrets = {
      AWS_ACCESS_KEY_ID: ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
      AWS_SESSION_TOKEN: SESSION_TOKEN,
    };

    it('through every command, their failures and the AWS errors they explain', async () => {
      // Arrange
      const file = join(directory, 'rows.yaml');
      writeFileSync(file, stringify([ROW, { ...ROW, policyId: 'broken', idleMinutes: '30' }]));
      const commands: string[][] = [
        ['policy', 'list'],
        ['policy', 'list', '--output', 'json'],
        ['policy', 'show', 'offboarded', '--output', 'json'],
        ['policy', 'export'],
        ['policy', 'export', '--output', 'json'],
        ['policy', 'add', 'idle', '--id', 'idle-15m', '--idle-minutes', '15', '--reason', 'seats'],
        ['policy', 'add', 'idle', '--id', 'idle-15m', '--idle-minutes', '15', '--reason', 'seats'],
        ['policy', 'put', '--file', file],
        ['policy', 'enforce', 'idle-15m'],
        ['policy', 'delete', 'idle-15m'],
        ['policy', 'delete', 'idle-15m', '--yes'],
        ['audit', 'list'],
        ['audit', 'list', '--output', 'csv', '--user', 'mallory'],
        ['audit', 'runs', '--output', 'json'],
        ['audit', 'show', 'run-2026-11-26T10:00:00Z'],
        ['plan'],
        ['plan', '--output', 'json'],
        ['doctor'],
        ['policy', 'list', '--policies-table', 'no-such-table'],
        ['policy', 'list', '--endpoint-url', 'http://127.0.0.1:9'],
        ['policy', 'list', '--profile', 'no-such-profile'],
      ];
      const printed: string[] = [];

      // Act: the commands as they are, then again while DynamoDB, EC2 and STS fail.
      for (const faults of [
        [],
        [
          { service: 'dynamodb', kind: 'error' as const },
          { service: 'ec2', kind: 'throttle' as const },
          { service: 'sts', kind: 'drop' as const },
        ],
      ]) {
        sandbox.faults.set(faults);
        for (const command of commands) {
          const result = await runCliInProcess([...command, ...explicit()], secrets);
          printed.push(`$ ${command.join(' ')} → ${result.code}\n${result.stdout}${result.stderr}`);
        }
      }
      sandbox.faults.clear();

      // Assert: the commands did work and did fail, and no secret shows.
      const all = printed.join('\n');
      expect(all).toContain('added policy row idle-15m');
      expect(all).toMatch(/cvpn-guard: .*InternalServerError|cvpn-guard: .*500/);
      expect(all).not.toMatch(STACK_TRACE);
      expect(all).not.toContain(SECRET_ACCESS_KEY);
      expect(all).not.toContain(SESSION_TOKEN);
      expect(all).not.toContain(SESSION_TOKEN.slice(0, 20));
      // Nor what it wrote to the table.
      expect(JSON.stringify(await store.list())).not.toMatch(
        new RegExp(`${SECRET_ACCESS_KEY.slice(0, 20)}|${SESSION_TOKEN.slice(0, 20)}`.replace(/\//g, '\\/')),
      );
    }, 60_000);
  });

  describe('cannot be made to overwrite a newer row', () => {
    beforeEach(async () => {
      await sandbox.reset();
    });

    /** Operator A read the row at version 1 (export); B has changed it since (version 2). */
    const setUp = async () => {
      await store.put(ROW, { expect: 'absent' }, STAMP);
      const newer = await store.update(ROW.policyId, { idleMinutes: 45 }, 1, STAMP);
      return { newer, content: (await store.get(ROW.policyId))?.item };
    };

    it(`with any version a policy file may carry, whatever its type (seed ${FUZZ_SEED}, 60 cases)`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.constantFrom<unknown>(
              1,
              0,
              -1,
              3,
              1.5,
              2.0000001,
              Number.MAX_SAFE_INTEGER,
              '2',
              ' 2',
              '1',
              null,
              [2],
              { N: '2' },
              true,
              1e21,
            ),
            fc.integer({ min: -5, max: 50 }).filter((version) => version !== 2),
            fc.string({ maxLength: 4 }),
          ),
          fc.boolean(),
          async (version, asYaml) => {
            // Arrange
            await sandbox.reset();
            const { content } = await setUp();
            const file = join(directory, asYaml ? 'stale.yaml' : 'stale.json');
            const stale = { ...ROW, idleMinutes: 10, version };
            writeFileSync(file, asYaml ? stringify(stale) : JSON.stringify(stale));

            // Act
            const result = await runCliInProcess(['policy', 'put', '--file', file, sandboxFlag()]);

            // Assert: refused (bad input or conflict), and the newer row stands as it was.
            expect(result.code).not.toBe(0);
            expect(result.stderr).toMatch(/^cvpn-guard: |is invalid:\n/m);
            expect((await store.get(ROW.policyId))?.item).toEqual(content);
          },
        ),
        fuzzParameters(60),
      );
    }, 120_000);

    it('by adding a row with the id of an existing one, without --replace', async () => {
      const { content } = await setUp();

      const result = await runCliInProcess([
        'policy',
        'add',
        'idle',
        '--id',
        ROW.policyId,
        '--idle-minutes',
        '5',
        '--reason',
        'mine',
        '--enforce',
        sandboxFlag(),
      ]);

      expect(result.code).toBe(2);
      expect((await store.get(ROW.policyId))?.item).toEqual(content);
    });

    it('by racing: of ten writers who read the same version, exactly one wins', async () => {
      const { newer } = await setUp();

      const outcomes = await Promise.allSettled(
        Array.from({ length: 10 }, (_, index) =>
          store.update(ROW.policyId, { idleMinutes: 100 + index }, newer, STAMP),
        ),
      );

      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      for (const outcome of outcomes)
        if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(PolicyConflictError);
      expect((await store.get(ROW.policyId))?.version).toBe(newer + 1);
    });

    it('even with --replace, when the row changes between its read and its write', async () => {
      // Arrange: the CLI's write is held up; another operator changes the row meanwhile.
      await store.put(ROW, { expect: 'absent' }, STAMP);
      const file = join(directory, 'replace.yaml');
      writeFileSync(file, stringify({ ...ROW, idleMinutes: 5 }));
      sandbox.latency.set([{ service: 'dynamodb', actions: ['PutItem'], ms: 400 }]);
      const reads = () => sandbox.counters.get('dynamodb', 'GetItem').calls;
      const readsBefore = reads();

      // Act
      const running = runCliInProcess(['policy', 'put', '--file', file, '--replace', sandboxFlag()]);
      while (reads() === readsBefore) await new Promise((resolve) => setTimeout(resolve, 5));
      const concurrent = await store.update(ROW.policyId, { idleMinutes: 60 }, 1, STAMP);
      const result = await running;
      sandbox.latency.clear();

      // Assert
      expect(concurrent).toBe(2);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('conflict');
      expect((await store.get(ROW.policyId))?.item).toMatchObject({ idleMinutes: 60, version: 2 });
    });
  });

  describe("deletes only on a person's explicit yes", () => {
    beforeAll(async () => {
      await sandbox.reset();
    });

    const io = (input: string | undefined): CliIo & { asked: () => string } => {
      let asked = '';
      return {
        stdout: { write: () => true },
        stderr: { write: (text: string) => (asked += text) },
        stdin: input === undefined ? Readable.from([]) : Readable.from([input]),
        interactive: true,
        env: {},
        now: () => new Date(),
        asked: () => asked,
      };
    };

    it.each(['y', 'Y', 'yes', 'YES', 'Yes', ' y ', '\tyes\t'])('%j is a yes', async (answer) => {
      const terminal = io(`${answer}\n`);

      expect(await confirm(terminal, 'Delete policy row x?')).toBe(true);
      expect(terminal.asked()).toBe('Delete policy row x? [y/N] ');
    });

    it(`anything else is a no: other words, odd unicode, no answer at all (seed ${FUZZ_SEED}, 500 cases)`, async () => {
      const yes = /^\s*y(es)?\s*$/i;
      const arbAnswer = fc.oneof(
        fc.constantFrom(
          '',
          '\n',
          'n',
          'no',
          'yes please',
          'y y',
          'Y E S',
          'ye',
          'yess',
          'ok',
          'sure',
          '1',
          'true',
          'ｙ',
          'ｙｅｓ',
          'y\u200b',
          '\u202ey',
          'y\u0000',
          'ya',
          'oui',
          'да',
        ),
        fc.string({ maxLength: 8 }),
        fc
          .tuple(
            fc.constantFrom('y', 'yes'),
            fc.constantFrom(...ODD_CHARACTERS.filter((character) => !/\s/.test(character))),
          )
          .map(([word, odd]) => `${word}${odd}`),
      );
      await fc.assert(
        fc.asyncProperty(arbAnswer, fc.boolean(), async (answer, secondLineYes) => {
          const firstLine = answer.split(/\r?\n/)[0] ?? '';
          fc.pre(!yes.test(firstLine));
          // A "yes" on a later line does not count either: the first answer decides.
          const terminal = io(secondLineYes ? `${answer}\nyes\n` : answer);

          expect(await confirm(terminal, 'Delete?')).toBe(false);
        }),
        fuzzParameters(500),
      );
    });

    it('end of input is a no', async () => {
      expect(await confirm(io(undefined), 'Delete?')).toBe(false);
    });

    it.each([
      [['policy', 'delete', 'offboarded'], 'no --yes, and no terminal to ask on'],
      [['policy', 'delete', 'offboarded', '--yes=true'], 'a value given to --yes'],
      [['policy', 'delete', 'offboarded', '--Yes'], '--Yes'],
      [['policy', 'delete', 'offboarded', '-Y'], '-Y'],
      [['policy', 'delete', 'offboarded', '--ye'], 'an abbreviation of --yes'],
      [['policy', 'delete', '--yes'], 'no row named'],
    ])('keeps the row: %j (%s)', async (argv) => {
      const before = await store.get('offboarded');
      expect(before).toEqual({ policyId: 'offboarded', item: POLICIES[0] });

      const result = await runCliInProcess([...argv, sandboxFlag()]);

      expect(result.code).toBe(2);
      expect(await store.get('offboarded')).toEqual(before);
    });
  });
});
