import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { Express } from 'express';
import pino from 'pino';
import type { Redis } from 'ioredis';
import { loadConfig, type Config } from '../../../src/config';
import { paymentIdFromMoId } from '../../../src/domain/ids';
import { createApp } from '../../../src/http/app';
import { adminRouter } from '../../../src/http/admin';
import { createKeys, type Keys } from '../../../src/store/keys';
import { registerScripts, type ScriptClient } from '../../../src/store/scripts';
import type { RedisServer } from '../../../src/store/redis-server';
import { http, httpAnswer } from '../../support/http';
import { startRedis, startSimpair, type SimpairProcess } from '../../support/processes';
import { waitFor } from '../../support/wait';

// Shared setup of the admin API files. Two rigs, each for one describe (its own private
// redis-server, started in a `before` and stopped in an `after` of the describe that calls it):
// - adminRig(): the admin API in-process (Express app on port 0), its log captured as text;
// - operatorsRig(): a real simpair process with the api role alone and named tokens with roles.
// Both hand out fresh MSISDNs, so that no test depends on a subscriber another test made.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Body = Record<string, any>;

/** Fresh numbers per rig: main SIMs 2547000…, devices 2547110… (never the fixed numbers the tests use). */
class Numbers {
  private seq = 1000;
  readonly issued: string[] = [];

  msisdn(kind: 'main' | 'device' = 'main'): string {
    this.seq += 1;
    const m = `${kind === 'main' ? '254700' : '254711'}${String(this.seq).padStart(6, '0')}`;
    this.issued.push(m);
    return m;
  }

  /** A merchant code no other test of the rig has used. */
  merchant(): string {
    this.seq += 1;
    return `SHOP${this.seq}`;
  }
}

/** The id the worker gives the payment started by MO `mo-<n>`. */
export const paymentId = (n: number): string => paymentIdFromMoId(`mo-${n}`, (s) => createHash('sha256').update(s).digest('hex'));

/** A national spelling of an E.164 Kenyan number (`0` and the 9 national digits). */
export const national = (msisdn: string): string => `0${msisdn.slice(3)}`;

export interface Listening {
  server: Server;
  port: number;
  base: string;
  close(): Promise<void>;
}

