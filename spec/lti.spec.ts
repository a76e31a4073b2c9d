/**
 * The demo's LTI 1.1 launch (two-legged, form-POSTed, HMAC-SHA1), signed by an independent client library.
 */
import { createHmac } from 'node:crypto';
import OAuth from 'oauth-1.0a';
import { startDemo } from './support/demo';
import { ALICE, BOB, enc, sign } from './support/sign';

type Demo = Awaited<ReturnType<typeof startDemo>>;

const consumer = new OAuth({
  consumer: { key: 'lti-consumer', secret: 'lti-consumer-secret' },
  signature_method: 'HMAC-SHA1',
  hash_function: (base, key) => createHmac('sha1', key).update(base).digest('base64'),
});

const LAUNCH = {
  lti_message_type: 'basic-lti-launch-request',
  lti_version: 'LTI-1p0',
  resource_link_id: 'course-42/unit 3',
  user_id: 'u-1001',
  roles: 'Learner,urn:lti:role:ims/lis/Mentor',
  context_title: 'Physics & Chemistry 101',
  lis_person_name_full: 'Zoë Example',
};

/** The launch form as a platform posts it: launch parameters and oauth_ parameters together in the body. */
function launchBody(url: string, launch: Record<string, string> = LAUNCH): string {
  const signed = consumer.authorize({ url, method: 'POST', data: { ...launch } });
  return Object.entries(signed)
    .map(([k, v]) => `${enc(k)}=${enc(String(v))}`)
    .join('&');
}

const post = (demo: Demo, body: string) =>
  fetch(`${demo.base}/lti/launch`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body,
  });

describe('LTI 1.1 launch at POST /lti/launch', () => {
  let demo: Demo;
  beforeAll(async () => {
    demo = await startDemo();
  });
  afterAll(() => demo.stop());

  it('accepts a consumer-only launch signed by oauth-1.0a, and @Credential() gives the consumer', async () => {
    const res = await post(demo, launchBody(`${demo.base}/lti/launch`));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      consumer: 'lti-consumer',
      resource_link_id: 'course-42/unit 3',
      user_id: 'u-1001',
      roles: ['Learner', 'urn:lti:role:ims/lis/Mentor'],
    });
  });

  it('refuses a replayed launch with invalid_nonce', async () => {
    const body = launchBody(`${demo.base}/lti/launch`);
    expect((await post(demo, body)).status).toBe(200);
    const replay = await post(demo, body);
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { error: string }).error).toBe('invalid_nonce');
  });

  it('refuses a launch whose parameters were changed after signing', async () => {
    const body = launchBody(`${demo.base}/lti/launch`).replace('u-1001', 'u-1002');
    const res = await post(demo, body);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toBe('invalid_signature');
  });

  it('refuses a launch signed with another secret', async () => {
    const forger = new OAuth({
      consumer: { key: 'lti-consumer', secret: 'guessed' },
      signature_method: 'HMAC-SHA1',
      hash_function: (base, key) => createHmac('sha1', key).update(base).digest('base64'),
    });
    const signed = forger.authorize({ url: `${demo.base}/lti/launch`, method: 'POST', data: { ...LAUNCH } });
    const body = Object.entries(signed)
      .map(([k, v]) => `${enc(k)}=${enc(String(v))}`)
      .join('&');
    expect((await post(demo, body)).status).toBe(401);
  });

  it('validates the launch after verifying it (400 from the DTO for a wrong lti_message_type)', async () => {
    const res = await post(demo, launchBody(`${demo.base}/lti/launch`, { ...LAUNCH, lti_message_type: 'other' }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error?: string }).error).toBeUndefined();
  });

  it('still requires a token on three-legged routes: the same consumer-only signing gets 400 at /api/me', async () => {
    const url = `${demo.base}/api/me`;
    const header = consumer.toHeader(consumer.authorize({ url, method: 'GET' })).Authorization;
    const res = await fetch(url, { headers: { Authorization: header } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error_description: string }).error_description).toMatch(/oauth_token/);
  });

  it("refuses a launch from another of the API's clients, or carrying a token: 403 access_denied", async () => {
    const url = `${demo.base}/lti/launch`;
    const form = Object.entries({ ...LAUNCH, roles: 'Instructor' }) as [string, string][];
    const signers = [
      { who: { ...BOB, tokenSecret: '' }, oauth: { oauth_token: undefined } }, // two-legged, another client
      { who: ALICE, oauth: {} }, // a client and its token
    ];
    for (const { who, oauth } of signers) {
      const signed = sign({ method: 'POST', url, form, who, oauth });
      const body = `${form.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&')}&${signed.asQuery}`;
      const res = await post(demo, body);
      expect({ status: res.status, error: ((await res.json()) as { error: string }).error }).toEqual({
        status: 403,
        error: 'access_denied',
      });
    }
  });

  it('verifies a token when a two-legged request does carry one', async () => {
    const url = `${demo.base}/lti/launch`;
    const form = Object.entries(LAUNCH) as [string, string][];
    const withUnknownToken = sign({
      method: 'POST',
      url,
      form,
      who: { consumerKey: 'lti-consumer', consumerSecret: 'lti-consumer-secret', token: 'nope', tokenSecret: 'x' },
    });
    const body = `${form.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&')}&${withUnknownToken.asQuery}`;
    const res = await post(demo, body);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toBe('invalid_token');
  });
});
