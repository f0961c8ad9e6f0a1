import assert from 'node:assert/strict';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE, type MoMessage } from '../../src/queues';
import { createKeys } from '../../src/store/keys';
import { registerScripts } from '../../src/store/scripts';
import { EnrolmentStore } from '../../src/store/enrolment';
import { MerchantStore } from '../../src/store/merchants';
import { startSystem, type System } from '../support/system';
import { waitFor } from '../support/wait';
import { settledCheck } from '../support/ledger';

// Issue 3 rule 3: two halves processed at the same instant by different workers give exactly one
// completion. Four real worker processes race over 1,000 pairs whose halves are enqueued together.

const SUBSCRIBERS = 100;
const PAIRS_EACH = 10;
const OPENING_MINOR = 100_00;
const PREFIX = 'sp';
const QUEUE_PREFIX = '{simpair}';

describe('four workers racing over 1,000 simultaneous pairs (integration)', function () {
  this.timeout(180_000);
  let sys: System;
  let client: Redis;

  before(async () => {
    // Workers only (no API: the test enrols in the store itself, and no gateway: the MOs go
    // straight into the queue).
    sys = await startSystem({ simpair: Array.from({ length: 4 }, () => ({ role: 'worker' as const, env: { WORKER_CONCURRENCY: '16' } })) });
    client = sys.redis.client();
  });

  after(async () => {
    client?.disconnect();
    await sys?.stop();
  });

  it('completes exactly 1,000 payments and leaves exact balances', async () => {
    const keys = createKeys(PREFIX);
    const store = new EnrolmentStore(client, keys, registerScripts(client));
    const now = Date.now();
    await new MerchantStore(client, keys, registerScripts(client)).create({ code: 'SHOP42', name: 'Corner Shop' }, now);
    const mains: string[] = [];
    for (let i = 0; i < SUBSCRIBERS; i++) {
      const main = `25474${String(i).padStart(7, '0')}`;
      mains.push(main);
      await store.createSubscriber({ msisdn: main, balanceMinor: OPENING_MINOR }, now);
      await store.bindDevice(main, { msisdn: `25475${String(i).padStart(7, '0')}` }, now);
    }

    // Each pair's two halves are adjacent in one addBulk, in random order, so that they are
    // picked up at the same moment by different workers.
    const jobs: Array<{ name: string; data: MoMessage; opts: { jobId: string } }> = [];
    let n = 0;
    const mo = (source: string, text: string): { name: string; data: MoMessage; opts: { jobId: string } } => {
      const id = `race-${n++}`;
      return { name: 'mo', data: { id, source, sourceTon: 1, sourceNpi: 1, destination: '20555', text, dataCoding: 0, receivedAt: Date.now(), gateway: 'test' }, opts: { jobId: id } };
    };
    for (let p = 1; p <= PAIRS_EACH; p++) {
      for (let i = 0; i < SUBSCRIBERS; i++) {
        const text = `PAY ${p}.00 SHOP42`;
        const halves = [mo(mains[i], text), mo(`25475${String(i).padStart(7, '0')}`, text)];
        if (Math.random() < 0.5) halves.reverse();
        jobs.push(...halves);
      }
    }
    const queue = new Queue<MoMessage>(QUEUE.mo, { connection: client, prefix: QUEUE_PREFIX });
    await queue.addBulk(jobs);
    const counts = await waitFor(
      'all 2,000 MO jobs finished',
      async () => {
        const c = await queue.getJobCounts('completed', 'failed');
        return c.completed + c.failed === jobs.length ? c : null;
      },
      150_000,
      200,
    );
    await queue.close();
    assert.equal(counts.failed, 0, 'no failed jobs');

    const check = await settledCheck(client, keys);
    assert.deepEqual([check.ok, check.mismatches, check.unpaired], [true, [], []]);
    let completed = 0;
    const spentEach = (PAIRS_EACH * (PAIRS_EACH + 1) * 100) / 2; // 1.00 + 2.00 + ... in minor units
    for (const main of mains) {
      const payments = Object.values(await client.hgetall(keys.payments(main))).map((j) => JSON.parse(j) as { state: string });
      const done = payments.filter((p) => p.state === 'completed').length;
      assert.equal(done, PAIRS_EACH, `subscriber ${main} has ${done} completions`);
      completed += done;
      assert.equal(Number(await client.hget(keys.subscriber(main), 'balance')), OPENING_MINOR - spentEach);
    }
    assert.equal(completed, SUBSCRIBERS * PAIRS_EACH);
    assert.equal(Number(await client.hget(keys.merchant('SHOP42'), 'balance')), SUBSCRIBERS * spentEach);
    // Money is conserved: every credit ever issued sits in some balance.
    const credits = -Number(await client.hget(keys.float(), 'balance'));
    let sum = Number(await client.hget(keys.merchant('SHOP42'), 'balance'));
    for (const main of mains) sum += Number(await client.hget(keys.subscriber(main), 'balance'));
    assert.equal(sum, credits);
  });
});
