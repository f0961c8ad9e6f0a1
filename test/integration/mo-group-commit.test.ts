import assert from 'node:assert/strict';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { moGroupCommit } from '../../src/gateway/mo-group-commit';
import type { MoBatch, MoMessage } from '../../src/queues';
import { startRedis } from '../support/processes';

// Group commit at intake against a real redis-server and BullMQ: one durable write for the MOs that
// arrive while the previous one is in flight, each answered only after its write.

const mo = (id: string): MoMessage => ({ id, source: `2547000${String(id.length).padStart(5, '0')}`, sourceTon: 1, sourceNpi: 1, destination: '20555', text: 'BAL', dataCoding: 0, receivedAt: Date.now(), gateway: 'gw' });

describe('MO group commit (integration)', function () {
  this.timeout(30_000);
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let client: Redis;
  let queue: Queue<MoMessage | MoBatch>;

  before(async () => {
    redis = await startRedis();
    client = redis.client();
    queue = new Queue<MoMessage | MoBatch>('mo', { connection: client, prefix: '{simpair}' });
  });
  after(async () => {
    await queue?.close();
    client?.disconnect();
    await redis?.stop();
  });

  const jobsNow = async () => queue.getJobs(['waiting'], 0, 10_000);
  const idsIn = (data: MoMessage | MoBatch): string[] => ('mos' in data ? data.mos.map((m) => m.id) : [data.id]);

  it('an MO alone is written at once, as its own job under its own id', async () => {
    const writer = moGroupCommit(queue, 50, 3000);
    await writer.add(mo('one'));
    const job = await queue.getJob('one');
    assert.equal(job?.name, 'mo');
    assert.equal((job?.data as MoMessage).id, 'one');
  });

  it('MOs arriving together share writes; each is acknowledged only once its job is in Redis, and each is in exactly one job', async () => {
    await queue.obliterate({ force: true });
    const writer = moGroupCommit(queue, 50, 3000);
    const ids = Array.from({ length: 200 }, (_, i) => `m${i}`);
    const durableWhenAcked: boolean[] = [];
    await Promise.all(
      ids.map((id) =>
        writer.add(mo(id)).then(async () => {
          const all = (await jobsNow()).flatMap((j) => idsIn(j.data));
          durableWhenAcked.push(all.includes(id));
        }),
      ),
    );
    assert.ok(durableWhenAcked.every(Boolean), 'no MO acknowledged before its job existed');
    const jobs = await jobsNow();
    const seen = jobs.flatMap((j) => idsIn(j.data)).sort();
    assert.deepEqual(seen, [...ids].sort(), 'every MO once');
    assert.ok(jobs.length < ids.length / 4, `grouped: ${jobs.length} jobs for ${ids.length} MOs`);
    assert.ok(jobs.every((j) => idsIn(j.data).length <= 50), 'no job above the maximum');
  });

  it('while Redis is down the MOs of a write are refused, not acknowledged (the SMSC will redeliver)', async () => {
    const dead = new Queue<MoMessage | MoBatch>('mo', { connection: { port: 1, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null }, prefix: '{simpair}' });
    dead.on('error', () => undefined);
    const writer = moGroupCommit(dead, 50, 500);
    const results = await Promise.allSettled([writer.add(mo('x1')), writer.add(mo('x2'))]);
    assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected']);
    await dead.close().catch(() => undefined);
  });
});
