/* global process */
/**
 * `npm run demo`: the demo as users run production code, compiled JavaScript. src/ and demo/ are transpiled
 * (TypeScript's transpileModule, no type check: `npm run typecheck` does that) into .demo-build/, only the files
 * that changed since the last start, then the compiled demo/main.js runs. A start with nothing to transpile does
 * not even load TypeScript.
 */
import { createRequire } from 'node:module';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { writeFileSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, '.demo-build');
const FOLDERS = ['src', 'demo'];

/** Every .ts file (not .d.ts) under the folders, by path relative to the repository. */
function sources() {
  const found = [];
  const walk = (dir) => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (path.endsWith('.ts') && !path.endsWith('.d.ts')) found.push(path);
    }
  };
  FOLDERS.forEach(walk);
  return found;
}

const outputOf = (path) => join(OUT, path.replace(/\.ts$/, '.js'));
const newer = (a, b) => !existsSync(b) || statSync(a).mtimeMs > statSync(b).mtimeMs;

/** Writes through a temporary file and a rename, so that a demo starting beside this one never reads half a file. */
function writeAtomically(file, text) {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}

// The compiler options are tsconfig.json's, their one owner: a file compiled before it last changed is compiled again.
const TSCONFIG = join(ROOT, 'tsconfig.json');
const all = sources();
const stale = all.filter((path) => newer(join(ROOT, path), outputOf(path)) || newer(TSCONFIG, outputOf(path)));
if (stale.length > 0) {
  const ts = (await import('typescript')).default;
  const { options } = ts.convertCompilerOptionsFromJson(
    ts.readConfigFile(TSCONFIG, ts.sys.readFile).config.compilerOptions,
    ROOT,
  );
  // transpileModule writes JavaScript alone.
  const compilerOptions = { ...options, declaration: false, sourceMap: false };
  for (const path of stale) {
    const { outputText } = ts.transpileModule(readFileSync(join(ROOT, path), 'utf8'), {
      fileName: path,
      compilerOptions,
    });
    writeAtomically(outputOf(path), outputText);
  }
}
// Compiled files whose source is gone.
const wanted = new Set(all.map(outputOf));
const clean = (dir) => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && !entry.isSymbolicLink()) clean(path);
    else if (path.endsWith('.js') && !wanted.has(path)) rmSync(path, { force: true });
  }
};
for (const folder of FOLDERS) if (existsSync(join(OUT, folder))) clean(join(OUT, folder));
// What the compiled demo reads beside itself: ../package.json (its version) and keys/.
if (newer(join(ROOT, 'package.json'), join(OUT, 'package.json'))) {
  const temporary = join(OUT, `package.json.${process.pid}.tmp`);
  copyFileSync(join(ROOT, 'package.json'), temporary);
  renameSync(temporary, join(OUT, 'package.json'));
}
if (!existsSync(join(OUT, 'demo', 'keys'))) {
  try {
    symlinkSync(relative(join(OUT, 'demo'), join(ROOT, 'demo', 'keys')), join(OUT, 'demo', 'keys'));
  } catch (error) {
    if (error.code !== 'EEXIST') throw error; // another demo starting beside this one made it
  }
}
createRequire(import.meta.url)(join(OUT, 'demo', 'main.js'));
