import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { Redis } from 'ioredis';
import { loadConfig, type Config } from '../../src/config';
import { createApp } from '../../src/http/app';
import { adminRouter } from '../../src/http/admin';
import { createKeys, type Keys } from '../../src/store/keys';
import { registerScripts, type ScriptClient } from '../../src/store/scripts';
import { createFailFastConnection } from '../../src/store/redis';
import { freePort, type RedisServer } from '../../src/store/redis-server';
import { startPayment, transition, type Payment } from '../../src/domain/payment';
import { paymentIdFromMoId } from '../../src/domain/ids';
import { http } from '../support/http';
import { startRedis } from '../support/processes';
import { waitFor } from '../support/wait';

// The admin API in-process (Express app on port 0) against a private redis-server.

const TOKEN = 'test-admin-token-0123456789';
const A = '254700000001';
const B = '254700000002';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const paymentId = (n: number) => paymentIdFromMoId(`mo-${n}`, sha);

interface Running {
  server: Server;
  base: string;
}

async function listen(config: Config, redis: Redis, keys: Keys, scripts: ScriptClient, log: pino.Logger): Promise<Running> {
  const app = createApp({ redis, keys, log, routers: [adminRouter({ redis, keys, scripts, config, log })] });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function close(r: Running): Promise<void> {
  return new Promise((resolve) => r.server.close(() => resolve()));
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = Record<string, any>;

describe('admin API (in-process, real redis)', function () {
  this.timeout(10000);
  let redisServer: RedisServer & { client(): Redis };
  let redis: Redis;
  let keys: Keys;
  let scripts: ScriptClient;
  let config: Config;
  let app: Running;
  const logText: string[] = [];
  const log = pino(
    { level: 'debug' },
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        logText.push(chunk.toString());
        cb();
      },
    }),
  );

  const api = (method: string, path: string, body?: unknown, token: string | null = TOKEN, headers: Record<string, string> = {}) =>
    http<Body>(method, app.base + path, body, { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...headers });

  /** Σ subscriber balances + Σ merchant balances, and the e-money issued (the float's balance, negated). */
  async function ledger(): Promise<{ balances: number; credits: number }> {
    let balances = 0;
    for (const m of await redis.zrange(keys.subscriberIndex(), 0, -1)) balances += Number(await redis.hget(keys.subscriber(m), 'balance'));
    for (const c of await redis.zrange(keys.merchantIndex(), 0, -1)) balances += Number(await redis.hget(keys.merchant(c), 'balance'));
    return { balances, credits: -Number((await redis.hget(keys.float(), 'balance')) ?? 0) };
  }

  async function assertLedgerBalanced(): Promise<void> {
    const l = await ledger();
    assert.equal(l.balances, l.credits, 'sum of all balances = sum of credits');
  }

  const version = async (m: string) => Number(await redis.hget(keys.subscriber(m), 'version'));

  before(async () => {
    redisServer = await startRedis();
    redis = redisServer.client();
    // The wrong tokens below are more than the default 10 per minute of one address (the 429 rule is
    // tested in admin-roles.test.ts).
    config = loadConfig({ ADMIN_TOKEN: TOKEN, REDIS_URL: redisServer.url, HTTP_AUTH_FAILURES_PER_MINUTE: '1000' });
    keys = createKeys(config.redis.keyPrefix);
    scripts = registerScripts(redis);
    app = await listen(config, redis, keys, scripts, log);
  });

  after(async () => {
    if (app) await close(app);
    await redis?.quit();
    await redisServer?.stop();
  });

  describe('authentication', () => {
    // Failed authentications are counted in Redis (keys.authFailures); nothing else may be written.
    const authFailureKeys = () => redis.keys(keys.authFailures('*'));
    after(async () => {
      for (const k of await authFailureKeys()) await redis.del(k);
    });

    it('401 with WWW-Authenticate: Bearer when the token is missing', async () => {
      const res = await fetch(`${app.base}/v1/merchants/SHOP1`);
      assert.equal(res.status, 401);
      assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer\b/);
      assert.deepEqual(await res.json(), { error: 'missing bearer token' });
    });

    it('401 for a wrong token of any length, and for another scheme', async () => {
      for (const token of ['x', TOKEN.slice(0, -1) + 'X', TOKEN + 'extra', 'a'.repeat(500)]) {
        const res = await api('GET', '/v1/merchants/SHOP1', undefined, token);
        assert.equal(res.status, 401, token);
        assert.equal(res.body.error, 'invalid bearer token');
      }
      const basic = await api('GET', '/v1/merchants/SHOP1', undefined, null, { authorization: `Basic ${Buffer.from(`a:${TOKEN}`).toString('base64')}` });
      assert.equal(basic.status, 401);
    });

    it('401 on every admin endpoint without a valid token, writing nothing', async () => {
      const endpoints: Array<[string, string, unknown]> = [
        ['POST', '/v1/subscribers', { msisdn: '254700000099' }],
        ['GET', `/v1/subscribers/${A}`, undefined],
        ['POST', `/v1/subscribers/${A}/devices`, { msisdn: '254711000099' }],
        ['DELETE', `/v1/subscribers/${A}/devices/254711000099`, undefined],
        ['POST', `/v1/subscribers/${A}/credits`, { amount: '1.00', reference: 'r' }],
        ['POST', `/v1/subscribers/${A}/unlock`, undefined],
        ['POST', '/v1/merchants', { code: 'SHOP99', name: 'x' }],
        ['GET', '/v1/merchants/SHOP99', undefined],
        ['GET', `/v1/payments/${paymentId(1)}`, undefined],
        ['GET', `/v1/payments?msisdn=${A}`, undefined],
      ];
      for (const [method, path, body] of endpoints) {
        for (const token of [null, 'wrong-token-wrong-token']) {
          const res = await api(method, path, body, token);
          assert.equal(res.status, 401, `${method} ${path} ${token}`);
        }
      }
      assert.equal(await redis.dbsize(), (await authFailureKeys()).length);
    });

    it('accepts the scheme case-insensitively; health stays open; unknown /v1 paths are 404', async () => {
      assert.equal((await api('GET', '/v1/merchants/NOPE', undefined, null, { authorization: `bearer ${TOKEN}` })).status, 404);
      assert.equal((await http(`GET`, `${app.base}/healthz`)).status, 200);
      assert.equal((await api('GET', '/v1/nothing-here')).status, 404);
    });

    it('503 when ADMIN_TOKEN is not set (fails closed)', async () => {
      const off = await listen({ ...config, adminToken: null }, redis, keys, scripts, log);
      try {
        const res = await http<Body>('GET', `${off.base}/v1/merchants/SHOP1`, undefined, { authorization: 'Bearer anything-at-all-here' });
        assert.equal(res.status, 503);
        assert.deepEqual(res.body, { error: 'admin API disabled: ADMIN_TOKEN is not set' });
      } finally {
        await close(off);
      }
    });
  });

  describe('POST /v1/subscribers and GET /v1/subscribers/:msisdn', () => {
    it('enrols with the opening balance as a credit and returns the subscriber (201)', async () => {
      const res = await api('POST', '/v1/subscribers', { msisdn: '+254700000001', imsi: '639020000000001', name: 'Amina', balance: '100.00' });
      assert.equal(res.status, 201);
      const { createdAt, ...rest } = res.body;
      assert.ok(typeof createdAt === 'number' && createdAt > 0);
      assert.deepEqual(rest, {
        msisdn: A,
        imsi: '639020000000001',
        name: 'Amina',
        balance: { amount: '100.00', currency: 'KES' },
        locked: false,
        failedAuth: 0,
        devices: [],
      });
      assert.equal(await redis.hget(keys.credits(A), 'opening'), '10000');
      assert.equal(await version(A), 1);
      await assertLedgerBalanced();
    });

    it('accepts 254…, +254… and national spellings and always answers E.164 digits', async () => {
      const res = await api('POST', '/v1/subscribers', { msisdn: '0700000002' });
      assert.equal(res.status, 201);
      assert.equal(res.body.msisdn, B);
      assert.deepEqual(res.body.balance, { amount: '0.00', currency: 'KES' });
      for (const spelling of ['254700000002', '+254700000002', '0700000002', '700000002']) {
        const got = await api('GET', `/v1/subscribers/${encodeURIComponent(spelling)}`);
        assert.equal(got.status, 200, spelling);
        assert.equal(got.body.msisdn, B);
      }
      const zero = await api('POST', '/v1/subscribers', { msisdn: '254700000010', balance: '0.00' });
      assert.equal(zero.status, 201);
      assert.equal(zero.body.balance.amount, '0.00');
    });

    it('409 when the MSISDN is already a subscriber, in any spelling', async () => {
      const res = await api('POST', '/v1/subscribers', { msisdn: '0700000001', balance: '5.00' });
      assert.equal(res.status, 409);
      assert.match(res.body.error, /^msisdn: already a subscriber/);
      assert.equal((await api('GET', `/v1/subscribers/${A}`)).body.balance.amount, '100.00');
      await assertLedgerBalanced();
    });

    it('404 for an unknown subscriber; 400 naming the field for a non-numeric MSISDN in the path', async () => {
      const res = await api('GET', '/v1/subscribers/254799999999');
      assert.equal(res.status, 404);
      assert.deepEqual(res.body, { error: 'subscriber not found' });
      const bad = await api('GET', '/v1/subscribers/not-a-number');
      assert.equal(bad.status, 400);
      assert.match(bad.body.error, /^msisdn: not a valid MSISDN/);
    });

    const bad: Array<[string, unknown, RegExp]> = [
      ['unknown field', { msisdn: '254700000020', role: 'admin' }, /^role: unknown field$/],
      ['wrong type', { msisdn: 254700000020 }, /^msisdn: must be a string$/],
      ['missing field', { name: 'x' }, /^msisdn: required$/],
      ['non-numeric MSISDN', { msisdn: 'bob' }, /^msisdn: not a valid MSISDN/],
      ['too short MSISDN', { msisdn: '12' }, /^msisdn: not a valid MSISDN/],
      ['too many decimals', { msisdn: '254700000020', balance: '1.234' }, /^balance: at most 2 decimals$/],
      ['negative balance', { msisdn: '254700000020', balance: '-1.00' }, /^balance: must be a decimal amount/],
      ['balance as a number', { msisdn: '254700000020', balance: 100 }, /^balance: must be a decimal string/],
      ['exponent', { msisdn: '254700000020', balance: '1e5' }, /^balance: must be a decimal amount/],
      ['huge balance', { msisdn: '254700000020', balance: '99999999999999' }, /^balance: too large$/],
      ['bad imsi', { msisdn: '254700000020', imsi: '12ab' }, /^imsi: must be 6 to 15 digits$/],
      ['empty name', { msisdn: '254700000020', name: '  ' }, /^name: must not be empty$/],
      ['array body', [{ msisdn: '254700000020' }], /^body: must be a JSON object$/],
    ];
    for (const [what, body, error] of bad) {
      it(`400 for ${what}, writing nothing`, async () => {
        const before = await redis.dbsize();
        const res = await api('POST', '/v1/subscribers', body);
        assert.equal(res.status, 400);
        assert.match(res.body.error, error);
        assert.equal(await redis.dbsize(), before);
      });
    }

    it('400 for malformed JSON and for a body that is not JSON', async () => {
      const res = await api('POST', '/v1/subscribers', '{"msisdn": "2547', TOKEN);
      assert.equal(res.status, 400);
      assert.deepEqual(res.body, { error: 'invalid JSON' });
      const plain = await api('POST', '/v1/subscribers', undefined, TOKEN, { 'content-type': 'text/plain' });
      assert.equal(plain.status, 400);
      assert.match(plain.body.error, /^body: must be a JSON object/);
    });

    it('413 for a body over the configured limit (16kb)', async () => {
      assert.equal(config.http.bodyLimit, '16kb');
      const res = await api('POST', '/v1/subscribers', { msisdn: '254700000020', name: 'x'.repeat(17 * 1024) });
      assert.equal(res.status, 413);
      assert.equal(await redis.exists(keys.subscriber('254700000020')), 0);
    });
  });

  describe('devices', () => {
    const D = '254711000001';

    it('binds a device (201) and shows it on the subscriber; the version moves', async () => {
      const v = await version(A);
      const res = await api('POST', `/v1/subscribers/${A}/devices`, { msisdn: '+254711000001', imsi: '639020000000099', label: 'till 1' });
      assert.equal(res.status, 201);
      const { boundAt, ...rest } = res.body;
      assert.ok(typeof boundAt === 'number');
      assert.deepEqual(rest, { msisdn: D, imsi: '639020000000099', label: 'till 1' });
      assert.equal(await redis.get(keys.deviceOwner(D)), A);
      const stored = JSON.parse((await redis.hget(keys.devices(A), D)) as string) as Body;
      assert.equal(stored.active, true);
      assert.equal(await version(A), v + 1);
      const sub = await api('GET', `/v1/subscribers/${A}`);
      assert.deepEqual(sub.body.devices, [{ msisdn: D, imsi: '639020000000099', label: 'till 1', boundAt }]);
    });

    it('409 when the SIM is already bound (here or elsewhere) or is a main SIM; 404 for an unknown subscriber', async () => {
      const again = await api('POST', `/v1/subscribers/${A}/devices`, { msisdn: D });
      assert.equal(again.status, 409);
      assert.match(again.body.error, /already bound/);
      assert.equal((await api('POST', `/v1/subscribers/${B}/devices`, { msisdn: D })).status, 409);
      const main = await api('POST', `/v1/subscribers/${A}/devices`, { msisdn: B });
      assert.equal(main.status, 409);
      assert.match(main.body.error, /main SIM/);
      assert.equal((await api('POST', `/v1/subscribers/${A}/devices`, { msisdn: A })).status, 409);
      const unknown = await api('POST', '/v1/subscribers/254799999999/devices', { msisdn: '254711000009' });
      assert.equal(unknown.status, 404);
      assert.equal(await redis.exists(keys.deviceOwner('254711000009')), 0);
    });

    it('409 when enrolling a device SIM as a subscriber', async () => {
      const res = await api('POST', '/v1/subscribers', { msisdn: D });
      assert.equal(res.status, 409);
      assert.match(res.body.error, /device/);
      assert.equal(await redis.exists(keys.subscriber(D)), 0);
    });

    it('400 for bad device bodies and paths', async () => {
      const cases: Array<[string, unknown, RegExp]> = [
        [`/v1/subscribers/${A}/devices`, { msisdn: 'abc' }, /^msisdn: not a valid MSISDN/],
        [`/v1/subscribers/${A}/devices`, { msisdn: D, colour: 'red' }, /^colour: unknown field$/],
        [`/v1/subscribers/${A}/devices`, {}, /^msisdn: required$/],
        [`/v1/subscribers/${A}/devices`, { msisdn: D, label: 7 }, /^label: must be a string$/],
        ['/v1/subscribers/xyz/devices', { msisdn: D }, /^msisdn: not a valid MSISDN/],
      ];
      for (const [path, body, error] of cases) {
        const res = await api('POST', path, body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.match(res.body.error, error);
      }
    });

    it('unbinds (204), then 404; the SIM can be bound elsewhere afterwards', async () => {
      const v = await version(A);
      const res = await api('DELETE', `/v1/subscribers/${A}/devices/0711000001`);
      assert.equal(res.status, 204);
      assert.equal(await version(A), v + 1);
      assert.equal(await redis.exists(keys.deviceOwner(D)), 0);
      assert.deepEqual((await api('GET', `/v1/subscribers/${A}`)).body.devices, []);
      assert.equal((await api('DELETE', `/v1/subscribers/${A}/devices/${D}`)).status, 404);
      assert.equal((await api('DELETE', `/v1/subscribers/254799999999/devices/${D}`)).status, 404);
      assert.equal((await api('DELETE', `/v1/subscribers/${A}/devices/nope`)).status, 400);
      assert.equal((await api('POST', `/v1/subscribers/${B}/devices`, { msisdn: D })).status, 201);
      // Unbinding from the wrong subscriber leaves the binding alone.
      assert.equal((await api('DELETE', `/v1/subscribers/${A}/devices/${D}`)).status, 404);
      assert.equal(await redis.get(keys.deviceOwner(D)), B);
      assert.equal((await api('DELETE', `/v1/subscribers/${B}/devices/${D}`)).status, 204);
    });

    it('20 concurrent bindings of one SIM to two subscribers: exactly one wins', async () => {
      const dev = '254711000077';
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => api('POST', `/v1/subscribers/${i % 2 ? A : B}/devices`, { msisdn: dev })),
      );
      const statuses = results.map((r) => r.status).sort();
      assert.deepEqual(statuses, [201, ...Array<number>(19).fill(409)]);
      const owner = await redis.get(keys.deviceOwner(dev));
      assert.ok(owner === A || owner === B);
      const other = owner === A ? B : A;
      assert.equal(await redis.hexists(keys.devices(owner), dev), 1);
      assert.equal(await redis.hexists(keys.devices(other), dev), 0);
      assert.equal((await api('DELETE', `/v1/subscribers/${owner}/devices/${dev}`)).status, 204);
    });
  });

  describe('POST /v1/subscribers/:msisdn/credits', () => {
    it('credits once per reference: 201, then 200 with the same body; the ledger stays balanced', async () => {
      const first = await api('POST', `/v1/subscribers/${A}/credits`, { amount: '12.50', reference: 'topup-1' });
      assert.equal(first.status, 201);
      assert.deepEqual(first.body, { reference: 'topup-1', amount: { amount: '12.50', currency: 'KES' }, balance: { amount: '112.50', currency: 'KES' } });
      await api('POST', `/v1/subscribers/${A}/credits`, { amount: '1', reference: 'topup-2' });
      const replay = await api('POST', `/v1/subscribers/${A}/credits`, { amount: '12.50', reference: 'topup-1' });
      assert.equal(replay.status, 200);
      assert.deepEqual(replay.body, first.body);
      assert.equal((await api('GET', `/v1/subscribers/${A}`)).body.balance.amount, '113.50');
      await assertLedgerBalanced();
    });

    it('409 for the same reference with a different amount (also the opening credit)', async () => {
      const v = await version(A);
      const res = await api('POST', `/v1/subscribers/${A}/credits`, { amount: '12.51', reference: 'topup-1' });
      assert.equal(res.status, 409);
      assert.match(res.body.error, /^reference: /);
      assert.equal((await api('POST', `/v1/subscribers/${A}/credits`, { amount: '5.00', reference: 'opening' })).status, 409);
      assert.equal(await version(A), v);
      await assertLedgerBalanced();
    });

    it('20 concurrent credits with one reference apply once', async () => {
      const before = (await api('GET', `/v1/subscribers/${B}`)).body.balance.amount as string;
      assert.equal(before, '0.00');
      const results = await Promise.all(Array.from({ length: 20 }, () => api('POST', `/v1/subscribers/${B}/credits`, { amount: '7.25', reference: 'race' })));
      assert.deepEqual(results.map((r) => r.status).sort(), [...Array<number>(19).fill(200), 201]);
      for (const r of results) assert.equal(r.body.balance.amount, '7.25');
      assert.equal((await api('GET', `/v1/subscribers/${B}`)).body.balance.amount, '7.25');
      await assertLedgerBalanced();
    });

    it('404 for an unknown subscriber; 400 for bad amounts and references', async () => {
      assert.equal((await api('POST', '/v1/subscribers/254799999999/credits', { amount: '1.00', reference: 'x' })).status, 404);
      const cases: Array<[unknown, RegExp]> = [
        [{ amount: '0.00', reference: 'z1' }, /^amount: must be greater than 0$/],
        [{ amount: '1.005', reference: 'z1' }, /^amount: at most 2 decimals$/],
        [{ amount: 5, reference: 'z1' }, /^amount: must be a decimal string/],
        [{ amount: '5.00' }, /^reference: required$/],
        [{ reference: 'z1' }, /^amount: required$/],
        [{ amount: '5.00', reference: 'has space' }, /^reference: /],
        [{ amount: '5.00', reference: 'z1', note: 'hi' }, /^note: unknown field$/],
      ];
      const credits = (await ledger()).credits;
      for (const [body, error] of cases) {
        const res = await api('POST', `/v1/subscribers/${A}/credits`, body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.match(res.body.error, error);
      }
      assert.equal((await ledger()).credits, credits);
    });
  });

  describe('POST /v1/subscribers/:msisdn/unlock', () => {
    it('clears locked, lockReason and failedAuth and bumps the version', async () => {
      await redis.hset(keys.subscriber(A), 'locked', '1', 'lockReason', 'failed_auth', 'failedAuth', '5');
      const locked = await api('GET', `/v1/subscribers/${A}`);
      assert.equal(locked.body.locked, true);
      assert.equal(locked.body.lockReason, 'failed_auth');
      assert.equal(locked.body.failedAuth, 5);
      const v = await version(A);
      const res = await api('POST', `/v1/subscribers/${A}/unlock`);
      assert.equal(res.status, 200);
      assert.equal(res.body.locked, false);
      assert.equal(res.body.failedAuth, 0);
      assert.equal('lockReason' in res.body, false);
      assert.equal(res.body.msisdn, A);
      assert.equal(await redis.hexists(keys.subscriber(A), 'lockReason'), 0);
      assert.equal(await version(A), v + 1);
    });

    it('404 for an unknown subscriber; 400 for a body with fields', async () => {
      assert.equal((await api('POST', '/v1/subscribers/254799999999/unlock')).status, 404);
      assert.equal(await redis.exists(keys.subscriber('254799999999')), 0);
      assert.equal((await api('POST', `/v1/subscribers/${A}/unlock`, {})).status, 200);
      const res = await api('POST', `/v1/subscribers/${A}/unlock`, { force: true });
      assert.equal(res.status, 400);
      assert.equal(res.body.error, 'force: unknown field');
    });
  });

  describe('merchants', () => {
    it('creates (201, code upper-cased), 409 when it exists, reads with balance, 404 unknown', async () => {
      const res = await api('POST', '/v1/merchants', { code: 'shop42', name: 'Corner Shop' });
      assert.equal(res.status, 201);
      assert.equal(res.body.code, 'SHOP42');
      assert.deepEqual(res.body.balance, { amount: '0.00', currency: 'KES' });
      assert.equal((await api('POST', '/v1/merchants', { code: 'SHOP42', name: 'Other' })).status, 409);
      const got = await api('GET', '/v1/merchants/Shop42');
      assert.equal(got.status, 200);
      assert.deepEqual(got.body, { code: 'SHOP42', name: 'Corner Shop', balance: { amount: '0.00', currency: 'KES' }, createdAt: res.body.createdAt });
      assert.equal((await api('GET', '/v1/merchants/NOPE99')).status, 404);
      assert.equal(await redis.zscore(keys.merchantIndex(), 'SHOP42'), String(res.body.createdAt));
    });

    it('400 for bad codes and names', async () => {
      const cases: Array<[unknown, RegExp]> = [
        [{ code: 'A', name: 'x' }, /^code: must be 2 to 20/],
        [{ code: 'SHOP-1', name: 'x' }, /^code: must be 2 to 20/],
        [{ code: 'A'.repeat(21), name: 'x' }, /^code: must be 2 to 20/],
        [{ code: 'ÄBC', name: 'x' }, /^code: must be 2 to 20/],
        [{ code: 'SHOP9' }, /^name: required$/],
        [{ code: 'SHOP9', name: 'x', balance: '5.00' }, /^balance: unknown field$/],
      ];
      for (const [body, error] of cases) {
        const res = await api('POST', '/v1/merchants', body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.match(res.body.error, error);
      }
      assert.equal((await api('GET', '/v1/merchants/a-b')).status, 400);
      assert.equal(await redis.exists(keys.merchant('SHOP9')), 0);
    });
  });

  describe('payments', () => {
    const t0 = 1_700_000_000_000;
    const stored: Payment[] = [];

    before(async () => {
      // Payment records as the worker stores them: JSON in payments(main), zset index, owner pointer.
      for (let i = 0; i < 5; i += 1) {
        let p = startPayment(
          { id: paymentId(i), main: A, amountMinor: 1250 + i, merchant: 'SHOP42', code: 'K4X9QM', channel: 'sms', createdAt: t0 + i * 1000, expiresAt: t0 + i * 1000 + 120000 },
          'awaiting_device',
          'request_received',
          t0 + i * 1000,
        );
        if (i % 2 === 0) p = transition(p, 'completed', 'matched', t0 + i * 1000 + 500, { device: '254711000001', completedAt: t0 + i * 1000 + 500 });
        stored.push(p);
        await redis
          .multi()
          .hset(keys.payments(A), p.id, JSON.stringify(p))
          .zadd(keys.paymentIndex(A), p.createdAt, p.id)
          .set(keys.paymentOwner(p.id), A)
          .exec();
      }
    });

    it('GET /v1/payments/:id: money fields, history with ISO times, hasCode instead of the code', async () => {
      const p = stored[0];
      const res = await api('GET', `/v1/payments/${p.id}`);
      assert.equal(res.status, 200);
      assert.equal(res.body.id, p.id);
      assert.equal(res.body.state, 'completed');
      assert.deepEqual(res.body.amount, { amount: '12.50', currency: 'KES' });
      assert.equal('amountMinor' in res.body, false);
      assert.equal('code' in res.body, false);
      assert.equal(res.body.hasCode, true);
      assert.equal(JSON.stringify(res.body).includes('K4X9QM'), false);
      assert.deepEqual(res.body.history, [
        { at: t0, from: null, to: 'awaiting_device', reason: 'request_received', time: new Date(t0).toISOString() },
        { at: t0 + 500, from: 'awaiting_device', to: 'completed', reason: 'matched', time: new Date(t0 + 500).toISOString() },
      ]);
    });

    it('GET /v1/payments/:id: 404 unknown, 400 not an id', async () => {
      assert.equal((await api('GET', `/v1/payments/${paymentId(999)}`)).status, 404);
      const res = await api('GET', '/v1/payments/hello');
      assert.equal(res.status, 400);
      assert.match(res.body.error, /^id: /);
    });

    it('lists newest first, filters by state, honours limit', async () => {
      const all = await api('GET', `/v1/payments?msisdn=%2B${A}`);
      assert.equal(all.status, 200);
      assert.deepEqual(
        all.body.payments.map((p: Body) => p.id),
        [...stored].reverse().map((p) => p.id),
      );
      const completed = await api('GET', `/v1/payments?msisdn=0700000001&state=completed&limit=2`);
      assert.deepEqual(
        completed.body.payments.map((p: Body) => p.id),
        [stored[4].id, stored[2].id],
      );
      const one = await api('GET', `/v1/payments?msisdn=${A}&limit=1`);
      assert.deepEqual(
        one.body.payments.map((p: Body) => p.id),
        [stored[4].id],
      );
      const none = await api('GET', `/v1/payments?msisdn=${B}&state=expired`);
      assert.deepEqual(none.body, { payments: [] });
    });

    it('400 for a bad query; 404 for an unknown subscriber', async () => {
      const cases: Array<[string, RegExp]> = [
        ['', /^msisdn: required$/],
        ['msisdn=abc', /^msisdn: not a valid MSISDN/],
        [`msisdn=${A}&state=paid`, /^state: must be one of: awaiting_device, awaiting_request, completed/],
        [`msisdn=${A}&limit=0`, /^limit: must be an integer from 1 to 100$/],
        [`msisdn=${A}&limit=101`, /^limit: must be an integer from 1 to 100$/],
        [`msisdn=${A}&limit=ten`, /^limit: must be an integer from 1 to 100$/],
        [`msisdn=${A}&msisdn=${B}`, /^msisdn: must be a string$/],
        [`msisdn=${A}&page=2`, /^page: unknown parameter$/],
      ];
      for (const [q, error] of cases) {
        const res = await api('GET', `/v1/payments?${q}`);
        assert.equal(res.status, 400, q);
        assert.match(res.body.error, error);
      }
      assert.equal((await api('GET', '/v1/payments?msisdn=254799999999')).status, 404);
    });
  });

  describe('operations', () => {
    it('503 (not 500) while Redis is unreachable', async () => {
      const deadRedis = createFailFastConnection({ url: `redis://127.0.0.1:${await freePort()}` }, 'dead');
      deadRedis.on('error', () => undefined);
      const dead = await listen(config, deadRedis, keys, registerScripts(deadRedis), log);
      try {
        const res = await http<Body>('GET', `${dead.base}/v1/subscribers/${A}`, undefined, { authorization: `Bearer ${TOKEN}` });
        assert.equal(res.status, 503);
        const post = await http<Body>('POST', `${dead.base}/v1/merchants`, { code: 'X1', name: 'x' }, { authorization: `Bearer ${TOKEN}` });
        assert.equal(post.status, 503);
      } finally {
        await close(dead);
        deadRedis.disconnect();
      }
    });

    it('the ledger invariant holds over everything above', async () => {
      await assertLedgerBalanced();
      const { credits } = await ledger();
      assert.equal(credits, 10000 + 1250 + 100 + 725);
    });

    it('logs mask MSISDNs and never contain the token', async () => {
      const text = await waitFor('log lines', async () => (logText.length > 0 ? logText.join('') : null), 2000);
      assert.match(text, /2547\*\*\*\*0001/);
      for (const secret of [TOKEN, A, B, '254711000001', '254711000077']) assert.equal(text.includes(secret), false, `log contains ${secret}`);
    });
  });
});
