// Where Redis time goes: INFO commandstats per payment pair, SLOWLOG, BullMQ job timings, and a
// short MONITOR sample that counts the top-level commands (round trips) each process sends.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { QUEUE_PREFIX, percentile } from './load';
import { diffCommandStats, parseCommandStats, type CommandStats } from './profile';
import { ROOT } from './rig';

export async function commandStats(redis: Redis): Promise<CommandStats> {
  return parseCommandStats(await redis.info('commandstats'));
}

/** sha1 → script name for BullMQ's and simpair's Lua scripts (both are loaded by ioredis defineCommand). */
export function scriptNames(): Map<string, string> {
  const out = new Map<string, string>();
  const sha = (s: string): string => createHash('sha1').update(s).digest('hex');
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const bull = require(path.join(ROOT, 'node_modules', 'bullmq', 'dist', 'cjs', 'scripts', 'index.js')) as Record<string, { name: string; content: string }>;
    for (const s of Object.values(bull)) out.set(sha(s.content), `bullmq:${s.name}`);
  } catch {
    // names stay unknown
  }
  const dir = path.join(ROOT, 'src', 'store', 'lua');
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.lua'))) out.set(sha(readFileSync(path.join(dir, f), 'utf8')), `simpair:${f.replace(/\.lua$/, '')}`);
  return out;
}

export interface PerPair {
  pairs: number;
  /** All commands Redis executed (scripts count once, and so does every command they run). */
  callsPerPair: number;
  /** Time inside Lua scripts (BullMQ's and simpair's), their own commands included. */
  scriptUsecPerPair: number;
  scriptCallsPerPair: number;
  top: Array<{ command: string; callsPerPair: number; usecPerPair: number; usecPerCall: number }>;
}

export function perPair(after: CommandStats, before: CommandStats, pairs: number, top = 15): PerPair {
  const d = diffCommandStats(after, before);
  const rows = Object.entries(d).sort((a, b) => b[1].usec - a[1].usec);
  const r = (x: number): number => Math.round(x * 100) / 100;
  // evalsha's usec includes the commands the script ran, which are also listed on their own.
  const nested = new Set(['evalsha', 'eval', 'evalsha_ro', 'eval_ro', 'fcall']);
  const scriptCalls = rows.filter(([k]) => nested.has(k)).reduce((a, [, v]) => a + v.calls, 0);
  const scriptUsec = rows.filter(([k]) => nested.has(k)).reduce((a, [, v]) => a + v.usec, 0);
  const allCalls = rows.reduce((a, [, v]) => a + v.calls, 0);
  return {
    pairs,
    callsPerPair: r(allCalls / pairs),
    scriptUsecPerPair: r(scriptUsec / pairs),
    scriptCallsPerPair: r(scriptCalls / pairs),
    top: rows.slice(0, top).map(([command, v]) => ({ command, callsPerPair: r(v.calls / pairs), usecPerPair: r(v.usec / pairs), usecPerCall: r(v.usec / v.calls) })),
  };
}

export interface SlowEntry {
  micros: number;
  command: string;
}

export async function slowlog(redis: Redis, names: Map<string, string>, n = 10): Promise<{ count: number; top: SlowEntry[] }> {
  const count = Number(await redis.call('SLOWLOG', 'LEN'));
  const entries = (await redis.call('SLOWLOG', 'GET', String(n))) as Array<[number, number, number, string[]]>;
  return {
    count,
    top: entries
      .map((e) => ({ micros: Number(e[2]), command: describe(e[3], names) }))
      .sort((a, b) => b.micros - a.micros),
  };
}

function describe(args: string[], names: Map<string, string>): string {
  const cmd = String(args[0] ?? '').toLowerCase();
  if (cmd === 'evalsha') return `evalsha ${names.get(String(args[1])) ?? String(args[1]).slice(0, 8)} ${String(args[3] ?? '')}`;
  return `${cmd} ${String(args[1] ?? '')}`.trim();
}

export interface JobTimes {
  queue: string;
  sampled: number;
  waitP50: number;
  waitP99: number;
  processP50: number;
  processP99: number;
}

/** Queue wait and processing time of the most recent completed jobs (BullMQ timestamps, ms). */
export async function jobTimes(redis: Redis, queue: string, sample = 3000): Promise<JobTimes> {
  const ids = await redis.zrevrange(`${QUEUE_PREFIX}:${queue}:completed`, 0, sample - 1);
  const p = redis.pipeline();
  for (const id of ids) p.hmget(`${QUEUE_PREFIX}:${queue}:${id}`, 'timestamp', 'processedOn', 'finishedOn', 'delay');
  const res = (await p.exec()) ?? [];
  const wait: number[] = [];
  const proc: number[] = [];
  for (const [, v] of res) {
    const [t, s, f, d] = (v as Array<string | null>).map((x) => Number(x ?? NaN));
    if (!Number.isFinite(s) || !Number.isFinite(f)) continue;
    wait.push(s - t - (Number.isFinite(d) ? d : 0));
    proc.push(f - s);
  }
  wait.sort((a, b) => a - b);
  proc.sort((a, b) => a - b);
  return { queue, sampled: proc.length, waitP50: percentile(wait, 50), waitP99: percentile(wait, 99), processP50: percentile(proc, 50), processP99: percentile(proc, 99) };
}

export interface RoundTrips {
  seconds: number;
  pairs: number;
  /** Top-level commands per completed pair by client connection name (one command = one request and one response). */
  byClient: Array<{ client: string; perPair: number }>;
  /** Top-level commands per pair by command (scripts by name). */
  byCommand: Array<{ command: string; perPair: number }>;
}

/**
 * Counts top-level commands with MONITOR (commands run inside scripts are marked "lua" and skipped)
 * from now until stop(pairs), per pair. MONITOR slows Redis down, so this runs only in --profile
 * mode, over a whole low-rate step: every command of every pair of the step is counted.
 */
export async function startRoundTrips(redis: Redis, monitorConn: Redis, names: Map<string, string>): Promise<{ stop(pairs: number, seconds: number): RoundTrips }> {
  const clients = new Map<string, string>();
  const list = String(await redis.call('CLIENT', 'LIST'));
  for (const line of list.split('\n')) {
    const addr = /addr=(\S+)/.exec(line)?.[1];
    const name = /name=(\S*)/.exec(line)?.[1];
    if (addr) clients.set(addr, name || '(unnamed)');
  }
  const byClient = new Map<string, number>();
  const byCommand = new Map<string, number>();
  const monitor = await monitorConn.monitor();
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (source === 'lua') return;
    const client = clients.get(source) ?? `(connection ${source})`;
    if (client === 'simpair-bench') return; // the load generator's own polling
    byClient.set(client, (byClient.get(client) ?? 0) + 1);
    const cmd = describe(args, names).split(' ').slice(0, 2).join(' ');
    const key = cmd.startsWith('evalsha') ? cmd : cmd.split(' ')[0];
    byCommand.set(key, (byCommand.get(key) ?? 0) + 1);
  });
  return {
    stop(pairs, seconds) {
      monitor.disconnect();
      const rows = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, Math.round((v / Math.max(1, pairs)) * 100) / 100] as const);
      return {
        seconds,
        pairs,
        byClient: rows(byClient).map(([client, perPair]) => ({ client, perPair })),
        byCommand: rows(byCommand).slice(0, 30).map(([command, perPair]) => ({ command, perPair })),
      };
    },
  };
}
