/**
 * What every function of the stack shares: the runtime, the architecture, how its code is bundled (the local
 * esbuild, never Docker) and the environment Powertools and source maps read. The enforcer, the client connect
 * handler and the attachment provider are each one handler file bundled this way.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../lambda/metrics.js';

/** The repository root: the bundler's project root, where package-lock.json is. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** A handler file of lambda/, as an absolute path. */
export function lambdaEntry(file: string): string {
  return join(PROJECT_ROOT, 'lambda', file);
}

/**
 * Prepended to the ESM bundle: some CommonJS dependencies `require()` Node built-ins, which an
 * ES module cannot do without a `require` of its own.
 */
const ESM_REQUIRE_SHIM =
  "import { createRequire as topLevelCreateRequire } from 'node:module'; const require = topLevelCreateRequire(import.meta.url);";

/**
 * How a function's code is bundled (the local esbuild, never Docker). Exported so the benchmark
 * bundles with exactly these options when it measures the bundle's size and cold start.
 */
export const FUNCTION_BUNDLING: nodejs.BundlingOptions = {
  format: nodejs.OutputFormat.ESM,
  target: 'node24',
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  // Bundle the AWS SDK v3 (tree-shaken) instead of taking the runtime's copy: the code runs
  // with the SDK version it was tested with.
  externalModules: [],
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_SHIM,
  // Always the local esbuild (a dependency of this project), never Docker.
  forceDockerBundling: false,
};

/** Node.js options of every function: stack traces point into the TypeScript sources through the bundled source map. */
export const FUNCTION_NODE_OPTIONS = '--enable-source-maps';

/** The environment every function runs with: Powertools' service and namespace, and the Node.js options. */
export const FUNCTION_ENVIRONMENT: Readonly<Record<string, string>> = {
  POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
  POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
  NODE_OPTIONS: FUNCTION_NODE_OPTIONS,
};

/** The NodejsFunction properties every function shares: one handler of one file, Node.js 24 on arm64, bundled alike. */
export function bundledCode(entry: string, handler: string): nodejs.NodejsFunctionProps {
  return {
    entry,
    handler,
    projectRoot: PROJECT_ROOT,
    depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    bundling: FUNCTION_BUNDLING,
  };
}
