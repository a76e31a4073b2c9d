import type { Config } from 'jest';

const config: Config = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/spec'],
  testMatch: ['**/*.spec.ts'],
  // Type errors are caught by `npm run typecheck`; tsconfig's isolatedModules makes ts-jest transpile each file alone.
  transform: { '^.+\\.ts$': 'ts-jest' },
  testTimeout: 30000,
};

export default config;
