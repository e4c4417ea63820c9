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
};
