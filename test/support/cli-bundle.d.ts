/** The environment variable that names the run's directory for the bundle; test files and their workers read it. */
export declare const CLI_BUNDLE_DIR_ENV = 'CLI_TEST_BUNDLE_DIR';
/** Builds the `cvpn-guard` command (bin/cvpn-guard.ts and all it imports) into one ESM file. @default root the cwd */
export declare function buildCliBundle(outfile: string, root?: string): Promise<void>;
/** The run's bundle of the command (built on first use), or bin/cvpn-guard.js without one. @default root the cwd */
export declare function cliBundle(root?: string): Promise<string>;
/** jest's global setup: a fresh directory for the bundle, named in CLI_BUNDLE_DIR_ENV. */
export declare function setupCliBundle(): Promise<void>;
/** jest's global teardown: removes what setupCliBundle made. */
export declare function teardownCliBundle(): Promise<void>;
