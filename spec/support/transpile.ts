import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';

const ROOT = join(__dirname, '..', '..');

let options: ts.CompilerOptions | undefined;

/** tsconfig.json's compiler options (their one owner), for JavaScript alone: no declarations, no source maps. */
function compilerOptions(): ts.CompilerOptions {
  if (options === undefined) {
    const file = join(ROOT, 'tsconfig.json');
    const json = (ts.readConfigFile(file, ts.sys.readFile).config as { compilerOptions: object }).compilerOptions;
    options = { ...ts.convertCompilerOptionsFromJson(json, ROOT).options, declaration: false, sourceMap: false };
  }
  return options;
}

/** The repository's node_modules, for `NODE_PATH`. */
export const NODE_MODULES = join(ROOT, 'node_modules');

/** Transpiles the TypeScript files of `folders` under `root` into `outDir`, keeping their paths. */
export function transpileTree(root: string, outDir: string, folders: readonly string[]): void {
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      // Declaration files (spec/support/express5.d.ts) have no JavaScript: transpileModule fails on them.
      else if (path.endsWith('.ts') && !path.endsWith('.d.ts')) {
        const { outputText } = ts.transpileModule(readFileSync(join(root, path), 'utf8'), {
          fileName: path,
          compilerOptions: compilerOptions(),
        });
        mkdirSync(join(outDir, dir), { recursive: true });
        writeFileSync(join(outDir, path.replace(/\.ts$/, '.js')), outputText);
      }
    }
  };
  for (const folder of folders) walk(folder);
}

/**
 * Transpiles src/ (and any other folders of the repository named) once into a temporary folder (like
 * `npm run build`, without type checking) and returns that folder: running the CLI from it as a child
 * process costs far less than ts-node's second a run, and a bench server runs as users run the library.
 * Packages resolve from there with `NODE_PATH` set to the repository's node_modules.
 */
export function transpileSources(prefix: string, folders: readonly string[] = ['src']): string {
  const outDir = mkdtempSync(join(tmpdir(), prefix));
  transpileTree(ROOT, outDir, folders);
  return outDir;
}
