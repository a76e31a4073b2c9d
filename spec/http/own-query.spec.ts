/**
 * The verified query in front of a framework's own `query` getter and setter (src/http/own-query.ts).
 */
import Koa from 'koa';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { defineOwnQuery } from '../../src/http/own-query';

/** An object whose prototype reads and writes `query` through an accessor, as Koa's request and Express 5's do. */
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
  return { target: Object.create(proto) as { query: unknown }, calls };
}

describe('defineOwnQuery', () => {
  it('defines an own, writable, enumerable, configurable data property without calling the setter', () => {
    const { target, calls } = withQueryAccessor();
    const verified = { a: '1' };
    defineOwnQuery(target, verified);
    expect(Object.getOwnPropertyDescriptor(target, 'query')).toEqual({
      value: verified,
      writable: true,
      enumerable: true,
      configurable: true,
    });
    expect(target.query).toBe(verified);
    expect(calls).toEqual([]);
  });

  it('answers nothing and leaves the object the same object', () => {
    const { target } = withQueryAccessor();
    expect(defineOwnQuery(target, {})).toBeUndefined();
    expect(Object.getPrototypeOf(target)).not.toBe(Object.prototype);
    expect(Object.keys(target)).toEqual(['query']);
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
