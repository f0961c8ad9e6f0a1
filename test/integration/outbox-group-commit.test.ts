import assert from 'node:assert/strict';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { Outbox } from '../../src/jobs/outbox';
import type { MtJob } from '../../src/queues';
import { createKeys } from '../../src/store/keys';
import { ReplyStore } from '../../src/store/replies';
import { registerScripts } from '../../src/store/scripts';
import { startRedis } from '../support/processes';

// Replies group-committed into reply jobs, against a real redis-server and BullMQ.

describe('reply group commit (integration)', function () {
  this.timeout(30_000);
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let client: Redis;
  let queue: Queue<MtJob>;
  let outbox: Outbox;
  const keys = createKeys('sp');

  before(async () => {
    redis = await startRedis();
    client = redis.client();
    queue = new Queue<MtJob>('mt', { connection: client, prefix: '{simpair}' });
    outbox = new Outbox(queue, new ReplyStore(client, keys, registerScripts(client), 3600), client, keys, 10, () => 60_000, 50);
  });
  after(async () => {
    await queue?.close();
    client?.disconnect();
    await redis?.stop();
  });

  const messagesInJobs = async () => (await queue.getJobs(['waiting'], 0, 10_000)).flatMap((j) => j.data.messages);

  it('a step alone: one job under the step’s id, its replies recorded as queued first', async () => {
    await outbox.send('mo-alone', [{ to: '254700000001', text: 'Paid', kind: 'paid' }, { to: '254700000002', text: 'Confirmed', kind: 'device_confirmed' }], { rateLimited: false, now: Date.now() });
    const job = await queue.getJob('mo-alone.r');
    assert.deepEqual(job?.data.messages.map((m) => [m.id, m.to, m.recheck]), [['mo-alone.0', '254700000001', undefined], ['mo-alone.1', '254700000002', undefined]]);
    assert.equal(await client.hget(keys.reply('mo-alone.0'), 'state'), 'queued');
  });

  it('steps finishing together share reply jobs; every reply is in exactly one, recorded before it', async () => {
    await queue.obliterate({ force: true });
    const steps = Array.from({ length: 120 }, (_, i) => `mo-${i}`);
    const recordedWhenDone: boolean[] = [];
    await Promise.all(
      steps.map((id) =>
        outbox.send(id, [{ to: `2547100${String(steps.indexOf(id)).padStart(5, '0')}`, text: 'Your code', kind: 'code_issued' as const }], { rateLimited: false, now: Date.now() }).then(async () => {
          recordedWhenDone.push((await messagesInJobs()).some((m) => m.id === `${id}.0`));
        }),
      ),
    );
    assert.ok(recordedWhenDone.every(Boolean), 'no step finished before its reply job existed');
    const jobs = await queue.getJobs(['waiting'], 0, 10_000);
    assert.deepEqual((await messagesInJobs()).map((m) => m.id).sort(), steps.map((id) => `${id}.0`).sort());
    assert.ok(jobs.length < steps.length / 4, `grouped: ${jobs.length} jobs for ${steps.length} steps`);
    for (const id of steps) assert.equal(await client.hget(keys.reply(`${id}.0`), 'state'), 'queued');
  });

  it('a retried step queues its replies again marked recheck, so the sender reads their records first', async () => {
    await queue.obliterate({ force: true });
    const reply = [{ to: '254700000009', text: 'Paid', kind: 'paid' as const }];
    await outbox.send('mo-retried', reply, { rateLimited: false, now: Date.now() });
    await client.hset(keys.reply('mo-retried.0'), 'state', 'sent'); // the gateway sent it meanwhile
    await queue.obliterate({ force: true }); // and its job is gone (completed and removed)
    await outbox.send('mo-retried', reply, { rateLimited: false, now: Date.now() });
    const [again] = await messagesInJobs();
    assert.equal(again.id, 'mo-retried.0');
    assert.equal(again.recheck, true);
    assert.equal(await client.hget(keys.reply('mo-retried.0'), 'state'), 'sent', 'the record is not put back to queued');
  });
});
