/**
 * Jest setup file (jest.config.ts `setupFilesAfterEnv`): a test that prints to the console fails, unless it
 * said it expected to (spec/support/console.ts).
 */
import { consoleHooks, installConsoleGuard } from './console';

installConsoleGuard();
beforeEach(() => consoleHooks.testStarted(expect.getState().currentTestName ?? 'a test'));
afterEach(() => consoleHooks.testEnded());
afterAll(() => consoleHooks.fileEnded());
