// Load generation and measurement against the simulator's HTTP API. Everything timed here is timed
// by the simulator's clock (MO acknowledgement times, submit log), so the bench process's own
// scheduling noise does not enter latency figures.
import type { Redis } from 'ioredis';
import { Queue } from 'bullmq';
import { createKeys } from '../src/store/keys';
import { registerScripts } from '../src/store/scripts';
import { EnrolmentStore } from '../src/store/enrolment';
import { MerchantStore } from '../src/store/merchants';
import { QUEUE } from '../src/queues';
import { mosInJob } from '../src/gateway/mo-group-commit';
import { formatAmount } from '../src/domain/money';
import { http, sleep } from './rig';

export const KEY_PREFIX = 'sp';
export const QUEUE_PREFIX = '{simpair}';
export const MERCHANT = 'SHOP42';
const OPENING_BALANCE_MINOR = 1_000_000_00;

export const mainOf = (i: number): string => `2547${String(i).padStart(8, '0')}`;
export const deviceOf = (i: number): string => `2541${String(i).padStart(8, '0')}`;

export type Counters = Record<string, number>;

export function counters(simUrl: string): Promise<Counters> {
  return http<Counters>('GET', `${simUrl}/counters`);
}

export async function resetSim(simUrl: string): Promise<void> {
  await http('POST', `${simUrl}/reset`);
}

interface MoIn {
  from: string;
  text: string;
}

/** POST /mo/batch {wait:false}: the simulator queues them for delivery and answers with ids. */
export async function inject(simUrl: string, messages: MoIn[]): Promise<string[]> {
  if (messages.length === 0) return [];
  const r = await http<{ ids: string[] }>('POST', `${simUrl}/mo/batch`, { messages, wait: false });
  return r.ids;
}

