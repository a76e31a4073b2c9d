/** src/ as it was at a git revision, for the side-by-side comparisons (bench/ab.ts, bench/ab-http.ts). */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** Extracts the repository's src/ at `rev` into `folder` (as `folder/src`). */
export function extractSrc(rev: string, folder: string): void {
  const archive = execFileSync('git', ['archive', rev, 'src'], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  execFileSync('tar', ['-x', '-C', folder], { input: archive });
}
