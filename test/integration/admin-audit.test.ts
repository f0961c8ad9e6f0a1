import assert from 'node:assert/strict';
import { operatorsRig, T, UUID, who, WRONG, type Body } from './support/admin-rig';

// The audit log and the request id, against a real simpair API process (the api role alone) and a
// real redis-server: every change in order under the operator's name and role, paging, and the
// X-Request-Id recorded with the change. Each test reads the entries of the changes it made.

describe('admin API: the audit log (api process, real redis)', function () {
  this.timeout(30000);
  const rig = operatorsRig();
  const { as } = rig;

  describe('the audit log', () => {
    it('records every change in order with the token name and role, never a token', async () => {
      const mark = (await rig.allAudit()).length;
      const [A, B, D, E, shop] = [rig.msisdn(), rig.msisdn(), rig.msisdn('device'), rig.msisdn('device'), rig.merchant()];
      assert.equal((await as(T.treasury, 'POST', '/v1/subscribers', { msisdn: A, imsi: '639020000000101', balance: '100.00' })).status, 201);
      assert.equal((await as(T.treasury, 'POST', `/v1/subscribers/${A}/devices`, { msisdn: D })).status, 201);
      assert.equal((await as(T.treasury, 'POST', '/v1/merchants', { code: shop, name: 'Shop one' })).status, 201);
      // Refused changes in between are not recorded.
      assert.equal((await as(T.audit, 'POST', `/v1/subscribers/${A}/unlock`)).status, 403);
      assert.equal((await as(WRONG, 'POST', `/v1/subscribers/${A}/unlock`)).status, 401);
      assert.equal((await as(T.support, 'POST', '/v1/subscribers', { msisdn: B })).status, 201);
      assert.equal((await as(T.support, 'POST', `/v1/subscribers/${B}/devices`, { msisdn: E, label: 'till' })).status, 201);
      assert.equal((await as(T.support, 'DELETE', `/v1/subscribers/${B}/devices/${E}`)).status, 204);
      assert.equal((await as(T.support, 'POST', `/v1/subscribers/${B}/unlock`)).status, 200);
      assert.equal((await as(T.treasury, 'POST', `/v1/subscribers/${A}/credits`, { amount: '12.50', reference: 'top-1' })).status, 201);
      assert.equal((await as(T.treasury, 'POST', `/v1/subscribers/${A}/credits`, { amount: '12.50', reference: 'top-1' })).status, 200);
      const expected = [
        ['treasury', 'admin', 'subscriber.enrol', A],
        ['treasury', 'admin', 'device.bind', A],
        ['treasury', 'admin', 'merchant.create', shop],
        ['support', 'operator', 'subscriber.enrol', B],
        ['support', 'operator', 'device.bind', B],
        ['support', 'operator', 'device.unbind', B],
        ['support', 'operator', 'subscriber.unlock', B],
        ['treasury', 'admin', 'subscriber.credit', A],
        ['treasury', 'admin', 'subscriber.credit', A],
      ];

      const entries = await rig.auditAfter(mark);
      assert.deepEqual(who(entries), expected);
      assert.deepEqual(
        entries.map((e) => e.id),
        expected.map((_, i) => String(mark + i + 1)),
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
      const all = await rig.allAudit();
      const times = all.map((e) => Date.parse(e.at));
      assert.deepEqual(times, [...times].sort((a, b) => a - b), 'times never run backwards');
      const text = JSON.stringify(all);
      for (const t of [...Object.values(T), WRONG]) assert.equal(text.includes(t), false, 'a token in the audit log');
    });

    it('pages oldest first with after and limit; entries never change between reads', async () => {
      // At least 7 entries, whatever ran before.
      const A = await rig.enrol(T.treasury);
      for (let i = 1; i <= 6; i += 1) assert.equal((await as(T.treasury, 'POST', `/v1/subscribers/${A}/credits`, { amount: '1.00', reference: `page-${i}` })).status, 201);
      const all = await rig.allAudit();
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
      const again = await rig.allAudit();
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
      const A = await rig.enrol(T.treasury);
      const res = await as(T.treasury, 'POST', `/v1/subscribers/${A}/credits`, { amount: '2.00', reference: 'top-2' }, { 'x-request-id': 'req-abc.123:X_y' });
      assert.equal(res.status, 201);
      assert.equal(res.headers['x-request-id'], 'req-abc.123:X_y');
      const last = (await rig.allAudit()).at(-1)!;
      assert.deepEqual(who([last]), [['treasury', 'admin', 'subscriber.credit', A]]);
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
      const B = await rig.enrol(T.support);
      for (const given of ['has spaces in it', 'x'.repeat(65), 'semi;colon', '<script>']) {
        const r = await as(T.audit, 'GET', `/v1/subscribers/${B}`, undefined, { 'x-request-id': given });
        assert.match(String(r.headers['x-request-id']), UUID, given);
      }
      const res = await as(T.support, 'POST', `/v1/subscribers/${B}/unlock`, undefined, { 'x-request-id': 'no good' });
      assert.equal(res.status, 200);
      const id = String(res.headers['x-request-id']);
      assert.match(id, UUID);
      const last = (await rig.allAudit()).at(-1)!;
      assert.deepEqual(who([last]), [['support', 'operator', 'subscriber.unlock', B]]);
      assert.equal(last.requestId, id);
      assert.match(String((await as(null, 'GET', '/v1/audit')).headers['x-request-id']), UUID, 'generated when none is sent');
    });
  });
});
