import assert from 'node:assert/strict';
import { freePort } from '../../src/store/redis-server';
import { http } from '../support/http';
import { startSystem, type System } from '../support/system';
import { waitFor } from '../support/wait';

// Back-pressure at intake (mo.maxBacklogSeconds): a gateway with no worker behind it lets the MO
// queue age past its limit, then answers new MOs ESME_RTHROTTLED; the simulator redelivers them
// (SMPP 3.4 §4.6.2), and once a worker has drained the queue every one of them is taken and answered.

describe('MO back-pressure over SMPP (integration)', function () {
  this.timeout(90_000);
  let sys: System;
  const senders = Array.from({ length: 6 }, (_, i) => `25471300${String(i).padStart(4, '0')}`);

  before(async () => {
    sys = await startSystem({
      simEnv: { SIM_REDELIVERY_DELAY_MS: '200', SIM_REDELIVERY_MAX_ATTEMPTS: '1000', SIM_DELIVERY_RECEIPT_DELAY_MS: '50' },
      // A gateway alone (its metrics on a port of their own); the worker comes later, in the test.
      simpair: [{ role: 'gateway', env: { MO_MAX_BACKLOG_SECONDS: '1', METRICS_PORT: String(await freePort()) } }],
    });
  });

  after(async () => {
    await sys?.stop();
  });

  const counters = async () => (await http<Record<string, number>>('GET', `${sys.sim.baseUrl}/counters`)).body;

  it('refuses new MOs for now once the backlog is past its limit, and takes every one of them once it drains', async () => {
    // No worker: the first MO waits in the queue and ages past the 1 s limit. (Its first answer may
    // be a temporary error on a loaded machine; the simulator then redelivers it until it is taken.)
    await http('POST', `${sys.sim.baseUrl}/mo`, { from: senders[0], text: 'HELP', wait: false });
    await waitFor('the first MO acknowledged', async () => (await counters()).mo_acked === 1, 15_000);
    await waitFor('the gateway to start throttling', async () => (await sys.metric('simpair_mo_intake_throttling')) === 1, 10_000);

    for (const from of senders.slice(1)) await http('POST', `${sys.sim.baseUrl}/mo`, { from, text: 'HELP', wait: false });
    await waitFor('the later MOs answered ESME_RTHROTTLED', async () => (await sys.metric('simpair_mo_throttled_total')) >= senders.length - 1, 10_000);
    assert.ok((await counters()).mo_temp_errors >= senders.length - 1, 'the simulator saw the temporary errors');
    assert.equal((await counters()).mo_acked, 1, 'nothing but the first MO was acknowledged while throttling');

    // A worker drains the queue; the wait falls under half the limit and intake resumes.
    await sys.startSimpair({ role: 'worker' });
    await waitFor('intake to resume', async () => (await sys.metric('simpair_mo_intake_throttling')) === 0, 15_000);
    await waitFor('every MO acknowledged in the end', async () => (await counters()).mo_acked === senders.length, 20_000);
    // Each sender gets exactly one answer: nothing lost, nothing taken twice.
    for (const from of senders) {
      const msgs = await waitFor(`the help reply to ${from}`, async () => {
        const m = await sys.inbox(from);
        return m.length > 0 ? m : null;
      }, 20_000);
      assert.equal(msgs.length, 1, `${from} got ${msgs.length} replies`);
      assert.match(msgs[0].text, /PAY <amount> <merchant>/);
    }
  });
});
