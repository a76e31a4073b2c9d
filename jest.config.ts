import type { Config } from 'jest';

/** What every project shares. */
const common: Config = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/spec'],
  // Type errors are caught by `npm run typecheck`; tsconfig's isolatedModules makes ts-jest transpile each file alone.
  transform: { '^.+\\.ts$': 'ts-jest' },
  // A test that prints to the console fails unless it expects to (spec/support/console.ts).
  setupFilesAfterEnv: ['<rootDir>/spec/support/console-setup.ts'],
};

/** The specs that run the demo, and so its contract, interop, replay and fuzz tests: once on each driver. */
const DEMO_SPECS = [
  'access',
  'demo-process',
  'demo-routes',
  'error-contract',
  'fuzz',
  'hostile-input',
  'interop',
  'interop-python',
  'interop-go',
  'interop-java',
  'interop-php',
  'interop-ruby',
  'lti',
  'one-reading',
  'openapi',
  'replay',
];

const config: Config = {
  testTimeout: 30000,
  projects: [
    { ...common, displayName: 'koa', testMatch: ['**/*.spec.ts'] },
    {
      ...common,
      displayName: 'express',
      testMatch: DEMO_SPECS.map((name) => `**/spec/${name}.spec.ts`),
      // startDemo() and `npm run demo` read DEMO_DRIVER, as the README's `DEMO_DRIVER=express npm run demo` does.
      setupFiles: ['<rootDir>/spec/support/express-driver-env.ts'],
    },
  ],
};

export default config;
