import assert from 'node:assert/strict';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { startSimulatorProcess } from '../../smsc-sim/harness';
import { createKeys } from '../../src/store/keys';
import { registerScripts } from '../../src/store/scripts';
import { EnrolmentStore } from '../../src/store/enrolment';
import { MerchantStore } from '../../src/store/merchants';
import { freePort } from '../../src/store/redis-server';
import { QUEUE } from '../../src/queues';
import { http } from './http';
import { startRedis, startSimpair, type SimpairProcess } from './processes';
import { waitFor } from './wait';
import { settledCheck } from './ledger';
import { LocalRedisCluster } from './redis-cluster';

// A whole simpair installation of separate processes (redis-server, simulator, gateway, workers,
// API), a steady open-loop stream of payment pairs through the simulator, and an accountant that
// counts every message afterwards. Used by the CI-sized fault tests and by scripts/faults.ts.

type Sim = Awaited<ReturnType<typeof startSimulatorProcess>>;

/** The vendor TLV in which the simulator sends its MO message ids (0x1501). */
const SMSC_MESSAGE_ID_TAG = 0x1501;
type Role = 'gateway' | 'worker' | 'api';

export interface StreamOptions {
  pairs: number;
  /** Requests with no device half (they stay pending or expire). */
  unmatched: number;
  /** MOs per second offered, open loop. */
  ratePerSecond: number;
}

export interface Figures {
  scenario: string;
  offered: number;
  acknowledged: number;
  completed: number;
  expectedCompletions: number;
  lostAcknowledged: number;
  doubleDebits: number;
  ledgerImbalance: number;
  duplicateReplies: number;
  givenUpBySmsc: number;
  seconds: number;
}

const ENV_FAST: Record<string, string> = {
  WORKER_LOCK_DURATION_MS: '3000',
  WORKER_STALLED_INTERVAL_MS: '1000',
  SMPP_RECONNECT_BASE_MS: '100',
};

const OPENING_MINOR = 1000_00;
const PREFIX = 'sp';

export interface RigOptions {
  /** Run on a local Redis Cluster instead of one redis-server. */
  cluster?: { masters: number; replicasPerMaster: number };
  /** Gateway processes ('gateway', 'gateway-2', …), each with its own bind; default 1. */
  gateways?: number;
  /** Worker processes ('worker-1', 'worker-2', …); default 2. */
  workers?: number;
}

export class FaultRig {
  /** The single redis-server (not set on a cluster rig). */
  redis!: Awaited<ReturnType<typeof startRedis>>;
  /** The local Redis Cluster (cluster rigs only). */
  cluster: LocalRedisCluster | null = null;
  sim!: Sim;
  client!: Redis;
  readonly processes = new Map<string, SimpairProcess>();
  private smppPort = 0;
  private generation = 0;
  private env: Record<string, string> = {};

  async start(extraEnv: Record<string, string> = {}, opts: RigOptions = {}): Promise<void> {
    let redisEnv: Record<string, string>;
    if (opts.cluster) {
      this.cluster = await LocalRedisCluster.start(opts.cluster);
      this.client = this.cluster.client();
      redisEnv = { REDIS_CLUSTER_NODES: this.cluster.nodesEnv };
    } else {
      this.redis = await startRedis();
      this.client = this.redis.client();
      redisEnv = { REDIS_URL: this.redis.url };
    }
    this.smppPort = await freePort();
    this.sim = await this.startSim();
    this.env = { ...ENV_FAST, ...redisEnv, SMPP_URL: `smpp://127.0.0.1:${this.smppPort}`, SERVICE_NUMBER: '20555', ...extraEnv };
    await this.startRole('api', 'api');
    const workers = Array.from({ length: opts.workers ?? 2 }, (_, i) => `worker-${i + 1}`);
    const gateways = Array.from({ length: opts.gateways ?? 1 }, (_, i) => (i === 0 ? 'gateway' : `gateway-${i + 1}`));
    await Promise.all(workers.map((w) => this.startRole(w, 'worker')));
    await Promise.all(gateways.map((g) => this.startRole(g, 'gateway')));
    await waitFor('every gateway bound', async () => {
      const r = await http<{ connections?: Array<{ gateway: string; canTransmit: boolean }> }>('GET', `${this.baseUrl}/readyz`);
      return r.status === 200 && new Set((r.body.connections ?? []).filter((c) => c.canTransmit).map((c) => c.gateway)).size >= gateways.length;
    }, 20_000);
    await new MerchantStore(this.client, createKeys(PREFIX), registerScripts(this.client)).create({ code: 'SHOP42', name: 'Corner Shop' }, Date.now());
  }

