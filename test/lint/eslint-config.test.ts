import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { ESLint, type Linter } from 'eslint';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Layer {
  readonly name: string;
  readonly paths: readonly string[];
}

let eslint: ESLint;

/** Lints `code` as if it were the file at `path` (relative to the repository root); the file need not exist. */
async function lint(path: string, code: string): Promise<Linter.LintMessage[]> {
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}${path}` });
  return result?.messages ?? [];
}

const rules = (messages: readonly Linter.LintMessage[]) => messages.map(({ ruleId }) => ruleId);

beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT });
});

describe('the domain purity rule', () => {
  it('Noncompliance 1: a file deep in lambda/domain importing an adapter', async () => {
    // Act
    const messages = await lint(
      'lambda/domain/rules/crafted.ts',
      "import { SystemClock } from '../../adapters/SystemClock.js';\nexport const clock = new SystemClock();\n",
    );

    // Assert
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ ruleId: 'import-x/no-restricted-paths', line: 1 });
    expect(messages[0]?.message).toContain('lambda/domain may not import lambda/adapters');
  });

  it('Noncompliance 2: a file deep in lambda/domain reading a file or the clock', async () => {
    // Act
    const messages = await lint(
      'lambda/domain/policy/crafted.ts',
      "import { readFileSync } from 'node:fs';\nexport const read = () => [readFileSync('x'), Date.now()];\n",
    );

    // Assert
    expect(rules(messages)).toEqual(['no-restricted-imports', 'no-restricted-syntax']);
  });

  it('Compliance 1: a file deep in lambda/domain importing the domain and zod', async () => {
    // Act
    const messages = await lint(
      'lambda/domain/rules/crafted.ts',
      [
        "import * as z from 'zod';",
        "import { PolicyKind } from '../constants.js';",
        "import { formatDuration } from '../format/format-duration.js';",
        "import type { Connection } from '../types.js';",
        'export const kind = z.literal(PolicyKind.IDLE);',
        'export const label = (connection: Connection, ms: number) => connection.connectionId + formatDuration(ms);',
        '',
      ].join('\n'),
    );

    // Assert
    expect(messages).toEqual([]);
  });
});

/** A file that imports `name` from `specifier` and uses it. */
const importing = (name: string, specifier: string) =>
  `import { ${name} } from '${specifier}';\nexport const used = ${name};\n`;

describe('the layer rules', () => {
  it.each([
    ['local/ec2/crafted.ts', 'renderTable', '../../cli/output/table.js', 'local may not import cli'],
    ['local/crafted.ts', 'EnvVar', '../lambda/environment.js', 'local may not import settings'],
    ['lambda/run/crafted.ts', 'SystemClock', '../adapters/SystemClock.js', 'run may not import lambda/adapters'],
    ['lambda/hub/crafted.ts', 'SystemClock', '../adapters/SystemClock.js', 'lambda/hub may not import lambda/adapters'],
    ['lambda/run/crafted.ts', 'HubMetric', '../hub/hub-metrics.js', 'run may not import lambda/hub'],
    ['lambda/ports/crafted.ts', 'POLICIES_TABLE', '../tables.js', 'lambda/ports may not import lambda/tables.ts'],
    ['lambda/crafted.ts', 'StackOutput', '../lib/outputs.js', 'handlers may not import lib/outputs.ts'],
    ['lib/crafted.ts', 'DEFAULT_PORT', '../local/constants.js', 'lib may not import local'],
    ['cli/crafted.ts', 'createApp', '../lib/app.js', 'cli may not import lib'],
    ['bin/crafted.ts', 'main', '../demo/run.js', 'bin may not import demo'],
    ['bench/crafted.ts', 'ENDPOINT_A', '../test/support/fixtures.js', 'bench may not import test'],
  ])('Noncompliance: %s importing %s against the direction', async (path, name, specifier, expected) => {
    // Act
    const messages = await lint(path, importing(name, specifier));

    // Assert
    expect(rules(messages)).toEqual(['import-x/no-restricted-paths']);
    expect(messages[0]?.message).toContain(expected);
  });

  it.each([
    ['cli/crafted.ts', 'DEFAULT_PORT', '../local/constants.js'],
    ['cli/crafted.ts', 'StackOutput', '../lib/outputs.js'],
    ['local/crafted.ts', 'POLICIES_TABLE', '../lambda/tables.js'],
    ['local/crafted.ts', 'ConnectionStatus', '../lambda/domain/constants.js'],
    ['lambda/run/crafted.ts', 'EnvVar', '../environment.js'],
    ['lambda/hub/crafted.ts', 'changeRunId', '../run/run-id.js'],
    ['lambda/crafted.ts', 'relayChange', './hub/relay-change.js'],
    ['lambda/adapters/crafted.ts', 'identityKey', '../domain/index.js'],
    ['demo/crafted.ts', 'createHandler', '../lambda/handler.js'],
  ])('Compliance: %s importing %s down', async (path, name, specifier) => {
    // Act
    const messages = await lint(path, importing(name, specifier));

    // Assert
    expect(messages).toEqual([]);
  });
});

describe('the import cycle rule', () => {
  it('Noncompliance 1: a file importing a file that imports it', async () => {
    // Arrange: evaluate/precedence.ts imports compareText from order/compare.ts.
    const code = importing('compareFirings', '../evaluate/precedence.js');

    // Act
    const messages = await lint('lambda/domain/order/compare.ts', code);

    // Assert
    expect(rules(messages)).toEqual(['import-x/no-cycle']);
  });
});

describe('the layer table', () => {
  let layers: readonly Layer[];
  let allowed: ReadonlyMap<string, ReadonlySet<string>>;

  beforeAll(async () => {
    // Through a variable: the config is JavaScript, without types for the compiler to find.
    const configFile = `${ROOT}eslint.config.js`;
    const config = (await import(configFile)) as {
      LAYERS: readonly Layer[];
      allowedImports: () => ReadonlyMap<string, ReadonlySet<string>>;
    };
    layers = config.LAYERS;
    allowed = config.allowedImports();
  });

  it('points one way only: no layer may import a layer that may import it', () => {
    // Act
    const both = [...allowed].flatMap(([name, reach]) =>
      [...reach]
        .filter((other) => other !== name && allowed.get(other)?.has(name))
        .map((other) => `${name} ↔ ${other}`),
    );

    // Assert
    expect(both).toEqual([]);
  });

  it('claims every top-level folder that holds TypeScript', () => {
    // Arrange
    const claimed = new Set(layers.flatMap(({ paths }) => paths).map((path) => path.split('/')[0]));

    // Act
    const folders = readdirSync(ROOT, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== 'node_modules')
      .filter((entry) =>
        readdirSync(`${ROOT}${entry.name}`, { recursive: true }).some((file) => String(file).endsWith('.ts')),
      )
      .map((entry) => entry.name);

    // Assert
    expect(folders.filter((folder) => !claimed.has(folder))).toEqual([]);
  });
});
