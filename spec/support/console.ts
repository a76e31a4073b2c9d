/**
 * The tests' console: a green run prints nothing. spec/support/console-setup.ts (a jest setup file) records
 * whatever the code under test writes with console.log, info, warn, error or debug, and fails the test that
 * wrote it (or, for what was written outside any test, the test file), naming the output. A test that means
 * to trigger a notice says so:
 *
 * - `expectWarning(pattern, fn)` runs `fn`, which must console.warn something matching `pattern`;
 * - `allowWarnings(pattern)` lets matching warnings through silently until the returned function is called
 *   (for a server started in `beforeAll` and stopped in `afterAll`, whose log is not what the tests check).
 *
 * This module registers no jest hooks itself, so helpers that also run outside jest (the bench) may import it.
 */
import { format } from 'node:util';

type Level = 'log' | 'info' | 'warn' | 'error' | 'debug';
const LEVELS: readonly Level[] = ['log', 'info', 'warn', 'error', 'debug'];
type Write = (...args: unknown[]) => void;

interface Allowance {
  level: Level;
  pattern: RegExp;
  /** Messages it let through. */
  seen: string[];
}

interface Guard {
  original: Record<Level, Write>;
  allowances: Set<Allowance>;
  /** The running test's name; undefined between tests (hooks of a describe block, loading the file). */
  test?: string;
  unexpected: { level: Level; text: string; during?: string }[];
  /** Once the file's own check has run, output is printed instead of recorded (it can fail nothing any more). */
  passThrough: boolean;
}

// On globalThis: one guard per test file, whichever copy of this module a spec loads (jest.isolateModules).
const KEY = Symbol.for('routing-controllers-oauth1.spec.console');
const holder = globalThis as unknown as Record<symbol, Guard | undefined>;

/** Replaces console's methods with recorders (once per test file); returns the guard's state. */
export function installConsoleGuard(): Guard {
  const installed = holder[KEY];
  if (installed) return installed;
  const guard: Guard = {
    original: Object.fromEntries(LEVELS.map((level) => [level, console[level].bind(console)])) as Record<Level, Write>,
    allowances: new Set(),
    unexpected: [],
    passThrough: false,
  };
  for (const level of LEVELS) {
    console[level] = (...args: unknown[]) => {
      const text = format(...args);
      // The innermost (latest) allowance that matches is credited: an expectWarning inside allowWarnings sees its own.
      const allowance = [...guard.allowances].reverse().find((a) => a.level === level && a.pattern.test(text));
      if (allowance) allowance.seen.push(text);
      else if (guard.passThrough) guard.original[level](...args);
      else guard.unexpected.push({ level, text, during: guard.test });
    };
  }
  holder[KEY] = guard;
  return guard;
}

const HOW_TO_EXPECT =
  'A test that means to print says so with expectWarning(pattern, fn) or allowWarnings(pattern) (spec/support/console.ts).';

/** Throws, listing `entries`, when there are any. */
function failOn(entries: Guard['unexpected'], where: string): void {
  if (entries.length === 0) return;
  const listed = entries.map(({ level, text }) => `console.${level}: ${text.replace(/\n/g, '\n    ')}`).join('\n  ');
  const error = new Error(`Unexpected console output ${where}:\n  ${listed}\n${HOW_TO_EXPECT}`);
  error.stack = `Error: ${error.message}`; // where the check ran says nothing: the message names the output
  throw error;
}

/** The hooks of the setup file. */
export const consoleHooks = {
  testStarted(name: string): void {
    installConsoleGuard().test = name;
  },
  /** Fails the test that just ran if it printed unexpectedly. */
  testEnded(): void {
    const guard = installConsoleGuard();
    const during = guard.unexpected.filter((u) => u.during === guard.test);
    guard.unexpected = guard.unexpected.filter((u) => u.during !== guard.test);
    guard.test = undefined;
    failOn(during, 'during this test');
  },
  /** Fails the file for what was printed outside its tests; from now on output is printed as it comes. */
  fileEnded(): void {
    const guard = installConsoleGuard();
    const outside = guard.unexpected;
    guard.unexpected = [];
    guard.passThrough = true;
    failOn(outside, 'outside any test (in a beforeAll or afterAll hook, or while the file loaded)');
  },
};

/**
 * Lets console.warn messages matching `pattern` through silently (not printed, not failing) until the returned
 * function is called.
 */
export function allowWarnings(pattern: RegExp): () => void {
  const guard = holder[KEY];
  if (!guard) return () => undefined; // outside jest: nothing to allow
  const allowance: Allowance = { level: 'warn', pattern, seen: [] };
  guard.allowances.add(allowance);
  return () => void guard.allowances.delete(allowance);
}

/** The notices a protector prints when it is configured: plain http allowed, and refused signatures logged. */
export const PLAIN_HTTP_NOTICE = /^routing-controllers-oauth1: plain http is allowed \(development transport mode\)/;
export const DEBUG_SIGNATURES_NOTICE = /^routing-controllers-oauth1: refused signatures are logged/;
/** The same notice for a `debugSignatures` function, which is handed the reports rather than logging them. */
export const DEBUG_SIGNATURES_HOOK_NOTICE =
  /^routing-controllers-oauth1: refused signatures are reported .* to debugSignatures/;

/**
 * Runs `fn`, which must console.warn at least one message matching each pattern; those are not printed. Other
 * output still fails the test.
 */
export function expectWarning<T>(patterns: RegExp | RegExp[], fn: () => T): T {
  const guard = installConsoleGuard();
  const allowances = [patterns].flat().map((pattern): Allowance => ({ level: 'warn', pattern, seen: [] }));
  for (const allowance of allowances) guard.allowances.add(allowance);
  const release = () => allowances.forEach((allowance) => guard.allowances.delete(allowance));
  const check = () => {
    release();
    const missing = allowances.filter((allowance) => allowance.seen.length === 0).map((a) => a.pattern);
    if (missing.length > 0) throw new Error(`Expected a console.warn matching ${missing.join(' and ')}; none came.`);
  };
  let result: T;
  try {
    result = fn();
  } catch (error) {
    release();
    throw error;
  }
  if (result instanceof Promise) {
    return result.then(
      (value) => (check(), value),
      (error: unknown) => {
        release();
        throw error;
      },
    ) as T;
  }
  check();
  return result;
}

/** Prints a notice meant for whoever runs the tests (such as why some are skipped), past the guard. */
export function printNotice(text: string): void {
  (holder[KEY]?.original.warn ?? console.warn)(text);
}
