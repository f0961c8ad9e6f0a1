// Benchmark steps 1, 2, 6 and 8, alternating so that all see the same (shared, noisy) machine: the
// raw SMPP ceiling (simulator → bare ESME), Kannel's MO → HTTP rate (bench/kannel.ts), and simpair's
// durable MO ingest (simulator → gateway → Redis, nothing processed) under appendfsync everysec and
// always. Leaves the gateway and worker of the main installation running for the payment phases.
import type { Redis } from 'ioredis';
import { Queue } from 'bullmq';
import { QUEUE } from '../src/queues';
import { CpuMeter, sleep, type Proc, type Rig } from './rig';
import { MachineCpu } from './machine';
import { median, QUEUE_PREFIX, saturate, type SaturationResult } from './load';
import { otherLoad } from './e2e';
import { findKannel, Kannel } from './kannel';
import type { Results, SaturationRep } from './results';
import type { Settings } from './settings';
import { round, say } from './say';

/** One saturation run with the CPU use of the processes involved and of everything else. */
async function measuredSaturation(rig: Rig, pids: Record<string, number>, run: () => Promise<SaturationResult>): Promise<SaturationRep> {
  const cpu = new CpuMeter();
  const machine = new MachineCpu();
  cpu.begin(pids);
  machine.begin();
  const r = await run();
  const cpuPct = cpu.end();
  return { ...r, cpuPct, otherLoadPct: otherLoad(machine.end().busyPct, cpuPct) };
}

