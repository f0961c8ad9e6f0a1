// End-to-end payment measurements (steps 3 and 4, and the soak): open-loop offers, drain, and the
// accounting of each pair from the simulator's own records.
import os from 'node:os';
import type { Redis } from 'ioredis';
import { CpuMeter, http, sleep, type Proc, type Rig } from './rig';
import { countFailed } from './say';
import { MachineCpu } from './machine';
import {
  counters,
  matchSubmits,
  median,
  offerPairs,
  percentile,
  QueueWatch,
  resetSim,
  type MoRecordView,
  type OfferResult,
  type OpenLoopOptions,
  type PairOutcome,
  type SubmitEntry,
} from './load';

/** The load generator's tick: MOs due are handed to the simulator every 20 ms (50 small batches a second). */
export const TICK_MS = 20;

export interface LatencyFigures {
  pairs: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Same, but from the simulator's injection of the second half (includes its queueing). */
  fromInjectionP99: number;
}

export interface StepResult {
  label: string;
  offeredRate: number;
  seconds: number;
  pairs: number;
  completed: number;
  delivered: number;
  /** Completed pairs per second inside the measurement window (warm-up excluded), simulator clock. */
  completedPerSecond: number;
  /** How long after the offer ended the last pair completed (ms); null if some never did. */
  tailMs: number | null;
  maxMoBacklog: number;
  moBacklogLastQuarter: number;
  latency: LatencyFigures;
  cpuPct: Record<string, number>;
  machine: { busyPct: number; stealPct: number };
  /** CPU used by processes that are not part of the run (other tenants), % of one core. */
  otherLoadPct: number;
  /** Redis forks during the step (AOF rewrites: a forked child rewriting the whole dataset competes for the CPUs). */
  redisForks: number;
  /** Bytes appended to the AOF per completed pair (growth of aof_current_size, rewrites excluded). */
  aofBytesPerPair: number | null;
  stalledJobs: number;
  failedJobEvents: number;
  eventGaps: number;
  pass: boolean;
  why: string[];
}

export interface Processes {
  pids(): Record<string, number>;
}

export interface E2eContext {
  rig: Rig;
  redis: Redis;
  watch: QueueWatch;
  procs: Processes;
  subscribers: number;
  subscriberBase: number;
  deviceDelayMs: number;
  /** Counts "attempt failed" lines in the roles' logs (failed job attempts, retried or not). */
  failedAttemptsInLogs(): number;
}

/** The context of the main installation: one gateway and one worker on the rig's Redis and simulator. */
export function installationContext(rig: Rig, redis: Redis, watch: QueueWatch, roles: { gateway: Proc; worker: Proc }, s: { subscribers: number; deviceDelayMs: number }): E2eContext {
  const { gateway, worker } = roles;
  return {
    rig,
    redis,
    watch,
    procs: { pids: () => ({ redis: rig.redisPid, simulator: rig.sim!.pid, gateway: gateway.pid, worker: worker.pid, bench: process.pid }) },
    subscribers: s.subscribers,
    subscriberBase: 0,
    deviceDelayMs: s.deviceDelayMs,
    failedAttemptsInLogs: () => countFailed([gateway, worker]),
  };
}

