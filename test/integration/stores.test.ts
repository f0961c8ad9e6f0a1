import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { createKeys } from '../../src/store/keys';
import { registerScripts } from '../../src/store/scripts';
import { ReplyStore } from '../../src/store/replies';
import { ExpiryStore } from '../../src/store/expiries';
import { MoIdentityStore } from '../../src/store/mo-identity';
import { ReassemblyStore } from '../../src/store/reassembly';
import { LedgerOutbox } from '../../src/store/ledger-outbox';
import { canonicalMessageId, type MessageIdFormat } from '../../src/smpp/message-id';
import { startRedis } from '../support/processes';

// The small stores whose races matter, against a real redis-server.

describe('reply and expiry stores (integration)', function () {
  this.timeout(30_000);
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let client: Redis;
  const keys = createKeys('sp');
  /** A part's id as the gateway files it: canonical in the SMSC's configured format. */
  const id = (raw: string, format: MessageIdFormat = 'string') => ({ key: `acct|${canonicalMessageId(raw, format)}`, raw });

  before(async () => {
    redis = await startRedis();
    client = redis.client();
  });
  after(async () => {
    client?.disconnect();
    await redis?.stop();
  });

  it('a receipt that overtakes its submit_sm_resp is kept and applied when the part is recorded', async () => {
    const replies = new ReplyStore(client, keys, registerScripts(client), 3600);
    await replies.markQueued([{ id: 'r1', to: '254700000001', kind: 'paid' }], Date.now());
    // The SMSC answered submit_sm with hex 0x1f and its receipt says decimal 31, before we recorded the answer.
    assert.equal(await replies.applyReceipt({ smscId: id('31', 'decimal'), state: 'DELIVERED', delivered: true, final: true }, Date.now()), 'orphan');
    assert.equal((await replies.get('r1'))?.state, 'queued');
    await replies.recordPart('r1', id('1f', 'hex'), 1, 1, Date.now());
    assert.equal((await replies.get('r1'))?.state, 'delivered');
    assert.deepEqual(await client.keys('sp:receipt:orphan:*'), [], 'the orphan is gone once applied');
  });

  it('keeps a reply record and its SMSC-id pointers for the configured retention, no longer', async () => {
    const replies = new ReplyStore(client, keys, registerScripts(client), 1234);
    await replies.markQueued([{ id: 'r-ttl', to: '254700000001', kind: 'help' }], Date.now());
    await replies.recordPart('r-ttl', id('ttl-1'), 1, 1, Date.now());
    for (const key of [keys.reply('r-ttl'), keys.smscMessage(id('ttl-1').key)]) {
      const ttl = await client.ttl(key);
      assert.ok(ttl > 1200 && ttl <= 1234, `${key}: TTL ${ttl} s, expected the configured 1234 s`);
    }
  });

  it('records parts in order: sent after the last part, delivered after every part is delivered', async () => {
    const replies = new ReplyStore(client, keys, registerScripts(client), 3600);
    await replies.markQueued([{ id: 'r2', to: '254700000001', kind: 'help' }], Date.now());
    await replies.recordPart('r2', id('a1'), 1, 2, Date.now());
    assert.equal((await replies.get('r2'))?.state, 'queued');
    await replies.recordPart('r2', id('a2'), 2, 2, Date.now());
    assert.equal((await replies.get('r2'))?.state, 'sent');
    assert.equal(await replies.applyReceipt({ smscId: id('a1'), state: 'DELIVERED', delivered: true, final: true }, Date.now()), 'applied');
    assert.equal((await replies.get('r2'))?.state, 'sent', 'one of two parts delivered');
    await replies.applyReceipt({ smscId: id('a2'), state: 'DELIVERED', delivered: true, final: true }, Date.now());
    const r = await replies.get('r2');
    assert.equal(r?.state, 'delivered');
    assert.deepEqual(r?.smscIds, ['a1', 'a2']);
  });

  it('a failed part fails the reply, and a later receipt does not revive it', async () => {
    const replies = new ReplyStore(client, keys, registerScripts(client), 3600);
    await replies.markQueued([{ id: 'r3', to: '254700000001', kind: 'help' }], Date.now());
    await replies.recordPart('r3', id('b1'), 1, 1, Date.now());
    await replies.applyReceipt({ smscId: id('b1'), state: 'UNDELIVERABLE', delivered: false, final: true }, Date.now());
    await replies.applyReceipt({ smscId: id('b1'), state: 'DELIVERED', delivered: true, final: true }, Date.now());
    assert.equal((await replies.get('r3'))?.state, 'failed');
  });

  it('hands a claimed expiry to another worker when the claimer dies, and keeps a rescheduled one', async () => {
    const expiries = new ExpiryStore(client, keys, registerScripts(client));
    const t0 = 1_000_000;
    await expiries.schedule('254700000001', [{ paymentId: 'PAAAAAAAAAA', at: t0 }]);
    await expiries.schedule('254700000002', [{ paymentId: 'PBBBBBBBBBB', at: t0 + 60_000 }]);
    const first = await expiries.claimDue(t0, 30_000, 10);
    assert.deepEqual(first.map((e) => e.paymentId), ['PAAAAAAAAAA']);
    assert.deepEqual(await expiries.claimDue(t0 + 1000, 30_000, 10), [], 'a claim under lease is not handed out again');
    const again = await expiries.claimDue(t0 + 30_001, 30_000, 10);
    assert.deepEqual(again.map((e) => e.paymentId), ['PAAAAAAAAAA'], 'after the lease another worker takes it');
    // The first claimer finishing late must not remove the second claim, nor a rescheduled entry.
    await expiries.finish(first[0]);
    assert.notEqual(await client.zscore(keys.expiries(), again[0].member), null);
    await expiries.schedule('254700000001', [{ paymentId: 'PAAAAAAAAAA', at: t0 + 90_000 }]);
    await expiries.finish(again[0]);
    assert.equal(Number(await client.zscore(keys.expiries(), again[0].member)), t0 + 90_000);
  });

  it('finishes a claimed batch of due accounts in one call, keeping those marked due again meanwhile', async () => {
    const ledger = new LedgerOutbox(client, keys, registerScripts(client));
    const t0 = 2_000_000;
    const accounts = ['subscriber:254700000011', 'subscriber:254700000012', 'subscriber:254700000013'] as const;
    for (const a of accounts) await ledger.markDue(a, t0);
    const claimed = await ledger.claimDue(t0, 30_000, 10);
    assert.deepEqual(claimed.map((d) => d.account).sort(), [...accounts]);
    await ledger.markDue(accounts[1], t0 + 5); // a new record for this one while the batch settles
    await ledger.finish(claimed);
    assert.deepEqual(await client.zrange(keys.outboxDue(), 0, -1, 'WITHSCORES'), [accounts[1], String(t0 + 5)]);
    await ledger.finish([]); // nothing claimed: no call, no error
  });

  it('a receipt id in another base than configured does not find the reply (no guessing: hex 1234 is not decimal 1234)', async () => {
    const replies = new ReplyStore(client, keys, registerScripts(client), 3600);
    await replies.markQueued([{ id: 'r4', to: '254700000001', kind: 'paid' }], Date.now());
    await replies.recordPart('r4', id('1234', 'hex'), 1, 1, Date.now());
    assert.equal(await replies.applyReceipt({ smscId: id('1234', 'decimal'), state: 'DELIVERED', delivered: true, final: true }, Date.now()), 'orphan');
    assert.equal(await replies.applyReceipt({ smscId: id('4660', 'decimal'), state: 'DELIVERED', delivered: true, final: true }, Date.now()), 'applied');
    assert.equal((await replies.get('r4'))?.state, 'delivered');
  });

  it('an identity record is claimed once: a second claimer sees the first and can take it over only by naming it', async () => {
    const ids = new MoIdentityStore(registerScripts(client));
    const key = keys.moIdentity('254700000001', 'digest-1');
    assert.deepEqual(await ids.claim(key, null, 'mo-a', 'link-1', 1000, 60_000), { claimed: true });
    const seen = await ids.claim(key, null, 'mo-b', 'link-2', 1001, 60_000);
    assert.deepEqual(seen, { claimed: false, current: { id: 'mo-a', link: 'link-1', at: 1000, answer: 'pending' } });
    await ids.recordAnswer(key, 'mo-a', 'ok', 1002);
    await ids.recordAnswer(key, 'mo-other', 'error', 1003); // not the claimer: ignored
    assert.deepEqual(await ids.claim(key, 'mo-x', 'mo-b', 'link-2', 1004, 60_000), { claimed: false, current: { id: 'mo-a', link: 'link-1', at: 1000, answer: 'ok' } });
    assert.deepEqual(await ids.claim(key, 'mo-a', 'mo-b', 'link-2', 1005, 60_000), { claimed: true });
    assert.equal(await client.hget(key, 'answer'), 'pending', 'the new claimer starts unanswered');
    assert.ok((await client.pttl(key)) > 50_000, 'the record lives for the window');
  });

  it('reassembly: a complete message comes back in order; an incomplete one is found by the sweep after its deadline, once', async () => {
    const store = new ReassemblyStore(client, keys, 'sp', registerScripts(client), 5000);
    const t0 = 2_000_000;
    assert.deepEqual(await store.storePart('m1', 2, 2, Buffer.from('lo'), t0), { complete: false, stored: 1 });
    const done = await store.storePart('m1', 1, 2, Buffer.from('hel'), t0 + 1);
    assert.ok(done.complete);
    assert.equal(Buffer.concat(done.payloads).toString(), 'hello');
    await store.forget(done.key);
    await store.storePart('m2', 1, 3, Buffer.from('a'), t0);
    await store.storePart('m2', 3, 3, Buffer.from('c'), t0 + 10);
    assert.deepEqual(await store.sweepExpired(t0 + 4000), [], 'not due yet');
    assert.deepEqual(await store.sweepExpired(t0 + 5001), [2], 'one incomplete message with two parts');
    assert.deepEqual(await store.sweepExpired(t0 + 6000), [], 'counted once');
    assert.equal(await client.exists('sp:concat:m2'), 0);
  });
});
