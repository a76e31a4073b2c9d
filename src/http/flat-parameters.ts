import type { Parameter } from '../rfc5849/parameter';

/** Parameters by name as applications read them: one string per name, an array (in order) for a repeated name. */
export type FlatParameters = Record<string, string | string[]>;

/**
 * The flat object of parameters read once and verified: what `ctx.query`, `req.query` and a form body's
 * `body` hold on a guarded route. No nesting (`a[b]=1` is the name "a[b]"), and no prototype, so that a name
 * such as `__proto__` is a name like any other.
 */
export function flatParameters(params: readonly Parameter[]): FlatParameters {
  const flat: FlatParameters = Object.create(null) as FlatParameters;
  for (const { name, value } of params) {
    const prior = flat[name];
    // Appended to in place (the arrays are made here): copying one for every repeat would make a body that
    // repeats one name thousands of times cost seconds.
    if (prior === undefined) flat[name] = value;
    else if (Array.isArray(prior)) prior.push(value);
    else flat[name] = [prior, value];
  }
  return flat;
}
