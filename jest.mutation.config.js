// The Jest run of the mutation gate (stryker.config.json): ONLY the pure unit specs of the mutated
// files — no infrastructure, no Nest application, no global setup — so each of the ~1,000 mutants
// is judged in milliseconds. A spec listed here must not touch PostgreSQL, Redis or RabbitMQ.
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  rootDir: __dirname,
  transform: base.transform,
  moduleNameMapper: base.moduleNameMapper,
  roots: ['<rootDir>/apps/payments/src', '<rootDir>/apps/gateway/src', '<rootDir>/libs/contracts/src', '<rootDir>/libs/platform'],
  testMatch: [
    '<rootDir>/libs/contracts/src/auth/**/*.spec.ts',
    '<rootDir>/apps/gateway/src/authorization/**/*.spec.ts',
    '<rootDir>/apps/gateway/src/authentication/credentials*.spec.ts',
    '<rootDir>/apps/gateway/src/throttling/adaptive/**/*.spec.ts',
    '<rootDir>/apps/gateway/src/throttling/request-throttle*.spec.ts',
    '<rootDir>/apps/gateway/src/routes/route-input*.spec.ts',
    '<rootDir>/apps/gateway/src/openapi/**/*.spec.ts',
    '<rootDir>/apps/gateway/src/websocket/upgrade-credential.spec.ts',
    '<rootDir>/apps/gateway/src/websocket/close-codes.spec.ts',
    '<rootDir>/apps/gateway/src/routes/kinds/*.spec.ts',
    '<rootDir>/apps/gateway/src/routes/route-hooks.spec.ts',
    '<rootDir>/libs/platform/errors/src/**/*.spec.ts',
    '<rootDir>/libs/platform/config/src/**/*.spec.ts',
    '<rootDir>/libs/platform/tenancy/src/**/*.spec.ts',
    '<rootDir>/apps/payments/src/providers/mercadopago/mercadopago-signature.spec.ts',
    '<rootDir>/apps/payments/src/providers/azul/azul-three-ds-callback.spec.ts',
    '<rootDir>/apps/payments/src/providers/azul/itbis.spec.ts',
    '<rootDir>/libs/platform/resilience/src/*.spec.ts',
    '<rootDir>/libs/platform/idempotency/src/**/*.spec.ts',
  ],
  // Boots a Nest application: the filter is HTTP glue (not mutated); the mapper it calls is.
  testPathIgnorePatterns: ['/node_modules/', '/libs/platform/errors/src/problem-details\\.filter\\.spec\\.ts$'],
  testTimeout: 10000,
};
