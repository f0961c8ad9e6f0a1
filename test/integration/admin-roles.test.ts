import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import type { Redis } from 'ioredis';
import { createKeys } from '../../src/store/keys';
import { AuditLog } from '../../src/store/audit';
import { audit, authenticate, requireRole } from '../../src/http/access';
import type { RedisServer } from '../../src/store/redis-server';
import { startRedis, startSimpair, type SimpairProcess } from '../support/processes';
import { waitFor } from '../support/wait';

// Operators with roles and the audit trail, against a real simpair API process (the api role
// alone) and a real redis-server: named tokens (ADMIN_TOKENS), the role guards, the audit log, the
// request id, and the 429 rule for an address that keeps presenting wrong tokens.

const T = {
  treasury: 'treasury-admin-token-4f9c2a7e1b',
  support: 'support-operator-token-8d3b6e0c5a',
  audit: 'audit-viewer-token-2e7a9c4f1d',
  single: 'single-admin-token-6b1d8f3a9e',
};
const ADMIN_TOKENS = `treasury=admin:${T.treasury},support=operator:${T.support},audit=viewer:${T.audit}`;
const WRONG = 'wrong-token-presented-by-an-attacker';

const A = '254700000101';
const B = '254700000102';
const C = '254700000103';
const D = '254711000101';
const E = '254711000102';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = Record<string, any>;
interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Body;
  text: string;
}

