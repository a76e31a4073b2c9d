/**
 * After the signature: scopes (class, method, both), the authorize predicate, and token lifecycle.
 */
import 'reflect-metadata';
import Koa from 'koa';
import type { Server } from 'node:http';
import { Get, JsonController, useContainer, useKoaServer } from 'routing-controllers';
import request from 'supertest';
import { Container, Service } from 'typedi';
import {
  createExistsNonce,
  MemoryNonceCache,
  RequireOAuth,
  requireOAuthMetadata,
  ResourceProtector,
  type Client,
  type TokenCredential,
} from '../src';
import { checkAccess } from '../src/protector/access';
import { StoreCalls } from '../src/protector/store-call';
import { InsufficientScopeError } from '../src/rfc5849/errors';
import { expectWarning, PLAIN_HTTP_NOTICE } from './support/console';
import { startDemo } from './support/demo';
import { BOB, RSA_ONLY, sign, type Identity } from './support/sign';

class ScopedToken implements TokenCredential {
  constructor(
    readonly token: string,
    readonly scopes: string[],
    readonly expired = false,
    readonly revoked = false,
  ) {}
  getOAuthToken() {
    return this.token;
  }
  getOAuthTokenSecret() {
    return 'ts';
  }
  getScopes() {
    return this.scopes;
  }
  isExpired() {
    return this.expired;
  }
  isRevoked() {
    return this.revoked;
  }
}

const TOKENS: Record<string, ScopedToken> = {
  reader: new ScopedToken('reader', ['photos:read']),
  writer: new ScopedToken('writer', ['photos:read', 'photos:write']),
  expired: new ScopedToken('expired', ['photos:read'], true),
  revoked: new ScopedToken('revoked', ['photos:read'], false, true),
};
const client: Client = { getClientSecret: () => 'cs', getRsaPublicKey: () => undefined };
const as = (token: string): Identity => ({ consumerKey: 'ck', consumerSecret: 'cs', token, tokenSecret: 'ts' });

let predicate: (token: ScopedToken) => boolean | Promise<boolean> = () => true;

@Service()
@JsonController('/photos')
@RequireOAuth({ scopes: ['photos:read'] })
class PhotosController {
  @Get('/')
  list() {
    return { ok: 'list' };
  }

  @Get('/upload')
  @RequireOAuth({ scopes: ['photos:write'] })
  upload() {
    return { ok: 'upload' };
  }

  @Get('/guarded-by-predicate')
  @RequireOAuth({ authorize: (credential) => predicate(credential as ScopedToken) })
  predicated() {
    return { ok: 'predicate' };
  }
}

@Service()
@JsonController('/admin')
class AdminController {
  @Get('/')
  @RequireOAuth({ scopes: ['admin'] })
  admin() {
    return { ok: 'admin' };
  }

  @Get('/open')
  open() {
    return { ok: 'open' };
  }
}

let server: Server;
let base: string;
beforeAll(async () => {
  useContainer(Container);
  Container.set(
    ResourceProtector,
    expectWarning(
      PLAIN_HTTP_NOTICE,
      () =>
        new ResourceProtector({
          queryClient: (id) => (id === 'ck' ? client : undefined),
          queryToken: (id, token) => (id === 'ck' ? TOKENS[token] : undefined),
          existsNonce: createExistsNonce(new MemoryNonceCache()),
          allowInsecureTransport: true,
          storeTimeoutMs: 200,
          realm: 'photos',
        }),
    ),
  );
  const app = new Koa();
  useKoaServer(app, { controllers: [PhotosController, AdminController] });
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const get = (path: string, token: string, who?: Identity) =>
  request(server)
    .get(path)
    .set('Authorization', sign({ url: base + path, who: who ?? as(token) }).header);

describe('scopes', () => {
  it('serves a class-level scope that the token has', async () => {
    expect((await get('/photos', 'reader')).status).toBe(200);
  });

  it('adds a method scope to the class scope: both are needed', async () => {
    expect((await get('/photos/upload', 'writer')).status).toBe(200);
    const res = await get('/photos/upload', 'reader');
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      error: 'insufficient_scope',
      error_description: 'This resource requires the scopes photos:read, photos:write; not granted: photos:write.',
    });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['www-authenticate']).toBeUndefined();
  });

  it('applies a method-only scope', async () => {
    expect((await get('/admin', 'writer')).status).toBe(403);
    expect((await get('/admin/open', 'writer')).status).toBe(200);
  });

  it('checks scopes only after a valid signature: a forged request is 401, not 403', async () => {
    const res = await get('/photos/upload', 'reader', { ...as('reader'), tokenSecret: 'forged' });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_signature');
  });

  it('exposes the effective options for tools: class and method scopes combined', () => {
    expect(requireOAuthMetadata(PhotosController, 'upload')?.scopes).toEqual(['photos:read', 'photos:write']);
    expect(requireOAuthMetadata(PhotosController, 'list')?.scopes).toEqual(['photos:read']);
    expect(requireOAuthMetadata(AdminController, 'open')).toBeUndefined();
  });
});

