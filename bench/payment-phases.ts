// Benchmark steps 3, 4 and 5 on the main installation: open-loop payment pairs (a ramp, then
// sustained steps with Redis statistics), latency at 200 pairs/s, a soak at half the maximum that
// samples process and Redis memory, and Redis memory with many pending payments.
import type { Redis } from 'ioredis';
import { QUEUE } from '../src/queues';
import type { Proc, Rig } from './rig';
import { createMerchant, enrol, QueueWatch } from './load';
import { installationContext, runRamp, runStep, type StepResult } from './e2e';
import { growth, measurePending, usedMemory, type SoakSample } from './memory';
import { commandStats, jobTimes, perPair, scriptNames, slowlog } from './redis-stats';
import { growthPerUnit, profileKeyspace } from './keyspace';
import type { Results } from './results';
import type { Settings } from './settings';
import { mib, round, say } from './say';

export async function runPaymentPhases(rig: Rig, s: Settings, quick: boolean, results: Results, main: { redis: Redis; gateway: Proc; worker: Proc }): Promise<void> {
  const { redis, gateway, worker } = main;
  // 3. End-to-end payments.
  say(`3. end-to-end payments: enrolling ${s.subscribers} subscribers with a device each`);
  await createMerchant(redis);
  await enrol(redis, 0, s.subscribers);
  const watch = new QueueWatch(redis);
  const ctx = installationContext(rig, redis, watch, { gateway, worker }, s);
  // Warm-up at a low rate (JIT, script caches), discarded; in --quick the ramp's first second is it.
  if (!quick) await runStep(ctx, { label: 'warm-up', rate: 50, seconds: Math.max(1, s.warmupMs / 1000), warmupSeconds: 0, drainTimeoutMs: 20_000 });
  const ramp = await runRamp(ctx, { from: s.rampFrom, growth: s.rampGrowth, maxSeconds: s.rampMaxSeconds, stopAfter: s.rampStopAfter, drainTimeoutMs: 60_000 });
  results.e2e.ramp = ramp;
  say(`   ramp ${ramp.from} → ${ramp.peak} pairs/s: healthy up to ${ramp.healthyUpTo} pairs/s; ${ramp.overloadCapacity ?? '?'} completed/s while overloaded → trying ${ramp.estimate} pairs/s`);

  const names = scriptNames();
  const confirmAt = async (rate: number): Promise<StepResult> => {
    await redis.call('CONFIG', 'RESETSTAT');
    await redis.call('SLOWLOG', 'RESET');
    const before = await commandStats(redis);
    const step = await runStep(ctx, { label: `sustained ${rate} pairs/s`, rate, seconds: s.confirmSeconds, warmupSeconds: s.confirmWarmupSeconds, drainTimeoutMs: 20_000 });
    results.e2e.steps.push(step);
    results.e2e.redis = perPair(await commandStats(redis), before, step.pairs);
    results.e2e.redisCpuMicrosPerPair = step.cpuPct.redis !== undefined ? round(((step.cpuPct.redis / 100) * step.seconds * 1e6) / step.pairs) : null;
    results.e2e.slowlog = await slowlog(redis, names);
    results.e2e.jobTimes = await Promise.all((Object.values(QUEUE) as string[]).map((q) => jobTimes(redis, q)));
    say(`   ${rate} pairs/s for ${s.confirmSeconds} s: ${step.completedPerSecond} completed/s, p99 ${step.latency.p99} ms → ${step.pass ? 'sustained' : `not sustained (${step.why.join('; ')})`}`);
    return step;
  };
  let step = await confirmAt(ramp.estimate);
  if (!step.pass && !quick) step = await confirmAt(Math.max(10, Math.round(0.9 * Math.min(step.completedPerSecond, step.offeredRate))));
  // The overload capacity can lie well below what was healthy on the way up (a backlog costs more
  // per pair than it takes to keep none: the simulator walks its waiting list, decisions conflict):
  // then the healthy rate gets a step of its own.
  else if (step.pass && !quick && ramp.healthyUpTo > 1.15 * ramp.estimate) step = await confirmAt(Math.round(0.9 * ramp.healthyUpTo));
  const best = results.e2e.steps.filter((x) => x.pass).sort((a, b) => b.offeredRate - a.offeredRate)[0];
  results.e2e.maxSustained = best ? best.offeredRate : null;
  results.e2e.maxSustainedCompletedPerSecond = best ? best.completedPerSecond : null;
  const maxForRatios = best?.completedPerSecond ?? Math.max(...results.e2e.steps.map((x) => x.completedPerSecond));
  results.ratios.e2ePairsOverCeiling = round(maxForRatios / results.ceiling.median, 4);
  results.ratios.e2eMosOverCeiling = round((2 * maxForRatios) / results.ceiling.median, 4);

  // 4. Latency at 200 pairs/s, then at half of the maximum (the soak, which also samples memory).
  say('4. latency at 200 pairs/s');
  const at200 = await runStep(ctx, { label: 'latency at 200 pairs/s', rate: 200, seconds: s.latencySeconds, warmupSeconds: 1, drainTimeoutMs: 30_000 });
  results.latency.push({ label: '200 pairs/s', rate: 200, step: at200 });
  say(`   p50 ${at200.latency.p50} ms, p95 ${at200.latency.p95} ms, p99 ${at200.latency.p99} ms; stalled ${at200.stalledJobs}, failed ${at200.failedJobEvents}`);

  const half = Math.max(10, Math.round((results.e2e.maxSustained ?? maxForRatios) / 2));
  say(`5. soak at half the maximum (${half} pairs/s) for ${s.soakSeconds} s, sampling RSS and Redis memory every ${s.soakSampleSeconds} s`);
  const samples: SoakSample[] = [];
  const sample = async (t: number): Promise<void> => {
    samples.push({
      t: round(t, 1),
      gatewayRssMiB: mib(gateway.rssKiB()),
      workerRssMiB: mib(worker.rssKiB()),
      usedMemory: await usedMemory(redis),
      pairsOffered: Math.round(half * t),
    });
  };
  const soakBefore = await profileKeyspace(redis);
  await sample(0);
  let nextSample = s.soakSampleSeconds;
  const soak = await runStep(ctx, {
    label: `soak at ${half} pairs/s`,
    rate: half,
    seconds: s.soakSeconds,
    warmupSeconds: 1,
    drainTimeoutMs: 30_000,
    onSecond: async (t) => {
      if (t + 0.5 >= nextSample) {
        nextSample += s.soakSampleSeconds;
        await sample(t);
      }
    },
  });
  results.latency.push({ label: `half the maximum (${half} pairs/s)`, rate: half, step: soak });
  const soakAfter = await profileKeyspace(redis);
  const redisGrowth = growth(samples.map((x) => x.usedMemory));
  results.soak = {
    rate: half,
    seconds: s.soakSeconds,
    samples,
    gateway: growth(samples.map((x) => x.gatewayRssMiB ?? NaN)),
    worker: growth(samples.map((x) => x.workerRssMiB ?? NaN)),
    redis: redisGrowth,
    redisBytesPerPair: growthPerUnit(soakBefore, soakAfter, soak.completed).totalPerUnit,
    perCompletedPair: growthPerUnit(soakBefore, soakAfter, soak.completed).rows,
  };
  say(`   p99 ${soak.latency.p99} ms; RSS gateway ${results.soak.gateway.changePct} %, worker ${results.soak.worker.changePct} %, Redis +${results.soak.redisBytesPerPair} B per pair`);

  // 5. Memory with N pending payments (the payment window is 600 s: none expires during the run).
  say(`5. memory: ${s.memoryPending} pending payments enqueued straight into the MO queue`);
  const base = 1_000_000;
  const memory = await measurePending(redis, {
    base,
    count: s.memoryPending,
    gateway,
    worker,
    enrol: async () => {
      await enrol(redis, base, s.memoryPending, 800);
    },
    timeoutMs: 240_000,
  });
  results.memory = memory;
  say(`   ${memory.bytesPerPending} B of Redis per pending payment; RSS gateway ${memory.rssMiB.gateway} MiB, worker ${memory.rssMiB.worker} MiB (fill ${memory.fillSeconds} s)`);
  await watch.close();
}