  startSim(): Promise<Sim> {
    // Every MO carries the SMSC's own message id (as real SMSCs that duplicate deliver_sm do); the
    // gateway reads it only where a scenario configures SMPP_MESSAGE_ID_TLV_TAG (withSmscMessageIds),
    // so the other scenarios exercise identity by content and evidence.
    return startSimulatorProcess({
      env: { SIM_SMPP_PORT: String(this.smppPort), SIM_DELIVERY_RECEIPT_DELAY_MS: '20', SIM_REDELIVERY_DELAY_MS: '500', SIM_REDELIVERY_MAX_ATTEMPTS: '200', SIM_MO_MESSAGE_ID_TLV_TAG: String(SMSC_MESSAGE_ID_TAG) },
    });
  }

  get baseUrl(): string {
    return this.processes.get('api')!.baseUrl;
  }

  /** Restarts the gateway gracefully reading the SMSC's MO message ids (until its next restart). */
  async withSmscMessageIds(): Promise<void> {
    await this.processes.get('gateway')!.stop();
    await this.startRole('gateway', 'gateway', { SMPP_MESSAGE_ID_TLV_TAG: String(SMSC_MESSAGE_ID_TAG) });
    await waitFor('the gateway bound', async () => (await http('GET', `${this.baseUrl}/readyz`)).status === 200, 20_000);
  }

  async startRole(name: string, role: Role, extraEnv: Record<string, string> = {}): Promise<SimpairProcess> {
    const p = await startSimpair({ ...this.env, ...extraEnv, GATEWAY_NAME: name }, role);
    this.processes.set(name, p);
    return p;
  }

  async stop(): Promise<void> {
    for (const p of this.processes.values()) await p.stop();
    await this.sim?.stop();
    this.client?.disconnect();
    await this.redis?.stop();
    await this.cluster?.stop();
  }

  /** Subscribers and devices for one scenario: numbers unique per generation. */
  async enrol(count: number): Promise<Array<{ main: string; device: string }>> {
    const g = ++this.generation;
    const store = new EnrolmentStore(this.client, createKeys(PREFIX), registerScripts(this.client));
    const out: Array<{ main: string; device: string }> = [];
    for (let i = 0; i < count; i++) {
      const main = `2548${String(g).padStart(2, '0')}1${String(i).padStart(5, '0')}`;
      const device = `2548${String(g).padStart(2, '0')}2${String(i).padStart(5, '0')}`;
      await store.createSubscriber({ msisdn: main, balanceMinor: OPENING_MINOR }, Date.now());
      await store.bindDevice(main, { msisdn: device }, Date.now());
      out.push({ main, device });
    }
    return out;
  }

  /**
   * Runs one scenario: a stream of pairs (halves in random order, device halves without code) and
   * unmatched requests at a fixed rate; `fault` is started once a third of the stream is offered and
   * may take as long as it likes; then waits for recovery and counts.
   */
  async scenario(name: string, opts: StreamOptions, fault: () => Promise<void>): Promise<Figures> {
    const started = Date.now();
    await http('POST', `${this.sim.baseUrl}/reset`);
    const people = await this.enrol(opts.pairs + opts.unmatched);
    const mos: Array<{ from: string; text: string; main: string; kind: 'request' | 'device' }> = [];
    people.forEach((p, i) => {
      const text = `PAY ${(i % 50) + 1}.00 SHOP42`;
      const request = { from: p.main, text, main: p.main, kind: 'request' as const };
      if (i >= opts.pairs) return void mos.push(request);
      const device = { from: p.device, text, main: p.main, kind: 'device' as const };
      mos.push(...(Math.random() < 0.5 ? [request, device] : [device, request]));
    });
    const simIds: string[] = [];
    const interval = 1000 / opts.ratePerSecond;
    let faultDone: Promise<void> | null = null;
    const t0 = Date.now();
    for (let i = 0; i < mos.length; i++) {
      const due = t0 + i * interval;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      if (!faultDone && i >= mos.length / 3) faultDone = fault();
      const r = await http<{ id: string }>('POST', `${this.sim.baseUrl}/mo`, { from: mos[i].from, text: mos[i].text, wait: false });
      simIds.push(r.body.id);
    }
    await faultDone;
    const figures = await this.account(name, people, opts, simIds, mos, started);
    return figures;
  }