describe('the authorize predicate', () => {
  it.each([
    ['true', 200, undefined, () => true],
    ['a resolved true', 200, undefined, async () => true],
    ['false', 403, 'access_denied', () => false],
    [
      'a throw',
      503,
      'temporarily_unavailable',
      () => {
        throw new Error('policy store down');
      },
    ],
    ['a rejection', 503, 'temporarily_unavailable', () => Promise.reject(new Error('down'))],
    ['no answer within the store timeout', 503, 'temporarily_unavailable', () => new Promise<boolean>(() => undefined)],
  ])('a predicate answering %s gives %i %s', async (_case, status, error, fn) => {
    predicate = fn as typeof predicate;
    const res = await get('/photos/guarded-by-predicate', 'reader');
    expect(res.status).toBe(status);
    expect(res.body.error).toBe(error);
    if (status === 503) expect(res.headers['retry-after']).toBe('1');
  });

  it('receives the verified credential', async () => {
    const seen: string[] = [];
    predicate = (token) => (seen.push(token.token), true);
    await get('/photos/guarded-by-predicate', 'writer');
    expect(seen).toEqual(['writer']);
  });
});

describe('token lifecycle', () => {
  it.each([
    ['expired', 'token_expired'],
    ['revoked', 'token_revoked'],
  ])('refuses a token that is %s with 401 invalid_token and oauth_problem="%s"', async (token, problem) => {
    const res = await get('/photos', token);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_token');
    expect(res.headers['www-authenticate']).toBe(`OAuth realm="photos", oauth_problem="${problem}"`);
  });
});

describe('the demo: DELETE /api/notes/:id needs notes:write', () => {
  let demo: Awaited<ReturnType<typeof startDemo>>;
  beforeAll(async () => {
    demo = await startDemo();
  });
  afterAll(() => demo.stop());

  const del = (who?: Identity, signatureMethod?: string) =>
    request(demo.server)
      .delete('/api/notes/7')
      .set('Authorization', sign({ method: 'DELETE', url: `${demo.base}/api/notes/7`, who, signatureMethod }).header);

  it("serves alice's demo-token, which was granted notes:write", async () => {
    const res = await del();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user: { id: 1, name: 'alice' }, deleted: '7' });
  });

  it.each([
    ['bob', BOB, undefined],
    ['alice through rsa-client', RSA_ONLY, 'RSA-SHA1'],
  ])('refuses %s with 403 insufficient_scope', async (_who, who, method) => {
    const res = await del(who, method);
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('insufficient_scope');
    expect(res.body.error_description).toContain('notes:write');
  });
});

describe("the protector's getScopes", () => {
  const request = { method: 'GET', path: '/', host: 'h', params: {}, query: {} };
  const reader = new ScopedToken('reader', ['photos:read']);
  const check = (scopes: string[], getScopes?: () => string[]) =>
    checkAccess(reader, { scopes }, request, { calls: new StoreCalls(100, 10), getScopes }, {});

  it("answers for every credential when given: the token's own getScopes() is not asked (as documented)", () => {
    expect(() => check(['photos:read'])).not.toThrow();
    expect(() => check(['photos:read'], () => ['photos:write'])).toThrow(InsufficientScopeError);
    expect(() => check(['photos:write'], () => ['photos:write'])).not.toThrow();
  });
});
