import assert from 'node:assert/strict';
import pino from 'pino';
import type { Redis } from 'ioredis';
import { registerScripts, type ScriptClient } from '../../src/store/scripts';
import { SharedThrottle } from '../../src/store/shared-throttle';
import { SegmentThrottle } from '../../src/smpp/throttle';
import { startRedis } from '../support/processes';

// The carrier's limit shared by every gateway using one SMSC account (throughputScope per-account),
// against a real redis-server.

describe('shared throughput bucket (integration)', function () {
  this.timeout(30_000);
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let client: Redis;
  let scripts: ScriptClient;

  before(async () => {
    redis = await startRedis();
    client = redis.client();
    scripts = registerScripts(client);
  });
  after(async () => {
    client?.disconnect();
    await redis?.stop();
  });

  const take = (key: string, now: number, rate: number, burst: number, want: number) => scripts.run('takeTokens', [key], [now, rate, burst, want]).then(Number);

  it('gives a burst, then one segment per 1/rate seconds, and says how long to wait', async () => {
    const key = 'sp:throughput:{a@smsc:2775}';
    for (let i = 0; i < 10; i++) assert.equal(await take(key, 1000, 10, 10, 1), 0, `burst segment ${i + 1}`);
    assert.equal(await take(key, 1000, 10, 10, 1), 100, 'empty: wait 100 ms at 10/s');
    assert.equal(await take(key, 1050, 10, 10, 1), 50);
    assert.equal(await take(key, 1100, 10, 10, 1), 0, 'refilled one segment after 100 ms');
    // A message larger than the bucket waits for a full bucket, then drives it negative.
    assert.equal(await take(key, 3000, 10, 10, 15), 0);
    assert.equal(await take(key, 3000, 10, 10, 1), 600, '5 segments owed + 1 wanted at 10/s');
  });

  it('two gateways on one account together keep the account rate (and one alone would not be held)', async () => {
    const rate = 20;
    const log = pino({ level: 'silent' });
    const mk = () => new SharedThrottle(scripts, 'sp:throughput:{b@smsc:2775}', new SegmentThrottle({ segmentsPerSecond: rate }), rate, log);
    const [g1, g2] = [mk(), mk()];
    const started = Date.now();
    // 60 segments: a burst of 20, then 40 more at 20/s — at least 2 s however they are split.
    await Promise.all([g1, g2].map(async (g) => {
      for (let i = 0; i < 30; i++) await g.waitTurn(1);
    }));
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 1900, `60 segments at ${rate}/s shared took ${elapsed} ms (at least 2 s expected)`);
    // Each gateway's own bucket would have let its 30 through in (30 - 20) / 20 s = 0.5 s.
    const own = new SegmentThrottle({ segmentsPerSecond: rate });
    const t0 = Date.now();
    for (let i = 0; i < 20; i++) await own.waitTurn(1);
    assert.ok(Date.now() - t0 < 500, 'a fresh bucket of its own lets a burst through at once');
  });

  it('pauses on the SMSC’s own throttle answer even with tokens left', async () => {
    const log = pino({ level: 'silent' });
    const local = new SegmentThrottle({ segmentsPerSecond: 1000 });
    const g = new SharedThrottle(scripts, 'sp:throughput:{c@smsc:2775}', local, 1000, log);
    g.onThrottled(Date.now());
    const t0 = Date.now();
    await g.waitTurn(1);
    assert.ok(Date.now() - t0 >= 200, 'waited out the 250 ms back-off');
  });
});