/** Waits until the simulator has nothing pending and the MO/MT/DLR queues are empty. */
export async function drain(ctx: E2eContext, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let quietSince = 0;
  for (;;) {
    const d = await ctx.watch.depths();
    const c = await counters(ctx.rig.simUrl);
    const busy = Object.values(d).reduce((a, q) => a + q.waiting + q.active, 0);
    // Every accepted submit_sm gets a receipt (simpair asks for them) after the simulator's delivery
    // delay; the receipt must also have been answered.
    const simBusy = c.submits_accepted - c.receipts_sent + (c.receipts_sent - c.receipts_acked - c.receipts_perm_errors);
    if (busy === 0 && simBusy <= 0) {
      if (!quietSince) quietSince = Date.now();
      if (Date.now() - quietSince >= 150) return true;
    } else {
      quietSince = 0;
    }
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
}

export interface Accounting {
  outcomes: PairOutcome[];
  /** MO id → simulator time (ms) of the ESME's ESME_ROK answer, and of the injection. */
  ackAt: Map<string, number>;
  createdAt: Map<string, number>;
}

export async function account(ctx: E2eContext, offer: OfferResult): Promise<Accounting> {
  const [submits, mos] = await Promise.all([
    http<SubmitEntry[]>('GET', `${ctx.rig.simUrl}/submits`),
    http<MoRecordView[]>('GET', `${ctx.rig.simUrl}/mo`),
  ]);
  const ackAt = new Map<string, number>();
  const createdAt = new Map<string, number>();
  for (const m of mos) {
    const ok = m.statuses.find((s) => s.status === 0 && !s.duplicate);
    if (ok) ackAt.set(m.id, Date.parse(ok.at));
    createdAt.set(m.id, Date.parse((m as unknown as { createdAt: string }).createdAt));
  }
  return { outcomes: matchSubmits(offer.pairs, submits), ackAt, createdAt };
}

/** Second half's deliver_sm (its ESME_ROK answer) → main SIM's "Paid" submit_sm, simulator clock. */
export function latencyOf(acc: Accounting, outcomes: PairOutcome[]): LatencyFigures {
  const lat: number[] = [];
  const fromInjection: number[] = [];
  for (const o of outcomes) {
    if (o.paidAt === undefined) continue;
    const r = acc.ackAt.get(o.pair.requestId ?? '');
    const d = acc.ackAt.get(o.pair.deviceId ?? '');
    if (r === undefined || d === undefined) continue;
    const secondIsDevice = d >= r;
    lat.push(o.paidAt - Math.max(r, d));
    const injected = acc.createdAt.get((secondIsDevice ? o.pair.deviceId : o.pair.requestId) ?? '');
    if (injected !== undefined) fromInjection.push(o.paidAt - injected);
  }
  lat.sort((a, b) => a - b);
  fromInjection.sort((a, b) => a - b);
  return {
    pairs: lat.length,
    p50: percentile(lat, 50),
    p95: percentile(lat, 95),
    p99: percentile(lat, 99),
    max: lat[lat.length - 1] ?? NaN,
    fromInjectionP99: percentile(fromInjection, 99),
  };
}

export interface StepOptions {
  label: string;
  rate: number;
  seconds: number;
  warmupSeconds: number;
  drainTimeoutMs: number;
  /** Called every second while offering, after the step's own sampling. */
  onSecond?: (elapsedS: number) => Promise<void> | void;
}

/** One constant-rate step: offer, sample, drain, account, judge. */
export async function runStep(ctx: E2eContext, o: StepOptions): Promise<StepResult> {
  await resetSim(ctx.rig.simUrl);
  await ctx.watch.mark();
  const failedLogsBefore = ctx.failedAttemptsInLogs();
  const cpu = new CpuMeter();
  const machine = new MachineCpu();
  const backlog: Array<{ t: number; mo: number }> = [];
  const forksBefore = await forks(ctx.redis);
  const aof = new AofGrowth(ctx.redis);
  await aof.sample();
  cpu.begin(ctx.procs.pids());
  machine.begin();
  const offer = await offerPairs(ctx.rig.simUrl, {
    cumulative: (t) => o.rate * t,
    seconds: o.seconds,
    subscribers: ctx.subscribers,
    subscriberBase: ctx.subscriberBase,
    deviceDelayMs: ctx.deviceDelayMs,
    tickMs: TICK_MS,
    onSecond: async (t) => {
      const d = await ctx.watch.depths();
      backlog.push({ t, mo: d.mo.mosWaiting ?? d.mo.waiting });
      await ctx.watch.poll();
      await aof.sample();
      await o.onSecond?.(t);
    },
  } satisfies OpenLoopOptions);
  const cpuPct = cpu.end();
  const machinePct = machine.end();
  const redisForks = (await forks(ctx.redis)) - forksBefore;
  await aof.sample();
  const drained = await drain(ctx, o.drainTimeoutMs);
  await ctx.watch.poll();
  const acc = await account(ctx, offer);
  const done = acc.outcomes.filter((x) => x.paidAt !== undefined && x.confirmedAt !== undefined);
  const doneAt = (x: PairOutcome): number => Math.max(x.paidAt!, x.confirmedAt!);
  const windowStart = offer.startedAt + o.warmupSeconds * 1000;
  const windowEnd = offer.endedAt;
  const inWindow = done.filter((x) => doneAt(x) >= windowStart && doneAt(x) <= windowEnd).length;
  const completedPerSecond = inWindow / ((windowEnd - windowStart) / 1000);
  const tailMs = done.length === offer.pairs.length && done.length > 0 ? Math.max(...done.map(doneAt)) - offer.endedAt : null;
  const lastQuarter = backlog.filter((b) => b.t >= o.seconds * 0.75).map((b) => b.mo);
  const measured = acc.outcomes.filter((x) => (x.pair.requestAt ?? 0) >= windowStart);
  const latency = latencyOf(acc, measured);
  const failedAttempts = ctx.failedAttemptsInLogs() - failedLogsBefore;
  const why: string[] = [];
  if (!drained) why.push('queues did not drain within the timeout');
  if (done.length < offer.pairs.length) why.push(`${offer.pairs.length - done.length} of ${offer.pairs.length} pairs not completed`);
  if (completedPerSecond < 0.95 * o.rate) why.push(`completions ${completedPerSecond.toFixed(0)}/s < 95 % of offered ${o.rate}/s`);
  if (tailMs !== null && tailMs > 5000) why.push(`last pair completed ${(tailMs / 1000).toFixed(1)} s after the offer ended`);
  if (median(lastQuarter) > o.rate) why.push(`MO queue still growing (median ${median(lastQuarter)} waiting in the last quarter)`);
  if (offer.maxTickLagMs > 250) why.push(`load generator fell behind (a tick ${offer.maxTickLagMs} ms late)`);
  const delivered = acc.outcomes.filter((x) => x.delivered).length;
  return {
    label: o.label,
    offeredRate: o.rate,
    seconds: Math.round((offer.endedAt - offer.startedAt) / 100) / 10,
    pairs: offer.pairs.length,
    completed: done.length,
    delivered,
    completedPerSecond: Math.round(completedPerSecond * 10) / 10,
    tailMs,
    maxMoBacklog: Math.max(0, ...backlog.map((b) => b.mo)),
    moBacklogLastQuarter: median(lastQuarter),
    latency,
    cpuPct,
    machine: machinePct,
    otherLoadPct: otherLoad(machinePct.busyPct, cpuPct),
    redisForks,
    aofBytesPerPair: aof.bytes > 0 && offer.pairs.length ? Math.round(aof.bytes / offer.pairs.length) : null,
    stalledJobs: ctx.watch.stalled,
    failedJobEvents: ctx.watch.failedEvents + failedAttempts,
    eventGaps: ctx.watch.gaps,
    pass: why.length === 0,
    why,
  };
}

/** A second of requests counts as healthy when its pairs completed within this (p90, device half → later receipt). */
export const HEALTHY_P90_MS = 250;

/** Sums the growth of the AOF between samples; a drop (a rewrite finished) starts a new base. */
class AofGrowth {
  bytes = 0;
  private last: number | null = null;
  constructor(private readonly redis: Redis) {}
  async sample(): Promise<void> {
    const size = Number(/^aof_current_size:(\d+)/m.exec(await this.redis.info('persistence'))?.[1] ?? NaN);
    if (!Number.isFinite(size)) return;
    if (this.last !== null && size >= this.last) this.bytes += size - this.last;
    this.last = size;
  }
}

async function forks(redis: Redis): Promise<number> {
  return Number(/^total_forks:(\d+)/m.exec(await redis.info('stats'))?.[1] ?? 0);
}

/** Machine busy share (all cores = 100 %) minus what the run's processes used, in % of one core. */
export function otherLoad(busyPct: number, ours: Record<string, number>): number {
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  return Math.max(0, Math.round(busyPct * cores - Object.values(ours).reduce((a, b) => a + b, 0)));
}

export interface RampResult {
  from: number;
  growthPerSecond: number;
  seconds: number;
  stoppedEarly: boolean;
  buckets: Array<{ second: number; offered: number; completed: number; p90Ms: number | null; healthy: boolean }>;
  /** Highest offered rate (pairs/s) of a healthy second before the first unhealthy one. */
  healthyUpTo: number;
  /** Completions per second (median of whole seconds) while the ramp's backlog drained: the capacity under overload. */
  overloadCapacity: number | null;
  /** What the sustained step is tried at: the lower of healthyUpTo and 80 % of the overload capacity. */
  estimate: number;
  /** Highest rate offered in any full second of the ramp. */
  peak: number;
}

/**
 * Exponential ramp (rate × growth each second) until the MO or the reply queue holds more than a
 * second of work `stopAfter` seconds in a row; the estimate is the last second whose pairs all completed promptly.
 */
export async function runRamp(ctx: E2eContext, o: { from: number; growth: number; maxSeconds: number; stopAfter: number; drainTimeoutMs: number }): Promise<RampResult> {
  await resetSim(ctx.rig.simUrl);
  const lnG = Math.log(o.growth);
  const rateAt = (t: number): number => o.from * Math.pow(o.growth, t);
  let over = 0;
  const offer = await offerPairs(ctx.rig.simUrl, {
    cumulative: (t) => (o.from * (Math.pow(o.growth, t) - 1)) / lnG,
    seconds: o.maxSeconds,
    subscribers: ctx.subscribers,
    subscriberBase: ctx.subscriberBase,
    deviceDelayMs: ctx.deviceDelayMs,
    tickMs: TICK_MS,
    onSecond: async (t, injected) => {
      // The backlog may build in any queue: MOs the SMSC has not had acknowledged yet (the gateway's
      // intake is behind), MOs queued (counted in MOs), or replies queued (in jobs).
      const d = await ctx.watch.depths();
      const atSmsc = injected - (await counters(ctx.rig.simUrl)).mo_acked;
      const limit = Math.max(200, rateAt(t));
      over = atSmsc > limit || (d.mo.mosWaiting ?? d.mo.waiting) > limit || d.mt.waiting > limit ? over + 1 : 0;
      return over >= o.stopAfter;
    },
  });
  await drain(ctx, o.drainTimeoutMs);
  const acc = await account(ctx, offer);
  const seconds = Math.ceil((offer.endedAt - offer.startedAt) / 1000);
  const buckets: RampResult['buckets'] = [];
  for (let s = 0; s < seconds; s++) {
    const from = offer.startedAt + s * 1000;
    const inBucket = acc.outcomes.filter((x) => x.pair.requestAt !== undefined && x.pair.requestAt >= from && x.pair.requestAt < from + 1000);
    if (inBucket.length === 0) continue;
    const lat = inBucket
      .filter((x) => x.paidAt !== undefined && x.confirmedAt !== undefined && x.pair.deviceAt !== undefined)
      .map((x) => Math.max(x.paidAt!, x.confirmedAt!) - x.pair.deviceAt!)
      .sort((a, b) => a - b);
    buckets.push({ second: s, offered: inBucket.length, completed: lat.length, p90Ms: lat.length ? percentile(lat, 90) : null, healthy: false });
  }
  // The last second is partial when the ramp stopped early: it says nothing about a rate.
  if (offer.stoppedEarly && buckets.length > 1) buckets.pop();
  let healthyUpTo = 0;
  for (const b of buckets) {
    b.healthy = b.completed === b.offered && b.p90Ms !== null && b.p90Ms <= HEALTHY_P90_MS;
    if (!b.healthy) break;
    healthyUpTo = b.offered;
  }
  // While a backlog exists the system completes pairs as fast as it can: count completions in every
  // whole second that starts with a backlog and still has one at its end (offering or draining).
  const doneTimes = acc.outcomes
    .filter((x) => x.paidAt !== undefined && x.confirmedAt !== undefined)
    .map((x) => Math.max(x.paidAt!, x.confirmedAt!))
    .sort((a, b) => a - b);
  const sentTimes = offer.pairs.map((p) => p.deviceAt ?? Infinity).sort((a, b) => a - b);
  const countUpTo = (xs: number[], t: number): number => {
    let lo = 0;
    let hi = xs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (xs[mid] <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const peakRate = Math.max(1, ...buckets.map((b) => b.offered));
  const overloaded: number[] = [];
  const end = doneTimes[doneTimes.length - 1] ?? offer.endedAt;
  for (let t = offer.startedAt; t + 1000 <= end; t += 250) {
    const backlogAt = (x: number): number => countUpTo(sentTimes, x) - countUpTo(doneTimes, x);
    if (backlogAt(t) >= Math.max(50, 0.25 * peakRate) && backlogAt(t + 1000) > 0) {
      overloaded.push(countUpTo(doneTimes, t + 1000) - countUpTo(doneTimes, t));
    }
  }
  const overloadCapacity = overloaded.length >= 4 ? median(overloaded) : null;
  // Both overstate what can be sustained (a one-second burst is absorbed by the queues; a draining
  // system takes no new MOs), so the step is tried at the lower of the two, the capacity less 20 %.
  const candidates = [healthyUpTo, ...(overloadCapacity !== null ? [Math.round(overloadCapacity * 0.8)] : [])].filter((x) => x > 0);
  const estimate = Math.max(10, Math.min(...(candidates.length ? candidates : [o.from])));
  const peak = Math.max(0, ...buckets.map((b) => b.offered));
  return { from: o.from, growthPerSecond: o.growth, seconds, stoppedEarly: offer.stoppedEarly, buckets, healthyUpTo, overloadCapacity, estimate, peak };
}
