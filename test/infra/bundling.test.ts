/**
 * The one test that runs the real bundling (the local esbuild, never Docker) and the full
 * synthesis: each function ships as a minified ESM bundle with a source map, carrying its own
 * tree-shaken AWS SDK.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp, logicalId } from './stack-factory.js';

const outdir = mkdtempSync(join(tmpdir(), 'cvpn-guard-assembly-'));
let template: Template;
beforeAll(() => {
  // The full synthesis `cdk synth` does: real bundling and CloudFormation schema validation.
  template = Template.fromStack(buildApp({}, { bundle: true, outdir, cloudFormationValidation: true }).stack);
}, 120_000);
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/** The asset folder of the function whose logical id starts with `prefix`. */
function assetDirOf(prefix: string): string {
  const fn = template.toJSON().Resources[logicalId(template, 'AWS::Lambda::Function', prefix)];
  return join(outdir, `asset.${(fn.Properties.Code.S3Key as string).replace(/\.zip$/, '')}`);
}

/** The type of export `name` of the bundle `index.mjs`, loaded by plain Node.js from a folder without node_modules. */
function exportedType(assetDir: string, name: string): string {
  const isolated = mkdtempSync(join(tmpdir(), 'cvpn-guard-bundle-'));
  try {
    copyFileSync(join(assetDir, 'index.mjs'), join(isolated, 'index.mjs'));
    const script = `const m = await import(${JSON.stringify(pathToFileURL(join(isolated, 'index.mjs')).href)}); process.stdout.write(typeof m[${JSON.stringify(name)}]);`;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: isolated,
      encoding: 'utf8',
    });
    expect(existsSync(join(isolated, 'node_modules'))).toBe(false);
    return output;
  } finally {
    rmSync(isolated, { recursive: true, force: true });
  }
}

describe('Enforcer bundle', () => {
  let assetDir: string;
  let bundle: string;
  beforeAll(() => {
    assetDir = assetDirOf('EnforcerFunction');
    bundle = readFileSync(join(assetDir, 'index.mjs'), 'utf8');
  });

  it('Compliance 1: deploys as index.handler on Node.js 24, arm64', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
    });
  });

  it('Compliance 2: is one ES module (index.mjs) with its source map, and nothing else', () => {
    expect(readdirSync(assetDir).sort()).toEqual(['index.mjs', 'index.mjs.map']);
    expect(bundle.slice(0, 69)).toBe("import { createRequire as topLevelCreateRequire } from 'node:module';");
  });

  it('Compliance 3: is minified', () => {
    const lines = bundle.split('\n');

    // Only the newlines inside template literals survive.
    expect(lines.length).toBeLessThan(500);
    expect(bundle.length / lines.length).toBeGreaterThan(5_000);
  });

  it('Compliance 4: maps back to the TypeScript sources, without embedding them', () => {
    const map = JSON.parse(readFileSync(join(assetDir, 'index.mjs.map'), 'utf8')) as {
      sources: string[];
      sourcesContent?: unknown;
    };

    expect(bundle.trimEnd().slice(-40)).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map$/);
    expect(map.sources.some((source) => source.endsWith('lambda/handler.ts'))).toBe(true);
    expect(map.sourcesContent).toBeUndefined();
  });

  it('Compliance 5: carries the AWS SDK (tree-shaken) instead of importing the runtime copy', () => {
    const staticImports = [...bundle.matchAll(/import\s*(?:\{[^}]*\}|[\w$*][^"';]*?)\s*from\s*["']([^"']+)["']/g)].map(
      (match) => match[1],
    );
    const dynamicImports = [...bundle.matchAll(/import\(\s*["']([^"']+)["']\s*\)/g)].map((match) => match[1]);
    // require("@aws-sdk/<package>") left for the runtime to resolve, skipping the SDK's help texts
    // that quote "[require(…)]" and its Symbol.for("@aws-sdk/…") registry keys.
    const sdkRequires = [...bundle.matchAll(/([\w$.[]+)\(["']@aws-sdk\/[a-z0-9-]+(?:\/[a-z0-9-]+)?["']\)/g)]
      .filter((match) => !(match[1] as string).startsWith('[') && !(match[1] as string).endsWith('.for'))
      .map((match) => match[0]);

    expect(staticImports.length).toBeGreaterThan(0);
    expect(staticImports.filter((specifier) => !specifier?.startsWith('node:'))).toEqual([]);
    expect(dynamicImports.filter((specifier) => !specifier?.startsWith('node:'))).toEqual([]);
    expect(sdkRequires).toEqual([]);
    expect(
      ['DescribeClientVpnConnections', 'TerminateClientVpnConnections', 'PutItem', 'Publish'].filter(
        (operation) => !bundle.includes(operation),
      ),
    ).toEqual([]);
    // The whole of @aws-sdk/client-ec2 alone is tens of MB; the shaken bundle is a small fraction.
    expect(bundle.length).toBeLessThan(4 * 1024 * 1024);
  });

  it('Compliance 6: loads in plain Node.js away from node_modules and exports the handler', () => {
    expect(exportedType(assetDir, 'handler')).toBe('function');
  });
});

describe('Client connect handler bundle', () => {
  let assetDir: string;
  beforeAll(() => {
    assetDir = assetDirOf('ConnectHandlerFunction');
  });

  it('Compliance 1: deploys as index.gateHandler on Node.js 24, arm64, bundled like the enforcer', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'AWSClientVPN-CvpnGuard',
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.gateHandler',
    });
    expect(readdirSync(assetDir).sort()).toEqual(['index.mjs', 'index.mjs.map']);
  });

  it('Compliance 2: maps back to lambda/gate-handler.ts and loads in plain Node.js, exporting gateHandler', () => {
    const map = JSON.parse(readFileSync(join(assetDir, 'index.mjs.map'), 'utf8')) as { sources: string[] };

    expect(map.sources.some((source) => source.endsWith('lambda/gate-handler.ts'))).toBe(true);
    expect(exportedType(assetDir, 'gateHandler')).toBe('function');
  });
});
