/**
 * Every TypeScript block of the README compiles against the library as it is, strictly, as a reader's project
 * would build it (the README's tsconfig: decorators, strict; Node's types; no @types/koa-bodyparser): an example that
 * has drifted from the API fails here, not in a reader's editor. Each block is a module of its own; the tour's
 * blocks (`<!-- tour: ... -->`) are checked as the two files they make, common part and driver ending. The names a
 * block uses without defining them (your stores, your app, your models) are declared once, below, for all blocks.
 * spec/package.spec.ts runs the tour itself from the packed package.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const ROOT = join(__dirname, '..');
/** Where the blocks are put, virtually, so that packages resolve from the repository's node_modules. */
const HERE = join(ROOT, '.readme-check');

/** The reader's own names that the README's blocks use without defining them. */
const WORLD = `
declare const stores: {
  queryClient(clientKey: string): import('routing-controllers-oauth1').Client | undefined;
  queryToken(clientKey: string, token: string): import('routing-controllers-oauth1').TokenCredential | undefined;
  nonceCache: import('routing-controllers-oauth1').NonceCache;
};
declare const protector: import('routing-controllers-oauth1').ResourceProtector;
declare const app: import('koa');
declare const router: import('@koa/router');
declare const koaApp: import('koa');
declare const expressApp: import('express').Express;
declare const launchHandler: import('koa').Middleware & import('express').RequestHandler;
declare const logger: { info(record: object): void };
declare const db: import('better-sqlite3').Database;
declare class DemoClient implements import('routing-controllers-oauth1').Client {
  constructor(key: string, secret: string | null, rsaPublicKey: string | null, methods?: string[] | null);
  getClientSecret(): string | undefined;
  getRsaPublicKey(): string | undefined;
}
declare class DemoToken implements import('routing-controllers-oauth1').TokenCredential {
  constructor(clientKey: string, token: string, secret: string, user: User, scopes?: readonly string[]);
  user: User;
  getOAuthToken(): string;
  getOAuthTokenSecret(): string;
}
declare type AccessToken = DemoToken;
declare interface User { id: number; name: string }
declare class MyClient implements import('routing-controllers-oauth1').Client {
  readonly key: string;
  getClientSecret(): string;
  getRsaPublicKey(): undefined;
}
declare class LtiLaunchDto { resource_link_id: string }
declare class PaymentDto { amount: string }
declare class NotesController {}
declare class MeController {}
declare class UsersController {}
declare function isOwner(credential: unknown, id: string): boolean;
declare const queryClient: (clientKey: string) => MyClient | undefined;
declare const existsNonce: import('routing-controllers-oauth1').ExistsNonce;
declare const messageId: string;
declare const launch: { lis_result_sourcedid: string; lis_outcome_service_url: string };
declare module 'pg' {
  export class Pool {
    constructor(options: object);
    query(text: string, values: unknown[]): Promise<{ rows: any[] }>;
  }
}
`;

interface Block {
  /** Where it starts in the README (1-based line of its fence) and what it is called there. */
  name: string;
  source: string;
}

