import assert from 'node:assert/strict';
import { Queue } from 'bullmq';
import { startSimulatorProcess } from '../../smsc-sim/harness';
import { QUEUE } from '../../src/queues';
import { http } from './http';
import { startRedis, startSimpair, type SimpairProcess } from './processes';
import { waitFor } from './wait';

// The whole system for an end-to-end test file: a private redis-server, the simulator process and
// simpair (all roles in one process), ready, with the merchant SHOP42 enrolled; plus the few
// helpers every such test uses to talk to them.

export const E2E_TOKEN = 'e2e-admin-token-0123456789';

export interface InboxMessage {
  text: string;
  state: string;
}

export interface System {
  redis: Awaited<ReturnType<typeof startRedis>>;
  sim: Awaited<ReturnType<typeof startSimulatorProcess>>;
  app: SimpairProcess;
  admin<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  inbox(msisdn: string): Promise<InboxMessage[]>;
  /** Injects an SMS and asserts the gateway acknowledged it. */
  sendSms(from: string, text: string, extra?: Record<string, unknown>): Promise<void>;
  /** Waits for the n-th message (1-based) of a handset's inbox to match; returns its text. */
  nthMessage(msisdn: string, n: number, pattern: RegExp): Promise<string>;
  balance(msisdn: string): Promise<string>;
  /** Sum of a Prometheus counter's series whose labels contain `labels` (e.g. 'reason="x"'). */
  metric(name: string, labels?: string): Promise<number>;
  /** A fresh subscriber (balance `amount`) with one bound device; numbers unique per system. */
  enrol(amount?: string): Promise<{ main: string; device: string }>;
  /** kill -9 of simpair, then a fresh start with the same settings (a crash and a restart). */
  crashAndRestart(): Promise<void>;
  /** Waits until no reply is waiting, running or scheduled for a retry (negative checks need it). */
  repliesDrained(): Promise<void>;
  stop(): Promise<void>;
}

export async function startSystem(
  opts: {
    env?: Record<string, string>;
    /** simpair settings that need the simulator's address (e.g. its SIM-swap API). */
    envFromSim?: (sim: { baseUrl: string }) => Record<string, string>;
    simEnv?: Record<string, string>;
    numberPrefix?: string;
  } = {},
): Promise<System> {
  const redis = await startRedis();
  const sim = await startSimulatorProcess({ env: { SIM_DELIVERY_RECEIPT_DELAY_MS: '20', ...opts.simEnv } });
  const appEnv = { REDIS_URL: redis.url, SMPP_URL: `smpp://127.0.0.1:${sim.smppPort}`, SERVICE_NUMBER: '20555', ADMIN_TOKEN: E2E_TOKEN, ...opts.env, ...opts.envFromSim?.(sim) };
  const app = await startSimpair(appEnv);
  let seq = 0;
  const prefix = opts.numberPrefix ?? '2547';
  const system: System = {
    redis,
    sim,
    app,
    admin: (method, path, body) => http(method, `${app.baseUrl}${path}`, body, { authorization: `Bearer ${E2E_TOKEN}` }),
    inbox: async (msisdn) => (await http<{ messages: InboxMessage[] }>('GET', `${sim.baseUrl}/handsets/${msisdn}/inbox`)).body.messages,
    async sendSms(from, text, extra = {}) {
      const r = await http<{ statusName: string }>('POST', `${sim.baseUrl}/mo`, { from, text, ...extra });
      assert.equal(r.body.statusName, 'ESME_ROK', `MO from ${from} acknowledged`);
    },
    nthMessage: (msisdn, n, pattern) =>
      waitFor(`message ${n} to ${msisdn} matching ${pattern}`, async () => {
        const m = await system.inbox(msisdn);
        return m.length >= n && pattern.test(m[n - 1].text) ? m[n - 1].text : null;
      }),
    balance: async (msisdn) => (await system.admin<{ balance: { amount: string } }>('GET', `/v1/subscribers/${msisdn}`)).body.balance.amount,
    async metric(name, labels = '') {
      const text = (await http<string>('GET', `${app.baseUrl}/metrics`)).body;
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
    async crashAndRestart() {
      await system.app.kill();
      system.app = await startSimpair({ ...appEnv, HTTP_PORT: String(system.app.httpPort) });
      await waitFor('readiness after the restart', async () => (await http('GET', `${system.app.baseUrl}/readyz`)).status === 200);
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
    async stop() {
      await system.app.stop();
      await sim.stop();
      await redis.stop();
    },
  };
  await waitFor('readiness', async () => (await http('GET', `${app.baseUrl}/readyz`)).status === 200);
  assert.equal((await system.admin('POST', '/v1/merchants', { code: 'SHOP42', name: 'Corner Shop' })).status, 201);
  return system;
}

/** The confirmation code in a reply text (`code XXXXXX`). */
export function codeOf(text: string): string {
  const m = /code ([A-Z0-9]{6})/.exec(text);
  assert.ok(m, `no confirmation code in "${text}"`);
  return m[1];
}
