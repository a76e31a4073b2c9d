/**
 * The CLI run as a child process. ts-node costs about a second a process, so src/ is transpiled once per spec
 * file (like `npm run build`, without type checking) and runs use that; `viaTsNode` runs the source the way a
 * developer runs it by hand.
 */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { transpileSources } from './transpile';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

export type Cli = (args: string[], env?: Record<string, string>, options?: { viaTsNode?: boolean }) => Promise<Ran>;

/**
 * Transpiles the source before the spec file's tests and removes it after them; the returned function runs
 * the CLI with only PATH and the environment given (no inherited OAUTH1_* secrets).
 */
export function compiledCli(prefix: string): Cli {
  let outDir: string;
  beforeAll(() => {
    outDir = transpileSources(prefix);
  });
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));
  return async (args, env = {}, { viaTsNode = false } = {}) => {
    const entry = viaTsNode
      ? ['-r', 'ts-node/register/transpile-only', join(ROOT, 'src', 'cli', 'main.ts')]
      : [join(outDir, 'src', 'cli', 'main.js')];
    try {
      const { stdout, stderr } = await run(process.execPath, [...entry, ...args], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, ...env },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code?: number; stdout: string; stderr: string };
      if (typeof e.code !== 'number') throw error;
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
}
