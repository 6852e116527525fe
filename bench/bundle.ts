/**
 * The Lambda bundle, built with the esbuild JS API and the stack's own bundling options
 * (lib/enforcer.ts `ENFORCER_BUNDLING`, mapped as the CDK maps them onto esbuild's command line),
 * and its cold start: importing the bundle and building the runtime (clients and adapters) in a
 * fresh `node` process, as Lambda's init phase does, several times.
 */
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import * as esbuild from 'esbuild';
import { EnvVar } from '../lambda/environment.js';
import { ENFORCER_BUNDLING, ENFORCER_ENTRY, ENFORCER_NODE_OPTIONS } from '../lib/enforcer.js';
import { median } from './report.js';

const run = promisify(execFile);
const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));

/** esbuild options equal to what `NodejsFunction` passes for the stack's bundling options. */
export function enforcerBuildOptions(entry: string, outfile: string): esbuild.BuildOptions {
  const bundling = ENFORCER_BUNDLING;
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: bundling.target,
    format: bundling.format === 'esm' ? 'esm' : 'cjs',
    minify: bundling.minify,
    sourcemap: bundling.sourceMap,
    sourcesContent: bundling.sourcesContent,
    external: [...(bundling.externalModules ?? [])],
    mainFields: bundling.mainFields,
    banner: bundling.banner ? { js: bundling.banner } : undefined,
    logLevel: 'warning',
  };
}

/** The bundle as deployed. */
export interface BundleFigures {
  /** Minified `index.mjs`, bytes (the source map ships beside it and is not loaded unless a stack trace asks). */
  readonly bytes: number;
  readonly sourceMapBytes: number;
  readonly path: string;
}

/** Bundles lambda/handler.ts as the stack does, into `outdir`. */
export async function bundleEnforcer(outdir: string): Promise<BundleFigures> {
  const path = join(outdir, 'enforcer', 'index.mjs');
  await esbuild.build(enforcerBuildOptions(ENFORCER_ENTRY, path));
  return { bytes: statSync(path).size, sourceMapBytes: statSync(`${path}.map`).size, path };
}

/**
 * Bundles a bench entry with the same options: the cold-start probe (the handler module plus the
 * two functions the first invocation calls to build its runtime) or the contender process.
 */
export async function bundleBenchEntry(
  name: 'cold-init-entry' | 'gate-cold-init-entry' | 'worker',
  outdir: string,
): Promise<string> {
  const path = join(outdir, name, 'index.mjs');
  await esbuild.build(enforcerBuildOptions(join(BENCH_DIR, `${name}.ts`), path));
  return path;
}

/** One cold start. */
export interface ColdInitSample {
  /** `import()` of the bundle, ms. */
  readonly importMs: number;
  /** Building the runtime (configuration, SDK clients, adapters) as the first invocation does, ms. */
  readonly constructMs: number;
  /** Both. */
  readonly initMs: number;
  /** From the process's start to the runtime built, Node's own start-up included, ms. */
  readonly sinceProcessStartMs: number;
}

/** Cold starts of the probe bundle, each in a fresh `node` with the function's NODE_OPTIONS. */
export async function measureColdInit(
  probeBundle: string,
  samples: number,
): Promise<{ samples: ColdInitSample[]; medianInitMs: number; medianSinceProcessStartMs: number }> {
  const script = [
    'const started = performance.now();',
    `const probe = await import(${JSON.stringify(pathToFileURL(probeBundle).href)});`,
    'const imported = performance.now();',
    'probe.createRuntime(probe.loadEnforcerConfig(process.env));',
    'const built = performance.now();',
    'process.stdout.write(JSON.stringify({ importMs: imported - started, constructMs: built - imported, initMs: built - started, sinceProcessStartMs: built }));',
  ].join('\n');
  const environment = {
    PATH: process.env.PATH ?? '',
    NODE_OPTIONS: ENFORCER_NODE_OPTIONS,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    [EnvVar.POLICIES_TABLE]: 'policies',
    [EnvVar.AUDIT_TABLE]: 'audit',
    [EnvVar.STATE_TABLE]: 'state',
  };
  const results: ColdInitSample[] = [];
  for (let index = 0; index < samples; index += 1) {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      env: environment,
      cwd: join(probeBundle, '..'),
    });
    results.push(JSON.parse(stdout) as ColdInitSample);
  }
  return {
    samples: results,
    medianInitMs: median(results.map((sample) => sample.initMs)),
    medianSinceProcessStartMs: median(results.map((sample) => sample.sinceProcessStartMs)),
  };
}

/** One cold start of the client connect handler. */
export interface GateColdInitSample {
  /** `import()` of the bundle, ms. */
  readonly importMs: number;
  /** The first invocation: configuration, clients, reading the policy rows, the decision and its record, ms. */
  readonly firstAnswerMs: number;
  /** Both. */
  readonly initMs: number;
  /** Whether the first answer admitted the attempt. */
  readonly allow: boolean;
}

/**
 * Cold starts of the client connect handler's probe bundle, each in a fresh `node` with the function's
 * NODE_OPTIONS and `environment` (a sandbox's endpoint and tables): the import, then the first answer to `event`.
 */
export async function measureGateColdInit(
  probeBundle: string,
  samples: number,
  environment: Record<string, string>,
  event: unknown,
): Promise<{
  samples: GateColdInitSample[];
  medianImportMs: number;
  medianFirstAnswerMs: number;
  medianInitMs: number;
}> {
  const context = { functionName: 'AWSClientVPN-cvpn-guard', awsRequestId: 'cold' };
  const script = [
    'const started = performance.now();',
    `const probe = await import(${JSON.stringify(pathToFileURL(probeBundle).href)});`,
    'const imported = performance.now();',
    `const context = { ...${JSON.stringify(context)}, getRemainingTimeInMillis: () => 30000 };`,
    `const answer = await probe.gateHandler(${JSON.stringify(event)}, context);`,
    'const answered = performance.now();',
    // The handler logs and publishes its metrics on stdout: the figures are the last line.
    "process.stdout.write('\\n' + JSON.stringify({ importMs: imported - started, firstAnswerMs: answered - imported, initMs: answered - started, allow: answer.allow }));",
  ].join('\n');
  const results: GateColdInitSample[] = [];
  for (let index = 0; index < samples; index += 1) {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      env: {
        PATH: process.env.PATH ?? '',
        NODE_OPTIONS: ENFORCER_NODE_OPTIONS,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...environment,
      },
      cwd: join(probeBundle, '..'),
    });
    results.push(JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as GateColdInitSample);
  }
  return {
    samples: results,
    medianImportMs: median(results.map((sample) => sample.importMs)),
    medianFirstAnswerMs: median(results.map((sample) => sample.firstAnswerMs)),
    medianInitMs: median(results.map((sample) => sample.initMs)),
  };
}