/** Enrols subscribers [from, from+count) with one bound device each, straight into Redis. */
export async function enrol(redis: Redis, from: number, count: number, concurrency = 400): Promise<number> {
  const store = new EnrolmentStore(redis, createKeys(KEY_PREFIX), registerScripts(redis));
  const t0 = Date.now();
  let next = from;
  const end = from + count;
  const now = Date.now();
  const lane = async (): Promise<void> => {
    while (next < end) {
      const i = next++;
      await store.createSubscriber({ msisdn: mainOf(i), balanceMinor: OPENING_BALANCE_MINOR }, now);
      await store.bindDevice(mainOf(i), { msisdn: deviceOf(i) }, now);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return (Date.now() - t0) / 1000;
}

export async function createMerchant(redis: Redis): Promise<void> {
  await new MerchantStore(redis, createKeys(KEY_PREFIX), registerScripts(redis)).create({ code: MERCHANT, name: 'Corner Shop' }, Date.now());
}

// ---------------------------------------------------------------------------------------------
// Saturation (steps 1 and 2): the simulator always has more MOs waiting than the ESME's window can
// take, and the rate is mo_acked over a fixed window. The backlog is topped up in small batches and
// kept just above the simulator's delivery window: its delivery pump walks the whole waiting list on
// every response (smsc-sim/delivery.ts), so a large backlog would measure that walk, not SMPP.

export interface SaturationResult {
  offered: number;
  acked: number;
  ratePerSecond: number;
  seconds: number;
  tempErrors: number;
  permErrors: number;
  timeouts: number;
  /** Times the backlog was found empty during the measured window (offer did not keep up). */
  starved: number;
  /** Growth per second of `sideCounter` over the same window (e.g. HTTP requests Kannel made). */
  sideRatePerSecond?: number;
}

export interface SaturationOptions {
  warmupMs: number;
  measureMs: number;
  /** Backlog (offered - acknowledged) kept between these bounds. */
  lowWater: number;
  highWater: number;
  /** Another counter read at the window's edges (what the ESME passed on, beyond acknowledging). */
  sideCounter?: () => Promise<number>;
}

export async function saturate(simUrl: string, message: (i: number) => MoIn, o: SaturationOptions): Promise<SaturationResult> {
  await resetSim(simUrl);
  let offered = 0;
  let starved = 0;
  const t0 = Date.now();
  let start: { t: number; acked: number; side?: number } | null = null;
  let end: { t: number; acked: number; side?: number } | null = null;
  for (;;) {
    const c = await counters(simUrl);
    const now = Date.now();
    const done = c.mo_acked + c.mo_perm_errors;
    if (!start && now - t0 >= o.warmupMs) start = { t: now, acked: c.mo_acked, side: await o.sideCounter?.() };
    if (start && now - start.t >= o.measureMs) {
      end = { t: now, acked: c.mo_acked, side: await o.sideCounter?.() };
      break;
    }
    const backlog = offered - done;
    if (start && backlog <= 0) starved++;
    if (backlog < o.lowWater) {
      const batch: MoIn[] = [];
      for (let n = o.highWater - backlog; n > 0; n--) batch.push(message(offered++));
      await inject(simUrl, batch);
    } else {
      await sleep(2);
    }
  }
  const c = await counters(simUrl);
  const seconds = (end.t - start!.t) / 1000;
  return {
    offered,
    acked: c.mo_acked,
    ratePerSecond: (end.acked - start!.acked) / seconds,
    seconds,
    tempErrors: c.mo_temp_errors,
    permErrors: c.mo_perm_errors,
    timeouts: c.mo_timeouts,
    starved,
    ...(start!.side !== undefined && end.side !== undefined ? { sideRatePerSecond: (end.side - start!.side) / seconds } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Open-loop payment pairs (steps 3, 4 and the soak).

export interface Pair {
  k: number;
  sub: number;
  amount: string;
  requestId?: string;
  deviceId?: string;
  /** Bench clock when the halves were handed to the simulator. */
  requestAt?: number;
  deviceAt?: number;
}

export interface OpenLoopOptions {
  /** Pairs that should have been requested `t` seconds after the start (the offered load curve). */
  cumulative: (t: number) => number;
  seconds: number;
  subscribers: number;
  /** First subscriber index of the population this load uses. */
  subscriberBase: number;
  /** The device half follows its request after this long (the user reaches for the device). */
  deviceDelayMs: number;
  tickMs: number;
  /** Called about once a second while offering; returning true ends the offer early. */
  /** Every second: elapsed seconds and MOs injected so far; answering true stops new requests. */
  onSecond?: (elapsedS: number, injected: number) => Promise<boolean | void> | boolean | void;
}

export const constantRate = (rate: number) => (t: number): number => rate * t;
/** Linear ramp from r0 to r1 pairs/s over T seconds. */
export const rampRate = (r0: number, r1: number, T: number) => (t: number): number => r0 * t + ((r1 - r0) * t * t) / (2 * T);

/** Global pair counter: every pair of the whole run has its own (subscriber, amount). */
let pairCounter = 0;

export interface OfferResult {
  pairs: Pair[];
  startedAt: number;
  endedAt: number;
  stoppedEarly: boolean;
  lateTicks: number;
  maxTickLagMs: number;
}

/**
 * Offers pairs along `cumulative` for `seconds`, open loop: each tick sends whatever the clock says is
 * due (requests of new pairs, device halves of pairs whose request went out deviceDelayMs ago),
 * whether or not earlier messages have been answered.
 */
export async function offerPairs(simUrl: string, o: OpenLoopOptions): Promise<OfferResult> {
  const pairs: Pair[] = [];
  const startedAt = Date.now();
  let requested = 0;
  let devicesSent = 0;
  let lateTicks = 0;
  let maxTickLagMs = 0;
  let nextSecond = 1;
  let stopRequests = false;
  let stoppedEarly = false;
  // floor, as for wantRequested below: with round, a total ending in .5 or more is never reached.
  const total = Math.floor(o.cumulative(o.seconds));
  for (let tick = 0; ; tick++) {
    const due = startedAt + tick * o.tickMs;
    const lag = Date.now() - due;
    if (lag < 0) await sleep(-lag);
    else if (lag > o.tickMs) lateTicks++;
    maxTickLagMs = Math.max(maxTickLagMs, lag);
    const now = Date.now();
    const elapsed = now - startedAt;
    const msgs: MoIn[] = [];
    const kinds: Array<{ pair: Pair; half: 'request' | 'device' }> = [];
    const wantRequested = stopRequests ? requested : Math.min(total, Math.floor(o.cumulative(Math.min(o.seconds, elapsed / 1000))));
    for (; requested < wantRequested; requested++) {
      const k = pairCounter++;
      const sub = o.subscriberBase + (k % o.subscribers);
      const round = Math.floor(k / o.subscribers);
      const pair: Pair = { k, sub, amount: formatAmount(100 + round, 2) };
      pairs.push(pair);
      msgs.push({ from: mainOf(sub), text: `PAY ${pair.amount} ${MERCHANT}` });
      kinds.push({ pair, half: 'request' });
    }
    for (; devicesSent < pairs.length && (pairs[devicesSent].requestAt ?? Infinity) + o.deviceDelayMs <= now; devicesSent++) {
      const pair = pairs[devicesSent];
      msgs.push({ from: deviceOf(pair.sub), text: `PAY ${pair.amount} ${MERCHANT}` });
      kinds.push({ pair, half: 'device' });
    }
    if (msgs.length) {
      const ids = await inject(simUrl, msgs);
      const at = Date.now();
      ids.forEach((id, i) => {
        const { pair, half } = kinds[i];
        if (half === 'request') {
          pair.requestId = id;
          pair.requestAt = at;
        } else {
          pair.deviceId = id;
          pair.deviceAt = at;
        }
      });
    }
    if (o.onSecond && elapsed >= nextSecond * 1000) {
      nextSecond = Math.floor(elapsed / 1000) + 1;
      if ((await o.onSecond(elapsed / 1000, requested + devicesSent)) === true && !stopRequests) {
        stopRequests = true;
        stoppedEarly = true;
      }
    }
    if ((requested >= total || stopRequests) && devicesSent >= pairs.length) break;
  }
  return { pairs, startedAt, endedAt: Date.now(), stoppedEarly, lateTicks, maxTickLagMs };
}

export interface SubmitEntry {
  messageId: string | null;
  to: string;
  textPart: string;
  status: number;
  receipt: null | 'pending' | 'acked' | 'failed';
  at: string;
}

export interface MoRecordView {
  id: string;
  from: string;
  text: string;
  state: 'pending' | 'acked' | 'failed';
  statuses: Array<{ status: number | null; at: string; duplicate: boolean }>;
}

const PAID = /^Paid (\d+\.\d\d) /;
const CONFIRMED = /^Confirmed: (\d+\.\d\d) /;

export interface PairOutcome {
  pair: Pair;
  /** Sim clock (ms) of the main SIM's "Paid" submit_sm and of the device confirmation submit_sm. */
  paidAt?: number;
  confirmedAt?: number;
  /** Both receipts delivered to the handsets (delivery receipt acknowledged by simpair). */
  delivered: boolean;
}

/** Matches the submit log to the pairs: by (main, amount) for "Paid", (device, amount) for "Confirmed". */
export function matchSubmits(pairs: Pair[], submits: SubmitEntry[]): PairOutcome[] {
  const paid = new Map<string, SubmitEntry>();
  const confirmed = new Map<string, SubmitEntry>();
  for (const s of submits) {
    if (s.status !== 0) continue;
    let m = PAID.exec(s.textPart);
    if (m) {
      const key = `${s.to}|${m[1]}`;
      if (!paid.has(key)) paid.set(key, s);
      continue;
    }
    m = CONFIRMED.exec(s.textPart);
    if (m) {
      const key = `${s.to}|${m[1]}`;
      if (!confirmed.has(key)) confirmed.set(key, s);
    }
  }
  return pairs.map((pair) => {
    const p = paid.get(`${mainOf(pair.sub)}|${pair.amount}`);
    const c = confirmed.get(`${deviceOf(pair.sub)}|${pair.amount}`);
    return {
      pair,
      paidAt: p ? Date.parse(p.at) : undefined,
      confirmedAt: c ? Date.parse(c.at) : undefined,
      delivered: p?.receipt === 'acked' && c?.receipt === 'acked',
    };
  });
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

export function median(xs: number[]): number {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

// ---------------------------------------------------------------------------------------------
// Queue depth and BullMQ events (stalled / failed), read from Redis.

export class QueueWatch {
  readonly queues: Record<string, Queue>;
  private readonly lastIds: Record<string, string> = {};
  stalled = 0;
  failedEvents = 0;
  gaps = 0;

  constructor(private readonly redis: Redis) {
    this.queues = Object.fromEntries(
      (Object.values(QUEUE) as string[]).map((name) => [name, new Queue(name, { connection: redis, prefix: QUEUE_PREFIX })]),
    );
  }

  /**
   * Waiting (wait + prioritized + paused), active and delayed per queue (a cheap pipeline of
   * LLEN/ZCARD), in jobs; for the MO queue also `mosWaiting`, the MOs in the waiting jobs (a job of
   * a group commit holds several; its id says how many).
   */
  async depths(): Promise<Record<string, { waiting: number; active: number; delayed: number; mosWaiting?: number }>> {
    const p = this.redis.pipeline();
    const names = Object.keys(this.queues);
    p.lrange(`${QUEUE_PREFIX}:${QUEUE.mo}:wait`, 0, -1);
    for (const n of names) {
      p.llen(`${QUEUE_PREFIX}:${n}:wait`);
      p.llen(`${QUEUE_PREFIX}:${n}:active`);
      p.zcard(`${QUEUE_PREFIX}:${n}:delayed`);
      p.zcard(`${QUEUE_PREFIX}:${n}:prioritized`);
      p.llen(`${QUEUE_PREFIX}:${n}:paused`);
    }
    const [moIds, ...res] = (await p.exec()) ?? [];
    const out: Record<string, { waiting: number; active: number; delayed: number; mosWaiting?: number }> = {};
    names.forEach((n, i) => {
      const v = (j: number): number => Number(res[i * 5 + j]?.[1] ?? 0);
      out[n] = { waiting: v(0) + v(3) + v(4), active: v(1), delayed: v(2) };
    });
    out[QUEUE.mo].mosWaiting = ((moIds?.[1] as string[] | undefined) ?? []).reduce((a, id) => a + mosInJob(id), 0);
    return out;
  }

  async failedCounts(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const [n, q] of Object.entries(this.queues)) out[n] = (await q.getJobCounts('failed')).failed;
    return out;
  }

  /** Starts (or restarts) event counting from now. */
  async mark(): Promise<void> {
    for (const n of Object.keys(this.queues)) {
      const last = await this.redis.xrevrange(`${QUEUE_PREFIX}:${n}:events`, '+', '-', 'COUNT', 1);
      this.lastIds[n] = last[0]?.[0] ?? '0-0';
    }
    this.stalled = 0;
    this.failedEvents = 0;
    this.gaps = 0;
  }

  /**
   * Counts stalled/failed events since the last poll, reading the queues' event streams in chunks
   * of 1,000 (each XRANGE keeps Redis busy well under a millisecond; a server-side scan of a
   * second's events would stall it for ~10 ms and show up in the latency being measured).
   */
  async poll(): Promise<void> {
    for (const n of Object.keys(this.queues)) {
      const key = `${QUEUE_PREFIX}:${n}:events`;
      const from = this.lastIds[n] ?? '0-0';
      if (from !== '0-0') {
        const first = await this.redis.xrange(key, '-', '+', 'COUNT', 1);
        if (first[0] && compareIds(first[0][0], from) > 0) this.gaps++;
      }
      let last = from;
      for (;;) {
        const entries = await this.redis.xrange(key, `(${last}`, '+', 'COUNT', 1000);
        for (const [id, fields] of entries) {
          last = id;
          for (let i = 0; i + 1 < fields.length; i += 2) {
            if (fields[i] !== 'event') continue;
            if (fields[i + 1] === 'stalled') this.stalled++;
            else if (fields[i + 1] === 'failed' || fields[i + 1] === 'retries-exhausted') this.failedEvents++;
          }
        }
        if (entries.length < 1000) break;
      }
      this.lastIds[n] = last;
    }
  }

  async close(): Promise<void> {
    await Promise.all(Object.values(this.queues).map((q) => q.close()));
  }
}

function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(Number);
  const [bm, bs] = b.split('-').map(Number);
  return am !== bm ? am - bm : as - bs;
}
