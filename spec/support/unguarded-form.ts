import request from 'supertest';

/** The app under test, as supertest takes it: a Koa server or an Express app. */
type App = Parameters<typeof request>[0];

/**
 * A form posted to an unguarded route behind `oauthBodyParser(protector)`: served with `limit` parameters, and
 * refused as the guard refuses a request (400 invalid_request) with one more.
 */
export async function expectUnguardedFormLimit(app: App, path: string, limit: number): Promise<void> {
  const post = (pairs: number) => request(app).post(path).type('form').send('a&'.repeat(pairs));
  const within = await post(limit);
  expect(within.status).toBe(200);
  expect(within.body.body.a).toHaveLength(limit);
  const beyond = await post(limit + 1);
  expect(beyond.status).toBe(400);
  expect(beyond.body).toEqual({
    error: 'invalid_request',
    error_description: `The request has more than ${limit} parameters.`,
  });
}
