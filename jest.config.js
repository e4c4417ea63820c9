/** Jest runs TypeScript sources as ESM through ts-jest (see docs/development.md). */
export default {
  testEnvironment: 'node',
  verbose: true,
  roots: ['<rootDir>/test', '<rootDir>/plugins'],
  testMatch: ['**/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/fixtures/'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.test.json' }] },
  testTimeout: 60000,
  maxWorkers: 2,
  // Jest 30 'soft'-deletes what a test file left on the global scope by turning each property into an accessor whose
  // setter writes through with Reflect.set, which recurses without end for a plain data property: one late write
  // (a child's exit handler after its file ended) failed a whole suite with 'Maximum call stack size exceeded'.
  // Every file runs in a fresh environment anyway, so the cleanup buys nothing here.
  testEnvironmentOptions: { globalsCleanup: 'off' },
};
