/**
 * Every ```sh block of the docs runs, in order, against a sandbox seeded with examples/demo.json, as
 * a reader would run it; ```sh-aws (needs an AWS account) and ```console (installs, the whole test
 * suite, the demo, the benchmarks, a server in the foreground) are not run. docs/cli.md states the convention.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Sandbox, startSandbox } from '../../local/index.js';
import { documentationFiles, type FencedBlock, fencedBlocks, readMarkdown } from './support/markdown.js';
import { exampleEnv, installCommand, onSandbox, runExample } from './support/run-example.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** The info strings of shell examples: the one that runs here, and the ones that do not. */
const ExampleKind = { RUNS: 'sh', NEEDS_AWS: 'sh-aws', NOT_RUN: 'console' } as const;
/** Info strings a shell example might carry by habit; each would escape the convention. */
const UNMARKED_SHELL = new Set(['', 'bash', 'shell', 'zsh', 'sh-session', 'shell-session', 'shellsession', 'terminal']);
const EXAMPLE_TIMEOUT_MS = 60_000;

const blocks: FencedBlock[] = documentationFiles(root).flatMap((file) => fencedBlocks(file, readMarkdown(root, file)));
const runnable = blocks.filter((block) => block.info === ExampleKind.RUNS);
const filesWithExamples = [...new Set(runnable.map((block) => block.file))];

let sandbox: Sandbox;
let scratch: string;
let env: Record<string, string>;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, scenario: join(root, 'examples/demo.json') });
  scratch = await mkdtemp(join(tmpdir(), 'cvpn-guard-docs-'));
  env = exampleEnv(await installCommand(scratch, root), root);
});

afterAll(async () => {
  await sandbox?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('shell examples in the docs', () => {
  it('say whether they run here: sh, sh-aws or console', () => {
    const unmarked = blocks
      .filter((block) => UNMARKED_SHELL.has(block.info))
      .map((block) => `${block.file}:${block.line} (${block.info || 'no info string'})`);

    expect({ unmarked, fix: 'mark each sh, sh-aws or console (see docs/cli.md); output is text' }).toEqual({
      unmarked: [],
      fix: 'mark each sh, sh-aws or console (see docs/cli.md); output is text',
    });
  });

  it('include examples that run', () => {
    expect(runnable.length).toBeGreaterThan(0);
    expect(blocks.some((block) => block.info === ExampleKind.NEEDS_AWS)).toBe(true);
  });
});

describe.each(filesWithExamples)('the sh examples of %s', (file) => {
  let cwd: string;

  beforeAll(async () => {
    // Each file starts from the sandbox as `cvpn-guard sandbox --scenario examples/demo.json` starts it.
    await sandbox.reset();
    cwd = await mkdtemp(join(scratch, `${file.replace(/[^\w.-]/g, '_')}-`));
  });

  it.each(runnable.filter((block) => block.file === file).map((block) => [block.line, block] as const))(
    'run: the block at line %d',
    async (_line, block) => {
      // Act
      const run = await runExample(onSandbox(block.body, sandbox.endpoint), {
        cwd,
        env,
        timeoutMs: EXAMPLE_TIMEOUT_MS,
      });

      // Assert
      if (run.code !== 0) {
        const how = run.signal ? `was killed (${run.signal}) after ${run.ms} ms` : `exited ${run.code}`;
        throw new Error(
          [
            `${block.file}:${block.line}: the sh example ${how}`,
            block.body,
            `--- stderr ---\n${run.stderr.trimEnd()}`,
            `--- stdout (last 20 lines) ---\n${run.stdout.trimEnd().split('\n').slice(-20).join('\n')}`,
          ].join('\n\n'),
        );
      }
    },
    EXAMPLE_TIMEOUT_MS + 10_000,
  );
});
