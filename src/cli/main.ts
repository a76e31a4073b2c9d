#!/usr/bin/env node
/**
 * The `routing-controllers-oauth1` command (package.json "bin"): `sign` and `explain`, see run.ts and `--help`.
 */
import { runCli } from './run';

// A reader that stops early (`| head`) closes the pipe: what is left unwritten is dropped, never a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') return;
  process.stderr.write(`routing-controllers-oauth1: error: ${error.message}\n`);
  process.exitCode = 1;
});

try {
  const result = runCli(process.argv.slice(2), process.env);
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exitCode = result.exitCode;
} catch (error) {
  // Anything else than a usage error (those are runCli's, exit 2): one line, never a stack trace.
  process.stderr.write(
    `routing-controllers-oauth1: error: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exitCode = 1;
}
