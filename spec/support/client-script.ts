/**
 * What the interop specs of clients in other languages share: finding an interpreter that has the client library,
 * skipping (outside CI) or failing (under CI) without one, running the script that signs or sends, and checking the
 * demo's answer to each request a client sent.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { printNotice } from './console';
import { startDemo } from './demo';
import type { Identity } from './sign';

/** The first of `candidates` (unset ones left out) for which `probe` exits 0: it has what the script needs. */
export function findInterpreter(candidates: (string | undefined)[], probe: string[]): string | undefined {
  return candidates.find((candidate) => !!candidate && spawnSync(candidate, probe).status === 0);
}

/**
 * `describe` when `interpreter` was found or under CI (where the missing interpreter then fails the tests, as
 * `.ci/run` installs it); otherwise `describe.skip`, with a note naming `missing`.
 */
export function describeWith(interpreter: string | undefined, missing: string): jest.Describe {
  if (interpreter || process.env.CI) return describe;
  printNotice(`${missing} is not installed: skipping its interop tests (CI=true fails them)`);
  return describe.skip;
}

/**
 * Runs `interpreter` with `args` (the script last), `input` on its stdin (as JSON unless it is text), and answers what
 * it writes to stdout, parsed as JSON. Not spawnSync: a script that sends requests to an app of this process needs its
 * event loop to answer them.
 */
export async function runClientScript<T>(
  interpreter: string,
  args: readonly string[],
  input: unknown,
  env?: Record<string, string>,
): Promise<T> {
  const script = args[args.length - 1];
  const run = spawn(interpreter, args, { timeout: 60_000, env: { ...process.env, ...env } });
  let [stdout, stderr] = ['', ''];
  run.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  run.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  run.stdin.end(typeof input === 'string' ? input : JSON.stringify(input));
  const [code] = (await once(run, 'close')) as [number | null];
  if (code !== 0) throw new Error(`${script} failed (exit ${code}): ${stderr}`);
  return JSON.parse(stdout) as T;
}

/** Each signature method in each placement, with each route that placement carries: the cases of a client. */
export function caseMatrix<P extends string, R extends string>(
  methods: readonly string[],
  routesOf: Record<P, readonly R[]>,
): { signatureMethod: string; placement: P; route: R }[] {
  return methods.flatMap((signatureMethod) =>
    (Object.keys(routesOf) as P[]).flatMap((placement) =>
      routesOf[placement].map((route) => ({ signatureMethod, placement, route })),
    ),
  );
}

/** One request a client makes to the demo. */
export interface ClientCase {
  /** The library that sends it, when the script has more than one. */
  library?: string;
  who: Identity;
  signatureMethod: string;
  /** Where the client puts the protocol parameters, in its own words. */
  placement: string;
  route: string;
}

/** The demo's answer to one request, as a client script reports it (status 0: the client failed before any). */
interface Answer {
  status: number;
  body: string;
}

/**
 * The tests of a client that sends its requests itself: the demo is started, the script run once with `input(base)`
 * (the demo's URL) to send every case, and each case's answer compared with `expected(case)`.
 */
export function describeClient<C extends ClientCase>(client: {
  title: string;
  interpreter: string | undefined;
  /** What to install, named in the note when it is missing. */
  missing: string;
  /** The interpreter's arguments, the script last. */
  args: readonly string[];
  /** Environment variables the interpreter needs besides this process's. */
  env?: Record<string, string>;
  cases: readonly C[];
  input: (base: string) => unknown;
  expected: (c: C) => { status: number; body: unknown };
}): void {
  describeWith(client.interpreter, client.missing)(client.title, () => {
    let demo: Awaited<ReturnType<typeof startDemo>> | undefined;
    let answers: Answer[] = [];
    beforeAll(async () => {
      demo = await startDemo();
      const interpreter = client.interpreter ?? client.missing;
      answers = await runClientScript(interpreter, client.args, client.input(demo.base), client.env);
    });
    afterAll(() => demo?.stop());

    const named = client.cases.map(
      (c, k) =>
        [
          `${c.library ? `${c.library}: ` : ''}${c.who.consumerKey} ${c.signatureMethod} in the ${c.placement}: ${c.route}`,
          k,
        ] as const,
    );
    it.each(named)('%s', (_name, k) => {
      const { status, body } = answers[k];
      expect({ status, body: status === 0 ? body : (JSON.parse(body) as unknown) }).toEqual(
        client.expected(client.cases[k]),
      );
    });
  });
}

/** A case's method and credentials, as the JSON-reading scripts take them (the consumer secret is each one's own). */
export const signedBy = (c: ClientCase) => ({
  signature_method: c.signatureMethod,
  consumer_key: c.who.consumerKey,
  token: c.who.token,
  token_secret: c.who.tokenSecret,
});

/** Text every layer must encode and decode alike: a query value and a note's text. */
export const TRICKY = "a b+c/d=e&f 100% é 日本 *!~'()";

/** The note a case posts to /api/notes, as the scripts take it: a form's pairs, or JSON text. */
export const noteOf = (route: string) => ({
  form: route === 'form note' ? [['text', TRICKY]] : null,
  json: route === 'json note' ? JSON.stringify({ text: TRICKY }) : null,
});

/** The demo's answer to a request it accepted: alice (every token these clients use is hers), and a note's text. */
export function accepted(route: string): { status: number; body: unknown } {
  const user = { id: 1, name: 'alice' };
  return { status: 200, body: route === 'me' ? expect.objectContaining({ user }) : { user, text: TRICKY } };
}

/** The demo's refusal, by its status and OAuth error code, and what its description says, when given. */
export const refused = (status: number, error: string, says?: RegExp) => ({
  status,
  body: expect.objectContaining(says ? { error, error_description: expect.stringMatching(says) } : { error }),
});
