import assert from 'node:assert/strict';
import { Queue } from 'bullmq';
import { startSimulatorProcess, type SimulatorProcess } from '../../smsc-sim/harness';
import { QUEUE } from '../../src/queues';
import { http } from './http';
import type { RedisServerOptions } from '../../src/store/redis-server';
import { servesApi, startRedis, startSimpair, type SimpairProcess, type SimpairRole } from './processes';
import { waitFor } from './wait';

// The whole system for a test file that runs processes: a private redis-server, the simulator
// process (or several) and simpair (by default all roles in one process; or several processes by
// role), ready, with the merchant SHOP42 enrolled; plus the few helpers every such test uses to
// talk to them.

export const E2E_TOKEN = 'e2e-admin-token-0123456789';

export interface InboxMessage {
  text: string;
  state: string;
}

/** One simpair process of a system: its role, and settings of its own on top of the system's. */
export interface SimpairSpec {
  role: SimpairRole;
  env?: Record<string, string>;
}

export interface SystemOptions {
  /** simpair settings, for every simpair process. */
  env?: Record<string, string>;
  /** simpair settings that need the simulators' addresses (e.g. the SIM-swap API, SMPP_URL); `sim` is the first. */
  envFromSim?: (sim: SimulatorProcess, sims: SimulatorProcess[]) => Record<string, string>;
  /** Settings of every simulator. */
  simEnv?: Record<string, string>;
  /** One entry per simulator process (its own settings, on top of simEnv); default one. */
  sims?: Array<Record<string, string>>;
  /** Runs once the simulators are up, before simpair starts (e.g. to set a fault it meets at once). */
  beforeSimpair?: (sims: SimulatorProcess[]) => Promise<void>;
  /** false: return once the API reaches Redis, without waiting for a bind (see `simpair`); default true. */
  ready?: boolean;
  numberPrefix?: string;
  /** The redis-server's settings; only tests of simpair's start-up checks about Redis change them. */
  redis?: Partial<RedisServerOptions>;
  /**
   * The simpair processes, started in this order; default one of role 'all'. When one serves the
   * API, the system waits until it is ready (see `ready` below) and enrols SHOP42 through it;
   * without the API, each process is only started ("simpair ready") and a test enrols what it
   * needs in the store.
   */
  simpair?: SimpairSpec[];
}

export interface System {
  redis: Awaited<ReturnType<typeof startRedis>>;
  /** The first simulator. */
  sim: SimulatorProcess;
  /** Every simulator, `sim` first. */
  sims: SimulatorProcess[];
  /** The first simpair process. */
  app: SimpairProcess;
  /** Every simpair process, `app` first, those added by startSimpair after. */
  apps: SimpairProcess[];
  admin<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  inbox(msisdn: string): Promise<InboxMessage[]>;
  /** Injects an SMS and asserts the gateway acknowledged it. */
  sendSms(from: string, text: string, extra?: Record<string, unknown>): Promise<void>;
  /** Waits for the n-th message (1-based) of a handset's inbox to match; returns its text. */
  nthMessage(msisdn: string, n: number, pattern: RegExp): Promise<string>;
  balance(msisdn: string): Promise<string>;
  /** Sum of a Prometheus counter's series whose labels contain `labels` (e.g. 'reason="x"'), from `app` unless told. */
  metric(name: string, labels?: string, from?: SimpairProcess): Promise<number>;
  /** A fresh subscriber (balance `amount`) with one bound device; numbers unique per system. */
  enrol(amount?: string): Promise<{ main: string; device: string }>;
  /** Starts one more simpair process on this system (stopped with it). */
  startSimpair(spec: SimpairSpec): Promise<SimpairProcess>;
  /** kill -9 of `app`, then a fresh start with the same settings (a crash and a restart). */
  crashAndRestart(): Promise<void>;
  /**
   * Stops `app` gracefully and starts it again with `env` on top of its settings, on the same HTTP
   * port; waits for readiness (a bind unless `ready: false`, as at the start).
   */
  restartSimpair(env: Record<string, string>, opts?: { ready?: boolean }): Promise<SimpairProcess>;
  /**
   * A fresh simulator with the same settings on the same SMPP and HTTP ports (so simpair's
   * SMPP_URL reaches it), once the current one is stopped or killed (or stopping it first).
   */
  restartSimulator(): Promise<void>;
  /** Waits until no reply is waiting, running or scheduled for a retry (negative checks need it). */
  repliesDrained(): Promise<void>;
  /** Every process's recent output (simpair first, then each simulator), for assertion messages. */
  output(): string;
  stop(): Promise<void>;
}

