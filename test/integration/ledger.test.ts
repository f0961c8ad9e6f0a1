import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { decision, startPayment, transition, type Payment } from '../../src/domain';
import { createKeys } from '../../src/store/keys';
import { registerScripts } from '../../src/store/scripts';
import { EnrolmentStore } from '../../src/store/enrolment';
import { PaymentStore } from '../../src/store/payments';
import { Journal } from '../../src/store/journal';
import { RefundStore } from '../../src/store/refunds';
import { startRedis } from '../support/processes';

// The journal against a real redis-server: whatever sequence of credits, payments and refunds
// happens, every account's journal sums to its stored balance and all accounts sum to zero.

describe('ledger: the journal (integration)', function () {
  this.timeout(120_000);
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let client: Redis;
  const keys = createKeys('sp');
  let enrol: EnrolmentStore;
  let payments: PaymentStore;
  let refunds: RefundStore;
  let journal: Journal;
  let seq = 0;

  before(async () => {
    redis = await startRedis();
    client = redis.client();
    const scripts = registerScripts(client);
    enrol = new EnrolmentStore(client, keys, scripts);
    payments = new PaymentStore(client, keys, scripts);
    refunds = new RefundStore(client, keys, scripts);
    journal = new Journal(client, keys);
    for (const code of ['SHOPA', 'SHOPB']) await enrol.createMerchant({ code, name: code }, Date.now());
  });
  after(async () => {
    client?.disconnect();
    await redis?.stop();
  });

  /** A completed payment of `amountMinor` from `main` to `merchant`, applied as the worker would. */
  async function pay(main: string, merchant: string, amountMinor: number): Promise<Payment | null> {
    const now = Date.now();
    const id = `P${String(++seq).padStart(16, '0')}`;
    const loaded = await payments.loadView(main, `mo-${id}`);
    if (!loaded || loaded.view.balanceMinor < amountMinor) return null;
    const open = startPayment({ id, main, amountMinor, merchant, code: 'ABC234', channel: 'sms', createdAt: now, expiresAt: now + 60_000, requestMoId: `mo-${id}` }, 'awaiting_device', 'request_received', now);
    const done = transition(open, 'completed', 'matched', now, { completedAt: now, device: '254700000002', deviceMoId: `mo-d-${id}` });
    const d = decision('completed', {
      payments: [done],
      subscriber: { balanceMinor: loaded.view.balanceMinor - amountMinor },
      transfer: { id, fromMsisdn: main, toMerchant: merchant, amountMinor },
      reason: 'matched',
    });
    const r = await payments.apply(main, `mo-${id}`, loaded.view.version, d, now);
    assert.equal(r.kind, 'ok');
    return done;
  }

  it('opening balances and credits are journaled from the float account', async () => {
    await enrol.createSubscriber({ msisdn: '254711000001', balanceMinor: 5000 }, Date.now());
    await enrol.credit('254711000001', 'top-1', 250);
    await enrol.credit('254711000001', 'top-1', 250); // a replay: no second entry
    const page = await journal.list({ limit: 10, account: 'subscriber:254711000001' });
    assert.deepEqual(
      page.entries.map((e) => [e.kind, e.debit, e.credit, e.amountMinor, e.transferId]),
      [
        ['credit', 'float', 'subscriber:254711000001', 5000, 'credit:254711000001:opening'],
        ['credit', 'float', 'subscriber:254711000001', 250, 'credit:254711000001:top-1'],
      ],
    );
    assert.ok((await journal.verify()).ok);
  });

  it('refunds: bounded by what is left, idempotent by reference, covered by the merchant, never of an open payment', async () => {
    const main = '254711000002';
    await enrol.createSubscriber({ msisdn: main, balanceMinor: 10_000 }, Date.now());
    const p = (await pay(main, 'SHOPA', 1000))!;
    const first = await refunds.refund(p.id, 'rf-1', 400, Date.now());
    assert.equal(first.kind, 'created');
    assert.equal(first.kind === 'created' && first.balanceMinor, 9400);
    const again = await refunds.refund(p.id, 'rf-1', 400, Date.now());
    assert.equal(again.kind, 'duplicate');
    assert.deepEqual(again.kind === 'duplicate' && again.refund, first.kind === 'created' && first.refund, 'the same refund back');
    assert.deepEqual(await refunds.refund(p.id, 'rf-1', 300, Date.now()), { kind: 'reference_conflict' });
    assert.deepEqual(await refunds.refund(p.id, 'rf-2', 601, Date.now()), { kind: 'over_refund', leftMinor: 600 });
    assert.equal((await refunds.refund(p.id, 'rf-2', 600, Date.now())).kind, 'created');
    assert.deepEqual(await refunds.refund(p.id, 'rf-3', 1, Date.now()), { kind: 'over_refund', leftMinor: 0 });
    assert.deepEqual(await refunds.refund('P0000000000000ZZZ', 'rf-1', 1, Date.now()), { kind: 'no_payment' });
    assert.deepEqual((await refunds.list(main, p.id)).map((r) => [r.reference, r.amountMinor]), [['rf-1', 400], ['rf-2', 600]]);
    // The merchant must cover it: drain SHOPB's balance below a second payment's refund.
    const q = (await pay(main, 'SHOPB', 500))!;
    await client.hset(keys.merchant('SHOPB'), 'balance', 100);
    assert.deepEqual(await refunds.refund(q.id, 'rf-1', 500, Date.now()), { kind: 'merchant_funds', merchantBalanceMinor: 100 });
    await client.hset(keys.merchant('SHOPB'), 'balance', 500); // as the journal says
    assert.ok((await journal.verify()).ok);
  });

  it('any sequence of credits, payments and refunds keeps the journal balanced and equal to every balance (property)', async () => {
    const subs = ['254711100001', '254711100002', '254711100003'];
    for (const m of subs) await enrol.createSubscriber({ msisdn: m, balanceMinor: 1000 }, Date.now());
    const paid: Payment[] = [];
    const op = fc.oneof(
      fc.record({ kind: fc.constant('credit' as const), who: fc.nat(2), amount: fc.integer({ min: 1, max: 5000 }), ref: fc.nat(20) }),
      fc.record({ kind: fc.constant('pay' as const), who: fc.nat(2), merchant: fc.constantFrom('SHOPA', 'SHOPB'), amount: fc.integer({ min: 1, max: 3000 }) }),
      fc.record({ kind: fc.constant('refund' as const), which: fc.nat(50), amount: fc.integer({ min: 1, max: 3000 }), ref: fc.nat(3) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
        for (const o of ops) {
          if (o.kind === 'credit') await enrol.credit(subs[o.who], `ref-${o.ref}-${o.amount}`, o.amount);
          else if (o.kind === 'pay') {
            const p = await pay(subs[o.who], o.merchant, o.amount);
            if (p) paid.push(p);
          } else if (paid.length) await refunds.refund(paid[o.which % paid.length].id, `r${o.ref}`, o.amount, Date.now());
        }
        const check = await journal.verify();
        assert.deepEqual(check.mismatches, []);
        assert.equal(check.sumMinor, 0);
        for (const m of subs) assert.ok(Number(await client.hget(keys.subscriber(m), 'balance')) >= 0, 'no balance below zero');
        return check.ok;
      }),
      { numRuns: 25 },
    );
  });

  it('pages the journal oldest first with a cursor, and entries never change', async () => {
    const all = (await journal.list({ limit: 1000 })).entries;
    assert.ok(all.length > 10);
    const pages = [];
    let after: string | undefined;
    for (;;) {
      const page = await journal.list({ after, limit: 7 });
      pages.push(...page.entries);
      if (!page.next) break;
      after = page.next;
    }
    assert.deepEqual(pages, all);
    assert.deepEqual((await journal.list({ limit: 1000 })).entries.slice(0, all.length), all, 'unchanged between reads');
  });
});
