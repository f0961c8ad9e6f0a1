import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { SimulatorProcess } from '../../../smsc-sim/harness';
import type { MoMessage, MtJob, MtMessage } from '../../../src/queues';
import { http, httpAnswer } from '../../support/http';
import type { SimpairProcess } from '../../support/processes';
import { startSystem, type InboxMessage, type System } from '../../support/system';
import { waitFor } from '../../support/wait';
import type { BindLogEntry } from '../../../smsc-sim/binds';
import type { SubmitLogEntry } from '../../../smsc-sim/submit';

// The SMPP integration files' view of the shared system (startSystem: a private redis-server, one
// or more simulator processes and simpair, all roles in one process): typed views of the
// simulator's control API and of simpair's /readyz, /metrics and queues. Each test file builds the
// rig it needs.

/** One entry of the simulator's GET /binds. */
export type BindEntry = BindLogEntry;

export interface SimSession {
  id: number;
  systemId: string;
  mode: 'transceiver' | 'receiver' | 'transmitter';
  listenerPort: number;
  tls: boolean;
}

/** One submit_sm as the simulator logs it (GET /submits). */
export type SubmitEntry = SubmitLogEntry;

export interface ReadySession {
  bind: string;
  state: string;
  lastError: string | null;
  refused: { status: string; retryAt: string } | null;
}

export interface ReadyConnection {
  gateway: string;
  name: string;
  target: string;
  bindMode: string;
  up: boolean;
  canTransmit: boolean;
  sessions: ReadySession[];
}

export interface Readiness {
  status: number;
  body: { status: string; binds: number; reasons?: string[]; connections: ReadyConnection[] };
  raw: string;
}

/** The simulator's control API, typed for what these tests read. */
export class SimApi {
  constructor(readonly proc: SimulatorProcess) {}

  get url(): string {
    return this.proc.baseUrl;
  }

  binds = async (): Promise<BindEntry[]> => (await http<BindEntry[]>('GET', `${this.url}/binds`)).body;
  sessions = async (): Promise<SimSession[]> => (await http<SimSession[]>('GET', `${this.url}/sessions`)).body;
  submits = async (): Promise<SubmitEntry[]> => (await http<SubmitEntry[]>('GET', `${this.url}/submits`)).body;
  counters = async (): Promise<Record<string, number>> => (await http<Record<string, number>>('GET', `${this.url}/counters`)).body;
  inbox = async (msisdn: string): Promise<InboxMessage[]> => (await http<{ messages: InboxMessage[] }>('GET', `${this.url}/handsets/${msisdn}/inbox`)).body.messages;

  async faults(patch: Record<string, unknown>): Promise<void> {
    const r = await http('PUT', `${this.url}/faults`, patch);
    if (r.status !== 200) throw new Error(`PUT /faults ${JSON.stringify(patch)} → ${r.status} ${JSON.stringify(r.body)}`);
  }

