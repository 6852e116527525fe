import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/** The repository root: every path below is relative to it. */
const ROOT = fileURLToPath(new URL('.', import.meta.url));

/*
 * Layers. An arrow points at a layer that may be imported; a layer may import what its arrows reach,
 * following them down, and nothing else (imports of types included). Nothing points back up, so no
 * two layers import each other; `import-x/no-cycle` keeps the files within a layer out of circles.
 * A folder's layer holds the layers inside it: handlers is every file of lambda/ the others leave.
 *
 *   test ──► anything            bench, scripts ──► anything but test and each other
 *
 *   bin ──► lib, cli             demo ──► cli, local, handlers
 *
 *   lib ──► handlers             cli ──► handlers, local, lib/outputs.ts (the stack output names), lib/hub-access.ts
 *
 *   handlers   lambda/handler.ts, gate-handler.ts, relay-handler.ts, hub-watch-handler.ts, runtime.ts, clients.ts, …
 *     ├──► lambda/adapters ──► lambda/ports, lambda/tables.ts
 *     ├──► lambda/hub ───────► run (the stream batch, the change filter, run ids), lambda/ports, settings
 *     ├──► run ──────────────► lambda/ports, settings, lambda/pacing
 *     │    (lambda/run, lambda/enforce.ts)
 *     └──► lambda/gate ──────► lambda/ports, settings, lambda/pacing
 *
 *   lambda/pacing (the token bucket the run and the gate share) ──► lambda/ports
 *
 *   lambda/ports ──► lambda/domain ──► lambda/domain/constants.ts
 *
 *   settings ──► lambda/domain/constants.ts, lambda/errors.ts
 *   (lambda/settings, lambda/config.ts, lambda/environment.ts, lambda/resource-environment.ts)
 *
 *   local ──► lambda/tables.ts, lambda/domain/constants.ts: the sandbox implements AWS, not the product
 */

/** `uses` of a layer that may import every layer but those in its `but`. */
const ANY = '*';

/** The layers, each with the paths it holds, the layers it uses (its arrows) and why, for the message. */
export const LAYERS = [
  {
    name: 'lambda/domain/constants.ts',
    paths: ['lambda/domain/constants.ts'],
    uses: [],
    why: 'the domain constants depend on nothing',
  },
  {
    name: 'lambda/domain',
    paths: ['lambda/domain'],
    uses: [],
    why: 'lambda/domain depends on nothing outside itself',
  },
  {
    name: 'lambda/errors.ts',
    paths: ['lambda/errors.ts'],
    uses: [],
    why: "the function's errors depend on nothing",
  },
  {
    name: 'settings',
    paths: ['lambda/settings', 'lambda/config.ts', 'lambda/environment.ts', 'lambda/resource-environment.ts'],
    uses: ['lambda/domain/constants.ts', 'lambda/errors.ts'],
    why: 'settings are facts that the run, the function, the stack and the CLI read',
  },
  {
    name: 'lambda/tables.ts',
    paths: ['lambda/tables.ts'],
    uses: [],
    why: 'the table definitions depend on nothing',
  },
  {
    name: 'lambda/ports',
    paths: ['lambda/ports'],
    uses: ['lambda/domain'],
    why: 'ports speak the language of the domain only',
  },
  {
    name: 'lambda/adapters',
    paths: ['lambda/adapters'],
    uses: ['lambda/ports', 'lambda/tables.ts'],
    why: 'an adapter implements a port',
  },
  {
    name: 'lambda/pacing',
    paths: ['lambda/pacing'],
    uses: ['lambda/ports'],
    why: 'pacing (a token bucket) keeps time through the Clock port only',
  },
  {
    name: 'run',
    paths: ['lambda/run', 'lambda/enforce.ts'],
    uses: ['lambda/ports', 'settings', 'lambda/pacing'],
    why: 'the run reaches AWS through lambda/ports only',
  },
  {
    name: 'lambda/hub',
    paths: ['lambda/hub'],
    uses: ['run', 'lambda/ports', 'settings'],
    why: "the hub's functions reach AWS through lambda/ports only",
  },
  {
    name: 'lambda/report',
    paths: ['lambda/report'],
    uses: ['lambda/ports'],
    why: 'the evidence report folds audit records into its model, with no I/O of its own',
  },
  {
    name: 'lambda/gate',
    paths: ['lambda/gate'],
    uses: ['lambda/ports', 'settings', 'lambda/pacing'],
    why: 'the client connect handler reaches AWS through lambda/ports only',
  },
  {
    name: 'handlers',
    paths: ['lambda'],
    uses: ['lambda/adapters', 'lambda/hub', 'run', 'lambda/gate', 'lambda/report'],
    why: 'the function knows nothing of the stack, the CLI or the sandbox',
  },
  {
    name: 'lib/outputs.ts',
    paths: ['lib/outputs.ts'],
    uses: [],
    why: 'the stack output names depend on nothing',
  },
  {
    name: 'lib/hub-access.ts',
    paths: ['lib/hub-access.ts'],
    uses: ['handlers'],
    why: "the hub's resource policies: the stack deploys them and the sandbox applies the same documents",
  },
  {
    name: 'lib',
    paths: ['lib'],
    uses: ['handlers'],
    why: 'the stack deploys the function',
  },
  {
    name: 'local',
    paths: ['local'],
    uses: ['lambda/tables.ts', 'lambda/domain/constants.ts'],
    why: 'the sandbox implements AWS, not the product',
  },
  {
    name: 'cli',
    paths: ['cli'],
    uses: ['handlers', 'local', 'lib/outputs.ts', 'lib/hub-access.ts'],
    why: "the CLI drives the product, reads the stack outputs and runs the sandbox (with the hub's own resource policies)",
  },
  {
    name: 'bin',
    paths: ['bin'],
    uses: ['lib', 'cli'],
    why: 'bin/ builds the app and the CLI',
  },
  {
    name: 'demo',
    paths: ['demo'],
    uses: ['cli', 'local', 'handlers'],
    why: 'the demo runs the function on the sandbox',
  },
  { name: 'bench', paths: ['bench'], uses: ANY, but: ['test', 'scripts'], why: 'the tests test the bench' },
  { name: 'scripts', paths: ['scripts'], uses: ANY, but: ['test', 'bench'], why: 'the tests test the scripts' },
  { name: 'test', paths: ['test'], uses: ANY, but: [], why: 'the tests may use anything' },
];

