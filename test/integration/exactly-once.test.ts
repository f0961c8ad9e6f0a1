import assert from 'node:assert/strict';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { loadConfig, type Config } from '../../src/config';
import { QUEUE, type MoMessage, type MtJob } from '../../src/queues';
import { createKeys } from '../../src/store/keys';
import { registerScripts } from '../../src/store/scripts';
import { EnrolmentStore } from '../../src/store/enrolment';
import { PaymentStore, PaymentStoreError } from '../../src/store/payments';
import { WorkerRole } from '../../src/jobs/worker-role';
import type { MerchantJob } from '../../src/jobs/merchant-notifier';
import { Bull } from '../../src/main/queues';
import { decision } from '../../src/domain/decision';
import { startRedis } from '../support/processes';
import { waitFor } from '../support/wait';
import { settleAndCheck } from '../support/ledger';

// Issue 3 rules 4 and 5 at the store and job level, against a real redis-server and real BullMQ
// workers (in this process: no SMPP is involved, so nothing global is at stake).

describe('exactly once: retried jobs and the ledger (integration)', function () {
  this.timeout(60_000);
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let client: Redis;
  let config: Config;
  let worker: WorkerRole;
  let workerConnection: Redis;
  let outboxConnection: Redis;
  const keys = createKeys('sp');
  const MAIN = '254760000001';
  const DEVICE = '254760000002';

  before(async () => {
    redis = await startRedis();
    client = redis.client();
    config = loadConfig({ REDIS_URL: redis.url, LOG_LEVEL: 'silent' });
    const store = new EnrolmentStore(client, keys, registerScripts(client));
    await store.createMerchant({ code: 'SHOP42', name: 'Corner Shop' }, Date.now());
    await store.createSubscriber({ msisdn: MAIN, balanceMinor: 100_00 }, Date.now());
    await store.bindDevice(MAIN, { msisdn: DEVICE }, Date.now());
    workerConnection = redis.client();
    outboxConnection = redis.client();
    const bull = new Bull(config, workerConnection);
    worker = new WorkerRole({
      config,
      mtQueue: bull.queue<MtJob>(QUEUE.mt),
      merchantQueue: bull.queue<MerchantJob>(QUEUE.merchant),
      worker: (name, processor) => bull.worker(name, processor),
      storeRedis: client,
      outboxRedis: outboxConnection,
      name: 'worker-test',
      log: pino({ level: 'silent' }),
    });
    await worker.start();
  });

  after(async () => {
    await worker?.stop();
    workerConnection?.disconnect();
    outboxConnection?.disconnect();
    client?.disconnect();
    await redis?.stop();
  });

  const mo = (id: string, source: string, text: string): MoMessage => ({
    id,
    source,
    sourceTon: 1,
    sourceNpi: 1,
    destination: '20555',
    text,
    dataCoding: 0,
    receivedAt: Date.now(),
    gateway: 'test',
  });

  it('a job that runs again for the same MO (a retry after a crash) decides once and replies once', async () => {
    const queue = new Queue<MoMessage>(QUEUE.mo, { connection: client, prefix: config.redis.queuePrefix });
    const mtQueue = new Queue<MtJob>(QUEUE.mt, { connection: client, prefix: config.redis.queuePrefix });
    try {
      const request = mo('retry-req', MAIN, 'PAY 10.00 SHOP42');
      const device = mo('retry-dev', DEVICE, 'PAY 10.00 SHOP42');
      // Two job ids, one MO id each: what BullMQ's stalled-job recovery or a re-enqueue looks like.
      await queue.add('mo', request, { jobId: 'retry-req-a' });
      await queue.add('mo', request, { jobId: 'retry-req-b' });
      await waitFor('both request jobs done', async () => (await queue.getJobCounts('completed')).completed === 2);
      await queue.add('mo', device, { jobId: 'retry-dev-a' });
      await queue.add('mo', device, { jobId: 'retry-dev-b' });
      await waitFor('all four jobs done', async () => (await queue.getJobCounts('completed')).completed === 4);

      const payments = Object.values(await client.hgetall(keys.payments(MAIN))).map((j) => JSON.parse(j) as { state: string });
      assert.deepEqual(payments.map((p) => p.state), ['completed']);
      assert.equal(await client.hget(keys.subscriber(MAIN), 'balance'), String(90_00));
      assert.equal(await client.hget(keys.merchant('SHOP42'), 'balance'), String(10_00));
      const replies = await mtQueue.getJobs(['waiting', 'active', 'completed', 'delayed']);
      // request → code to the main SIM; device → Paid to the main SIM and a confirmation to the device
      assert.deepEqual(replies.flatMap((j) => j.data.messages.map((m) => m.kind)).sort(), ['code_issued', 'device_confirmed', 'paid']);
    } finally {
      await queue.close();
      await mtQueue.close();
    }
  });

  it('applies a transfer id once and refuses the same id with other content', async () => {
    const store = new PaymentStore(client, keys, registerScripts(client), 4321);
    const version = Number(await client.hget(keys.subscriber(MAIN), 'version'));
    const transfer = { id: 'PTESTTRANSF1', fromMsisdn: MAIN, toMerchant: 'SHOP42', amountMinor: 5_00 };
    const first = await store.apply(MAIN, 'ledger-1', version, decision('completed', { transfer }), Date.now());
    assert.equal(first.kind, 'ok');
    assert.equal(await client.hget(keys.subscriber(MAIN), 'balance'), String(85_00));
    const markerTtl = await client.ttl(keys.appliedMo(MAIN, 'ledger-1'));
    assert.ok(markerTtl > 4300 && markerTtl <= 4321, `applied marker TTL ${markerTtl} s, expected the configured 4321 s`);
    // Same transfer, another step: nothing moves again.
    const again = await store.apply(MAIN, 'ledger-2', version + 1, decision('completed', { transfer }), Date.now());
    assert.equal(again.kind, 'ok');
    assert.equal(await client.hget(keys.subscriber(MAIN), 'balance'), String(85_00));
    // Same id, other amount: an error, never a second debit.
    await assert.rejects(
      store.apply(MAIN, 'ledger-3', version + 2, decision('completed', { transfer: { ...transfer, amountMinor: 6_00 } }), Date.now()),
      (err: unknown) => err instanceof PaymentStoreError && err.code === 'TRANSFER_MISMATCH',
    );
    assert.equal(await client.hget(keys.subscriber(MAIN), 'balance'), String(85_00));
  });

  it('refuses a debit below zero inside the script even if a decision asked for it', async () => {
    const store = new PaymentStore(client, keys, registerScripts(client), 3600);
    const version = Number(await client.hget(keys.subscriber(MAIN), 'version'));
    const transfer = { id: 'PTESTTRANSF2', fromMsisdn: MAIN, toMerchant: 'SHOP42', amountMinor: 1_000_00 };
    await assert.rejects(
      store.apply(MAIN, 'ledger-4', version, decision('completed', { transfer }), Date.now()),
      (err: unknown) => err instanceof PaymentStoreError && err.code === 'INSUFFICIENT_FUNDS',
    );
    assert.equal(await client.hget(keys.subscriber(MAIN), 'balance'), String(85_00));
  });

  it('keeps every balance equal to its journal, and all of them summing to zero', async () => {
    const check = await settleAndCheck(client, keys);
    assert.deepEqual([check.ok, check.mismatches, check.unpaired, check.pending, check.sumMinor], [true, [], [], 0, 0]);
    const issued = -Number(await client.hget(keys.float(), 'balance'));
    const sum = Number(await client.hget(keys.subscriber(MAIN), 'balance')) + Number(await client.hget(keys.merchant('SHOP42'), 'balance'));
    assert.equal(sum, issued, 'every credit ever issued sits in some balance');
  });
});
