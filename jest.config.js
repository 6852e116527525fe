/** Jest runs the TypeScript sources as ESM, transpiled by esbuild (types erased only: `npm run build` type-checks). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': '<rootDir>/test/support/esbuild-transformer.js' },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/cdk.out/'],
  // Builds the `cvpn-guard` command into one file that the end-to-end tests spawn (test/support/cli-bundle.js).
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
  // One worker per core (jest's default leaves one idle): on two cores, one suite waits on a child process or a
  // retry's back-off while the other runs.
  maxWorkers: '100%',
  testTimeout: 30000,
};
