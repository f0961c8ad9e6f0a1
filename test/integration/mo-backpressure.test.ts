import assert from 'node:assert/strict';
import { startSimulatorProcess } from '../../smsc-sim/harness';
import { freePort } from '../../src/store/redis-server';
import { http } from '../support/http';
import { startRedis, startSimpair, type SimpairProcess } from '../support/processes';
import { waitFor } from '../support/wait';

// Back-pressure at intake (mo.maxBacklogSeconds): a gateway with no worker behind it lets the MO
// queue age past its limit, then answers new MOs ESME_RTHROTTLED; the simulator redelivers them
// (SMPP 3.4 §4.6.2), and once a worker has drained the queue every one of them is taken and answered.

type Sim = Awaited<ReturnType<typeof startSimulatorProcess>>;

describe('MO back-pressure over SMPP (integration)', function () {
  this.timeout(90_000);
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let sim: Sim;
  let gateway: SimpairProcess;
  let worker: SimpairProcess | undefined;
  let metricsUrl: string;
  const senders = Array.from({ length: 6 }, (_, i) => `25471300${String(i).padStart(4, '0')}`);

  before(async () => {
    redis = await startRedis();
    sim = await startSimulatorProcess({ env: { SIM_REDELIVERY_DELAY_MS: '200', SIM_REDELIVERY_MAX_ATTEMPTS: '1000', SIM_DELIVERY_RECEIPT_DELAY_MS: '50' } });
    const metricsPort = await freePort();
    metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    const env = { REDIS_URL: redis.url, SMPP_URL: `smpp://127.0.0.1:${sim.smppPort}`, SERVICE_NUMBER: '20555', MO_MAX_BACKLOG_SECONDS: '1' };
    gateway = await startSimpair({ ...env, METRICS_PORT: String(metricsPort) }, 'gateway');
  });

  after(async () => {
    await worker?.stop();
    await gateway?.stop();
    await sim?.stop();
    await redis?.stop();
  });

  const counters = async () => (await http<Record<string, number>>('GET', `${sim.baseUrl}/counters`)).body;
  const metric = async (name: string): Promise<number> => {
    const text = (await http<string>('GET', metricsUrl)).body;
    const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
    return m ? Number(m[1]) : 0;
  };
  const inbox = async (msisdn: string) => (await http<{ messages: Array<{ text: string }> }>('GET', `${sim.baseUrl}/handsets/${msisdn}/inbox`)).body.messages;

  it('refuses new MOs for now once the backlog is past its limit, and takes every one of them once it drains', async () => {
    // No worker: the first MO waits in the queue and ages past the 1 s limit. (Its first answer may
    // be a temporary error on a loaded machine; the simulator then redelivers it until it is taken.)
    await http('POST', `${sim.baseUrl}/mo`, { from: senders[0], text: 'HELP', wait: false });
    await waitFor('the first MO acknowledged', async () => (await counters()).mo_acked === 1, 15_000);
    await waitFor('the gateway to start throttling', async () => (await metric('simpair_mo_intake_throttling')) === 1, 10_000);

    for (const from of senders.slice(1)) await http('POST', `${sim.baseUrl}/mo`, { from, text: 'HELP', wait: false });
    await waitFor('the later MOs answered ESME_RTHROTTLED', async () => (await metric('simpair_mo_throttled_total')) >= senders.length - 1, 10_000);
    assert.ok((await counters()).mo_temp_errors >= senders.length - 1, 'the simulator saw the temporary errors');
    assert.equal((await counters()).mo_acked, 1, 'nothing but the first MO was acknowledged while throttling');

    // A worker drains the queue; the wait falls under half the limit and intake resumes.
    worker = await startSimpair({ REDIS_URL: redis.url, SERVICE_NUMBER: '20555' }, 'worker');
    await waitFor('intake to resume', async () => (await metric('simpair_mo_intake_throttling')) === 0, 15_000);
    await waitFor('every MO acknowledged in the end', async () => (await counters()).mo_acked === senders.length, 20_000);
    // Each sender gets exactly one answer: nothing lost, nothing taken twice.
    for (const from of senders) {
      const msgs = await waitFor(`the help reply to ${from}`, async () => {
        const m = await inbox(from);
        return m.length > 0 ? m : null;
      }, 20_000);
      assert.equal(msgs.length, 1, `${from} got ${msgs.length} replies`);
      assert.match(msgs[0].text, /PAY <amount> <merchant>/);
    }
  });
});
