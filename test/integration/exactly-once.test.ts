import assert from 'node:assert/strict';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { loadConfig, type Config } from '../../src/config';
import { QUEUE, type MoMessage, type MtJob } from '../../src/queues';
import { createKeys } from '../../src/store/keys';
import { registerScripts } from '../../src/store/scripts';
import { EnrolmentStore } from '../../src/store/enrolment';
import { MerchantStore } from '../../src/store/merchants';
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
  let enrolment: EnrolmentStore;
  let merchants: MerchantStore;
  const keys = createKeys('sp');
  let seq = 0;
  /** A fresh subscriber with her balance and a bound device, so that no test sees another's money. */
  async function enrol(balanceMinor: number): Promise<{ main: string; device: string }> {
    seq += 1;
    const main = `25476${String(seq).padStart(7, '0')}`;
    const device = `25477${String(seq).padStart(7, '0')}`;
    await enrolment.createSubscriber({ msisdn: main, balanceMinor }, Date.now());
    await enrolment.bindDevice(main, { msisdn: device }, Date.now());
    return { main, device };
  }
  const balanceOf = (main: string) => client.hget(keys.subscriber(main), 'balance');

  before(async () => {
    redis = await startRedis();
    client = redis.client();
    config = loadConfig({ REDIS_URL: redis.url, LOG_LEVEL: 'silent' });
    enrolment = new EnrolmentStore(client, keys, registerScripts(client));
    merchants = new MerchantStore(client, keys, registerScripts(client));
    await merchants.create({ code: 'SHOP42', name: 'Corner Shop' }, Date.now());
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
      // Its own merchant too, whose balance is this payment alone.
      await merchants.create({ code: 'SHOPR', name: 'Retry Shop' }, Date.now());
      const { main, device: deviceSim } = await enrol(100_00);
      const request = mo('retry-req', main, 'PAY 10.00 SHOPR');
      const device = mo('retry-dev', deviceSim, 'PAY 10.00 SHOPR');
      // Two job ids, one MO id each: what BullMQ's stalled-job recovery or a re-enqueue looks like.
      await queue.add('mo', request, { jobId: 'retry-req-a' });
      await queue.add('mo', request, { jobId: 'retry-req-b' });
      await waitFor('both request jobs done', async () => (await queue.getJobCounts('completed')).completed === 2);
      await queue.add('mo', device, { jobId: 'retry-dev-a' });
      await queue.add('mo', device, { jobId: 'retry-dev-b' });
      await waitFor('all four jobs done', async () => (await queue.getJobCounts('completed')).completed === 4);

      const payments = Object.values(await client.hgetall(keys.payments(main))).map((j) => JSON.parse(j) as { state: string });
      assert.deepEqual(payments.map((p) => p.state), ['completed']);
      assert.equal(await balanceOf(main), String(90_00));
      assert.equal(await client.hget(keys.merchant('SHOPR'), 'balance'), String(10_00));
      const replies = await mtQueue.getJobs(['waiting', 'active', 'completed', 'delayed']);
      // request → code to the main SIM; device → Paid to the main SIM and a confirmation to the device
      const theirs = replies.flatMap((j) => j.data.messages).filter((m) => m.to === main || m.to === deviceSim);
      assert.deepEqual(theirs.map((m) => m.kind).sort(), ['code_issued', 'device_confirmed', 'paid']);
    } finally {
      await queue.close();
      await mtQueue.close();
    }
  });

  it('applies a transfer id once and refuses the same id with other content', async () => {
    const { main } = await enrol(90_00);
    const store = new PaymentStore(client, keys, registerScripts(client), 4321);
    const version = Number(await client.hget(keys.subscriber(main), 'version'));
    const transfer = { id: 'PTESTTRANSF1', fromMsisdn: main, toMerchant: 'SHOP42', amountMinor: 5_00 };
    const first = await store.apply(main, 'ledger-1', version, decision('completed', { transfer }), Date.now());
    assert.equal(first.kind, 'ok');
    assert.equal(await balanceOf(main), String(85_00));
    const markerTtl = await client.ttl(keys.appliedMo(main, 'ledger-1'));
    assert.ok(markerTtl > 4300 && markerTtl <= 4321, `applied marker TTL ${markerTtl} s, expected the configured 4321 s`);
    // Same transfer, another step: nothing moves again.
    const again = await store.apply(main, 'ledger-2', version + 1, decision('completed', { transfer }), Date.now());
    assert.equal(again.kind, 'ok');
    assert.equal(await balanceOf(main), String(85_00));
    // Same id, other amount: an error, never a second debit.
    await assert.rejects(
      store.apply(main, 'ledger-3', version + 2, decision('completed', { transfer: { ...transfer, amountMinor: 6_00 } }), Date.now()),
      (err: unknown) => err instanceof PaymentStoreError && err.code === 'TRANSFER_MISMATCH',
    );
    assert.equal(await balanceOf(main), String(85_00));
  });

  it('refuses a debit below zero inside the script even if a decision asked for it', async () => {
    const { main } = await enrol(85_00);
    const store = new PaymentStore(client, keys, registerScripts(client), 3600);
    const version = Number(await client.hget(keys.subscriber(main), 'version'));
    const transfer = { id: 'PTESTTRANSF2', fromMsisdn: main, toMerchant: 'SHOP42', amountMinor: 1_000_00 };
    await assert.rejects(
      store.apply(main, 'ledger-4', version, decision('completed', { transfer }), Date.now()),
      (err: unknown) => err instanceof PaymentStoreError && err.code === 'INSUFFICIENT_FUNDS',
    );
    assert.equal(await balanceOf(main), String(85_00));
  });

  it('keeps every balance equal to its journal, and all of them summing to zero', async () => {
    // Money moved here, whatever ran before: an opening balance, a top-up and a payment.
    const { main } = await enrol(20_00);
    await enrolment.credit(main, 'top-1', 5_00);
    const store = new PaymentStore(client, keys, registerScripts(client), 3600);
    const version = Number(await client.hget(keys.subscriber(main), 'version'));
    const transfer = { id: 'PTESTTRANSF3', fromMsisdn: main, toMerchant: 'SHOP42', amountMinor: 7_00 };
    assert.equal((await store.apply(main, 'ledger-5', version, decision('completed', { transfer }), Date.now())).kind, 'ok');
    const check = await settleAndCheck(client, keys);
    assert.deepEqual([check.ok, check.mismatches, check.unpaired, check.pending, check.sumMinor], [true, [], [], 0, 0]);
    const issued = -Number(await client.hget(keys.float(), 'balance'));
    let sum = 0;
    for (const m of await client.zrange(keys.subscriberIndex(), 0, -1)) sum += Number(await balanceOf(m));
    for (const c of await client.zrange(keys.merchantIndex(), 0, -1)) sum += Number(await client.hget(keys.merchant(c), 'balance'));
    assert.equal(sum, issued, 'every credit ever issued sits in some balance');
    assert.ok(issued >= 25_00, `the credits of this test are among them (${issued})`);
  });
});