export async function runIntakePhases(rig: Rig, s: Settings, results: Results): Promise<{ redis: Redis; gateway: Proc; worker: Proc }> {
  await rig.reserveSmppPort();
  const [, , esme] = await Promise.all([rig.startRedis('everysec'), rig.startSim(), rig.startBareEsme()]);
  const redis = rig.client();
  let moSeq = 0;
  const uniqueMo = (): { from: string; text: string } => {
    const n = moSeq++;
    return { from: `2547${String(90_000_000 + (n % 9_000_000)).padStart(8, '0')}`, text: `PAY ${(n % 9000) + 1}.00 SHOP${n % 97}` };
  };

  // 1, 2 and 6, alternating so that both see the same (shared, noisy) machine: the raw SMPP
  // ceiling with the bare ESME bound, then durable ingest with the gateway bound instead, under
  // appendfsync everysec and always. The worker runs from the first ingest on, but the MO queue is
  // paused: no MO is processed, the ingest figure is intake alone.
  say('1, 2, 6, 8. raw SMPP ceiling (simulator → bare ESME), Kannel (simulator → bearerbox → smsbox → HTTP) and durable MO ingest (simulator → gateway → Redis; MO queue paused), alternating');
  const sat = { lowWater: 150, highWater: 300 };
  const moQueue = new Queue(QUEUE.mo, { connection: redis, prefix: QUEUE_PREFIX });
  await moQueue.pause();
  await saturate(rig.simUrl, uniqueMo, { warmupMs: s.warmupMs, measureMs: 300, ...sat }); // warm-up, discarded
  let gw: Proc | null = null;
  let wk: Proc | null = null;
  // 8. Kannel on the same simulator, alternating with the others (bench/kannel.ts).
  const kannel = findKannel();
  results.kannel = kannel ? { version: kannel.version, reps: [], ackMedian: NaN, httpMedian: NaN } : null;
  if (!kannel) say('   kannel   not installed (apt-get install kannel): step 8 skipped');
  const smsc = { host: '127.0.0.1', port: Number(new URL(rig.smppUrl).port), systemId: 'simpair', password: 'secret' };
  const kannelRun = async (install: NonNullable<typeof kannel>): Promise<SaturationRep> => {
    const k = await Kannel.start(rig, install, smsc);
    try {
      const before = await k.httpRequests();
      const r = await measuredSaturation(rig, { simulator: rig.sim!.pid, ...k.pids, bench: process.pid }, () =>
        saturate(rig.simUrl, uniqueMo, { warmupMs: s.satWarmupMs, measureMs: s.satMeasureMs, ...sat, sideCounter: () => k.httpRequests() }),
      );
      // Kannel queues what it acknowledged faster than it passes on: let it finish before it stops.
      if (!(await k.drained(before + r.acked, 30_000))) say('   kannel   did not pass every acknowledged MO on within 30 s');
      return r;
    } finally {
      await k.stop();
    }
  };
  const satRun = (pids: Record<string, number>) => measuredSaturation(rig, pids, () => saturate(rig.simUrl, uniqueMo, { warmupMs: s.satWarmupMs, measureMs: s.satMeasureMs, ...sat }));
  for (let i = 0; i < Math.max(s.satReps, s.ingestReps); i++) {
    if (i < s.satReps) {
      if (gw) {
        await gw.stop();
        gw = null;
      }
      await esme.bind();
      const r = await satRun({ redis: rig.redisPid, simulator: rig.sim!.pid, esme: esme.pid, bench: process.pid });
      results.ceiling.reps.push(r);
      say(`   ceiling  ${round(r.ratePerSecond)} MO/s (other load ${r.otherLoadPct} % of a core)`);
    }
    if (kannel && i < s.ingestReps) {
      await esme.unbind();
      const r = await kannelRun(kannel);
      results.kannel!.reps.push(r);
      say(`   kannel   ${round(r.sideRatePerSecond ?? NaN)} MO/s to HTTP (${round(r.ratePerSecond)} MO/s acknowledged; other load ${r.otherLoadPct} % of a core)`);
    }
    if (i < s.ingestReps) {
      await esme.unbind();
      if (!gw) {
        const started: [Proc, Proc] = await Promise.all([rig.startRole('gateway', 'gateway'), wk ? Promise.resolve(wk) : rig.startRole('worker', 'worker')]);
        [gw, wk] = started;
        await saturate(rig.simUrl, uniqueMo, { warmupMs: s.warmupMs, measureMs: 300, ...sat }); // warm-up, discarded
        await redis.flushall();
        await moQueue.pause();
      }
      for (const mode of ['everysec', 'always'] as const) {
        await redis.config('SET', 'appendfsync', mode);
        const r = await satRun({ redis: rig.redisPid, simulator: rig.sim!.pid, gateway: gw.pid, worker: wk!.pid, bench: process.pid });
        results.ingest[mode].reps.push(r);
        say(`   ${mode.padEnd(8)} ${round(r.ratePerSecond)} MO/s (other load ${r.otherLoadPct} % of a core)${r.tempErrors ? ` (${r.tempErrors} temporary errors)` : ''}`);
        await sleep(100);
        await redis.flushall(); // the queue must not grow from run to run (and the AOF stays small)
        await moQueue.pause();
      }
    }
  }
  await esme.stop();
  if (!gw) gw = await rig.startRole('gateway', 'gateway');
  if (!wk) wk = await rig.startRole('worker', 'worker');
  const gateway = gw;
  const worker = wk;
  await redis.config('SET', 'appendfsync', 'everysec');
  await redis.flushall();
  await moQueue.close();
  results.ceiling.median = median(results.ceiling.reps.map((r) => r.ratePerSecond));
  results.ingest.everysec.median = median(results.ingest.everysec.reps.map((r) => r.ratePerSecond));
  results.ingest.always.median = median(results.ingest.always.reps.map((r) => r.ratePerSecond));
  results.ingest.alwaysCostPct = round((1 - results.ingest.always.median / results.ingest.everysec.median) * 100, 1);
  results.ratios.ingestOverCeiling = round(results.ingest.everysec.median / results.ceiling.median, 3);
  if (results.kannel) {
    results.kannel.ackMedian = median(results.kannel.reps.map((r) => r.ratePerSecond));
    results.kannel.httpMedian = median(results.kannel.reps.map((r) => r.sideRatePerSecond ?? NaN));
    results.ratios.ingestOverKannel = round(results.ingest.everysec.median / results.kannel.httpMedian, 2);
  }
  return { redis, gateway, worker };
}