/** True when path `inner` lies inside the folder `outer`. */
const inside = (inner, outer) => inner.startsWith(`${outer}/`);

/**
 * The layers each layer may import, by name: itself and what its `uses` reach, with the layers inside
 * each of those (`lambda/domain` holds `lambda/domain/constants.ts`).
 */
export function allowedImports(layers = LAYERS) {
  const byName = new Map(layers.map((layer) => [layer.name, layer]));
  const usesOf = (layer) =>
    layer.uses === ANY
      ? layers.filter(({ name }) => name !== layer.name && !layer.but.includes(name))
      : layer.uses.map((name) => byName.get(name));
  const nestedIn = (layer) =>
    layers.filter((other) => other !== layer && other.paths.every((p) => layer.paths.some((q) => inside(p, q))));
  return new Map(
    layers.map((layer) => {
      const allowed = new Set([layer]);
      // A Set visits what is added while it is iterated: this walks every arrow down.
      for (const reached of allowed) for (const next of [...usesOf(reached), ...nestedIn(reached)]) allowed.add(next);
      return [layer.name, new Set([...allowed].map(({ name }) => name))];
    }),
  );
}

/**
 * The files a layer holds itself, as `target` patterns: its paths less the layers inside them, which have
 * zones of their own (else a file would be reported once for its layer and once for the folder around it).
 */
function ownFiles(layer, layers) {
  return layer.paths.flatMap((path) => {
    const inner = layers.flatMap(({ paths }) => paths).filter((p) => inside(p, path));
    const outermost = inner.filter((p) => !inner.some((q) => inside(p, q)));
    if (outermost.length === 0) return [path];
    const names = outermost.map((p) => p.slice(path.length + 1));
    if (names.some((name) => name.includes('/'))) {
      throw new Error(`eslint.config.js: a layer inside ${path} must be a file or folder directly in it: ${names}`);
    }
    const rest = `!(${names.join('|')})`;
    return [`${path}/${rest}`, `${path}/${rest}/**`];
  });
}

/** The `import-x/no-restricted-paths` zones: for each layer, one per path of each layer it may not import. */
function layerZones(layers) {
  const allowed = allowedImports(layers);
  return layers.flatMap((layer) => {
    const may = allowed.get(layer.name);
    const others = layers.filter(({ name }) => name !== layer.name && may.has(name)).map(({ name }) => name);
    const hint =
      layer.uses === ANY
        ? ` (it may import anything but ${layer.but.join(', ')})`
        : others.length > 0
          ? ` (it may import ${others.join(', ')})`
          : '';
    return layers
      .filter((other) => !may.has(other.name))
      .flatMap((other) =>
        other.paths.map((from) => ({
          target: ownFiles(layer, layers),
          from,
          // The layers inside a folder are zoned on their own.
          except: layers
            .flatMap(({ paths }) => paths)
            .filter((p) => inside(p, from))
            .map((p) => p.slice(from.length + 1)),
          message: `${layer.name} may not import ${other.name}: ${layer.why}${hint}.`,
        })),
      );
  });
}

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', 'dist/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        Buffer: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The layers above, and no import cycles between files (imports of types only are erased, so not counted).
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: `${ROOT}tsconfig.json` })],
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { basePath: ROOT, zones: layerZones(LAYERS) }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    // The domain is pure: no AWS SDK, no environment, no clock, no I/O. Time is a parameter.
    // The files of the repository it may import (its own, at any depth) are its layer's, above.
    files: ['lambda/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@aws-sdk/*', '@smithy/*', '@aws-lambda-powertools/*'],
              message: 'lambda/domain is pure: talk to AWS through lambda/ports.',
            },
            {
              group: ['node:*', 'fs', 'path', 'http', 'https', 'process', 'os', 'child_process'],
              message: 'lambda/domain does no I/O.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'lambda/domain reads no environment: take configuration as a parameter.' },
        { name: 'setTimeout', message: 'lambda/domain has no timers.' },
        { name: 'fetch', message: 'lambda/domain does no I/O.' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'lambda/domain reads no clock: take `now` as a parameter.',
        },
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'lambda/domain reads no clock: take `now` as a parameter.',
        },
        {
          selector: "CallExpression[callee.object.name='performance'][callee.property.name='now']",
          message: 'lambda/domain reads no clock.',
        },
        {
          selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
          message: 'lambda/domain is deterministic.',
        },
      ],
    },
  },
  {
    // The settings registry is read by the stack, the function and the CLI alike: zod and the domain's
    // constants only, no CDK, no AWS SDK, no environment.
    files: ['lambda/settings/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', 'cdk-nag'],
              message: 'lambda/settings is read by the function too: CDK translation stays in lib.',
            },
            {
              group: ['@aws-sdk/*', '@smithy/*', '@aws-lambda-powertools/*', '@middy/*'],
              message: 'lambda/settings talks to no AWS service.',
            },
            {
              group: ['node:*'],
              message: "lambda/settings does no I/O (which files it may import is its layer's, above).",
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'lambda/settings reads no environment: the caller passes it in.' },
      ],
    },
  },
);
