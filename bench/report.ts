/**
 * The bench's outputs: the table on stdout, bench/results/latest.json, bench/results/latest.svg (a bar
 * chart drawn here, no chart library) and the results section of docs/benchmarks.md.
 */
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';

export type Status = 'pass' | 'fail' | 'out of reach' | 'not measured' | 'reference';

export interface Target {
  id: string;
  title: string;
  /** The raw numbers behind the ratio, for people. */
  measured: string;
  /** The compared value (a ratio, or MB), or null when not measured. */
  value: number | null;
  unit: '×' | 'MB' | 'µs';
  limit: number;
  /** `min`: value must be at least the limit; `max`: at most. */
  bound: 'min' | 'max';
  status: Status;
  note?: string;
  /**
   * A measurement shown beside a target, not one: what the cryptography alone allows. Its `limit` is that
   * of the target it bounds, for comparison; it neither passes nor fails.
   */
  reference?: true;
  /**
   * The floor argument, when the run proves the limit out of reach on this machine: a route that no guard can
   * beat (the cryptography alone, or the app's own unguarded route) already misses it. A miss is then
   * `out of reach`, not `fail`.
   */
  outOfReach?: string;
  /**
   * When the minimal verifier (bench/support/minimal-verifier.ts), measured in the same run, misses the limit too:
   * a yardstick, not a proof (the fastest code we could write is not the fastest code possible), so the row still
   * fails.
   */
  yardstick?: string;
}

export function target(t: Omit<Target, 'status'>): Target {
  const status: Status =
    t.value === null || !Number.isFinite(t.value)
      ? 'not measured'
      : t.reference
        ? 'reference'
        : (t.bound === 'min' ? t.value >= t.limit : t.value <= t.limit)
          ? 'pass'
          : t.outOfReach
            ? 'out of reach'
            : 'fail';
  return { ...t, status };
}

const withUnit = (unit: Target['unit'], value: number) =>
  unit === 'MB' ? `${value.toFixed(1)} MB` : unit === 'µs' ? `${value.toFixed(1)} µs` : `${value.toFixed(2)}×`;
export const formatValue = (t: Target): string => (t.value === null ? '–' : withUnit(t.unit, t.value));
export const formatLimit = (t: Target): string => `${t.bound === 'min' ? '≥' : '≤'} ${withUnit(t.unit, t.limit)}`;
const formatStatus = (t: Target): string =>
  ({
    pass: 'pass',
    fail: 'FAIL',
    'out of reach': 'OUT OF REACH',
    'not measured': 'NOT MEASURED',
    reference: 'reference',
  })[t.status];

/** How far a failing target is from its limit, e.g. "needs 2.0× faster" or "49% short". */
export function shortfall(t: Target): string {
  if ((t.status !== 'fail' && t.status !== 'out of reach') || t.value === null) return '';
  return t.bound === 'min'
    ? `${Math.round((1 - t.value / t.limit) * 100)}% below the limit`
    : `${Math.round((t.value / t.limit - 1) * 100)}% over the limit`;
}

/** A row's note, its proof when out of reach, and what the yardstick says when it misses too. */
export const noteOf = (t: Target): string =>
  [t.note, t.outOfReach && `OUT OF REACH: ${t.outOfReach}`, t.yardstick && `the yardstick misses too: ${t.yardstick}`]
    .filter(Boolean)
    .join('; ');

const HEADERS = ['target', 'measured', 'ratio', 'limit', 'result'];
const cells = (t: Target) => [t.title, t.measured, formatValue(t), formatLimit(t), formatStatus(t)];

