// `npm run bench` (about 4 min) and `npm run bench -- --quick` (under a minute): the carrier's
// benchmark of simpair on this machine, every part a separate process (redis-server, the SMSC
// simulator, the gateway, the worker, the bare ESME). Prints a table, writes
// bench/results/latest.json and rewrites BENCHMARKS.md. See BENCHMARKS.md for the method.
//
//   npm run bench                      full run
//   npm run bench -- --quick           smoke-sized run (< 1 min)
//   npm run bench -- --soak 300        full run with a 5-minute soak (takes ~4.5 min longer)
//   npm run bench -- --profile         CPU profiles + Redis round trips at a fixed load (--rate, default 200)
//   npm run bench -- --render          rewrite BENCHMARKS.md from bench/results/*.json (no run)
//   npm run bench -- --keep-logs       keep the roles' logs (path printed at the end)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { CpuMeter, ROOT, Rig, sleep, type Proc } from './rig';
import { MachineCpu, codeVersion, machineFacts } from './machine';
import { Queue } from 'bullmq';
import { QUEUE } from '../src/queues';
import { createMerchant, enrol, median, QUEUE_PREFIX, QueueWatch, saturate, type SaturationResult } from './load';
import { otherLoad, runRamp, runStep, type E2eContext, type RampResult, type StepResult } from './e2e';
import { growth, measurePending, usedMemory, type GrowthVerdict, type MemoryResult, type SoakSample } from './memory';
import { commandStats, jobTimes, perPair, scriptNames, slowlog, startRoundTrips, type JobTimes, type PerPair, type RoundTrips } from './redis-stats';
import { profilesIn, summariseProfile, type ProfileSummary } from './profile';
import { printTable, renderMarkdown, targetsOf } from './report';
import { growthPerUnit, profileKeyspace, type GrowthRow } from './keyspace';
import { runScaleOut, type ScaleRow, type ScaleSettings } from './scale';
import { findKannel, Kannel } from './kannel';

export interface Settings {
  satReps: number;
  ingestReps: number;
  satWarmupMs: number;
  satMeasureMs: number;
  subscribers: number;
  rampFrom: number;
  rampGrowth: number;
  rampMaxSeconds: number;
  /** The ramp stops after this many one-second samples in a row with a growing MO queue. */
  rampStopAfter: number;
  confirmSeconds: number;
  confirmWarmupSeconds: number;
  latencySeconds: number;
  soakSeconds: number;
  soakSampleSeconds: number;
  memoryPending: number;
  deviceDelayMs: number;
  /** Discarded warm-up (JIT, script cache, connections) before each series of measurements. */
  warmupMs: number;
  /** The scale-out phase (bench/scale.ts). */
  scale: ScaleSettings;
}

const FULL: Settings = {
  satReps: 3,
  ingestReps: 3,
  satWarmupMs: 1000,
  satMeasureMs: 2500,
  subscribers: 20_000,
  rampFrom: 50,
  rampGrowth: 1.25,
  rampMaxSeconds: 24,
  rampStopAfter: 2,
  confirmSeconds: 30,
  confirmWarmupSeconds: 3,
  latencySeconds: 15,
  soakSeconds: 40,
  soakSampleSeconds: 2,
  memoryPending: 100_000,
  deviceDelayMs: 500,
  warmupMs: 2000,
  scale: { workers: [1, 2, 4], subscribers: 5_000, rampFrom: 100, rampGrowth: 1.3, rampMaxSeconds: 12 },
};

const QUICK: Settings = {
  satReps: 1,
  ingestReps: 1,
  satWarmupMs: 300,
  satMeasureMs: 1000,
  subscribers: 5_000,
  rampFrom: 200,
  rampGrowth: 1.4,
  rampMaxSeconds: 10,
  rampStopAfter: 1,
  confirmSeconds: 10,
  confirmWarmupSeconds: 2,
  latencySeconds: 2,
  soakSeconds: 20,
  soakSampleSeconds: 1,
  memoryPending: 1_000,
  deviceDelayMs: 500,
  warmupMs: 700,
  scale: { workers: [1, 4], subscribers: 1_000, rampFrom: 100, rampGrowth: 1.5, rampMaxSeconds: 6 },
};

