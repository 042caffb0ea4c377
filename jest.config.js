// One Jest run for the whole monorepo: SWC transform (keeps decorator metadata for Nest DI),
// tsconfig path aliases mapped to source. Integration suites create their own database, Redis key
// prefix and RabbitMQ vhost (libs/testing), so they run in parallel workers safely.
const { pathsToModuleNameMapper } = require('./scripts/jest/paths-mapper');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/scripts', '<rootDir>/e2e', '<rootDir>/tools'],
  testMatch: ['**/*.spec.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  moduleNameMapper: pathsToModuleNameMapper(),
  globalSetup: '<rootDir>/libs/testing/src/jest/global-setup.ts',
  globalTeardown: '<rootDir>/libs/testing/src/jest/global-teardown.ts',
  testTimeout: 30000,
  // Suites wait on I/O far more than they compute: two workers keep a 2-core CI busy.
  maxWorkers: process.env.JEST_MAX_WORKERS ?? 2,
};
