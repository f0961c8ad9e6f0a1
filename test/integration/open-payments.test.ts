import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { decision, startPayment, transition } from '../../src/domain';
import { createKeys } from '../../src/store/keys';
import { registerScripts } from '../../src/store/scripts';
import { EnrolmentStore } from '../../src/store/enrolment';
import { PaymentStore } from '../../src/store/payments';
import { startRedis } from '../support/processes';

// The open payments of a subscriber live in her hash's `open` field (no SET per subscriber); a SET
// written by an earlier version is still read, and drained as its payments end.

describe('open payments in the subscriber hash (integration)', function () {
  this.timeout(30_000);
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let client: Redis;
  let store: PaymentStore;
  const keys = createKeys('sp');
  const MAIN = '254733000001';

  before(async () => {
    redis = await startRedis();
    client = redis.client();
    const scripts = registerScripts(client);
    await new EnrolmentStore(client, keys, scripts).createSubscriber({ msisdn: MAIN, balanceMinor: 10_000 }, Date.now());
    store = new PaymentStore(client, keys, scripts, 3600);
  });
  after(async () => {
    client?.disconnect();
    await redis?.stop();
  });

  const open = (id: string, now: number) =>
    startPayment({ id, main: MAIN, amountMinor: 500, merchant: 'SHOP42', code: 'ABC234', channel: 'sms', createdAt: now, expiresAt: now + 60_000, requestMoId: `mo-${id}` }, 'awaiting_device', 'request_received', now);

  async function apply(moId: string, payments: ReturnType<typeof open>[]): Promise<void> {
    const loaded = (await store.loadView(MAIN, moId))!;
    const r = await store.apply(MAIN, moId, loaded.view.version, decision(payments[0].state === 'awaiting_device' ? 'awaiting_device' : 'expired', { payments }), Date.now());
    assert.equal(r.kind, 'ok');
  }

  it('opening and ending payments keeps their ids in the field, and no SET', async () => {
    const now = Date.now();
    const a = open('P000000000000000A', now);
    const b = open('P000000000000000B', now);
    await apply('mo-a', [a]);
    await apply('mo-b', [b]);
    assert.equal(await client.hget(keys.subscriber(MAIN), 'open'), 'P000000000000000A P000000000000000B');
    assert.equal(await client.exists(keys.openPayments(MAIN)), 0);
    assert.deepEqual((await store.loadView(MAIN, 'mo-x'))!.view.open.map((p) => p.id).sort(), [a.id, b.id]);
    await apply('mo-a-end', [transition(a, 'expired', 'window_elapsed', now + 1)]);
    assert.equal(await client.hget(keys.subscriber(MAIN), 'open'), 'P000000000000000B');
    await apply('mo-b-end', [transition(b, 'expired', 'window_elapsed', now + 1)]);
    assert.equal(await client.hexists(keys.subscriber(MAIN), 'open'), 0, 'no field once nothing is open');
  });

  it('a payment an earlier version left in the SET is still seen, and leaves the SET when it ends', async () => {
    const now = Date.now();
    const c = open('P000000000000000C', now);
    await apply('mo-c', [c]);
    await client.hdel(keys.subscriber(MAIN), 'open'); // as an earlier version stored it
    await client.sadd(keys.openPayments(MAIN), c.id);
    assert.deepEqual((await store.loadView(MAIN, 'mo-y'))!.view.open.map((p) => p.id), [c.id]);
    await apply('mo-c-end', [transition(c, 'expired', 'window_elapsed', now + 1)]);
    assert.equal(await client.exists(keys.openPayments(MAIN)), 0, 'drained');
    assert.deepEqual((await store.loadView(MAIN, 'mo-z'))!.view.open, []);
  });
});