  /** Injects an MO and returns the simulator's answer (status of the ESME's deliver_sm_resp). */
  async mo(body: Record<string, unknown>): Promise<{ status: number | null; statusName: string; parts: number }> {
    const r = await http<{ status: number | null; statusName: string; parts: number; error?: string }>('POST', `${this.url}/mo`, body);
    if (r.status !== 200) throw new Error(`POST /mo → ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  async pdu<T>(body: Record<string, unknown>): Promise<T> {
    const r = await http<T>('POST', `${this.url}/pdu`, body);
    if (r.status !== 200) throw new Error(`POST /pdu → ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  async drop(target?: { session: number } | { port: number }): Promise<number> {
    return (await http<{ dropped: number }>('POST', `${this.url}/faults/drop`, target)).body.dropped;
  }

  /** Waits for a reply in the handset's inbox whose state is DELIVERED; returns the inbox. */
  delivered = (msisdn: string, count = 1): Promise<InboxMessage[]> =>
    waitFor(`${count} delivered message(s) to ${msisdn}`, async () => {
      const m = await this.inbox(msisdn);
      return m.length >= count && m.every((x) => x.state === 'DELIVERED') ? m : null;
    });
}

/** simpair's ops endpoints and its Redis-side state. */
export class AppApi {
  constructor(
    readonly proc: SimpairProcess,
    readonly client: Redis,
  ) {}

  async readyz(): Promise<Readiness> {
    const res = await httpAnswer('GET', `${this.proc.baseUrl}/readyz`);
    return { status: res.status, body: JSON.parse(res.text) as Readiness['body'], raw: res.text };
  }

  /** Sum of the series of a Prometheus metric whose label set matches `labels` (substring or RegExp). */
  async metric(name: string, labels: string | RegExp = ''): Promise<number> {
    const text = (await http<string>('GET', `${this.proc.baseUrl}/metrics`)).body;
    let sum = 0;
    for (const line of text.split('\n')) {
      const m = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line);
      if (!m || m[1] !== name) continue;
      const set = m[2] ?? '';
      if (typeof labels === 'string' ? set.includes(labels) : labels.test(set)) sum += Number(m[3]);
    }
    return sum;
  }

  /** The MO jobs (any state) of the `mo` queue. */
  async moJobs(): Promise<MoMessage[]> {
    const q = new Queue('mo', { connection: this.client, prefix: '{simpair}' });
    try {
      return (await q.getJobs(['completed', 'failed', 'active', 'waiting', 'delayed'])).map((j) => j.data as MoMessage);
    } finally {
      await q.close();
    }
  }

  /** The replies (MtMessage, with their deadlines) of every job of the `mt` queue, in any state. */
  async mtMessages(): Promise<MtMessage[]> {
    const q = new Queue('mt', { connection: this.client, prefix: '{simpair}' });
    try {
      return (await q.getJobs(['completed', 'failed', 'active', 'waiting', 'delayed', 'prioritized'])).flatMap((j) => (j.data as MtJob).messages);
    } finally {
      await q.close();
    }
  }

  /** Reply records (sp:reply:* hashes), optionally only those to one MSISDN. */
  async replyRecords(to?: string): Promise<Array<Record<string, string>>> {
    const keys = await this.client.keys('sp:reply:*');
    const records: Array<Record<string, string>> = await Promise.all(keys.map(async (k) => ({ key: k, ...(await this.client.hgetall(k)) })));
    return records.filter((r) => to === undefined || r.to === to);
  }

  /** Waits until neither queue has a job waiting, running or scheduled for a retry. */
  async drained(): Promise<void> {
    const queues = ['mo', 'mt'].map((name) => new Queue(name, { connection: this.client, prefix: '{simpair}' }));
    try {
      await waitFor('the mo and mt queues drained', async () => {
        for (const q of queues) if (Object.values(await q.getJobCounts('waiting', 'active', 'delayed', 'prioritized')).some((n) => n > 0)) return false;
        return true;
      });
    } finally {
      await Promise.all(queues.map((q) => q.close()));
    }
  }
}

/** A JSON file for SIMPAIR_CONFIG (or SIM_CONFIG) in a fresh temp dir; returns its path. */
export function writeJsonFile(name: string, content: unknown): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'simpair-it-'));
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify(content, null, 2));
  return file;
}

export interface RigOptions {
  /** One entry per simulator process to start (SIM_* env of each); default one with defaults. */
  sims?: Array<Record<string, string>>;
  /** simpair's env; SMPP_URL defaults to the first simulator's first plain listener. */
  env?: (sims: SimApi[]) => Record<string, string>;
  /** Written to a temp file and passed as SIMPAIR_CONFIG. */
  config?: (sims: SimApi[]) => Record<string, unknown>;
  /** Runs after the simulators are up and before simpair starts (e.g. to set a fault). */
  beforeApp?: (sims: SimApi[]) => Promise<void>;
  /** Wait for /readyz 200 before returning (default true). */
  waitReady?: boolean;
}

export interface Rig {
  redis: System['redis'];
  sims: SimApi[];
  /** The first simulator. */
  sim: SimApi;
  app: AppApi;
  /** Stops simpair and starts it again with these env settings on top of the rig's own. */
  restartApp(env: Record<string, string>, opts?: { waitReady?: boolean }): Promise<AppApi>;
  /** simpair's and the simulators' recent output, for assertion messages. */
  output(): string;
  stop(): Promise<void>;
}

/** The shared system (test/support/system.ts), seen through the typed views above. */
export async function startRig(opts: RigOptions = {}): Promise<Rig> {
  let sims: SimApi[] = [];
  const views = (procs: SimulatorProcess[]): SimApi[] => (sims.length ? sims : (sims = procs.map((p) => new SimApi(p))));
  const sys = await startSystem({
    sims: opts.sims,
    beforeSimpair: async (procs) => opts.beforeApp?.(views(procs)),
    envFromSim: (_first, procs) => ({
      SMPP_SEGMENTS_PER_SECOND: '400',
      ...(opts.config ? { SIMPAIR_CONFIG: writeJsonFile('simpair.json', opts.config(views(procs))) } : {}),
      ...opts.env?.(views(procs)),
    }),
    ready: opts.waitReady ?? true,
  });
  const client = sys.redis.client();
  const rig: Rig = {
    redis: sys.redis,
    sims: views(sys.sims),
    sim: views(sys.sims)[0],
    app: new AppApi(sys.app, client),
    async restartApp(env, o = {}) {
      rig.app = new AppApi(await sys.restartSimpair(env, { ready: o.waitReady ?? true }), client);
      return rig.app;
    },
    output: () => sys.output(),
    async stop() {
      client.disconnect();
      await sys.stop();
    },
  };
  return rig;
}

/** A fresh MSISDN per call, so tests never share a handset (and its rate limit or identity). */
let next = 0;
export function msisdn(prefix = '25471'): string {
  next++;
  return `${prefix}${String(process.pid % 1000).padStart(3, '0')}${String(next).padStart(4, '0')}`;
}
