/**
 * `runCli()`: the whole command line in, the text to print and the exit code out; `main.ts` does the
 * printing. Usage errors are exit code 2, with a pointer to --help.
 */
import { formatSignatureReport } from '../core';
import { UsageError } from './arguments';
import { curlCommand } from './curl';
import { explainReport, type ExplainInput } from './explain';
import { parseExplainArguments, splitRequestUrl } from './explain-arguments';
import { HELP, PROGRAM } from './help';
import { defaultDependencies, signFromArguments, type PrintedRequest, type SignDependencies } from './sign';
import { parseSignArguments } from './sign-arguments';

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

const usageHint = (command: string) => `Run '${PROGRAM} ${command} --help' for usage.\n`;

/** The whole command line after the program name, e.g. ['sign', '--consumer-key', 'k', 'GET', 'https://…']. */
export function runCli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = {},
  deps: SignDependencies = defaultDependencies,
): CliResult {
  const end = argv.indexOf('--');
  const options = end < 0 ? argv : argv.slice(0, end);
  if (options.includes('--help') || options.includes('-h')) return { exitCode: 0, stdout: HELP, stderr: '' };
  const [command, ...rest] = argv;
  try {
    if (command === undefined) throw new UsageError("Missing command: 'sign' or 'explain'.");
    if (command === 'explain') {
      const report = explainReport(parseExplainArguments(rest));
      return { exitCode: 0, stdout: `${formatSignatureReport(report)}\n`, stderr: '' };
    }
    if (command !== 'sign') {
      throw new UsageError(`Unknown command '${command}'; the commands are 'sign' and 'explain'.`);
    }
    const args = parseSignArguments(rest, env);
    const request = signFromArguments(args, deps);
    const stdout = `${args.headerOnly ? request.authorization : curlCommand(request)}\n`;
    let stderr = request.warnings.map((w) => `${PROGRAM}: warning: ${w}\n`).join('');
    if (args.explain) stderr += `${formatSignatureReport(explainReport(signedRequestInput(request)))}\n`;
    return { exitCode: 0, stdout, stderr };
  } catch (error) {
    if (error instanceof UsageError) {
      const hint = usageHint(command === 'explain' ? 'explain' : 'sign');
      return { exitCode: 2, stdout: '', stderr: `${PROGRAM}: error: ${error.message}\n${hint}` };
    }
    throw error;
  }
}

/** The `explain` input for a request that `sign` built: the request as curl sends it. */
function signedRequestInput(request: PrintedRequest): ExplainInput {
  return {
    method: request.method,
    ...splitRequestUrl(request.url),
    authorization: request.authorization,
    form: request.contentType === 'application/x-www-form-urlencoded' ? request.body : undefined,
  };
}
