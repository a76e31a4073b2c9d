/**
 * The demo started exactly as the README says (`npm run demo`), as a separate process on a loopback port.
 *
 * The demo listens on the port it is given in PORT and prints it, so the port is picked here; when another
 * process takes it first, the demo exits with EADDRINUSE and is started again on another port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { freePort, PORT_ATTEMPTS, type PortPicker } from './ports';

export interface Running {
  child: ChildProcess;
  base: string;
  /** Everything it printed so far, stdout and stderr. */
  output: () => string;
}

const ROOT = join(__dirname, '..', '..');

/** `npm run demo` with `env` over this process's environment, and PORT set. */
export const startDemoProcess = (env: Record<string, string> = {}): Promise<Running> =>
  startListening(['npm', 'run', 'demo'], env);

/**
 * Runs `command` in the repository with PORT set, until it prints `listening on http://127.0.0.1:PORT`; when
 * it exits saying EADDRINUSE before that, runs it again on another port (at most PORT_ATTEMPTS ports).
 */
export async function startListening(
  command: string[],
  env: Record<string, string> = {},
  { pickPort = freePort, timeoutMs = 60_000 }: { pickPort?: PortPicker; timeoutMs?: number } = {},
): Promise<Running> {
  for (let attempt = 1; ; attempt++) {
    const started = await startOnPort(command, env, await pickPort(), timeoutMs);
    if (started !== 'address in use') return started;
    if (attempt === PORT_ATTEMPTS) throw new Error(`${command.join(' ')} found no free port in ${attempt} attempts`);
  }
}

function startOnPort(
  command: string[],
  env: Record<string, string>,
  port: number,
  timeoutMs: number,
): Promise<Running | 'address in use'> {
  const [file, ...args] = command;
  const child = spawn(file, args, {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so a signal reaches npm, its shell and the demo alike
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const base = `http://127.0.0.1:${port}`;
  return new Promise((resolve, reject) => {
    const settle = (outcome: () => void) => {
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.off('close', onClose);
      outcome();
    };
    const onData = () =>
      out.includes(`listening on ${base}`) && settle(() => resolve({ child, base, output: () => out }));
    // 'close' comes once its output is all read, so the reason it exited is in `out`.
    const onClose = () =>
      settle(() => (/EADDRINUSE/.test(out) ? resolve('address in use') : reject(new Error(`did not start:\n${out}`))));
    const timer = setTimeout(() => {
      settle(() => reject(new Error(`did not start within ${timeoutMs} ms:\n${out}`)));
      signal(child, 'SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', onData);
    child.once('close', onClose);
  });
}

/** Signals the whole process group, as a terminal's Ctrl-C does, and waits until every process closed its output. */
export async function stopProcess(running: Running, sig: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (running.child.stdout?.closed) return;
  const closed = once(running.child, 'close');
  signal(running.child, sig);
  await closed;
}

function signal(child: ChildProcess, sig: NodeJS.Signals): void {
  try {
    process.kill(-(child.pid as number), sig);
  } catch {
    // the group is gone already
  }
}