/** Environment of every simpair role in the run (everything else: config/default.json). */
const ROLE_ENV: Record<string, string> = {
  // The carrier's submit_sm rate limit (default 200 segments/s) would cap replies at ~66 pairs/s;
  // the simulator has no limit, so the benchmark measures simpair, not a configured throttle.
  SMPP_SEGMENTS_PER_SECOND: '100000',
  // No expiry job fires during the run (a pair's delayed expiry would otherwise run as a no-op
  // 120 s later, in whichever step happens to be running then).
  PAYMENT_WINDOW_SECONDS: '600',
};
const LOG_LEVEL = 'warn';
const SIM_ENV: Record<string, string> = { SIM_SUBMIT_LOG_LIMIT: '1000000' };

export type SaturationRep = SaturationResult & { cpuPct: Record<string, number>; otherLoadPct: number };

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

export interface Results {
  version: 1;
  mode: 'full' | 'quick' | 'profile';
  /** How the run was started, e.g. "npm run bench -- --soak 300". */
  command?: string;
  startedAt: string;
  durationSeconds: number;
  machine: ReturnType<typeof machineFacts>;
  code: ReturnType<typeof codeVersion>;
  settings: Settings & { roleEnv: Record<string, string>; logLevel: string; simEnv: Record<string, string>; workerProcesses: number };
  ceiling: { reps: SaturationRep[]; median: number };
  ingest: { everysec: { reps: SaturationRep[]; median: number }; always: { reps: SaturationRep[]; median: number }; alwaysCostPct: number };
  /** Step 7: Kannel's MO→HTTP rate on the same simulator; null when Kannel is not installed (absent in older results). */
  kannel?: { version: string; reps: SaturationRep[]; ackMedian: number; httpMedian: number } | null;
  e2e: {
    ramp: RampResult | null;
    steps: StepResult[];
    maxSustained: number | null;
    maxSustainedCompletedPerSecond: number | null;
    redis: PerPair | null;
    redisCpuMicrosPerPair: number | null;
    slowlog: { count: number; top: Array<{ micros: number; command: string }> } | null;
    jobTimes: JobTimes[];
  };
  latency: Array<{ label: string; rate: number; step: StepResult }>;
  soak: {
    rate: number;
    seconds: number;
    samples: SoakSample[];
    gateway: GrowthVerdict;
    worker: GrowthVerdict;
    redis: GrowthVerdict;
    redisBytesPerPair: number;
    perCompletedPair: GrowthRow[];
  } | null;
  memory: MemoryResult | null;
  /** Scale-out: 1, 2, 4 workers on one Redis and on a 3-master cluster (absent in older results). */
  scaleOut?: ScaleRow[] | null;
  ratios: { ingestOverCeiling: number; e2ePairsOverCeiling: number | null; e2eMosOverCeiling: number | null; ingestOverKannel?: number | null };
}

interface Args {
  quick: boolean;
  render: boolean;
  profile: boolean;
  soak?: number;
  rate: number;
  keepLogs: boolean;
  markdown: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { quick: false, render: false, profile: false, rate: 200, keepLogs: false, markdown: true };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    if (x === '--quick') a.quick = true;
    else if (x === '--profile') a.profile = true;
    else if (x === '--render') a.render = true;
    else if (x === '--keep-logs') a.keepLogs = true;
    else if (x === '--no-markdown') a.markdown = false;
    else if (x === '--soak') a.soak = Number(argv[++i]);
    else if (x === '--rate') a.rate = Number(argv[++i]);
    else {
      process.stderr.write(`bench: unknown argument ${x}\nusage: npm run bench [-- --quick] [--soak seconds] [--profile [--rate n]] [--render] [--keep-logs] [--no-markdown]\n`);
      process.exit(2);
    }
  }
  if (a.soak !== undefined && !(a.soak >= 10)) {
    process.stderr.write('bench: --soak needs at least 10 seconds\n');
    process.exit(2);
  }
  return a;
}

