import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { createKeys } from '../../src/store/keys';
import { registerScripts } from '../../src/store/scripts';
import { ReplyStore } from '../../src/store/replies';
import { ExpiryStore } from '../../src/store/expiries';
import { startRedis } from '../support/processes';

// The small stores whose races matter, against a real redis-server.

describe('reply and expiry stores (integration)', function () {
  this.timeout(30_000);
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let client: Redis;
  const keys = createKeys('sp');

  before(async () => {
    redis = await startRedis();
    client = redis.client();
  });
  after(async () => {
    client?.disconnect();
    await redis?.stop();
  });

  it('a receipt that overtakes its submit_sm_resp is kept and applied when the part is recorded', async () => {
    const replies = new ReplyStore(client, keys, registerScripts(client));
    await replies.markQueued([{ id: 'r1', to: '254700000001', kind: 'paid' }], Date.now());
    // The SMSC answered submit_sm with hex 0x1f and its receipt says decimal 31, before we recorded the answer.
    assert.equal(await replies.applyReceipt({ smscMessageId: '31', state: 'DELIVERED', delivered: true, final: true }, Date.now()), 'orphan');
    assert.equal((await replies.get('r1'))?.state, 'queued');
    await replies.recordPart('r1', '1f', 1, 1, Date.now());
    assert.equal((await replies.get('r1'))?.state, 'delivered');
    assert.deepEqual(await client.keys('sp:receipt:orphan:*'), [], 'the orphan is gone once applied');
  });

  it('records parts in order: sent after the last part, delivered after every part is delivered', async () => {
    const replies = new ReplyStore(client, keys, registerScripts(client));
    await replies.markQueued([{ id: 'r2', to: '254700000001', kind: 'help' }], Date.now());
    await replies.recordPart('r2', 'a1', 1, 2, Date.now());
    assert.equal((await replies.get('r2'))?.state, 'queued');
    await replies.recordPart('r2', 'a2', 2, 2, Date.now());
    assert.equal((await replies.get('r2'))?.state, 'sent');
    assert.equal(await replies.applyReceipt({ smscMessageId: 'a1', state: 'DELIVERED', delivered: true, final: true }, Date.now()), 'applied');
    assert.equal((await replies.get('r2'))?.state, 'sent', 'one of two parts delivered');
    await replies.applyReceipt({ smscMessageId: 'a2', state: 'DELIVERED', delivered: true, final: true }, Date.now());
    const r = await replies.get('r2');
    assert.equal(r?.state, 'delivered');
    assert.deepEqual(r?.smscIds, ['a1', 'a2']);
  });

  it('a failed part fails the reply, and a later receipt does not revive it', async () => {
    const replies = new ReplyStore(client, keys, registerScripts(client));
    await replies.markQueued([{ id: 'r3', to: '254700000001', kind: 'help' }], Date.now());
    await replies.recordPart('r3', 'b1', 1, 1, Date.now());
    await replies.applyReceipt({ smscMessageId: 'b1', state: 'UNDELIVERABLE', delivered: false, final: true }, Date.now());
    await replies.applyReceipt({ smscMessageId: 'b1', state: 'DELIVERED', delivered: true, final: true }, Date.now());
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
});
