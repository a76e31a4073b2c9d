/**
 * Every default the docs restate (README's Limits table and prose, SECURITY.md's table, error-contract.md's defaults) is
 * the code's, read from its one owner (DEFAULT_LIMITS, DEFAULTS, `new MemoryNonceCache().capacity`): a default changed
 * in the code and not in the docs fails here. Nothing else would catch storeCallsWaiting's or the capacity's.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MemoryNonceCache } from '../src';
import { LONGEST_SIGNED_FORM } from '../src/http/http-request';
import { DEFAULT_LIMITS, DEFAULTS } from '../src/protector/settings';

const ROOT = join(__dirname, '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const count = (n: number) => n.toLocaleString('en-US');
const kib = (bytes: number) => (bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${count(bytes)} bytes`);
const seconds = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000} s` : `${count(ms)} ms`);
const capacity = new MemoryNonceCache().capacity;

/** The cells of the table row whose first cell contains `key`. */
function row(markdown: string, key: string): string[] {
  const line = markdown.split('\n').find((l) => l.startsWith('|') && l.split('|')[1].includes(key));
  if (!line) throw new Error(`no table row for ${key}`);
  return line
    .split('|')
    .slice(1, -1)
    .map((cell) => cell.trim());
}
/** The row whose last cell ("where") is exactly `setting`, for SECURITY.md's table. */
function rowWhere(markdown: string, setting: string): string[] {
  const line = markdown
    .split('\n')
    .find((l) => l.startsWith('|') && l.split('|').slice(-2, -1)[0]?.trim().startsWith(setting));
  if (!line) throw new Error(`no table row where ${setting}`);
  return line
    .split('|')
    .slice(1, -1)
    .map((cell) => cell.trim());
}

describe("README's Limits table states each default as the code has it", () => {
  const readme = read('README.md');
  const limits = readme.slice(readme.indexOf('\n## Limits\n'), readme.indexOf('\n## Request bodies\n'));
  it.each<[string, string]>([
    ['`limits.authorizationHeader`', kib(DEFAULT_LIMITS.authorizationHeader)],
    ['`limits.parameters`', count(DEFAULT_LIMITS.parameters)],
    ['`limits.credentialLength`', count(DEFAULT_LIMITS.credentialLength)],
    ['`limits.body`', kib(DEFAULT_LIMITS.body)],
    ['`limits.jsonDepth`', `${DEFAULT_LIMITS.jsonDepth} levels`],
    ['`storeTimeoutMs`', seconds(DEFAULTS.storeTimeoutMs)],
    ['`limits.storeCallsWaiting`', count(DEFAULT_LIMITS.storeCallsWaiting)],
    ['`timestampWindowSeconds`', `±${DEFAULTS.timestampWindowSeconds} s`],
    ['`MemoryNonceCache` `capacity`', `${count(capacity)} nonces`],
  ])('%s: %s', (key, expected) => {
    expect(row(limits, key)[1]).toBe(expected);
  });

  it('and in its prose', () => {
    expect(readme).toContain(`\`limits.jsonDepth\` (${DEFAULT_LIMITS.jsonDepth}) levels`);
    expect(readme).toContain(`\`limits.storeCallsWaiting\` (${count(DEFAULT_LIMITS.storeCallsWaiting)}) calls`);
    expect(readme).toContain(`(default ${count(DEFAULTS.storeTimeoutMs)} ms)`);
    expect(readme).toContain(`The default capacity, ${count(capacity)}, covers`);
    expect(readme).toContain(`inside ±${DEFAULTS.timestampWindowSeconds} s (\`timestampWindowSeconds\`)`);
    const longest = 2 * DEFAULTS.timestampWindowSeconds + 1 + Math.ceil(DEFAULTS.storeTimeoutMs / 1000);
    expect(readme).toContain(`(${longest} s with the defaults)`);
    expect(readme.replace(/\s+/g, ' ')).toContain(`past ${count(LONGEST_SIGNED_FORM)} bytes (about 102 MiB)`);
  });
});

describe("docs/SECURITY.md's table and docs/error-contract.md's defaults agree", () => {
  const security = read('docs/SECURITY.md');
  it.each<[string, string]>([
    ['`limits.authorizationHeader`', kib(DEFAULT_LIMITS.authorizationHeader)],
    ['`limits.parameters`', count(DEFAULT_LIMITS.parameters)],
    ['`limits.credentialLength`', `${count(DEFAULT_LIMITS.credentialLength)} characters each`],
    ['`limits.body`', kib(DEFAULT_LIMITS.body)],
    ['`limits.jsonDepth`', `${DEFAULT_LIMITS.jsonDepth} levels`],
    ['`storeTimeoutMs`', seconds(DEFAULTS.storeTimeoutMs)],
    ['`limits.storeCallsWaiting`', `${count(DEFAULT_LIMITS.storeCallsWaiting)} per store, per protector`],
    ['`timestampWindowSeconds`', `±${DEFAULTS.timestampWindowSeconds} s, both directions`],
    ['`capacity`', `${count(capacity)} (`],
  ])('SECURITY.md %s', (setting, expected) => {
    expect(rowWhere(security, setting)[1].startsWith(expected)).toBe(true);
  });

  it('error-contract.md', () => {
    const contract = read('docs/error-contract.md').replace(/\s+/g, ' ');
    expect(contract).toContain(
      `Default limits (configurable; the demo uses them): \`Authorization\` value ${kib(DEFAULT_LIMITS.authorizationHeader)}; ` +
        `\`oauth_nonce\`, consumer key and token ${DEFAULT_LIMITS.credentialLength} characters each; ` +
        `${count(DEFAULT_LIMITS.parameters)} parameters in all; request body ${kib(DEFAULT_LIMITS.body)}; ` +
        `each store call ${seconds(DEFAULTS.storeTimeoutMs)} before it`,
    );
    expect(contract).toContain(`(default ±${DEFAULTS.timestampWindowSeconds} s, configurable)`);
    expect(contract).toContain(`deeper than \`limits.jsonDepth\` (${DEFAULT_LIMITS.jsonDepth}) levels`);
  });
});
