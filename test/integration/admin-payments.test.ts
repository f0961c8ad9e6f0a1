import assert from 'node:assert/strict';
import { startPayment, transition, type Payment } from '../../src/domain/payment';
import { adminRig, national, paymentId, type Body } from './support/admin-rig';

// Reading payments through the admin API (in-process, real redis): one payment, and a subscriber's
// list. The describe enrols its own two subscribers and stores their payments; the tests only read.

describe('admin API: payments (in-process, real redis)', function () {
  this.timeout(10000);
  const rig = adminRig();
  const { api } = rig;
  const t0 = 1_700_000_000_000;
  const stored: Payment[] = [];
  let A: string;
  let B: string;

  before(async () => {
    A = await rig.enrol('100.00');
    B = await rig.enrol();
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
      await rig.redis
        .multi()
        .hset(rig.keys.payments(A), p.id, JSON.stringify(p))
        .zadd(rig.keys.paymentIndex(A), p.createdAt, p.id)
        .set(rig.keys.paymentOwner(p.id), A)
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
    const completed = await api('GET', `/v1/payments?msisdn=${national(A)}&state=completed&limit=2`);
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
