import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { decision, startPayment, transition, type Payment } from '../../src/domain';
import { createKeys } from '../../src/store/keys';
import { registerScripts } from '../../src/store/scripts';
import { EnrolmentStore } from '../../src/store/enrolment';
import { MerchantStore } from '../../src/store/merchants';
import { PaymentStore } from '../../src/store/payments';
import { Journal } from '../../src/store/journal';
import { RefundStore } from '../../src/store/refunds';
import { LedgerOutbox, type SettledPosting } from '../../src/store/ledger-outbox';
import type { Account } from '../../src/store/keys';
import { startRedis } from '../support/processes';

// The journal against a real redis-server: whatever sequence of credits, payments, refunds and
// settlements of the accounts' outboxes happens, every account's journal sums to its stored balance,
// every transfer has both sides (journaled or owed), and all accounts plus what is owed sum to zero.

describe('ledger: the journal (integration)', function () {
  this.timeout(120_000);
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let client: Redis;
  const keys = createKeys('sp');
  let enrol: EnrolmentStore;
  let payments: PaymentStore;
  let refunds: RefundStore;
  let journal: Journal;
  let ledger: LedgerOutbox;
  let seq = 0;
  const notices: SettledPosting[] = [];
  const notice = async (p: SettledPosting) => {
    notices.push(p);
  };
  /** What the ledger relay does: settle every account marked due. */
  async function settleAll(): Promise<void> {
    for (const a of await client.zrange(keys.outboxDue(), 0, -1)) await ledger.settle(a as Account, notice);
  }

  before(async () => {
    redis = await startRedis();
    client = redis.client();
    const scripts = registerScripts(client);
    enrol = new EnrolmentStore(client, keys, scripts);
    payments = new PaymentStore(client, keys, scripts, 3600);
    refunds = new RefundStore(client, keys, scripts);
    journal = new Journal(client, keys, scripts);
    ledger = new LedgerOutbox(client, keys, scripts);
    for (const code of ['SHOPA', 'SHOPB']) await new MerchantStore(client, keys, scripts).create({ code, name: code }, Date.now());
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
    await payments.markLedgerDue(main, now); // as the payment job does after applying
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
    assert.equal(Number(await client.hget(keys.subscriber(main), 'balance')), 9000, "the payer's side waits in the merchant's outbox");
    await refunds.settle('SHOPA', notice);
    assert.equal(Number(await client.hget(keys.subscriber(main), 'balance')), 9400);
    const n = notices.find((x) => x.transferId === (first.kind === 'created' ? first.refund.id : ''));
    assert.equal(n?.balanceAfterMinor, 9400, "the payer's notice carries her new balance");
    const again = await refunds.refund(p.id, 'rf-1', 400, Date.now());
    assert.equal(again.kind, 'duplicate');
    assert.deepEqual(again.kind === 'duplicate' && again.refund, first.kind === 'created' && first.refund, 'the same refund back');
    assert.deepEqual(await refunds.refund(p.id, 'rf-1', 300, Date.now()), { kind: 'reference_conflict' });
    assert.deepEqual(await refunds.refund(p.id, 'rf-2', 601, Date.now()), { kind: 'over_refund', leftMinor: 600 });
    assert.equal((await refunds.refund(p.id, 'rf-2', 600, Date.now())).kind, 'created');
    assert.deepEqual(await refunds.refund(p.id, 'rf-3', 1, Date.now()), { kind: 'over_refund', leftMinor: 0 });
    assert.deepEqual(await refunds.refund('P0000000000000ZZZ', 'rf-1', 1, Date.now()), { kind: 'no_payment' });
    assert.deepEqual((await refunds.list('SHOPA', p.id)).map((r) => [r.reference, r.amountMinor]), [['rf-1', 400], ['rf-2', 600]]);
    // The merchant must cover it: drain SHOPB's balance below a second payment's refund.
    const q = (await pay(main, 'SHOPB', 500))!;
    await settleAll();
    const shopB = Number(await client.hget(keys.merchant('SHOPB'), 'balance'));
    await client.hset(keys.merchant('SHOPB'), 'balance', 100);
    assert.deepEqual(await refunds.refund(q.id, 'rf-1', 500, Date.now()), { kind: 'merchant_funds', merchantBalanceMinor: 100 });
    assert.equal((await journal.verify()).ok, false, 'a balance the journal does not explain fails the check');
    await client.hset(keys.merchant('SHOPB'), 'balance', shopB); // as the journal says
    await settleAll();
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
      fc.record({ kind: fc.constant('settle' as const), which: fc.nat(50) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
        for (const o of ops) {
          if (o.kind === 'credit') await enrol.credit(subs[o.who], `ref-${o.ref}-${o.amount}`, o.amount);
          else if (o.kind === 'pay') {
            const p = await pay(subs[o.who], o.merchant, o.amount);
            if (p) paid.push(p);
          } else if (o.kind === 'settle') {
            const due = await client.zrange(keys.outboxDue(), 0, -1);
            if (due.length) await ledger.settle(due[o.which % due.length] as Account, notice);
          } else if (paid.length) await refunds.refund(paid[o.which % paid.length].id, `r${o.ref}`, o.amount, Date.now());
          // The check holds at every step, with postings still in flight.
          const mid = await journal.verify();
          assert.deepEqual([mid.mismatches, mid.unpaired, mid.sumMinor], [[], [], 0]);
        }
        await settleAll();
        const check = await journal.verify();
        assert.deepEqual(check.mismatches, []);
        assert.equal(check.sumMinor, 0);
        assert.equal(check.pending, 0, 'nothing in flight once settled');
        let sum = Number(await client.hget(keys.float(), 'balance'));
        for (const m of await client.zrange(keys.subscriberIndex(), 0, -1)) sum += Number(await client.hget(keys.subscriber(m), 'balance'));
        for (const c of ['SHOPA', 'SHOPB']) sum += Number(await client.hget(keys.merchant(c), 'balance'));
        assert.equal(sum, 0, 'all stored balances, the float included, sum to zero');
        for (const m of subs) assert.ok(Number(await client.hget(keys.subscriber(m), 'balance')) >= 0, 'no balance below zero');
        return check.ok;
      }),
      { numRuns: 25 },
    );
  });

  it("a payment's merchant side is owed until settled, lands once however often it is settled, and a lost side is found", async () => {
    const main = '254711000003';
    await enrol.createSubscriber({ msisdn: main, balanceMinor: 2000 }, Date.now());
    await settleAll();
    const before = Number(await client.hget(keys.merchant('SHOPA'), 'balance'));
    const p = (await pay(main, 'SHOPA', 700))!;
    const owed = await journal.verify();
    assert.equal(owed.ok, true, 'balanced with the posting in flight');
    assert.equal(owed.pending, 1);
    assert.equal(Number(await client.hget(keys.merchant('SHOPA'), 'balance')), before);
    // A settlement that dies before deleting its records (its notice step throws) is repeated whole.
    await assert.rejects(ledger.settle(`subscriber:${main}`, async () => Promise.reject(new Error('crash'))));
    assert.equal(Number(await client.hget(keys.merchant('SHOPA'), 'balance')), before + 700);
    await ledger.settle(`subscriber:${main}`, notice);
    await ledger.settle(`subscriber:${main}`, notice);
    assert.equal(Number(await client.hget(keys.merchant('SHOPA'), 'balance')), before + 700, 'applied once');
    const events = (await client.xrange(keys.merchantEvents(), '-', '+')).filter(([, f]) => f.includes(`evt-${p.id}`));
    assert.ok(events.length >= 1, 'the payment.completed event was published');
    const settled = await journal.verify();
    assert.deepEqual([settled.ok, settled.pending], [true, 0]);
    assert.equal((await journal.list({ limit: 1000 })).entries.filter((e) => e.transferId === p.id).length, 1, 'indexed once');
    // The check can fail: a merchant side that vanished is reported as unpaired and as a mismatch.
    await client.hdel(keys.accountPostings('merchant:SHOPA'), p.id);
    const journalKey = keys.accountJournal('merchant:SHOPA');
    const line = (await client.xrange(journalKey, '-', '+')).find(([, f]) => f.includes(p.id))!;
    await client.xdel(journalKey, line[0]);
    const broken = await journal.verify();
    assert.equal(broken.ok, false);
    assert.deepEqual(broken.unpaired, [p.id]);
    await client.xadd(journalKey, '*', ...line[1]); // put it back for the tests after this one
    await client.hset(keys.accountPostings('merchant:SHOPA'), p.id, '{}');
    assert.ok((await journal.verify()).ok);
  });

  it('pages the journal oldest first with a cursor, and entries never change', async () => {
    // More than a page or two of entries, whatever ran before.
    const main = '254711000004';
    await enrol.createSubscriber({ msisdn: main, balanceMinor: 1000 }, Date.now());
    for (let i = 1; i <= 10; i += 1) await enrol.credit(main, `page-${i}`, 100);
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