/** One HTTP request with node:http, so that the client's source address can be chosen (`from`). */
function call(port: number, method: string, path: string, opts: { token?: string | null; body?: unknown; headers?: Record<string, string>; from?: string } = {}): Promise<Answer> {
  const payload = opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
  const headers: Record<string, string> = {
    ...(payload !== undefined ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) } : {}),
    ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
    ...opts.headers,
  };
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, localAddress: opts.from ?? '127.0.0.1', agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => {
        let body: Body = {};
        try {
          body = text ? (JSON.parse(text) as Body) : {};
        } catch {
          body = { text };
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text });
      });
    });
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('admin API: operators with roles, and the audit log (api process, real redis)', function () {
  this.timeout(30000);
  let redisServer: RedisServer & { client(): Redis };
  let redis: Redis;
  let api: SimpairProcess;
  const keys = createKeys('sp');
  /** What the audit log must hold, in order: [operator, role, action, target]. */
  const expected: Array<[string, string, string, string]> = [];

  const as = (token: string | null, method: string, path: string, body?: unknown, headers?: Record<string, string>) => call(api.httpPort, method, path, { token, body, headers });
  async function allAudit(port = api.httpPort): Promise<Body[]> {
    const res = await call(port, 'GET', '/v1/audit?limit=500', { token: T.audit });
    assert.equal(res.status, 200);
    assert.equal(res.body.next, null);
    return res.body.entries as Body[];
  }

  before(async () => {
    redisServer = await startRedis();
    redis = redisServer.client();
    api = await startSimpair({ REDIS_URL: redisServer.url, ADMIN_TOKENS, LOG_LEVEL: 'info' }, 'api');
    await waitFor('the API process to reach Redis', async () => (await as(T.audit, 'GET', '/v1/merchants/NONE1')).status === 404);
    // Seed, as admin: a subscriber with an opening balance and a device, and a merchant.
    assert.equal((await as(T.treasury, 'POST', '/v1/subscribers', { msisdn: A, imsi: '639020000000101', balance: '100.00' })).status, 201);
    expected.push(['treasury', 'admin', 'subscriber.enrol', A]);
    assert.equal((await as(T.treasury, 'POST', `/v1/subscribers/${A}/devices`, { msisdn: D })).status, 201);
    expected.push(['treasury', 'admin', 'device.bind', A]);
    assert.equal((await as(T.treasury, 'POST', '/v1/merchants', { code: 'SHOP1', name: 'Shop one' })).status, 201);
    expected.push(['treasury', 'admin', 'merchant.create', 'SHOP1']);
  });

  after(async () => {
    await api?.stop();
    await redis?.quit();
    await redisServer?.stop();
  });

  const changes = (m: string): Array<[string, string, unknown]> => [
    ['POST', '/v1/subscribers', { msisdn: '254700000199' }],
    ['POST', `/v1/subscribers/${m}/devices`, { msisdn: '254711000199' }],
    ['DELETE', `/v1/subscribers/${m}/devices/${D}`, undefined],
    ['POST', `/v1/subscribers/${m}/credits`, { amount: '1.00', reference: 'viewer-1' }],
    ['POST', `/v1/subscribers/${m}/unlock`, undefined],
    ['POST', '/v1/merchants', { code: 'VIEW1', name: 'x' }],
  ];

  describe('viewer', () => {
    it('reads everything', async () => {
      const sub = await as(T.audit, 'GET', `/v1/subscribers/${A}`);
      assert.equal(sub.status, 200);
      assert.equal(sub.body.balance.amount, '100.00');
      assert.equal((await as(T.audit, 'GET', '/v1/merchants/SHOP1')).status, 200);
      assert.deepEqual((await as(T.audit, 'GET', `/v1/payments?msisdn=${A}`)).body, { payments: [] });
      assert.equal((await as(T.audit, 'GET', '/v1/payments/P0000000000000000')).status, 404);
      assert.equal((await as(T.audit, 'GET', '/v1/audit')).status, 200);
    });

    it('gets 403 on every change, naming its role, and nothing changes', async () => {
      const before = await redis.dbsize();
      const auditBefore = await allAudit();
      for (const [method, path, body] of changes(A)) {
        const res = await as(T.audit, method, path, body);
        assert.equal(res.status, 403, `${method} ${path}`);
        assert.match(res.body.error, /^role viewer may not (POST|DELETE) \/v1\/\S+ \(needs (operator|admin)\)$/, `${method} ${path}`);
      }
      assert.equal((await as(T.audit, 'POST', '/v1/merchants', '{"code": "BROKEN')).status, 403, 'the role is checked before the body is parsed');
      assert.equal(await redis.dbsize(), before);
      assert.deepEqual(await allAudit(), auditBefore);
      const sub = (await as(T.audit, 'GET', `/v1/subscribers/${A}`)).body;
      assert.equal(sub.balance.amount, '100.00');
      assert.deepEqual(sub.devices.map((d: Body) => d.msisdn), [D]);
    });
  });

  describe('operator', () => {
    it('enrols, binds, unbinds and unlocks', async () => {
      assert.equal((await as(T.support, 'POST', '/v1/subscribers', { msisdn: B })).status, 201);
      expected.push(['support', 'operator', 'subscriber.enrol', B]);
      assert.equal((await as(T.support, 'POST', `/v1/subscribers/${B}/devices`, { msisdn: E, label: 'till' })).status, 201);
      expected.push(['support', 'operator', 'device.bind', B]);
      assert.equal((await as(T.support, 'DELETE', `/v1/subscribers/${B}/devices/${E}`)).status, 204);
      expected.push(['support', 'operator', 'device.unbind', B]);
      await redis.hset(keys.subscriber(B), 'locked', '1', 'lockReason', 'failed_auth', 'failedAuth', '5');
      const unlocked = await as(T.support, 'POST', `/v1/subscribers/${B}/unlock`);
      assert.equal(unlocked.status, 200);
      assert.equal(unlocked.body.locked, false);
      expected.push(['support', 'operator', 'subscriber.unlock', B]);
      assert.equal((await as(T.support, 'POST', '/v1/subscribers', { msisdn: C, balance: '0.00' })).status, 201, 'a zero opening balance credits nothing');
      expected.push(['support', 'operator', 'subscriber.enrol', C]);
    });

    it('gets 403 on credits, merchants and an opening balance (each creates money or a merchant)', async () => {
      const credit = await as(T.support, 'POST', `/v1/subscribers/${B}/credits`, { amount: '5.00', reference: 'op-1' });
      assert.equal(credit.status, 403);
      assert.equal(credit.body.error, 'role operator may not POST /v1/subscribers/:msisdn/credits (needs admin)');
      const merchant = await as(T.support, 'POST', '/v1/merchants', { code: 'OPS1', name: 'x' });
      assert.equal(merchant.status, 403);
      assert.equal(merchant.body.error, 'role operator may not POST /v1/merchants (needs admin)');
      const opening = await as(T.support, 'POST', '/v1/subscribers', { msisdn: '254700000104', balance: '5.00' });
      assert.equal(opening.status, 403);
      assert.match(opening.body.error, /^role operator may not enrol with an opening balance/);
      assert.equal(await redis.exists(keys.subscriber('254700000104')), 0);
      assert.equal(await redis.exists(keys.merchant('OPS1')), 0);
      assert.equal((await as(T.support, 'GET', `/v1/subscribers/${B}`)).body.balance.amount, '0.00');
    });
  });

  describe('admin', () => {
    it('does all of it: credits (once per reference), merchants, and what an operator does', async () => {
      const first = await as(T.treasury, 'POST', `/v1/subscribers/${A}/credits`, { amount: '12.50', reference: 'top-1' });
      assert.equal(first.status, 201);
      expected.push(['treasury', 'admin', 'subscriber.credit', A]);
      const replay = await as(T.treasury, 'POST', `/v1/subscribers/${A}/credits`, { amount: '12.50', reference: 'top-1' });
      assert.equal(replay.status, 200);
      expected.push(['treasury', 'admin', 'subscriber.credit', A]);
      assert.equal((await as(T.treasury, 'POST', '/v1/merchants', { code: 'SHOP2', name: 'Shop two' })).status, 201);
      expected.push(['treasury', 'admin', 'merchant.create', 'SHOP2']);
      assert.equal((await as(T.treasury, 'POST', `/v1/subscribers/${A}/unlock`, {})).status, 200);
      expected.push(['treasury', 'admin', 'subscriber.unlock', A]);
      assert.equal((await as(T.treasury, 'GET', `/v1/subscribers/${A}`)).body.balance.amount, '112.50');
    });

    it('a refused change (409) is not audited', async () => {
      const n = (await allAudit()).length;
      assert.equal((await as(T.treasury, 'POST', '/v1/merchants', { code: 'SHOP2', name: 'again' })).status, 409);
      assert.equal((await as(T.treasury, 'POST', `/v1/subscribers/${A}/credits`, { amount: '1.00', reference: 'top-1' })).status, 409);
      assert.equal((await allAudit()).length, n);
    });
  });

  describe('ADMIN_TOKEN alone', () => {
    let single: SimpairProcess;
    before(async () => {
      single = await startSimpair({ REDIS_URL: redisServer.url, ADMIN_TOKEN: T.single, LOG_LEVEL: 'info' }, 'api');
      await waitFor('the API process to reach Redis', async () => (await call(single.httpPort, 'GET', '/v1/merchants/NONE1', { token: T.single })).status === 404);
    });
    after(async () => {
      await single?.stop();
    });

    it('is an admin named admin; the named tokens are not accepted there', async () => {
      const res = await call(single.httpPort, 'POST', '/v1/merchants', { token: T.single, body: { code: 'SHOP3', name: 'Shop three' } });
      assert.equal(res.status, 201);
      expected.push(['admin', 'admin', 'merchant.create', 'SHOP3']);
      assert.equal((await call(single.httpPort, 'GET', `/v1/subscribers/${A}`, { token: T.single })).status, 200);
      assert.equal((await call(single.httpPort, 'GET', `/v1/subscribers/${A}`, { token: T.audit })).status, 401);
      const log = (await call(single.httpPort, 'GET', '/v1/audit?limit=500', { token: T.single })).body.entries as Body[];
      assert.deepEqual(log.at(-1)?.operator, 'admin');
      assert.deepEqual(log.at(-1)?.role, 'admin');
    });

    it('prints no token', () => {
      for (const t of Object.values(T)) assert.equal(single.output().includes(t), false);
    });
  });

  describe('the audit log', () => {
    it('records every change in order with the token name and role, never a token', async () => {
      const entries = await allAudit();
      assert.deepEqual(
        entries.map((e) => [e.operator, e.role, e.action, e.target]),
        expected,
      );
      assert.deepEqual(
        entries.map((e) => e.id),
        expected.map((_, i) => String(i + 1)),
        'ids are a sequence without gaps',
      );
      for (const e of entries) {
        assert.deepEqual(Object.keys(e).sort(), ['action', 'at', 'details', 'id', 'operator', 'requestId', 'role', 'target']);
        assert.ok(!Number.isNaN(Date.parse(e.at)) && new Date(e.at).toISOString() === e.at, e.at);
        assert.match(e.requestId, UUID);
      }
      assert.deepEqual(entries[0].details, { withImsi: true, openingBalance: '100.00' });
      assert.deepEqual(entries[1].details, { device: D, withImsi: false });
      assert.deepEqual(entries[2].details, { name: 'Shop one', withPhone: false, withWebhook: false });
      const credits = entries.filter((e) => e.action === 'subscriber.credit').map((e) => e.details);
      assert.deepEqual(credits, [
        { amount: '12.50', reference: 'top-1', created: true },
        { amount: '12.50', reference: 'top-1', created: false },
      ]);
      const times = entries.map((e) => Date.parse(e.at));
      assert.deepEqual(times, [...times].sort((a, b) => a - b), 'times never run backwards');
      const text = JSON.stringify(entries);
      for (const t of [...Object.values(T), WRONG]) assert.equal(text.includes(t), false, 'a token in the audit log');
    });

    it('pages oldest first with after and limit; entries never change between reads', async () => {
      const all = await allAudit();
      const paged: Body[] = [];
      let after: string | null = null;
      let pages = 0;
      do {
        const res = await as(T.audit, 'GET', `/v1/audit?limit=3${after ? `&after=${after}` : ''}`);
        assert.equal(res.status, 200);
        assert.ok(res.body.entries.length <= 3);
        paged.push(...res.body.entries);
        after = res.body.next;
        if (after !== null) assert.equal(after, res.body.entries.at(-1).id);
        pages += 1;
      } while (after !== null && pages < 100);
      assert.deepEqual(paged, all);
      assert.equal(pages, Math.ceil(all.length / 3), 'next is null on the last page, not one page later');
      const mid = await as(T.audit, 'GET', '/v1/audit?after=4&limit=2');
      assert.deepEqual(
        mid.body.entries.map((e: Body) => e.id),
        ['5', '6'],
      );
      assert.equal(mid.body.next, '6');
      const end = await as(T.audit, 'GET', `/v1/audit?after=${all.length}`);
      assert.deepEqual(end.body, { entries: [], next: null });
      const dflt = await as(T.audit, 'GET', '/v1/audit');
      assert.deepEqual(dflt.body.entries, all, 'the default limit (100) covers this log');

      // More changes later: the entries read before are the same, byte for byte.
      assert.equal((await as(T.treasury, 'POST', `/v1/subscribers/${A}/credits`, { amount: '1.00', reference: 'top-later' })).status, 201);
      expected.push(['treasury', 'admin', 'subscriber.credit', A]);
      const again = await allAudit();
      assert.deepEqual(again.slice(0, all.length), all);
      assert.equal(again.length, all.length + 1);
    });

    it('400 for a bad after or limit; unknown parameters are refused', async () => {
      for (const q of ['limit=0', 'limit=501', 'limit=ten', 'after=abc', 'after=-1', 'after=1-0', 'page=2', 'limit=1&limit=2']) {
        const res = await as(T.audit, 'GET', `/v1/audit?${q}`);
        assert.equal(res.status, 400, q);
      }
      assert.equal((await as(T.audit, 'GET', '/v1/audit?limit=500')).status, 200);
    });

    it('needs a token like every admin path (also /v1/ledger, served by another router)', async () => {
      for (const path of ['/v1/audit', '/v1/ledger/entries']) {
        const res = await as(null, 'GET', path);
        assert.equal(res.status, 401, path);
        assert.match(String(res.headers['www-authenticate']), /^Bearer/);
      }
    });
  });

  describe('X-Request-Id', () => {
    it('is echoed on every admin answer and recorded with the change', async () => {
      const res = await as(T.treasury, 'POST', `/v1/subscribers/${A}/credits`, { amount: '2.00', reference: 'top-2' }, { 'x-request-id': 'req-abc.123:X_y' });
      assert.equal(res.status, 201);
      assert.equal(res.headers['x-request-id'], 'req-abc.123:X_y');
      expected.push(['treasury', 'admin', 'subscriber.credit', A]);
      const last = (await allAudit()).at(-1)!;
      assert.equal(last.requestId, 'req-abc.123:X_y');
      assert.deepEqual(last.details, { amount: '2.00', reference: 'top-2', created: true });
      for (const [token, method, path] of [
        [T.audit, 'GET', `/v1/subscribers/${A}`],
        [T.audit, 'POST', '/v1/merchants'],
        [null, 'GET', '/v1/audit'],
        [WRONG, 'GET', '/v1/audit'],
      ] as const) {
        const r = await as(token, method, path, undefined, { 'x-request-id': 'trace-42' });
        assert.equal(r.headers['x-request-id'], 'trace-42', `${method} ${path} ${r.status}`);
      }
    });

    it('an unsafe or long id is replaced by a UUID, which is what gets recorded', async () => {
      for (const given of ['has spaces in it', 'x'.repeat(65), 'semi;colon', '<script>']) {
        const r = await as(T.audit, 'GET', `/v1/subscribers/${A}`, undefined, { 'x-request-id': given });
        assert.match(String(r.headers['x-request-id']), UUID, given);
      }
      const res = await as(T.support, 'POST', `/v1/subscribers/${B}/unlock`, undefined, { 'x-request-id': 'no good' });
      assert.equal(res.status, 200);
      expected.push(['support', 'operator', 'subscriber.unlock', B]);
      const id = String(res.headers['x-request-id']);
      assert.match(id, UUID);
      assert.equal((await allAudit()).at(-1)!.requestId, id);
      assert.match(String((await as(null, 'GET', '/v1/audit')).headers['x-request-id']), UUID, 'generated when none is sent');
    });
  });

  describe('too many failed authentications from one address', () => {
    const ATTACKER = '127.0.0.2';
    const metric = async (outcome: string): Promise<number> => {
      const text = (await call(api.httpPort, 'GET', '/metrics')).text;
      const m = new RegExp(`^simpair_http_auth_failures_total\\{outcome="${outcome}"\\} (\\d+)$`, 'm').exec(text);
      assert.ok(m, `no simpair_http_auth_failures_total{outcome="${outcome}"}`);
      return Number(m[1]);
    };

    it('after 10 wrong tokens within a minute: 429 with Retry-After, even with a right token, from that address only', async () => {
      const invalid0 = await metric('invalid');
      const limited0 = await metric('rate_limited');
      const missing0 = await metric('missing');
      for (let i = 0; i < 10; i += 1) {
        const res = await call(api.httpPort, 'GET', '/v1/merchants/SHOP1', { token: `${WRONG}-${i}`, from: ATTACKER });
        assert.equal(res.status, 401, `attempt ${i + 1}`);
      }
      assert.equal(await metric('invalid'), invalid0 + 10);
      const ttl = await redis.pttl(keys.authFailures(ATTACKER));
      assert.ok(ttl > 0 && ttl <= 60_000, `the counter expires with its minute (${ttl} ms)`);

      for (const token of [WRONG, T.treasury, null]) {
        const res = await call(api.httpPort, 'GET', '/v1/merchants/SHOP1', { token, from: ATTACKER });
        assert.equal(res.status, 429, String(token && token.slice(0, 5)));
        const retryAfter = Number(res.headers['retry-after']);
        assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After ${res.headers['retry-after']}`);
        assert.match(res.body.error, /too many failed authentications/);
        assert.ok(res.headers['x-request-id']);
      }
      assert.equal(await metric('rate_limited'), limited0 + 3);
      assert.equal(await metric('missing'), missing0, 'a refused request is counted once, as rate_limited');
      assert.equal(await metric('invalid'), invalid0 + 10, 'wrong tokens during the penalty do not extend it');

      // Another address is not affected.
      assert.equal((await call(api.httpPort, 'GET', '/v1/merchants/SHOP1', { token: T.treasury })).status, 200);
    });

    it('the count is shared by every API process (it is in Redis)', async () => {
      const other = await startSimpair({ REDIS_URL: redisServer.url, ADMIN_TOKEN: T.single }, 'api');
      try {
        // (Until its Redis connection is up, a new process answers 503.)
        const first = await waitFor('the new API process to reach Redis', async () => {
          const r = await call(other.httpPort, 'GET', '/v1/merchants/SHOP1', { token: T.single, from: ATTACKER });
          return r.status === 503 ? null : r;
        });
        assert.equal(first.status, 429);
        assert.equal((await call(other.httpPort, 'GET', '/v1/merchants/SHOP1', { token: T.single })).status, 200);
      } finally {
        await other.stop();
      }
    });

    it('when the minute has passed, the right token works again', async () => {
      await redis.pexpire(keys.authFailures(ATTACKER), 1);
      await new Promise((r) => setTimeout(r, 20));
      assert.equal((await call(api.httpPort, 'GET', '/v1/merchants/SHOP1', { token: T.treasury, from: ATTACKER })).status, 200);
      assert.equal(await redis.exists(keys.authFailures(ATTACKER)), 0, 'a success neither counts nor resets anything');
    });

    it('missing tokens alone do not lead to 429 (only wrong ones are counted)', async () => {
      for (let i = 0; i < 12; i += 1) assert.equal((await call(api.httpPort, 'GET', '/v1/audit', { from: ATTACKER })).status, 401);
      assert.equal((await call(api.httpPort, 'GET', '/v1/audit', { token: T.audit, from: ATTACKER })).status, 200);
    });
  });

  describe('the process output', () => {
    it('never shows a token, right or wrong', () => {
      const out = api.output();
      assert.match(out, /simpair ready/);
      assert.match(out, /invalid bearer token/, 'the failures are logged');
      for (const t of [...Object.values(T), WRONG]) assert.equal(out.includes(t), false, 'a token in the output');
    });
  });
});

describe('access.ts in-process: audit() keeps secrets out; guards fail closed', function () {
  this.timeout(10000);
  const TOKEN = 'in-process-admin-token-0123456789';
  const sha = (s: string) => createHash('sha256').update(s).digest('hex');
  let redisServer: RedisServer & { client(): Redis };
  let redis: Redis;
  let server: Server;
  let port: number;
  const keys = createKeys('t');
  const log = pino({ level: 'silent' });

  before(async () => {
    redisServer = await startRedis();
    redis = redisServer.client();
    const app = express();
    const auth = authenticate({ tokens: [{ name: 'ops', role: 'operator', tokenSha256: sha(TOKEN) }], redis, keys, log, limits: { authFailuresPerMinute: 10 } });
    app.post('/scrub', auth, auth, requireRole('operator'), async (_req, res) => {
      await audit(res, {
        action: 'test.scrub',
        target: 'x',
        details: { password: 'p', apiToken: 't', api_key: 'k', nested: { clientSecret: 's', fine: 1, deeper: { Authorization: 'Bearer x', ok: true } }, echo: TOKEN, list: [TOKEN, 'ok'], note: 'kept' },
      });
      res.json({ operator: res.locals.operator, requestId: res.locals.requestId });
    });
    app.post('/admin-only', auth, requireRole('admin'), (_req, res) => {
      res.json({ ok: true });
    });
    app.get('/unguarded', requireRole('viewer'), (_req, res) => {
      res.json({ ok: true });
    });
    app.get('/unaudited', async (_req, res) => {
      await audit(res, { action: 'x', target: 'y' });
      res.json({ ok: true });
    });
    app.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(500).json({ error: err.message });
    });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    port = (server.address() as AddressInfo).port;
  });

  after(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    await redis?.quit();
    await redisServer?.stop();
  });

  it('drops secret-looking keys and configured tokens from details; authenticating twice is one authentication', async () => {
    const res = await call(port, 'POST', '/scrub', { token: TOKEN, headers: { 'x-request-id': 'scrub-1' } });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { operator: { name: 'ops', role: 'operator' }, requestId: 'scrub-1' });
    const { entries } = await new AuditLog(redis, keys).list({ limit: 10 });
    assert.equal(entries.length, 1);
    assert.deepEqual(entries[0].details, { nested: { fine: 1, deeper: { ok: true } }, echo: '[redacted]', list: ['[redacted]', 'ok'], note: 'kept' });
    assert.equal(entries[0].operator, 'ops');
    assert.equal(entries[0].requestId, 'scrub-1');
    assert.equal(JSON.stringify(await redis.xrange(keys.auditLog(), '-', '+')).includes(TOKEN), false);
  });

  it('requireRole answers 403 below the role, and 500 (never lets through) without authentication', async () => {
    const res = await call(port, 'POST', '/admin-only', { token: TOKEN });
    assert.equal(res.status, 403);
    assert.equal(res.body.error, 'role operator may not POST /admin-only (needs admin)');
    const bare = await call(port, 'GET', '/unguarded');
    assert.equal(bare.status, 500);
    assert.match(bare.body.error, /not authenticated/);
    const unaudited = await call(port, 'GET', '/unaudited');
    assert.equal(unaudited.status, 500);
    assert.equal(await redis.xlen(keys.auditLog()), 1);
  });
});
