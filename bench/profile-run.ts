// npm run bench -- --profile: the gateway and the worker under --cpu-prof at a fixed load, the Redis
// round trips of every pair (MONITOR over a low-rate step), and Redis statistics; writes
// bench/results/profile.json and the profile section of BENCHMARKS.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { QUEUE } from '../src/queues';
import { ROOT, type Rig } from './rig';
import { codeVersion, machineFacts } from './machine';
import { createMerchant, enrol, QueueWatch } from './load';
import { installationContext, runStep } from './e2e';
import { commandStats, jobTimes, perPair, scriptNames, slowlog, startRoundTrips } from './redis-stats';
import { profilesIn, summariseProfile, type ProfileSummary } from './profile';
import { renderMarkdown } from './report';
import { readLatest, RESULTS_DIR, type ProfileResults } from './results';
import type { Settings } from './settings';
import { round, say } from './say';

/** --profile: gateway and worker under --cpu-prof at a fixed load, plus Redis round trips (MONITOR). */
export async function profileRun(rig: Rig, s: Settings, args: { rate: number; quick: boolean; markdown: boolean }): Promise<void> {
  const started = Date.now();
  const seconds = args.quick ? 8 : 15;
  say(`profile: ${args.rate} pairs/s for ${seconds} s with gateway and worker under --cpu-prof`);
  await Promise.all([rig.startRedis('everysec'), rig.startSim()]);
  const redis = rig.client();
  await createMerchant(redis);
  const profDir = path.join(rig.workDir, 'profiles');
  const prof = (name: string): string[] => ['--cpu-prof', '--cpu-prof-dir', path.join(profDir, name)];
  const [gateway, worker] = await Promise.all([rig.startRole('gateway', 'gateway', {}, prof('gateway')), rig.startRole('worker', 'worker', {}, prof('worker')), enrol(redis, 0, s.subscribers)]);
  const watch = new QueueWatch(redis);
  const ctx = installationContext(rig, redis, watch, { gateway, worker }, s);
  const names = scriptNames();
  await runStep(ctx, { label: 'warm-up', rate: 50, seconds: 2, warmupSeconds: 0, drainTimeoutMs: 20_000 });
  // Round trips: MONITOR over a whole low-rate step (every command of every pair is seen).
  const monitorConn = new Redis(rig.redisUrl, { maxRetriesPerRequest: null });
  const counting = await startRoundTrips(redis, monitorConn, names);
  const rtStep = await runStep(ctx, { label: 'round trips at 50 pairs/s', rate: 50, seconds: 5, warmupSeconds: 0, drainTimeoutMs: 30_000 });
  const trips = counting.stop(rtStep.completed, rtStep.seconds);
  monitorConn.disconnect();
  say(`round trips per pair: ${trips.byClient.map((c) => `${c.client} ${c.perPair}`).join(', ')}`);
  // CPU profile and Redis statistics at the requested rate.
  await redis.call('CONFIG', 'RESETSTAT');
  await redis.call('SLOWLOG', 'RESET');
  const before = await commandStats(redis);
  const step = await runStep(ctx, { label: `profile at ${args.rate} pairs/s`, rate: args.rate, seconds, warmupSeconds: 2, drainTimeoutMs: 60_000 });
  const redisStats = perPair(await commandStats(redis), before, step.pairs, 25);
  const times = await Promise.all((Object.values(QUEUE) as string[]).map((q) => jobTimes(redis, q)));
  const slow = await slowlog(redis, names);
  await watch.close();
  await Promise.all([gateway.stop(), worker.stop()]);
  const pick = (dir: string): ProfileSummary | null => {
    // Each process writes one profile per thread (tsx's loader runs in a worker thread): keep the busiest.
    const all = profilesIn(dir).map((f) => summariseProfile(f, 20));
    return all.sort((a, b) => b.busyPct * b.seconds - a.busyPct * a.seconds)[0] ?? null;
  };
  const out: ProfileResults = {
    startedAt: new Date(started).toISOString(),
    rate: args.rate,
    seconds,
    machine: machineFacts(),
    code: codeVersion(),
    step,
    cpuPct: step.cpuPct,
    redis: redisStats,
    redisCpuMicrosPerPair: step.cpuPct.redis !== undefined ? round(((step.cpuPct.redis / 100) * step.seconds * 1e6) / step.pairs) : null,
    roundTrips: trips,
    jobTimes: times,
    slowlog: slow,
    profiles: { gateway: pick(path.join(profDir, 'gateway')), worker: pick(path.join(profDir, 'worker')) },
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(path.join(RESULTS_DIR, 'profile.json'), `${JSON.stringify(out, null, 2)}\n`);
  say(`CPU % of one core: ${JSON.stringify(step.cpuPct)}; completed ${step.completedPerSecond}/s, p99 ${step.latency.p99} ms`);
  say(`Redis: ${redisStats.callsPerPair} commands and ${redisStats.scriptCallsPerPair} script calls executed per pair`);
  for (const [role, p] of Object.entries(out.profiles)) {
    if (!p) continue;
    say(`${role}: busy ${p.busyPct} %; by area: ${p.byArea.slice(0, 6).map((a) => `${a.area} ${a.selfPct} %`).join(', ')}`);
  }
  const latest = readLatest();
  if (latest && args.markdown) writeFileSync(path.join(ROOT, 'BENCHMARKS.md'), renderMarkdown(latest, out));
  say(`wrote bench/results/profile.json${latest && args.markdown ? ' and BENCHMARKS.md' : ''} (${round((Date.now() - started) / 1000)} s)`);
}
