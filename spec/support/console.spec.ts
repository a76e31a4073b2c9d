/**
 * The console guard every spec runs under (spec/support/console-setup.ts): unexpected output fails the test
 * that wrote it, or the file when no test was running; expected notices are said so and stay silent.
 */
import { allowWarnings, consoleHooks, expectWarning, installConsoleGuard } from './console';

/** Runs the check the setup file runs after each test, now, then resumes the test's own. */
function checkNow(): void {
  const name = expect.getState().currentTestName ?? 'a test';
  try {
    consoleHooks.testEnded();
  } finally {
    consoleHooks.testStarted(name);
  }
}

describe('the console guard', () => {
  it('fails a test that writes to the console unexpectedly, naming each message once', () => {
    console.warn('something %s', 'unexpected');
    console.log('and a log');
    expect(checkNow).toThrow(
      /^Unexpected console output during this test:\n {2}console\.warn: something unexpected\n {2}console\.log: and a log\n/,
    );
    expect(checkNow).not.toThrow();
  });

  it('catches console.error, info and debug as well', () => {
    console.error('e');
    console.info('i');
    console.debug('d');
    expect(checkNow).toThrow(/console\.error: e\n {2}console\.info: i\n {2}console\.debug: d/);
  });

  it('keeps the warnings that expectWarning expects silent, and returns what its function returns', () => {
    expect(expectWarning(/^notice/, () => (console.warn('notice: fine'), 42))).toBe(42);
    expect(checkNow).not.toThrow();
  });

  it('fails expectWarning when a pattern was not matched', () => {
    expect(() => expectWarning(/^notice/, () => console.warn('another thing'))).toThrow(
      'Expected a console.warn matching /^notice/; none came.',
    );
    expect(() => expectWarning([/^a/, /^b/], () => console.warn('a'))).toThrow('matching /^b/; none came');
    expect(checkNow).toThrow(/console\.warn: another thing/); // not expected either
  });

  it('waits for an async function before checking', async () => {
    const later = async () => {
      await new Promise((resolve) => setImmediate(resolve));
      console.warn('later');
      return 'done';
    };
    await expect(expectWarning(/^later$/, later)).resolves.toBe('done');
    await expect(expectWarning(/^never$/, later)).rejects.toThrow('none came');
    expect(checkNow).toThrow(/console\.warn: later/);
  });

  it('still fails other output inside expectWarning', () => {
    expectWarning(/^notice/, () => {
      console.warn('notice');
      console.warn('other');
    });
    expect(checkNow).toThrow(/console\.warn: other/);
  });

  it('lets warnings allowWarnings allows through silently until it is released', () => {
    const release = allowWarnings(/^server log/);
    console.warn('server log: 1');
    expect(checkNow).not.toThrow();
    release();
    console.warn('server log: 2');
    expect(checkNow).toThrow(/console\.warn: server log: 2/);
  });

  it('credits an expectWarning inside an allowWarnings that matches the same message', () => {
    const release = allowWarnings(/notice/);
    try {
      expect(() => expectWarning(/^notice/, () => console.warn('notice'))).not.toThrow();
    } finally {
      release();
    }
  });

  it('fails the file for output written outside any test, then prints what comes later', () => {
    const name = expect.getState().currentTestName ?? 'a test';
    const guard = installConsoleGuard();
    const print = jest.spyOn(guard.original, 'warn').mockImplementation(() => undefined);
    try {
      consoleHooks.testEnded();
      console.warn('from a hook');
      expect(() => consoleHooks.fileEnded()).toThrow(
        /^Unexpected console output outside any test .*:\n {2}console\.warn: from a hook\n/,
      );
      console.warn('after the check');
      expect(print).toHaveBeenCalledWith('after the check');
    } finally {
      print.mockRestore();
      guard.passThrough = false;
      consoleHooks.testStarted(name);
    }
  });
});
