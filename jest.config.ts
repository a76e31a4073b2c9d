import type { Config } from 'jest';

const config: Config = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/spec'],
  testMatch: ['**/*.spec.ts'],
  // Type errors are caught by `npm run typecheck`; tsconfig's isolatedModules makes ts-jest transpile each file alone.
  transform: { '^.+\\.ts$': 'ts-jest' },
  testTimeout: 30000,
  // A test that prints to the console fails unless it expects to (spec/support/console.ts).
  setupFilesAfterEnv: ['<rootDir>/spec/support/console-setup.ts'],
};

export default config;
