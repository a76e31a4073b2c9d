import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Runs a module of bench/ under ts-node in a child process with these Node flags (a memory measurement needs its own
 * heap and flags); the module prints its results as its last line of JSON.
 */
export function runBenchChild<T>(module: string, nodeFlags: readonly string[]): T {
  const child = spawnSync(
    process.execPath,
    [...nodeFlags, '-r', 'ts-node/register/transpile-only', join(__dirname, '..', module)],
    { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, env: process.env },
  );
  if (child.status !== 0) throw new Error(`bench/${module} failed (${child.status}):\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop() ?? '') as T;
}
