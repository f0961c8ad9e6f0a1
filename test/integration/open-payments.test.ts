import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { decision, startPayment, transition } from '../../src/domain';
import { createKeys } from '../../src/store/keys';
import { registerScripts } from '../../src/store/scripts';
import { EnrolmentStore } from '../../src/store/enrolment';
import { PaymentStore } from '../../src/store/payments';
import { startRedis } from '../support/processes';

// The open payments of a subscriber live in her hash's `open` field (no SET per subscriber); a SET
// written by an earlier version is still read, and drained as its payments end. The script is told
// which payments stay open and which hash fields to set (one map in store/payments.ts), and records
// an earlier version wrote are read in today's words.

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

  it('subscriber changes are stored under the hash fields earlier versions used, read back by name, and never move the balance', async () => {
    const loaded = (await store.loadView(MAIN, 'mo-sub'))!;
    const changes = { failedAuth: 2, failedAuthAt: 1_764_650_000_123, locked: true, lockReason: 'failed_auth', dailySpentMinor: 700, dailyDate: '2026-12-02', balanceMinor: 1 };
    const r = await store.apply(MAIN, 'mo-sub', loaded.view.version, decision('locked', { subscriber: changes }), Date.now());
    assert.equal(r.kind, 'ok');
    const hash = await client.hgetall(keys.subscriber(MAIN));
    assert.deepEqual(
      { failedAuth: hash.failedAuth, failedAuthAt: hash.failedAuthAt, locked: hash.locked, lockReason: hash.lockReason, dailySpent: hash.dailySpent, dailyDate: hash.dailyDate, balance: hash.balance },
      { failedAuth: '2', failedAuthAt: '1764650000123', locked: '1', lockReason: 'failed_auth', dailySpent: '700', dailyDate: '2026-12-02', balance: '10000' },
    );
    assert.equal(hash.dailySpentMinor, undefined, 'no second spelling of the field');
    const view = (await store.loadView(MAIN, 'mo-sub-2'))!.view;
    assert.deepEqual(
      { failedAuth: view.failedAuth, failedAuthAt: view.failedAuthAt, locked: view.locked, lockReason: view.lockReason, dailySpentMinor: view.dailySpentMinor, dailyDate: view.dailyDate, balanceMinor: view.balanceMinor },
      { failedAuth: 2, failedAuthAt: 1_764_650_000_123, locked: true, lockReason: 'failed_auth', dailySpentMinor: 700, dailyDate: '2026-12-02', balanceMinor: 10_000 },
    );
  });

  it('an applied record an earlier version wrote with pending_device / waiting_request reads as awaiting_device / awaiting_request', async () => {
    const record = (outcome: string) => JSON.stringify({ outcome, replies: [], expiries: [], codesReleased: [] });
    await client.set(keys.appliedMo(MAIN, 'mo-old-1'), record('pending_device'));
    await client.set(keys.appliedMo(MAIN, 'mo-old-2'), record('waiting_request'));
    await client.set(keys.appliedMo(MAIN, 'mo-old-3'), record('completed'));
    assert.equal((await store.loadView(MAIN, 'mo-old-1'))!.applied?.outcome, 'awaiting_device');
    assert.equal((await store.loadView(MAIN, 'mo-old-2'))!.applied?.outcome, 'awaiting_request');
    assert.equal((await store.loadView(MAIN, 'mo-old-3'))!.applied?.outcome, 'completed');
  });
});
