/**
 * Seeds of the randomized tests, each overridable from the environment so that a failure can be replayed:
 * `FUZZ_SEED=<n> npx jest spec/fuzz.spec.ts`, `FC_SEED=<n> npx jest spec/properties.spec.ts`.
 */

/** `fallback`, unless the environment variable `name` holds another integer (decimal, or hexadecimal with 0x). */
export function seedFromEnv(name: string, fallback: number): number {
  const text = process.env[name]?.trim();
  if (!text) return fallback;
  const seed = Number(text);
  if (!Number.isSafeInteger(seed)) throw new Error(`${name}=${text} is not an integer seed`);
  return seed;
}
