import assert from 'node:assert/strict';
import { assertNothingLost, FaultRig, figuresTable, type Figures, type StreamOptions } from '../support/fault-rig';
import { http } from '../support/http';
import { waitFor } from '../support/wait';

// Issue 4: nothing lost, nothing paid twice. Each scenario drives a steady stream of payment pairs
// through the simulator, injects a fault a third of the way in, lets the system recover and counts
// every message. The CI-sized version of `npm run faults`.

const STREAM: StreamOptions = { pairs: 60, unmatched: 10, ratePerSecond: 40 };

describe('faults: nothing lost, nothing paid twice (end to end, separate processes)', function () {
  this.timeout(600_000);
  const rig = new FaultRig();
  const results: Figures[] = [];
  const counters = async (): Promise<Record<string, number>> => (await http<Record<string, number>>('GET', `${rig.sim.baseUrl}/counters`)).body;
  const faults = (body: Record<string, unknown>) => http('PUT', `${rig.sim.baseUrl}/faults`, body);

  before(async () => {
    await rig.start();
  });

  after(async () => {
    if (results.length) console.log(`\n${figuresTable(results)}\n`);
    await rig.stop();
  });

  async function check(name: string, fault: () => Promise<void>): Promise<void> {
    const f = await rig.scenario(name, STREAM, fault);
    results.push(f);
    assertNothingLost(f);
  }

  it('kill -9 of the gateway, restarted: the SMSC redelivers what was not answered', async () => {
    await check('gateway kill -9', async () => {
      await rig.processes.get('gateway')!.kill();
      await waitFor('MOs waiting at the SMSC', async () => {
        const pending = (await http<unknown[]>('GET', `${rig.sim.baseUrl}/mo?state=pending`)).body;
        return pending.length > 0;
      });
      await rig.startRole('gateway', 'gateway');
    });
  });

  it('kill -9 of a worker in the middle of jobs: stalled jobs recovered, nothing settled twice', async () => {
    await check('worker kill -9', async () => {
      await rig.processes.get('worker-1')!.kill();
      const before = (await counters()).mo_acked;
      await waitFor('more MOs acknowledged while one worker is dead', async () => (await counters()).mo_acked > before + 10);
      await rig.startRole('worker-1', 'worker');
    });
  });

  it('Redis stopped for 10 s and restarted from its AOF: MOs answered 0x64 meanwhile, processed after', async () => {
    await check('redis down 10 s', async () => {
      const tempBefore = (await counters()).mo_temp_errors;
      await rig.redis.stop();
      await new Promise((r) => setTimeout(r, 10_000)); // the outage itself, not a wait for a condition
      assert.ok((await counters()).mo_temp_errors > tempBefore, 'the gateway answered temporary errors during the outage');
      await rig.redis.start();
    });
  });

  it('the SMSC drops the connection', async () => {
    await check('SMSC drops connection', async () => {
      const binds = (await counters()).binds;
      await http('POST', `${rig.sim.baseUrl}/faults/drop`);
      await waitFor('rebound', async () => (await counters()).binds > binds);
    });
  });

  it('the SMSC stops answering enquire_link (half-open link)', async () => {
    await check('enquire_link unanswered', async () => {
      const binds = (await counters()).binds;
      await faults({ ignoreEnquireLink: true });
      await waitFor('the gateway gave up on the silent link and rebound', async () => (await counters()).binds > binds, 30_000);
      await faults({ ignoreEnquireLink: false });
    });
  });

  it('the SMSC throttles, then reports its queue full, for a while', async () => {
    await check('throttled + queue full', async () => {
      await faults({ throttlePerSecond: 5 });
      await waitFor('submits throttled', async () => (await counters()).submits_throttled > 5);
      await faults({ throttlePerSecond: null, queueFull: true });
      await waitFor('submits refused with queue full', async () => (await counters()).submits_queue_full > 5);
      await faults({ queueFull: false });
    });
  });

  it('the SMSC responds slowly', async () => {
    await check('slow responses', async () => {
      const accepted = (await counters()).submits_accepted;
      await faults({ slowResponseMs: 800 });
      await waitFor('submits accepted while slow', async () => (await counters()).submits_accepted > accepted + 20);
      await faults({ slowResponseMs: 0 });
    });
  });

  it('the SMSC sends the same deliver_sm twice (with its message ids, which identify them)', async () => {
    await rig.withSmscMessageIds();
    await check('duplicate deliver_sm', async () => {
      const sent = (await counters()).mo_sent;
      await faults({ duplicateMo: true });
      await waitFor('duplicated MOs sent', async () => (await counters()).mo_sent > sent + 30);
      await faults({ duplicateMo: false });
    });
  });

  it('SIGTERM under load: intake stops, in-flight work finishes or is handed back, unbind, nothing lost', async () => {
    await check('graceful shutdown (SIGTERM)', async () => {
      const unbinds = (await counters()).unbinds ?? 0;
      const codes = await Promise.all(['gateway', 'worker-1', 'worker-2'].map((n) => rig.processes.get(n)!.stop()));
      assert.deepEqual(codes, [0, 0, 0], 'every process exited 0 after a graceful stop');
      assert.ok(((await counters()).unbinds ?? 0) > unbinds, 'the gateway unbound');
      await rig.startRole('worker-1', 'worker');
      await rig.startRole('worker-2', 'worker');
      await rig.startRole('gateway', 'gateway');
    });
  });
});
