/**
 * The verified query in front of a framework's own `query` accessor (src/http/own-query.ts), as this package is
 * built (class fields are definitions) and as a bundler that turns class fields into assignments would build it.
 */
import Koa from 'koa';
import { readFileSync } from 'node:fs';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { join } from 'node:path';
import ts from 'typescript';
import * as asBuilt from '../../src/http/own-query';

type OwnQueryModule = typeof asBuilt;

/** src/http/own-query.ts compiled with class fields as assignments. */
function withAssignedFields(): OwnQueryModule {
  const source = readFileSync(join(__dirname, '../../src/http/own-query.ts'), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      useDefineForClassFields: false,
    },
  });
  const module = { exports: {} as OwnQueryModule };
  new Function('module', 'exports', outputText)(module, module.exports);
  return module.exports;
}

/** An object whose prototype reads and writes `query` through an accessor, as Koa's request does. */
function withQueryAccessor() {
  const calls: string[] = [];
  const proto = {
    get query(): unknown {
      calls.push('get');
      return { from: 'the getter' };
    },
    set query(value: unknown) {
      calls.push(`set ${JSON.stringify(value)}`);
    },
  };
  return { target: Object.create(proto) as { query: unknown }, proto, calls };
}

const fullDescriptor = (value: unknown) => ({ value, writable: true, enumerable: true, configurable: true });

describe('how class fields are compiled', () => {
  it('as this package builds them, they are definitions: the guards take the class-field path', () => {
    expect(asBuilt.CLASS_FIELDS_DEFINE).toBe(true);
  });

  it('compiled as assignments, the module sees it and falls back to Object.defineProperty', () => {
    expect(withAssignedFields().CLASS_FIELDS_DEFINE).toBe(false);
  });
});

describe.each([
  ['as built', asBuilt],
  ['with class fields as assignments', withAssignedFields()],
])('defineOwnQuery, %s', (_, { defineOwnQuery }) => {
  it('defines an own, writable, enumerable, configurable data property without calling the setter', () => {
    const { target, proto, calls } = withQueryAccessor();
    const verified = { a: '1' };
    expect(defineOwnQuery(target, verified)).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(target, 'query')).toEqual(fullDescriptor(verified));
    expect(target.query).toBe(verified);
    expect(Object.getPrototypeOf(target)).toBe(proto);
    expect(Object.keys(target)).toEqual(['query']);
    expect(calls).toEqual([]);
  });

  it("stands in front of a getter without a setter (Express 5's), which an assignment would throw on", () => {
    const target = Object.create({
      get query() {
        return { from: 'the getter' };
      },
    }) as { query: unknown };
    expect(() => {
      'use strict';
      target.query = {};
    }).toThrow(TypeError);
    defineOwnQuery(target, { a: '1' });
    expect(Object.getOwnPropertyDescriptor(target, 'query')).toEqual(fullDescriptor({ a: '1' }));
  });

  it('replaces an own query already there, and a later assignment replaces it in turn', () => {
    const { target, calls } = withQueryAccessor();
    defineOwnQuery(target, { first: '1' });
    defineOwnQuery(target, { second: '2' });
    expect(target.query).toEqual({ second: '2' });
    target.query = { third: '3' };
    expect(target.query).toEqual({ third: '3' });
    expect(calls).toEqual([]);
  });

  it("stands in front of Koa's getter without rewriting the query string", () => {
    const req = new IncomingMessage(new Socket());
    req.method = 'GET';
    req.url = '/me?b=x%20y&a=1';
    req.headers = { host: 'api.example.com' };
    const ctx = new Koa().createContext(req, new ServerResponse(req));
    const verified = Object.assign(Object.create(null) as object, { a: '1', b: 'x y' });
    defineOwnQuery(ctx.request, verified);
    expect(ctx.query).toBe(verified);
    expect(ctx.request.query).toBe(verified);
    expect(ctx.querystring).toBe('b=x%20y&a=1');
    expect(ctx.url).toBe('/me?b=x%20y&a=1');
  });
});
