/**
 * The bench's demo floor (bench/support/demo-floor.ts) stands for what no guard of the demo's GET /api/me can skip:
 * it must answer exactly what /api/me answers, from the demo's own stores, or its req/s would prove nothing about
 * /api/me's limit.
 */
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { demoFloorApp } from '../../bench/support/demo-floor';
import { DemoStore } from '../../demo/store';
import { DEBUG_SIGNATURES_NOTICE, expectWarning, PLAIN_HTTP_NOTICE } from '../support/console';
import { ALICE, BOB, sign, type Identity } from '../support/sign';

// The demo's protector, as `npm run demo` makes it: development transport mode, which it announces.
const app = expectWarning([PLAIN_HTTP_NOTICE, DEBUG_SIGNATURES_NOTICE], demoFloorApp);
let server: Server;
let base: string;

beforeAll(async () => {
  await new Promise<void>((resolve) => {
    server = app.listen(0, '127.0.0.1', resolve);
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await app.close();
});

const get = async (path: string, who: Identity) => {
  const response = await fetch(`${base}${path}`, {
    headers: { authorization: sign({ url: `${base}${path}`, who }).header },
  });
  return { status: response.status, body: (await response.json()) as unknown };
};

it.each([ALICE, BOB])('answers what GET /api/me answers to the same signed request (%#)', async (who) => {
  const floor = await get('/api/me-floor', who);
  expect(floor).toEqual(await get('/api/me', who));
  expect(floor.status).toBe(200);
  expect(floor.body).toMatchObject({ client_id: who.consumerKey });
});

it("looks the client and the token up in the demo's stores: an unknown one, or another client's token, is a 401", async () => {
  expect((await get('/api/me-floor', { ...ALICE, token: 'no-such-token' })).status).toBe(401);
  expect((await get('/api/me-floor', { ...ALICE, consumerKey: 'no-such-client' })).status).toBe(401);
  expect((await get('/api/me-floor', { ...ALICE, token: BOB.token })).status).toBe(401);
});

it('asks the demo store for the client and then the token, once each, as the protector does for GET /api/me', async () => {
  const findClient = jest.spyOn(DemoStore.prototype, 'findClient');
  const findToken = jest.spyOn(DemoStore.prototype, 'findToken');
  try {
    for (const path of ['/api/me', '/api/me-floor']) {
      findClient.mockClear();
      findToken.mockClear();
      expect((await get(path, ALICE)).status).toBe(200);
      expect([findClient.mock.calls, findToken.mock.calls]).toEqual([
        [[ALICE.consumerKey]],
        [[ALICE.consumerKey, ALICE.token]],
      ]);
      expect(findClient.mock.invocationCallOrder[0]).toBeLessThan(findToken.mock.invocationCallOrder[0]);
    }
  } finally {
    findClient.mockRestore();
    findToken.mockRestore();
  }
});
