/** Small statistics and formatting helpers. */

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Rounds to `digits` significant decimals, for JSON that stays readable. */
export const round = (value: number, digits = 3): number => Number(value.toFixed(digits));

export const MB = 1024 * 1024;

/** 12345.6 → "12,346". */
export const grouped = (value: number): string => Math.round(value).toLocaleString('en-US');

/** `items` as they are in even rounds and reversed in odd ones, so that drift favours no side. */
export const ordered = <T>(items: readonly T[], r: number): T[] => (r % 2 === 0 ? [...items] : [...items].reverse());

/** A difference with its sign: "+1.5", "-0.3". */
export const signed = (value: number): string => `${value >= 0 ? '+' : ''}${value.toFixed(1)}`;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