  private async account(
    scenario: string,
    people: Array<{ main: string; device: string }>,
    opts: StreamOptions,
    simIds: string[],
    mos: Array<{ from: string; main: string; kind: 'request' | 'device' }>,
    started: number,
  ): Promise<Figures> {
    const keys = createKeys(PREFIX);
    const paired = people.slice(0, opts.pairs);
    const completedCount = async (): Promise<number> => {
      let n = 0;
      for (const p of paired) {
        const all = Object.values(await this.client.hgetall(keys.payments(p.main)));
        n += all.filter((j) => (JSON.parse(j) as { state: string }).state === 'completed').length;
      }
      return n;
    };
    const mtQueue = new Queue(QUEUE.mt, { connection: this.client, prefix: '{simpair}' });
    const moQueue = new Queue(QUEUE.mo, { connection: this.client, prefix: '{simpair}' });
    try {
      await waitFor(
        `${scenario}: recovery (all pairs completed, the SMSC has nothing pending, queues drained)`,
        async () => {
          const pending = (await http<unknown[]>('GET', `${this.sim.baseUrl}/mo?state=pending`)).body;
          if (Array.isArray(pending) && pending.length > 0) return false;
          const mo = await moQueue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
          const mt = await mtQueue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
          if (Object.values(mo).some((n) => n > 0) || Object.values(mt).some((n) => n > 0)) return false;
          return (await completedCount()) >= opts.pairs;
        },
        120_000,
        500,
      );
    } finally {
      await mtQueue.close();
      await moQueue.close();
    }

    const records = await Promise.all(simIds.map(async (id) => (await http<{ state: string }>('GET', `${this.sim.baseUrl}/mo/${id}`)).body));
    const acknowledged = records.filter((r) => r.state === 'acked').length;
    const givenUp = records.filter((r) => r.state === 'failed').length;

    let lost = 0;
    let doubleDebits = 0;
    let duplicateReplies = 0;
    for (let i = 0; i < mos.length; i++) {
      if (records[i].state !== 'acked') continue;
      const m = mos[i];
      const payments = Object.values(await this.client.hgetall(keys.payments(m.main))).map((j) => JSON.parse(j) as { state: string; device?: string; requestMoId?: string });
      const seen = m.kind === 'request' ? payments.some((p) => p.requestMoId !== undefined) : payments.some((p) => p.device === m.from);
      if (!seen) lost++;
    }
    for (const p of people) {
      const transfers = await this.client.hlen(keys.transfers(p.main));
      if (transfers > 1) doubleDebits += transfers - 1;
      for (const who of [p.main, p.device]) {
        const inbox = (await http<{ messages: Array<{ text: string }> }>('GET', `${this.sim.baseUrl}/handsets/${who}/inbox`)).body.messages;
        const texts = inbox.map((x) => x.text);
        duplicateReplies += texts.length - new Set(texts).size;
      }
    }
    // Once the ledger relay has given every transfer its second side, all balances sum to what was issued.
    const check = await settledCheck(this.client, keys, 30_000);
    if (!check.ok) throw new Error(`ledger check failed: ${JSON.stringify(check)}`);
    const credits = -Number(await this.client.hget(keys.float(), 'balance'));
    let sum = Number((await this.client.hget(keys.merchant('SHOP42'), 'balance')) ?? 0);
    const mains = await this.client.zrange(keys.subscriberIndex(), 0, -1);
    for (const m of mains) sum += Number(await this.client.hget(keys.subscriber(m), 'balance'));
    return {
      scenario,
      offered: simIds.length,
      acknowledged,
      completed: await completedCount(),
      expectedCompletions: opts.pairs,
      lostAcknowledged: lost,
      doubleDebits,
      ledgerImbalance: sum - credits,
      duplicateReplies,
      givenUpBySmsc: givenUp,
      seconds: Math.round((Date.now() - started) / 100) / 10,
    };
  }
}

/** The accounting every fault scenario must show: nothing lost, nothing paid twice, all completed. */
export function assertNothingLost(f: Figures): void {
  assert.equal(f.lostAcknowledged, 0, 'acknowledged but lost');
  assert.equal(f.doubleDebits, 0, 'double debits');
  assert.equal(f.ledgerImbalance, 0, 'ledger imbalance');
  assert.equal(f.completed, f.expectedCompletions, 'every pair completed once');
  assert.equal(f.givenUpBySmsc, 0, 'the SMSC gave up on no MO');
  assert.equal(f.acknowledged, f.offered, 'every MO acknowledged in the end');
}

export function figuresTable(rows: Figures[]): string {
  const cols: Array<[keyof Figures, string]> = [
    ['scenario', 'scenario'],
    ['offered', 'MOs offered'],
    ['acknowledged', 'MOs acked'],
    ['completed', 'completed'],
    ['lostAcknowledged', 'acked but lost'],
    ['doubleDebits', 'double debits'],
    ['ledgerImbalance', 'ledger imbalance'],
    ['duplicateReplies', 'duplicate SMS'],
    ['givenUpBySmsc', 'SMSC gave up'],
    ['seconds', 's'],
  ];
  const head = `| ${cols.map((c) => c[1]).join(' | ')} |`;
  const sep = `|${cols.map(() => '---').join('|')}|`;
  const body = rows.map((r) => `| ${cols.map((c) => String(r[c[0]])).join(' | ')} |`);
  return [head, sep, ...body].join('\n');
}