export async function startSystem(opts: SystemOptions = {}): Promise<System> {
  const started: Array<{ stop(): Promise<unknown> }> = [];
  try {
    return await start(opts, started);
  } catch (err) {
    // A system that did not come up leaves no process behind (the latest started stops first).
    for (const p of started.reverse()) await p.stop().catch(() => undefined);
    throw err;
  }
}

async function start(opts: SystemOptions, started: Array<{ stop(): Promise<unknown> }>): Promise<System> {
  const redis = await startRedis(opts.redis);
  started.push(redis);
  const simEnvs = (opts.sims ?? [{}]).map((own) => ({ SIM_DELIVERY_RECEIPT_DELAY_MS: '20', ...opts.simEnv, ...own }));
  const launched = await Promise.allSettled(simEnvs.map((env) => startSimulatorProcess({ env })));
  for (const r of launched) if (r.status === 'fulfilled') started.push(r.value);
  const failed = launched.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  const sims = launched.map((r) => (r as PromiseFulfilledResult<SimulatorProcess>).value);
  await opts.beforeSimpair?.(sims);
  const baseEnv = { REDIS_URL: redis.url, SMPP_URL: `smpp://127.0.0.1:${sims[0].smppPort}`, SERVICE_NUMBER: '20555', ADMIN_TOKEN: E2E_TOKEN, ...opts.env, ...opts.envFromSim?.(sims[0], sims) };
  const specs = new Map<SimpairProcess, SimpairSpec>();
  const launch = async (spec: SimpairSpec, extra: Record<string, string> = {}): Promise<SimpairProcess> => {
    const p = await startSimpair({ ...baseEnv, ...spec.env, ...extra }, spec.role);
    specs.set(p, spec);
    return p;
  };
  const apps: SimpairProcess[] = [];
  for (const spec of opts.simpair ?? [{ role: 'all' }]) {
    apps.push(await launch(spec));
    started.push(apps[apps.length - 1]);
  }
  /** The process the admin API and readiness are asked of: the first that serves them. */
  const api = (): SimpairProcess => system.apps.find((p) => servesApi(p.role)) ?? system.app;
  /**
   * Readiness as the API tells it: /readyz 200 (Redis, and a bind that can send) with a gateway;
   * without one (never ready then), or when a test wants no bind yet, the API reaching Redis (no
   * 503 "store unavailable").
   */
  const ready = async (what: string, bind = true): Promise<void> => {
    const roles = system.apps.map((p) => p.role);
    if (!roles.some(servesApi)) return;
    if (bind && roles.some((r) => r === 'all' || r === 'gateway')) await waitFor(what, async () => (await http('GET', `${api().baseUrl}/readyz`)).status === 200);
    else await waitFor(`${what}: the API reaching Redis`, async () => [200, 404].includes((await system.admin('GET', '/v1/merchants/SHOP42')).status));
  };
  let seq = 0;
  const prefix = opts.numberPrefix ?? '2547';
  /** kill -9 (a crash) or a graceful stop of `app`, then `app` again on its HTTP port with `extra` env. */
  const relaunch = async (how: 'kill' | 'stop', extra: Record<string, string>): Promise<SimpairProcess> => {
    const old = system.app;
    await old[how]();
    system.app = await launch(specs.get(old)!, { ...extra, HTTP_PORT: String(old.httpPort) });
    system.apps[0] = system.app;
    return system.app;
  };
  const system: System = {
    redis,
    sim: sims[0],
    sims,
    app: apps[0],
    apps,
    admin: (method, path, body) => http(method, `${api().baseUrl}${path}`, body, { authorization: `Bearer ${E2E_TOKEN}` }),
    inbox: async (msisdn) => (await http<{ messages: InboxMessage[] }>('GET', `${system.sim.baseUrl}/handsets/${msisdn}/inbox`)).body.messages,
    async sendSms(from, text, extra = {}) {
      const r = await http<{ statusName: string }>('POST', `${system.sim.baseUrl}/mo`, { from, text, ...extra });
      assert.equal(r.body.statusName, 'ESME_ROK', `MO from ${from} acknowledged`);
    },
    nthMessage: (msisdn, n, pattern) =>
      waitFor(`message ${n} to ${msisdn} matching ${pattern}`, async () => {
        const m = await system.inbox(msisdn);
        return m.length >= n && pattern.test(m[n - 1].text) ? m[n - 1].text : null;
      }),
    balance: async (msisdn) => (await system.admin<{ balance: { amount: string } }>('GET', `/v1/subscribers/${msisdn}`)).body.balance.amount,
    async metric(name, labels = '', from = system.app) {
      assert.ok(from.metricsUrl, `simpair (${from.role}) serves no /metrics: give it METRICS_PORT`);
      const text = (await http<string>('GET', from.metricsUrl)).body;
      let sum = 0;
      for (const line of text.split('\n')) {
        const m = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line);
        if (m && m[1] === name && (m[2] ?? '').includes(labels)) sum += Number(m[3]);
      }
      return sum;
    },
    async enrol(amount = '100.00') {
      seq++;
      const main = `${prefix}1${String(seq).padStart(7, '0')}`;
      const device = `${prefix}2${String(seq).padStart(7, '0')}`;
      assert.equal((await system.admin('POST', '/v1/subscribers', { msisdn: main, balance: amount })).status, 201);
      assert.equal((await system.admin('POST', `/v1/subscribers/${main}/devices`, { msisdn: device })).status, 201);
      return { main, device };
    },
    async startSimpair(spec) {
      const p = await launch(spec);
      system.apps.push(p);
      return p;
    },
    async crashAndRestart() {
      await relaunch('kill', {});
      await ready('readiness after the restart');
    },
    async restartSimpair(env, { ready: waitReady = true } = {}) {
      const app = await relaunch('stop', env);
      await ready('readiness after the restart', waitReady);
      return app;
    },
    async restartSimulator() {
      const { smppPort, httpPort } = system.sim;
      await system.sim.stop();
      system.sim = await startSimulatorProcess({ env: { ...simEnvs[0], SIM_SMPP_PORT: String(smppPort), SIM_HTTP_PORT: String(httpPort) } });
      system.sims[0] = system.sim;
    },
    async repliesDrained() {
      const client = redis.client();
      const mt = new Queue(QUEUE.mt, { connection: client, prefix: '{simpair}' });
      try {
        await waitFor('the reply queue drained', async () => Object.values(await mt.getJobCounts('waiting', 'active', 'delayed', 'prioritized')).every((n) => n === 0));
      } finally {
        await mt.close();
        client.disconnect();
      }
    },
    output: () =>
      [...system.apps.map((p) => `--- simpair (${p.role}) ---\n${p.output()}`), ...system.sims.map((s, i) => `--- simulator ${i + 1} ---\n${s.output()}`)].join('\n'),
    async stop() {
      await Promise.all(system.apps.map((p) => p.stop()));
      await Promise.all(system.sims.map((s) => s.stop()));
      await redis.stop();
    },
  };
  await ready('readiness', opts.ready ?? true);
  if (apps.some((p) => servesApi(p.role))) {
    assert.equal((await system.admin('POST', '/v1/merchants', { code: 'SHOP42', name: 'Corner Shop' })).status, 201);
  }
  return system;
}

/** The confirmation code in a reply text (`code XXXXXX`). */
export function codeOf(text: string): string {
  const m = /code ([A-Z0-9]{6})/.exec(text);
  assert.ok(m, `no confirmation code in "${text}"`);
  return m[1];
}
