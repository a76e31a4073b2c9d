/**
 * The command line of both commands: one scanner for argv, the URL they take, and the error for a mistake
 * in them (exit code 2).
 */

/** A mistake in the command line: printed on stderr with a pointer to --help, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A name and value, decoded (literal). */
export type Pair = [name: string, value: string];

/** The arguments of one command: positional ones, flags given, options given once, and --data pairs. */
export interface ScannedArguments<V extends string> {
  positional: string[];
  flags: Set<string>;
  single: Map<V, string>;
  data: Pair[];
}

/**
 * Reads argv: "--" ends the options; `--name=value` or `--name value` for the value options (--data may
 * repeat, the others may not; a value that starts with "-" only in the first form); the flags take no value.
 * Throws UsageError for anything else.
 */
export function scanArguments<V extends string>(
  argv: readonly string[],
  valueOptions: readonly V[],
  flagOptions: readonly string[],
  unknown: (name: string) => string,
): ScannedArguments<V> {
  const scanned: ScannedArguments<V> = { positional: [], flags: new Set(), single: new Map(), data: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      scanned.positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      scanned.positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    if (flagOptions.includes(name)) {
      if (eq >= 0) throw new UsageError(`${name} takes no value.`);
      scanned.flags.add(name);
      continue;
    }
    if (!(valueOptions as readonly string[]).includes(name)) throw new UsageError(unknown(name));
    const option = name as V;
    let value: string;
    [value, i] = optionValue(argv, i, arg, eq, option);
    if (option === '--data') {
      scanned.data.push(dataPair(value));
      continue;
    }
    if (scanned.single.has(option)) throw new UsageError(`${option} is given more than once.`);
    scanned.single.set(option, value);
  }
  return scanned;
}

/** The value of an option given as `--name=value` or `--name value`, and the index of the last argument read. */
function optionValue(argv: readonly string[], i: number, arg: string, eq: number, option: string): [string, number] {
  if (eq >= 0) return [arg.slice(eq + 1), i];
  // Else `--consumer-secret --header-only` signed with the secret "--header-only", and `--realm -h` showed help.
  if (i + 1 >= argv.length || /^-./.test(argv[i + 1])) {
    throw new UsageError(`${option} needs a value (one that starts with "-" is given as ${option}=VALUE).`);
  }
  return [argv[i + 1], i + 1];
}

/** `--data NAME=VALUE`, taken literally. */
function dataPair(value: string): Pair {
  const at = value.indexOf('=');
  if (at < 0) throw new UsageError(`--data needs NAME=VALUE, got '${value}' (no '=').`);
  if (at === 0) throw new UsageError(`--data needs a parameter name before '=', got '${value}'.`);
  return [value.slice(0, at), value.slice(at + 1)];
}

/** Exactly two positional arguments: METHOD and URL. */
export function checkMethodAndUrl(positional: readonly string[]): void {
  if (positional.length === 0) throw new UsageError('Missing METHOD and URL.');
  if (positional.length === 1) throw new UsageError(`Missing URL after ${positional[0]}.`);
  if (positional.length > 2) throw new UsageError(`Too many arguments: ${positional.slice(2).join(' ')}.`);
}

/** An absolute http:// or https:// URL without user name or password; its fragment, never sent, dropped. */
export function parseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`'${text}' is not an absolute URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`The URL must be http:// or https://, got ${url.protocol}//.`);
  }
  if (url.username || url.password) throw new UsageError('The URL must not contain a user name or password.');
  url.hash = '';
  return url;
}
