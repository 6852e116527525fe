// Plain JavaScript: jest loads its global setup and teardown outside its module system, where TypeScript's
// `.js` import specifiers do not reach `.ts` files. Types in cli-bundle.d.ts.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

/** The environment variable that names the run's directory for the bundle; test files and their workers read it. */
export const CLI_BUNDLE_DIR_ENV = 'CLI_TEST_BUNDLE_DIR';

/** The bundle's name in that directory. */
const BUNDLE_FILE = 'cvpn-guard.mjs';

/** Packages (and their files) left out of the bundle, loaded from node_modules by absolute path: dynalite reads its own files by name. */
const UNBUNDLED = /^dynalite(\/.*)?$/;

/** Where the global setup tells the teardown (jest runs both in its own process) which directory it made. */
const OWN_DIR = Symbol.for('cvpn-guard.test.cliBundleDir');

/**
 * Builds the `cvpn-guard` command (bin/cvpn-guard.ts and all it imports, the SDK included) into one ESM file.
 *
 * bin/cvpn-guard.js runs the same sources through tsx, which compiles them with esbuild too; but each process then
 * spends about a second loading a thousand modules through tsx's loader thread, where the bundle starts in a third
 * of that. The test files that spawn the command many times run the bundle (cliBundle); the tests of the bin itself
 * (test/integration/sandbox/cli.test.ts, organization-cli.test.ts) spawn bin/cvpn-guard.js.
 */
export async function buildCliBundle(outfile, root = process.cwd()) {
  const require = createRequire(import.meta.url);
  await build({
    entryPoints: [resolve(root, 'bin/cvpn-guard.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
    // CommonJS packages inside an ESM bundle still call require(), for Node's own modules among others.
    banner: {
      js: "import { createRequire as __cvpnGuardCreateRequire } from 'node:module';\nconst require = __cvpnGuardCreateRequire(import.meta.url);",
    },
    plugins: [
      {
        name: 'unbundled-packages',
        setup(bundle) {
          bundle.onResolve({ filter: UNBUNDLED }, (args) => ({ path: require.resolve(args.path), external: true }));
        },
      },
    ],
  });
}

/**
 * The run's bundle of the command, built by the first test file that asks (a run of unit tests builds none); the
 * package's bin when the run has no bundle directory (a test file run without the global setup). Test files in other
 * workers may build it at the same moment: each writes its own file and renames it into place, so none reads half.
 */
export async function cliBundle(root = process.cwd()) {
  const dir = process.env[CLI_BUNDLE_DIR_ENV];
  if (!dir) return resolve(root, 'bin/cvpn-guard.js');
  const outfile = join(dir, BUNDLE_FILE);
  if (existsSync(outfile)) return outfile;
  const partial = `${outfile}.${process.pid}.${randomUUID()}`;
  await buildCliBundle(partial, root);
  await rename(partial, outfile);
  return outfile;
}

/** jest's global setup (once per run, before any test file): a fresh directory for the bundle, named in the environment. */
export async function setupCliBundle() {
  if (process.env[CLI_BUNDLE_DIR_ENV]) return;
  const dir = await mkdtemp(join(tmpdir(), 'cvpn-guard-cli-'));
  process.env[CLI_BUNDLE_DIR_ENV] = dir;
  globalThis[OWN_DIR] = dir;
}

/** jest's global teardown: removes the directory setupCliBundle made. */
export async function teardownCliBundle() {
  const dir = globalThis[OWN_DIR];
  if (dir) await rm(dir, { recursive: true, force: true });
}
