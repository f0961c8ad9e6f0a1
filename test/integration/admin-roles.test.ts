import assert from 'node:assert/strict';
import type { SimpairProcess } from '../support/processes';
import { call, operatorsRig, T, who, type Body } from './support/admin-rig';

// Operators with roles, against a real simpair API process (the api role alone) and a real
// redis-server: what a viewer, an operator and an admin may do (ADMIN_TOKENS), and ADMIN_TOKEN as
// the one admin. Each test checks the audit entries of its own changes (admin-audit.test.ts checks
// the log itself).

describe('admin API: operators with roles (api process, real redis)', function () {
  this.timeout(30000);
  const rig = operatorsRig();
  const { as } = rig;

  describe('viewer', () => {
    let A: string;
    let D: string;
    let shop: string;
    before(async () => {
      // Seeded as admin: a subscriber with an opening balance and a device, and a merchant.
      A = await rig.enrol(T.treasury, { imsi: '639020000000101', balance: '100.00' });
      D = rig.msisdn('device');
      assert.equal((await as(T.treasury, 'POST', `/v1/subscribers/${A}/devices`, { msisdn: D })).status, 201);
      shop = rig.merchant();
      assert.equal((await as(T.treasury, 'POST', '/v1/merchants', { code: shop, name: 'Shop one' })).status, 201);
    });

    it('reads everything', async () => {
      const sub = await as(T.audit, 'GET', `/v1/subscribers/${A}`);
      assert.equal(sub.status, 200);
      assert.equal(sub.body.balance.amount, '100.00');
      assert.equal((await as(T.audit, 'GET', `/v1/merchants/${shop}`)).status, 200);
      assert.deepEqual((await as(T.audit, 'GET', `/v1/payments?msisdn=${A}`)).body, { payments: [] });
      assert.equal((await as(T.audit, 'GET', '/v1/payments/P0000000000000000')).status, 404);
      assert.equal((await as(T.audit, 'GET', '/v1/audit')).status, 200);
    });

    it('gets 403 on every change, naming its role, and nothing changes', async () => {
      const changes: Array<[string, string, unknown]> = [
        ['POST', '/v1/subscribers', { msisdn: '254700000199' }],
        ['POST', `/v1/subscribers/${A}/devices`, { msisdn: '254711000199' }],
        ['DELETE', `/v1/subscribers/${A}/devices/${D}`, undefined],
        ['POST', `/v1/subscribers/${A}/credits`, { amount: '1.00', reference: 'viewer-1' }],
        ['POST', `/v1/subscribers/${A}/unlock`, undefined],
        ['POST', '/v1/merchants', { code: 'VIEW1', name: 'x' }],
      ];
      const before = await rig.redis.dbsize();
      const auditBefore = await rig.allAudit();
      for (const [method, path, body] of changes) {
        const res = await as(T.audit, method, path, body);
        assert.equal(res.status, 403, `${method} ${path}`);
        assert.match(res.body.error, /^role viewer may not (POST|DELETE) \/v1\/\S+ \(needs (operator|admin)\)$/, `${method} ${path}`);
      }
      assert.equal((await as(T.audit, 'POST', '/v1/merchants', '{"code": "BROKEN')).status, 403, 'the role is checked before the body is parsed');
      assert.equal(await rig.redis.dbsize(), before);
      assert.deepEqual(await rig.allAudit(), auditBefore);
      const sub = (await as(T.audit, 'GET', `/v1/subscribers/${A}`)).body;
      assert.equal(sub.balance.amount, '100.00');
      assert.deepEqual(sub.devices.map((d: Body) => d.msisdn), [D]);
    });
  });

  describe('operator', () => {
    it('enrols, binds, unbinds and unlocks', async () => {
      const [B, C, E] = [rig.msisdn(), rig.msisdn(), rig.msisdn('device')];
      const mark = (await rig.allAudit()).length;
      assert.equal((await as(T.support, 'POST', '/v1/subscribers', { msisdn: B })).status, 201);
      assert.equal((await as(T.support, 'POST', `/v1/subscribers/${B}/devices`, { msisdn: E, label: 'till' })).status, 201);
      assert.equal((await as(T.support, 'DELETE', `/v1/subscribers/${B}/devices/${E}`)).status, 204);
      await rig.redis.hset(rig.keys.subscriber(B), 'locked', '1', 'lockReason', 'failed_auth', 'failedAuth', '5');
      const unlocked = await as(T.support, 'POST', `/v1/subscribers/${B}/unlock`);
      assert.equal(unlocked.status, 200);
      assert.equal(unlocked.body.locked, false);
      assert.equal((await as(T.support, 'POST', '/v1/subscribers', { msisdn: C, balance: '0.00' })).status, 201, 'a zero opening balance credits nothing');
      assert.deepEqual(who(await rig.auditAfter(mark)), [
        ['support', 'operator', 'subscriber.enrol', B],
        ['support', 'operator', 'device.bind', B],
        ['support', 'operator', 'device.unbind', B],
        ['support', 'operator', 'subscriber.unlock', B],
        ['support', 'operator', 'subscriber.enrol', C],
      ]);
    });

    it('gets 403 on credits, merchants and an opening balance (each creates money or a merchant)', async () => {
      const B = await rig.enrol(T.support);
      const credit = await as(T.support, 'POST', `/v1/subscribers/${B}/credits`, { amount: '5.00', reference: 'op-1' });
      assert.equal(credit.status, 403);
      assert.equal(credit.body.error, 'role operator may not POST /v1/subscribers/:msisdn/credits (needs admin)');
      const merchant = await as(T.support, 'POST', '/v1/merchants', { code: 'OPS1', name: 'x' });
      assert.equal(merchant.status, 403);
      assert.equal(merchant.body.error, 'role operator may not POST /v1/merchants (needs admin)');
      const withOpening = rig.msisdn();
      const opening = await as(T.support, 'POST', '/v1/subscribers', { msisdn: withOpening, balance: '5.00' });
      assert.equal(opening.status, 403);
      assert.match(opening.body.error, /^role operator may not enrol with an opening balance/);
      assert.equal(await rig.redis.exists(rig.keys.subscriber(withOpening)), 0);
      assert.equal(await rig.redis.exists(rig.keys.merchant('OPS1')), 0);
      assert.equal((await as(T.support, 'GET', `/v1/subscribers/${B}`)).body.balance.amount, '0.00');
    });
  });

  describe('admin', () => {
    it('does all of it: credits (once per reference), merchants, and what an operator does', async () => {
      const A = await rig.enrol(T.treasury, { balance: '100.00' });
      const shop = rig.merchant();
      const mark = (await rig.allAudit()).length;
      const first = await as(T.treasury, 'POST', `/v1/subscribers/${A}/credits`, { amount: '12.50', reference: 'top-1' });
      assert.equal(first.status, 201);
      const replay = await as(T.treasury, 'POST', `/v1/subscribers/${A}/credits`, { amount: '12.50', reference: 'top-1' });
      assert.equal(replay.status, 200);
      assert.equal((await as(T.treasury, 'POST', '/v1/merchants', { code: shop, name: 'Shop two' })).status, 201);
      assert.equal((await as(T.treasury, 'POST', `/v1/subscribers/${A}/unlock`, {})).status, 200);
      assert.equal((await as(T.treasury, 'GET', `/v1/subscribers/${A}`)).body.balance.amount, '112.50');
      assert.deepEqual(who(await rig.auditAfter(mark)), [
        ['treasury', 'admin', 'subscriber.credit', A],
        ['treasury', 'admin', 'subscriber.credit', A],
        ['treasury', 'admin', 'merchant.create', shop],
        ['treasury', 'admin', 'subscriber.unlock', A],
      ]);
    });

    it('a refused change (409) is not audited', async () => {
      const A = await rig.enrol(T.treasury);
      const shop = rig.merchant();
      assert.equal((await as(T.treasury, 'POST', `/v1/subscribers/${A}/credits`, { amount: '12.50', reference: 'top-1' })).status, 201);
      assert.equal((await as(T.treasury, 'POST', '/v1/merchants', { code: shop, name: 'Shop two' })).status, 201);
      const n = (await rig.allAudit()).length;
      assert.equal((await as(T.treasury, 'POST', '/v1/merchants', { code: shop, name: 'again' })).status, 409);
      assert.equal((await as(T.treasury, 'POST', `/v1/subscribers/${A}/credits`, { amount: '1.00', reference: 'top-1' })).status, 409);
      assert.equal((await rig.allAudit()).length, n);
    });
  });

  describe('ADMIN_TOKEN alone', () => {
    let single: SimpairProcess;
    before(async () => {
      single = await rig.startApi({ ADMIN_TOKEN: T.single, LOG_LEVEL: 'info' }, T.single);
    });
    after(async () => {
      await single?.stop();
    });

    it('is an admin named admin; the named tokens are not accepted there', async () => {
      const A = await rig.enrol(T.treasury);
      const shop = rig.merchant();
      const res = await call(single.httpPort, 'POST', '/v1/merchants', { token: T.single, body: { code: shop, name: 'Shop three' } });
      assert.equal(res.status, 201);
      assert.equal((await call(single.httpPort, 'GET', `/v1/subscribers/${A}`, { token: T.single })).status, 200);
      assert.equal((await call(single.httpPort, 'GET', `/v1/subscribers/${A}`, { token: T.audit })).status, 401);
      const log = (await call(single.httpPort, 'GET', '/v1/audit?limit=500', { token: T.single })).body.entries as Body[];
      assert.deepEqual(log.at(-1)?.operator, 'admin');
      assert.deepEqual(log.at(-1)?.role, 'admin');
      assert.deepEqual(who((await rig.allAudit()).slice(-1)), [['admin', 'admin', 'merchant.create', shop]], 'one audit log for every process');
    });

    it('prints no token', async () => {
      const out = await rig.presentTokens(single, Object.values(T));
      for (const t of Object.values(T)) assert.equal(out.includes(t), false);
    });
  });
});
