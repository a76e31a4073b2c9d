/**
 * What the demo answers a request no action takes, on either driver, as @koa/router answers most of them on the Koa
 * demo: 405 with `Allow` for a path the demo routes with other methods (OPTIONS: 200 with `Allow`), 404 for one it
 * does not route. Express's own answer is an HTML page, and @koa/router's to a method it does not route at all (TRACE,
 * PROPFIND) a 501.
 * The routes are the demo's OpenAPI document's, which routing-controllers' metadata makes: one list of them.
 */
import type { Request, Response } from 'express';
import { demoOpenApiSpec } from './openapi';

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

interface RoutedPath {
  /** The path's template, `{name}` one segment, matched as the routers match: any case, a slash after. */
  pattern: RegExp;
  /** Its methods, HEAD with GET (both routers answer it). */
  methods: string[];
}

let routedPaths: RoutedPath[] | undefined;

function routed(): RoutedPath[] {
  return (routedPaths ??= Object.entries(demoOpenApiSpec().paths).map(([template, item]) => {
    const methods = Object.keys(item)
      .filter((key) => HTTP_METHODS.has(key))
      .map((method) => method.toUpperCase());
    if (methods.includes('GET') && !methods.includes('HEAD')) methods.unshift('HEAD');
    const segments = template.split(/\{[^}/]+\}/).map((text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    return { pattern: new RegExp(`^${segments.join('[^/]+')}/?$`, 'i'), methods };
  }));
}

/** The methods the demo routes on `path` (no query), none for a path it does not route. */
export function allowedMethods(path: string): string[] {
  return [...new Set(routed().flatMap(({ pattern, methods }) => (pattern.test(path) ? methods : [])))];
}

/** Express's last middleware: 405 with `Allow` (OPTIONS: 200 with `Allow`, no body, as @koa/router), or 404. */
export function notRouted(req: Request, res: Response): void {
  // routing-controllers' Express driver calls `next()` after sending an action's answer: that request was routed.
  if (res.headersSent) return;
  const allowed = allowedMethods(req.path);
  if (allowed.length === 0) return void res.sendStatus(404);
  res.set('Allow', allowed.join(', '));
  // OPTIONS asks which methods the path takes: answered, not refused.
  if (req.method === 'OPTIONS') res.set('Content-Length', '0').status(200).end();
  else res.sendStatus(405);
}
