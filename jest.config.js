/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Scratch projects some tests write (test/init) hold tests of their own, run by those tests.
  testPathIgnorePatterns: ['/node_modules/', '/test/\\.tmp/'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true, module: 'commonjs', moduleResolution: 'node', target: 'ES2022', esModuleInterop: true, resolveJsonModule: true } }],
  },
  moduleNameMapper: {
    '^xos$': '<rootDir>/lib/index.ts',
    '^xos/testing$': '<rootDir>/lib/testing/index.ts',
  },
  setupFiles: ['<rootDir>/test/helpers/fast-check-seed.ts'],
  testTimeout: 120000,
};