/** The table for a terminal: aligned columns. */
export function textTable(targets: Target[]): string {
  const rows = [HEADERS, ...targets.map(cells)];
  const widths = HEADERS.map((_, c) => Math.max(...rows.map((r) => [...r[c]].length)));
  const line = (r: string[]) => r.map((cell, c) => cell + ' '.repeat(widths[c] - [...cell].length)).join('  ');
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

export function markdownTable(targets: Target[]): string {
  const row = (r: string[]) => `| ${r.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [
    row(HEADERS),
    row(HEADERS.map(() => '---')),
    ...targets.map((t) => row(cells(t).map((c, i) => (i === 4 ? `**${c}**` : c)))),
  ].join('\n');
}

export interface Machine {
  cpu: string;
  cpus: number;
  memoryGiB: number;
  os: string;
  node: string;
  date: string;
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * One row per target: its bar (green when it passes, red when it fails, blue for a reference row) on a scale
 * of its own, and a dashed line at its limit; the text on the right gives the value, the limit and the verdict.
 */
export function svgChart(targets: Target[], machine: Machine): string {
  const width = 1000;
  const rowHeight = 40;
  const top = 64;
  const labelWidth = 340;
  const barWidth = 420;
  const height = top + targets.length * rowHeight + 52;
  const colour: Record<Status, string> = {
    pass: '#2e7d32',
    fail: '#c62828',
    'out of reach': '#ef6c00',
    'not measured': '#9e9e9e',
    reference: '#1565c0',
  };
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
      'font-family="Helvetica, Arial, sans-serif" font-size="13">',
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="16" y="26" font-size="17" font-weight="bold">routing-controllers-oauth1 benchmarks: measured vs limit</text>`,
    `<text x="16" y="46" fill="#555555">${xml(`${machine.cpu} × ${machine.cpus}, Node ${machine.node}, ${machine.date}`)}</text>`,
  ];
  targets.forEach((t, i) => {
    const y = top + i * rowHeight;
    const scale = Math.max(t.limit, Math.abs(t.value ?? 0)) * 1.25;
    const x = (v: number) => labelWidth + (v / scale) * barWidth;
    out.push(`<text x="16" y="${y + 20}">${xml(t.title)}</text>`);
    out.push(`<rect x="${labelWidth}" y="${y + 6}" width="${barWidth}" height="20" fill="#f2f2f2"/>`);
    if (t.value !== null) {
      const w = Math.max(1, x(Math.max(0, t.value)) - labelWidth);
      out.push(`<rect x="${labelWidth}" y="${y + 6}" width="${w.toFixed(1)}" height="20" fill="${colour[t.status]}"/>`);
    }
    const lx = x(t.limit).toFixed(1);
    out.push(
      `<line x1="${lx}" y1="${y + 2}" x2="${lx}" y2="${y + 30}" stroke="#000000" stroke-width="2" stroke-dasharray="4 3"/>`,
    );
    const verdict = `${formatValue(t)} (${formatLimit(t)}) ${formatStatus(t)}`;
    out.push(
      `<text x="${labelWidth + barWidth + 12}" y="${y + 20}" fill="${colour[t.status]}" font-weight="bold">${xml(verdict)}</text>`,
    );
  });
  out.push(
    `<text x="16" y="${height - 28}" fill="#555555">Bars: measured value (each row on its own scale). ` +
      'Dashed line: the limit. Green passes, red fails, orange is out of reach (see the notes), grey was not ' +
      'measured, blue is a reference.</text>',
    `<text x="16" y="${height - 12}" fill="#555555">µs rows: server CPU a request above the cryptography alone ` +
      '(the floor) on the same server, medians over rounds.</text>',
    '</svg>',
  );
  return out.join('\n') + '\n';
}

const ROOT = join(__dirname, '..');
export const RESULTS_DIR = join(__dirname, 'results');
const DOCS = join(ROOT, 'docs', 'benchmarks.md');
const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';

async function prettier(text: string, file: string, parser: string): Promise<string> {
  const config = (await resolveConfig(file)) ?? {};
  return format(text, { ...config, parser });
}

/** Writes latest.json (formatted as the repository's Prettier wants), latest.svg and the docs' results section. */
export async function writeOutputs(
  json: unknown,
  targets: Target[],
  machine: Machine,
  wallSeconds: number,
  /** Measurements that are not targets, listed after the targets' notes. */
  measurements: string[] = [],
): Promise<string[]> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const jsonFile = join(RESULTS_DIR, 'latest.json');
  const svgFile = join(RESULTS_DIR, 'latest.svg');
  writeFileSync(jsonFile, await prettier(JSON.stringify(json), jsonFile, 'json'));
  writeFileSync(svgFile, svgChart(targets, machine));
  const written = [jsonFile, svgFile];
  if (existsSync(DOCS)) {
    const docs = readFileSync(DOCS, 'utf8');
    const start = docs.indexOf(START);
    const end = docs.indexOf(END);
    if (start >= 0 && end > start) {
      const section = [
        START,
        '',
        `Measured on ${machine.cpu} × ${machine.cpus}, ${machine.memoryGiB} GiB, ${machine.os}, Node ${machine.node}, ` +
          `${machine.date}; the whole run took ${Math.round(wallSeconds)} s.`,
        '',
        markdownTable(targets),
        '',
        ...targets.filter((t) => t.note || t.outOfReach || t.yardstick).map((t) => `- ${t.title}: ${noteOf(t)}.`),
        ...measurements.map((line) => `- ${line}`),
        '',
        END,
      ].join('\n');
      const updated = docs.slice(0, start) + section + docs.slice(end + END.length);
      writeFileSync(DOCS, await prettier(updated, DOCS, 'markdown'));
      written.push(DOCS);
    }
  }
  return written;
}