const RESULTS_DIR = path.join(ROOT, 'bench', 'results');
/** The installation of the scale-out configuration running now, if any (stopped on a signal too). */
let scaleRig: Rig | null = null;
const say = (s: string): void => {
  process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${s}\n`);
};
const round = (x: number, d = 0): number => Math.round(x * 10 ** d) / 10 ** d;

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.render) {
    // BENCHMARKS.md again from the stored results (after editing bench/analysis.md, say).
    const latest = readLatest();
    if (!latest) throw new Error('no bench/results/latest.json yet: run npm run bench first');
    writeFileSync(path.join(ROOT, 'BENCHMARKS.md'), renderMarkdown(latest, readProfile()));
    say('wrote BENCHMARKS.md from bench/results/latest.json and profile.json');
    return;
  }
  const settings: Settings = { ...(args.quick ? QUICK : FULL) };
  if (args.soak) settings.soakSeconds = args.soak;
  const rig = new Rig({ logLevel: LOG_LEVEL, roleEnv: ROLE_ENV, simEnv: SIM_ENV, keepLogs: args.keepLogs });
  let interrupted = false;
  const onSignal = (sig: string): void => {
    if (interrupted) {
      rig.killNow();
      scaleRig?.killNow();
      process.exit(130);
    }
    interrupted = true;
    say(`${sig}: stopping every process of the run`);
    void Promise.all([rig.stopAll(), scaleRig?.stopAll()]).finally(() => process.exit(130));
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('exit', () => {
    rig.killNow();
    scaleRig?.killNow();
  });

  try {
    if (args.profile) await profileRun(rig, settings, args);
    else await benchRun(rig, settings, args);
  } finally {
    await rig.stopAll();
    if (args.keepLogs) say(`logs kept in ${rig.workDir}/logs`);
  }
}

async function benchRun(rig: Rig, s: Settings, args: Args): Promise<void> {
  const started = Date.now();
  const machine = machineFacts();
  const results: Results = {
    version: 1,
    mode: args.quick ? 'quick' : 'full',
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    startedAt: new Date(started).toISOString(),
    durationSeconds: 0,
    machine,
    code: codeVersion(),
    settings: { ...s, roleEnv: ROLE_ENV, logLevel: LOG_LEVEL, simEnv: SIM_ENV, workerProcesses: 1 },
    ceiling: { reps: [], median: NaN },
    ingest: { everysec: { reps: [], median: NaN }, always: { reps: [], median: NaN }, alwaysCostPct: NaN },
    e2e: { ramp: null, steps: [], maxSustained: null, maxSustainedCompletedPerSecond: null, redis: null, redisCpuMicrosPerPair: null, slowlog: null, jobTimes: [] },
    latency: [],
    soak: null,
    memory: null,
    ratios: { ingestOverCeiling: NaN, e2ePairsOverCeiling: null, e2eMosOverCeiling: null },
  };
  say(`simpair benchmark (${results.mode}) on ${machine.nproc} × ${machine.cpuModel}, node ${machine.node}, redis ${machine.redis}`);
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
  say('1, 2, 6, 7. raw SMPP ceiling (simulator → bare ESME), Kannel (simulator → bearerbox → smsbox → HTTP) and durable MO ingest (simulator → gateway → Redis; MO queue paused), alternating');
  const sat = { lowWater: 150, highWater: 300 };
  const moQueue = new Queue(QUEUE.mo, { connection: redis, prefix: QUEUE_PREFIX });
  await moQueue.pause();
  await saturate(rig.simUrl, uniqueMo, { warmupMs: s.warmupMs, measureMs: 300, ...sat }); // warm-up, discarded
  let gw: Proc | null = null;
  let wk: Proc | null = null;
  // 7. Kannel on the same simulator, alternating with the others (bench/kannel.ts).
  const kannel = findKannel();
  results.kannel = kannel ? { version: kannel.version, reps: [], ackMedian: NaN, httpMedian: NaN } : null;
  if (!kannel) say('   kannel   not installed (apt-get install kannel): step 7 skipped');
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

  // 3. End-to-end payments.
  say(`3. end-to-end payments: enrolling ${s.subscribers} subscribers with a device each`);
  await createMerchant(redis);
  await enrol(redis, 0, s.subscribers);
  const watch = new QueueWatch(redis);
  const ctx: E2eContext = {
    rig,
    redis,
    watch,
    procs: { pids: () => ({ redis: rig.redisPid, simulator: rig.sim!.pid, gateway: gateway.pid, worker: worker.pid, bench: process.pid }) },
    subscribers: s.subscribers,
    subscriberBase: 0,
    deviceDelayMs: s.deviceDelayMs,
    failedAttemptsInLogs: () => countFailed([gateway, worker]),
  };
  // Warm-up at a low rate (JIT, script caches), discarded; in --quick the ramp's first second is it.
  if (!args.quick) await runStep(ctx, { label: 'warm-up', rate: 50, seconds: Math.max(1, s.warmupMs / 1000), warmupSeconds: 0, drainTimeoutMs: 20_000 });
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
  if (!step.pass && !args.quick) step = await confirmAt(Math.max(10, Math.round(0.9 * Math.min(step.completedPerSecond, step.offeredRate))));
  // The overload capacity can lie well below what was healthy on the way up (a backlog costs more
  // per pair than it takes to keep none: the simulator walks its waiting list, decisions conflict):
  // then the healthy rate gets a step of its own.
  else if (step.pass && !args.quick && ramp.healthyUpTo > 1.15 * ramp.estimate) step = await confirmAt(Math.round(0.9 * ramp.healthyUpTo));
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
  const lastS = samples[samples.length - 1];
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

  // 7. Scale-out, after every process of the main installation has stopped.
  await rig.stopAll();
  say(`7. scale-out: ${s.scale.workers.join(', ')} workers, one redis-server and a 3-master cluster, a fresh installation each`);
  results.scaleOut = await runScaleOut({ logLevel: LOG_LEVEL, roleEnv: ROLE_ENV, simEnv: SIM_ENV, keepLogs: false }, s.scale, say, (r) => {
    scaleRig = r;
  });

  results.durationSeconds = round((Date.now() - started) / 1000);
  finish(results, args);
}

function countFailed(procs: Proc[]): number {
  let n = 0;
  for (const p of procs) n += (p.log().match(/attempt failed/g) ?? []).length;
  return n;
}

const mib = (kib: number | null): number | null => (kib === null ? null : round(kib / 1024, 1));

function finish(results: Results, args: Args): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(path.join(RESULTS_DIR, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  printTable(results, (line) => process.stdout.write(`${line}\n`));
  if (args.markdown) writeFileSync(path.join(ROOT, 'BENCHMARKS.md'), renderMarkdown(results, readProfile()));
  say(`wrote bench/results/latest.json${args.markdown ? ' and BENCHMARKS.md' : ''} (${results.durationSeconds} s)`);
  const missed = targetsOf(results).filter((t) => t.met === false);
  if (missed.length) say(`targets missed: ${missed.map((t) => t.name).join('; ')}`);
}

export interface ProfileResults {
  startedAt: string;
  rate: number;
  seconds: number;
  machine: ReturnType<typeof machineFacts>;
  code: ReturnType<typeof codeVersion>;
  step: StepResult;
  cpuPct: Record<string, number>;
  redis: PerPair;
  redisCpuMicrosPerPair: number | null;
  roundTrips: RoundTrips;
  jobTimes: JobTimes[];
  slowlog: { count: number; top: Array<{ micros: number; command: string }> };
  profiles: Record<string, ProfileSummary | null>;
}

function readProfile(): ProfileResults | null {
  try {
    return JSON.parse(readFileSync(path.join(RESULTS_DIR, 'profile.json'), 'utf8')) as ProfileResults;
  } catch {
    return null;
  }
}

function readLatest(): Results | null {
  try {
    return JSON.parse(readFileSync(path.join(RESULTS_DIR, 'latest.json'), 'utf8')) as Results;
  } catch {
    return null;
  }
}

/** --profile: gateway and worker under --cpu-prof at a fixed load, plus Redis round trips (MONITOR). */
async function profileRun(rig: Rig, s: Settings, args: Args): Promise<void> {
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
  const ctx: E2eContext = {
    rig,
    redis,
    watch,
    procs: { pids: () => ({ redis: rig.redisPid, simulator: rig.sim!.pid, gateway: gateway.pid, worker: worker.pid, bench: process.pid }) },
    subscribers: s.subscribers,
    subscriberBase: 0,
    deviceDelayMs: s.deviceDelayMs,
    failedAttemptsInLogs: () => countFailed([gateway, worker]),
  };
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

main().then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write(`bench: ${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);