/** The README's TypeScript blocks, each named by its line and the marker or heading above it. */
function readmeBlocks(): { tour: Record<string, string>; blocks: Block[] } {
  const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n');
  const tour: Record<string, string> = {};
  const blocks: Block[] = [];
  let heading = '';
  for (let i = 0; i < lines.length; i++) {
    if (/^#{1,4} /.test(lines[i])) heading = lines[i].replace(/^#+ /, '');
    if (lines[i] !== '```ts') continue;
    const end = lines.indexOf('```', i + 1);
    const source = lines.slice(i + 1, end).join('\n') + '\n';
    const marker = /^<!-- tour: (\w+) -->$/.exec(lines.slice(0, i).findLast((line) => line.trim() !== '') ?? '');
    if (marker) tour[marker[1]] = source;
    else blocks.push({ name: `line ${i + 1} (${heading})`, source });
    i = end;
  }
  return { tour, blocks };
}

/** A block whose statements await at the top level is an ES module; any other is CommonJS, as a ts-node app is. */
const isEsm = (source: string) => /^(?:(?:const|let) [^=]+= )?await /m.test(source);

/** Compiles the files (name → source) in one program; answers each file's diagnostics as text. */
function compile(files: Map<string, string>): Map<string, string[]> {
  const options: ts.CompilerOptions = {
    strict: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    esModuleInterop: true,
    skipLibCheck: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
    types: ['node'],
    baseUrl: ROOT,
    paths: {
      'routing-controllers-oauth1': ['src/index.ts'],
      'routing-controllers-oauth1/*': ['src/*.ts'],
    },
  };
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  const exists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (path) => files.get(path) ?? read(path);
  host.fileExists = (path) => files.has(path) || exists(path);
  host.getSourceFile = (path, language, ...rest) => {
    const text = files.get(path);
    return text === undefined
      ? getSourceFile(path, language, ...rest)
      : ts.createSourceFile(path, text, language, true);
  };
  const program = ts.createProgram([...files.keys()], options, host);
  const found = new Map<string, string[]>([...files.keys()].map((path) => [path, []]));
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const path = diagnostic.file?.fileName;
    const where =
      diagnostic.file && diagnostic.start !== undefined
        ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start)
        : undefined;
    const text = `${where ? `${where.line + 1}:${where.character + 1} ` : ''}${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
    (path !== undefined && found.has(path)
      ? (found.get(path) as string[])
      : (found.get('') ?? (found.set('', []).get('') as string[]))
    ).push(text);
  }
  return found;
}

const { tour, blocks } = readmeBlocks();
const checked: Block[] = [
  { name: 'the tour, Koa ending', source: `${tour.common}${tour.koa}` },
  { name: 'the tour, Express ending', source: `${tour.common}${tour.express}` },
  ...blocks,
];
const files = new Map<string, string>([[join(HERE, 'world.d.ts'), WORLD]]);
const pathOf = new Map<Block, string>();
checked.forEach((block, k) => {
  const path = join(HERE, `block-${k}.${isEsm(block.source) ? 'mts' : 'ts'}`);
  pathOf.set(block, path);
  // `export {}` keeps a block without imports a module of its own, as a file of the reader's is.
  files.set(path, `${block.source}export {};\n`);
});

let diagnostics: Map<string, string[]>;
beforeAll(() => {
  diagnostics = compile(files);
}, 120_000);

describe('the README', () => {
  it('has the tour and its TypeScript blocks where this check finds them', () => {
    expect(Object.keys(tour).sort()).toEqual(['common', 'express', 'koa']);
    expect(blocks.length).toBeGreaterThan(15);
  });

  it('installs a TypeScript that ts-node runs on (TypeScript 7, npm’s latest, has no JavaScript API)', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const start = readme.indexOf('## Quick start');
    const quickStart = readme.slice(start, readme.indexOf('\n## ', start));
    expect(quickStart.split('\n').find((line) => /^npm install .*\bts-node\b/.test(line))).toMatch(
      /\btypescript@[56]\b/,
    );
  });

  it('ends the tour with the server options its "Errors" section asks for: no stack traces, no submitted values', () => {
    for (const ending of [tour.koa, tour.express]) {
      expect(ending).toMatch(/development: false/);
      expect(ending).toMatch(/validation: \{ validationError: \{ target: false, value: false \} \}/);
    }
  });

  it('declares the reader’s names without a mistake of its own', () => {
    expect(diagnostics.get(join(HERE, 'world.d.ts'))).toEqual([]);
    expect(diagnostics.get('') ?? []).toEqual([]);
  });

  it.each(checked.map((block) => [block.name, block] as const))('compiles: %s', (_name, block) => {
    expect(diagnostics.get(pathOf.get(block) as string)).toEqual([]);
  });
});
