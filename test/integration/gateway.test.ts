import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { http } from '../support/http';
import { startSystem, type System } from '../support/system';
import { waitFor } from '../support/wait';

// The foundation end to end: real redis-server, the simulator as its own process over real SMPP,
// and simpair (gateway + worker + API) as another process.

describe('gateway over SMPP (integration)', function () {
  this.timeout(120_000);
  let sys: System;
  let client: Redis;

  const inject = async (from: string, text: string) =>
    (await http<{ status: number; statusName: string }>('POST', `${sys.sim.baseUrl}/mo`, { from, text })).body;

  before(async () => {
    sys = await startSystem({ env: { SMPP_SEGMENTS_PER_SECOND: '400' }, simEnv: { SIM_DELIVERY_RECEIPT_DELAY_MS: '50', SIM_REDELIVERY_DELAY_MS: '300' } });
    client = sys.redis.client();
  });

  after(async () => {
    client?.disconnect();
    await sys?.stop();
  });

  it('answers HELP with the help text, delivered, and records the reply as delivered', async () => {
    const res = await inject('254711000001', 'help');
    assert.equal(res.statusName, 'ESME_ROK');
    const msgs = await waitFor('help reply delivered', async () => {
      const m = await sys.inbox('254711000001');
      return m.length === 1 && m[0].state === 'DELIVERED' ? m : null;
    });
    assert.match(msgs[0].text, /PAY <amount> <merchant>/);
    // The check is the wait: it fails unless the one reply's state becomes delivered.
    await waitFor('reply state delivered', async () => {
      const keys = await client.keys('sp:reply:*');
      const s = await Promise.all(keys.map((k) => client.hget(k, 'state')));
      return s.length === 1 && s[0] === 'delivered';
    });
  });

  it('reassembles UDH-concatenated MOs (GSM and UCS2) before queueing them whole', async () => {
    const gsm = `HELP ${'x'.repeat(150)} [middle] ${'y'.repeat(150)} end`; // 3 GSM parts, with escape chars
    const ucs2 = `HELP ${'Привет мир '.repeat(10)}конец`; // 2 UCS2 parts
    for (const [from, text, encoding] of [['254711000010', gsm, 'gsm'], ['254711000011', ucs2, 'ucs2']] as const) {
      const r = await http<{ status: number; parts: number }>('POST', `${sys.sim.baseUrl}/mo`, { from, text, encoding });
      assert.equal(r.body.status, 0);
      assert.ok(r.body.parts > 1, `${encoding} text went as ${r.body.parts} parts`);
      await waitFor(`reply to the ${encoding} long MO`, async () => (await sys.inbox(from)).length === 1);
    }
    const { Queue } = await import('bullmq');
    const q = new Queue('mo', { connection: client, prefix: '{simpair}' });
    const texts = (await q.getJobs(['completed'])).map((j) => (j.data as { text: string }).text);
    await q.close();
    assert.ok(texts.includes(gsm), 'the GSM message arrived whole');
    assert.ok(texts.includes(ucs2), 'the UCS2 message arrived whole');
    assert.deepEqual(await client.keys('sp:concat:*'), [], 'no parts left behind');
  });

  it('answers /healthz and reports readiness with the bind count', async () => {
    assert.equal((await http('GET', `${sys.app.baseUrl}/healthz`)).status, 200);
    const ready = await http<{ status: string; binds: number }>('GET', `${sys.app.baseUrl}/readyz`);
    assert.equal(ready.status, 200);
    assert.equal(ready.body.binds, 1);
  });

  it('carries a 1,000-message burst through a throttling SMSC completely and without duplicates', async () => {
    await http('PUT', `${sys.sim.baseUrl}/faults`, { throttlePerSecond: 150 });
    const senders = Array.from({ length: 1000 }, (_, i) => `2547120${String(i).padStart(5, '0')}`);
    const batch = await http<{ results: Array<{ status: number }> }>('POST', `${sys.sim.baseUrl}/mo/batch`, { messages: senders.map((from) => ({ from, text: 'HELP' })), wait: true });
    assert.equal(batch.status, 200);
    assert.equal(batch.body.results.filter((r) => r.status === 0).length, 1000);
    await waitFor(
      '1000 replies accepted by the SMSC',
      async () => (await http<Record<string, number>>('GET', `${sys.sim.baseUrl}/counters`)).body.submits_accepted >= 1001,
      90_000,
      250,
    );
    const counters = (await http<Record<string, number>>('GET', `${sys.sim.baseUrl}/counters`)).body;
    assert.ok(counters.submits_throttled > 0, 'the simulator throttled some submits');
    const counts = await Promise.all(senders.map(async (s) => (await sys.inbox(s)).length));
    assert.deepEqual(
      counts.filter((c) => c !== 1),
      [],
      'every handset has exactly one reply',
    );
    await http('PUT', `${sys.sim.baseUrl}/faults`, { throttlePerSecond: null });
  });

  it('rebinds after the SMSC drops the connection and carries on', async () => {
    const before = (await http<Record<string, number>>('GET', `${sys.sim.baseUrl}/counters`)).body.binds;
    const dropped = await http<{ dropped?: number; count?: number }>('POST', `${sys.sim.baseUrl}/faults/drop`);
    assert.equal(dropped.status, 200);
    await waitFor('a new bind', async () => (await http<Record<string, number>>('GET', `${sys.sim.baseUrl}/counters`)).body.binds > before);
    await waitFor('readiness back', async () => (await http('GET', `${sys.app.baseUrl}/readyz`)).status === 200);
    const res = await inject('254711000002', 'HELP');
    assert.equal(res.statusName, 'ESME_ROK');
    await waitFor('reply after rebind', async () => (await sys.inbox('254711000002')).length === 1);
  });

  it('answers ESME_RX_T_APPN while Redis is down and processes every MO after it returns', async () => {
    await sys.redis.stop();
    const from = ['254711000003', '254711000004', '254711000005'];
    const statuses = [];
    for (const f of from) statuses.push((await inject(f, 'HELP')).status);
    assert.deepEqual(statuses, [0x64, 0x64, 0x64]);
    await waitFor('readiness 503 while Redis is down', async () => (await http('GET', `${sys.app.baseUrl}/readyz`)).status === 503);
    await sys.redis.start();
    for (const f of from) await waitFor(`reply to ${f} after Redis returned`, async () => (await sys.inbox(f)).length === 1, 60_000, 200);
    const pending = (await http<Array<{ from: string; state: string }>>('GET', `${sys.sim.baseUrl}/mo?state=pending`)).body;
    assert.ok(Array.isArray(pending), 'GET /mo answers a list');
    assert.equal(pending.filter((m) => from.includes(m.from)).length, 0);
  });
});