/** An Express app on a free port of 127.0.0.1. */
export async function listen(app: Express): Promise<Listening> {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  return { server, port, base: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

// --- the admin API in-process ---------------------------------------------------------------

export const TOKEN = 'test-admin-token-0123456789';

export class AdminRig {
  redis!: Redis;
  keys!: Keys;
  scripts!: ScriptClient;
  config!: Config;
  base = '';
  private redisServer?: RedisServer & { client(): Redis };
  private app?: Listening;
  private readonly numbers = new Numbers();
  private readonly lines: string[] = [];
  readonly log = pino(
    { level: 'debug' },
    new Writable({
      write: (chunk: Buffer, _enc, cb) => {
        this.lines.push(chunk.toString());
        cb();
      },
    }),
  );

  async start(): Promise<void> {
    this.redisServer = await startRedis();
    this.redis = this.redisServer.client();
    // Some tests present more wrong tokens than the default 10 per minute of one address (the 429
    // rule is tested in admin-failed-auth.test.ts).
    this.config = loadConfig({ ADMIN_TOKEN: TOKEN, REDIS_URL: this.redisServer.url, HTTP_AUTH_FAILURES_PER_MINUTE: '1000' });
    this.keys = createKeys(this.config.redis.keyPrefix);
    this.scripts = registerScripts(this.redis);
    this.app = await this.serve(this.config, this.redis);
    this.base = this.app.base;
  }

  async stop(): Promise<void> {
    await this.app?.close();
    await this.redis?.quit();
    await this.redisServer?.stop();
  }

  /** The admin app with another config or Redis (no token, Redis down); the caller closes it. */
  serve(config: Config, redis: Redis, scripts: ScriptClient = registerScripts(redis)): Promise<Listening> {
    const { keys, log } = this;
    return listen(createApp({ redis, keys, log, routers: [adminRouter({ redis, keys, scripts, config, log })] }));
  }

  api = (method: string, path: string, body?: unknown, token: string | null = TOKEN, headers: Record<string, string> = {}) =>
    http<Body>(method, this.base + path, body, { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...headers });

  msisdn = (kind: 'main' | 'device' = 'main'): string => this.numbers.msisdn(kind);

  /** Every MSISDN this rig handed out: none may appear unmasked in a log. */
  issued = (): string[] => [...this.numbers.issued];

  logText = (): string => this.lines.join('');

  /** A fresh subscriber enrolled through the API (opening balance `balance`); its MSISDN. */
  async enrol(balance?: string): Promise<string> {
    const msisdn = this.msisdn();
    const res = await this.api('POST', '/v1/subscribers', { msisdn, ...(balance === undefined ? {} : { balance }) });
    assert.equal(res.status, 201, `enrol ${msisdn}: ${JSON.stringify(res.body)}`);
    return msisdn;
  }

  /** Σ subscriber balances + Σ merchant balances, and the e-money issued (the float's balance, negated). */
  async ledger(): Promise<{ balances: number; credits: number }> {
    const { redis, keys } = this;
    let balances = 0;
    for (const m of await redis.zrange(keys.subscriberIndex(), 0, -1)) balances += Number(await redis.hget(keys.subscriber(m), 'balance'));
    for (const c of await redis.zrange(keys.merchantIndex(), 0, -1)) balances += Number(await redis.hget(keys.merchant(c), 'balance'));
    return { balances, credits: -Number((await redis.hget(keys.float(), 'balance')) ?? 0) };
  }

  async assertLedgerBalanced(): Promise<void> {
    const l = await this.ledger();
    assert.equal(l.balances, l.credits, 'sum of all balances = sum of credits');
  }

  version = async (m: string): Promise<number> => Number(await this.redis.hget(this.keys.subscriber(m), 'version'));
}

/** The in-process admin API for the enclosing describe. */
export function adminRig(): AdminRig {
  const rig = new AdminRig();
  before(() => rig.start());
  after(() => rig.stop());
  return rig;
}

// --- a real api process with operators -------------------------------------------------------

export const T = {
  treasury: 'treasury-admin-token-4f9c2a7e1b',
  support: 'support-operator-token-8d3b6e0c5a',
  audit: 'audit-viewer-token-2e7a9c4f1d',
  single: 'single-admin-token-6b1d8f3a9e',
};
export const ADMIN_TOKENS = `treasury=admin:${T.treasury},support=operator:${T.support},audit=viewer:${T.audit}`;
export const WRONG = 'wrong-token-presented-by-an-attacker';
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Body;
  text: string;
}

/** One request to a process on loopback, as `token`, from the source address `from` (default 127.0.0.1). */
export async function call(port: number, method: string, path: string, opts: { token?: string | null; body?: unknown; headers?: Record<string, string>; from?: string } = {}): Promise<Answer> {
  const auth: Record<string, string> = opts.token ? { authorization: `Bearer ${opts.token}` } : {};
  const res = await httpAnswer<unknown>(method, `http://127.0.0.1:${port}${path}`, opts.body, { ...auth, ...opts.headers }, { from: opts.from ?? '127.0.0.1' });
  // Answers that are not a JSON object are kept as { text } so that tests read every body alike.
  const body = res.body !== null && typeof res.body === 'object' ? (res.body as Body) : res.text ? { text: res.text } : {};
  return { status: res.status, headers: res.headers, body, text: res.text };
}

/** [operator, role, action, target] of audit entries, the shape the tests compare. */
export const who = (entries: Body[]): Array<[string, string, string, string]> => entries.map((e) => [e.operator, e.role, e.action, e.target]);

/**
 * Operators with roles against a real simpair process (the api role alone, ADMIN_TOKENS) and a
 * private redis-server. (test/support/system.ts startSystem runs every role with a simulator,
 * ADMIN_TOKEN and a seeded merchant, which these tests of the api role and its audit log must not have.)
 */
export class OperatorsRig {
  redisServer!: RedisServer & { client(): Redis };
  redis!: Redis;
  api!: SimpairProcess;
  readonly keys = createKeys('sp');
  private readonly numbers = new Numbers();

  async start(): Promise<void> {
    this.redisServer = await startRedis();
    this.redis = this.redisServer.client();
    this.api = await this.startApi({ ADMIN_TOKENS, LOG_LEVEL: 'info' }, T.audit);
  }

  async stop(): Promise<void> {
    await this.api?.stop();
    await this.redis?.quit();
    await this.redisServer?.stop();
  }

  /** Another api process on the same Redis, once it answers `token` (until Redis is up it answers 503). */
  async startApi(env: Record<string, string>, token: string): Promise<SimpairProcess> {
    const proc = await startSimpair({ REDIS_URL: this.redisServer.url, ...env }, 'api');
    await waitFor('the API process to reach Redis', async () => (await call(proc.httpPort, 'GET', '/v1/merchants/NONE1', { token })).status === 404);
    return proc;
  }

  as = (token: string | null, method: string, path: string, body?: unknown, headers?: Record<string, string>) => call(this.api.httpPort, method, path, { token, body, headers });

  msisdn = (kind: 'main' | 'device' = 'main'): string => this.numbers.msisdn(kind);
  merchant = (): string => this.numbers.merchant();

  /** A fresh subscriber enrolled by `token` (an opening balance needs admin); its MSISDN. */
  async enrol(token: string, extra: Record<string, unknown> = {}): Promise<string> {
    const msisdn = this.msisdn();
    const res = await this.as(token, 'POST', '/v1/subscribers', { msisdn, ...extra });
    assert.equal(res.status, 201, `enrol ${msisdn}: ${JSON.stringify(res.body)}`);
    return msisdn;
  }

  /**
   * Presents each token to a process once and waits until it has logged each wrong one (its log
   * lines arrive through a pipe); returns its output then.
   */
  async presentTokens(proc: SimpairProcess, tokens: string[]): Promise<string> {
    const logged = () => proc.output().split('invalid bearer token').length - 1;
    let wrong = logged();
    for (const token of tokens) {
      const res = await call(proc.httpPort, 'GET', '/v1/merchants/NONE1', { token });
      if (res.status === 401) wrong += 1;
    }
    return waitFor(`${wrong} wrong tokens logged`, async () => (logged() >= wrong ? proc.output() : null));
  }

  /** The whole audit log, read as viewer. */
  async allAudit(port = this.api.httpPort): Promise<Body[]> {
    const res = await call(port, 'GET', '/v1/audit?limit=500', { token: T.audit });
    assert.equal(res.status, 200);
    assert.equal(res.body.next, null);
    return res.body.entries as Body[];
  }

  /** The audit entries after the first `count` (what a test itself changed, taken `count` before). */
  async auditAfter(count: number): Promise<Body[]> {
    return (await this.allAudit()).slice(count);
  }
}

/** The operators' api process for the enclosing describe. */
export function operatorsRig(): OperatorsRig {
  const rig = new OperatorsRig();
  before(() => rig.start());
  after(() => rig.stop());
  return rig;
}
