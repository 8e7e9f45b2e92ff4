/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests', '<rootDir>/src'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.tsx?$': ['ts-jest', { tsconfig: '<rootDir>/tests/tsconfig.json' }] },
  globalSetup: '<rootDir>/tests/setup/global-setup.ts',
  globalTeardown: '<rootDir>/tests/setup/global-teardown.ts',
  setupFilesAfterEnv: ['<rootDir>/tests/setup/file-database.ts'],
  testTimeout: 60_000,
  maxWorkers: 2,
  // Strapi boots per test file; a test that forgets to stop it should fail loudly, not hang CI.
  forceExit: false,
  detectOpenHandles: false,
  verbose: true,
};
