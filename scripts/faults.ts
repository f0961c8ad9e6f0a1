// `npm run faults [-- --pairs N --rate R] [--cluster-only]`: the fault scenarios of
// test/e2e/faults.test.ts and test/e2e/cluster.test.ts with a longer stream, printing the
// accounting table (and writing it to test-artifacts/faults.json).
// The same rig and the same checks; nothing here is asserted in CI.
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { FaultRig, figuresTable, type Figures } from '../test/support/fault-rig';
import { http } from '../test/support/http';
import { waitFor } from '../test/support/wait';

const { values } = parseArgs({
  options: { pairs: { type: 'string', default: '500' }, rate: { type: 'string', default: '100' }, unmatched: { type: 'string', default: '50' }, 'cluster-only': { type: 'boolean', default: false } },
});
const stream = { pairs: Number(values.pairs), unmatched: Number(values.unmatched), ratePerSecond: Number(values.rate) };

async function main(): Promise<void> {
  const rig = new FaultRig();
  await rig.start();
  const counters = async (): Promise<Record<string, number>> => (await http<Record<string, number>>('GET', `${rig.sim.baseUrl}/counters`)).body;
  const faults = (body: Record<string, unknown>) => http('PUT', `${rig.sim.baseUrl}/faults`, body);
  const scenarios: Array<[string, () => Promise<void>]> = [
    ['gateway kill -9', async () => {
      await rig.processes.get('gateway')!.kill();
      await waitFor('MOs pending at the SMSC', async () => (await http<unknown[]>('GET', `${rig.sim.baseUrl}/mo?state=pending`)).body.length > 0);
      await rig.startRole('gateway', 'gateway');
    }],
    ['worker kill -9', async () => {
      await rig.processes.get('worker-1')!.kill();
      const before = (await counters()).mo_acked;
      await waitFor('progress with one worker', async () => (await counters()).mo_acked > before + 50);
      await rig.startRole('worker-1', 'worker');
    }],
    ['redis down 10 s', async () => {
      await rig.redis.stop();
      await new Promise((r) => setTimeout(r, 10_000));
      await rig.redis.start();
    }],
    ['SMSC drops connection', async () => {
      await http('POST', `${rig.sim.baseUrl}/faults/drop`);
    }],
    ['enquire_link unanswered', async () => {
      const binds = (await counters()).binds;
      await faults({ ignoreEnquireLink: true });
      await waitFor('rebound', async () => (await counters()).binds > binds, 30_000);
      await faults({ ignoreEnquireLink: false });
    }],
    ['throttled + queue full', async () => {
      await faults({ throttlePerSecond: 20 });
      await waitFor('throttled', async () => (await counters()).submits_throttled > 20);
      await faults({ throttlePerSecond: null, queueFull: true });
      await waitFor('queue full', async () => (await counters()).submits_queue_full > 20);
      await faults({ queueFull: false });
    }],
    ['slow responses', async () => {
      const accepted = (await counters()).submits_accepted;
      await faults({ slowResponseMs: 800 });
      await waitFor('slow submits', async () => (await counters()).submits_accepted > accepted + 50);
      await faults({ slowResponseMs: 0 });
    }],
    ['duplicate deliver_sm', async () => {
      // Duplicates are recognised by the SMSC's message id; the gateway restarted to read it
      // stays so until the next scenario restarts it.
      const sent = (await counters()).mo_sent;
      await faults({ duplicateMo: true });
      await waitFor('duplicates', async () => (await counters()).mo_sent > sent + 100);
      await faults({ duplicateMo: false });
    }],
    ['graceful shutdown (SIGTERM)', async () => {
      for (const n of ['gateway', 'worker-1', 'worker-2']) await rig.processes.get(n)!.stop();
      await rig.startRole('worker-1', 'worker');
      await rig.startRole('worker-2', 'worker');
      await rig.startRole('gateway', 'gateway');
    }],
  ];
  const rows: Figures[] = [];
  try {
    for (const [name, fault] of values['cluster-only'] ? [] : scenarios) {
      if (name === 'duplicate deliver_sm') await rig.withSmscMessageIds();
      const f = await rig.scenario(name, stream, fault);
      rows.push(f);
      console.log(`${name}: ${JSON.stringify(f)}`);
    }
  } finally {
    await rig.stop();
  }
  // The same stream on a local Redis Cluster (3 masters, a replica each), 2 gateways and 4 workers.
  const crig = new FaultRig();
  await crig.start({}, { cluster: { masters: 3, replicasPerMaster: 1 }, gateways: 2, workers: 4 });
  try {
    const clusterScenarios: Array<[string, () => Promise<void>]> = [
      ['cluster: steady', async () => undefined],
      ['cluster: gateway kill -9 (not restarted)', async () => crig.processes.get('gateway-2')!.kill()],
      ['cluster: worker kill -9', async () => {
        await crig.processes.get('worker-1')!.kill();
        await crig.startRole('worker-1', 'worker');
      }],
      ['cluster: master kill -9, replica takes over', async () => {
        await crig.cluster!.killMasterAndAwaitFailover();
      }],
    ];
    for (const [name, fault] of clusterScenarios) {
      const f = await crig.scenario(name, stream, fault);
      rows.push(f);
      console.log(`${name}: ${JSON.stringify(f)}`);
    }
  } finally {
    await crig.stop();
  }
  console.log(`\nstream per scenario: ${stream.pairs} pairs + ${stream.unmatched} unmatched requests at ${stream.ratePerSecond} MO/s\n`);
  console.log(figuresTable(rows));
  mkdirSync('test-artifacts', { recursive: true });
  writeFileSync('test-artifacts/faults.json', JSON.stringify({ at: new Date().toISOString(), stream, rows }, null, 2));
  const bad = rows.filter((r) => r.lostAcknowledged || r.doubleDebits || r.ledgerImbalance || r.completed !== r.expectedCompletions);
  process.exit(bad.length ? 1 : 0);
}

main().catch((err: Error) => {
  console.error(err.stack ?? err.message);
  process.exit(1);
});
