// What Redis memory consists of, by kind of key, without knowing simpair's key layout in advance:
// keys are grouped by their name with variable segments (numbers, ids, codes) replaced by '*', sizes
// come from MEMORY USAGE on a random sample (RANDOMKEY), scaled to DBSIZE. Keys with fixed names
// (queues, indexes, the merchant's hashes) are few but can be huge, so they are measured exactly.
import type { Redis } from 'ioredis';
import { QUEUE } from '../src/queues';
import { createKeys } from '../src/store/keys';
import { KEY_PREFIX, MERCHANT, QUEUE_PREFIX, median } from './load';

/** BullMQ's per-queue keys (everything but the job hashes and their logs/locks). */
const BULLMQ_SUFFIXES = ['wait', 'paused', 'active', 'delayed', 'prioritized', 'completed', 'failed', 'events', 'meta', 'id', 'marker', 'stalled', 'stalled-check', 'pc', 'limiter', 'metrics:completed', 'metrics:completed:data', 'metrics:failed', 'metrics:failed:data', 'repeat', 'waiting-children'];

export function fixedKeyNames(): string[] {
  const k = createKeys(KEY_PREFIX) as unknown as Record<string, (...a: string[]) => string>;
  const names: string[] = [];
  for (const f of Object.values(k)) if (typeof f === 'function' && f.length === 0) names.push(f());
  if (typeof k.merchant === 'function') names.push(k.merchant(MERCHANT));
  const keys = createKeys(KEY_PREFIX);
  for (const a of [`merchant:${MERCHANT}`, 'float'] as const) names.push(keys.accountJournal(a), keys.accountPostings(a), keys.accountOutbox(a));
  for (const q of Object.values(QUEUE)) for (const s of BULLMQ_SUFFIXES) names.push(`${QUEUE_PREFIX}:${q}:${s}`);
  return names;
}

/** "sp:sub:{254700000001}:applied:ab12-cd" → "sp:sub:{*}:applied:*". */
export function kindOf(key: string): string {
  return key
    .split(':')
    .map((seg) => {
      if (seg === QUEUE_PREFIX) return seg;
      const inner = seg.replace(/^\{|\}$/g, '');
      const variable = /\d/.test(inner) || /^[A-Z0-9]{6,}$/.test(inner) || inner.length > 24;
      if (!variable) return seg;
      return seg.startsWith('{') ? '{*}' : '*';
    })
    .join(':');
}

export interface KeyspaceProfile {
  at: number;
  usedMemory: number;
  dbsize: number;
  sampled: number;
  /** Estimated totals per kind of key (scaled from the sample). */
  kinds: Record<string, { keys: number; bytes: number; sampled: number; ttlS: number[] }>;
  /** Exact sizes of the fixed-name keys that exist. */
  fixed: Record<string, number>;
}

export async function profileKeyspace(redis: Redis, samples = 8000): Promise<KeyspaceProfile> {
  const fixedNames = fixedKeyNames();
  const fixedSet = new Set(fixedNames);
  const fixed: Record<string, number> = {};
  {
    const p = redis.pipeline();
    for (const n of fixedNames) p.call('MEMORY', 'USAGE', n, 'SAMPLES', '0');
    const res = (await p.exec()) ?? [];
    fixedNames.forEach((n, i) => {
      const v = res[i]?.[1];
      if (typeof v === 'number') fixed[n] = v;
    });
  }
  const dbsize = await redis.dbsize();
  const info = await redis.info('memory');
  const usedMemory = Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? NaN);
  const kinds: KeyspaceProfile['kinds'] = {};
  let valid = 0;
  for (let done = 0; done < samples; done += 500) {
    const p = redis.pipeline();
    for (let i = 0; i < 500; i++) p.randomkey();
    const keys = ((await p.exec()) ?? []).map((r) => r[1] as string | null).filter((k): k is string => !!k && !fixedSet.has(k));
    const q = redis.pipeline();
    for (const k of keys) {
      q.call('MEMORY', 'USAGE', k, 'SAMPLES', '0');
      q.pttl(k);
    }
    const res = (await q.exec()) ?? [];
    keys.forEach((k, i) => {
      const bytes = res[i * 2]?.[1];
      const ttl = Number(res[i * 2 + 1]?.[1]);
      if (typeof bytes !== 'number') return; // expired or deleted in between
      valid++;
      const kind = kindOf(k);
      const e = (kinds[kind] ??= { keys: 0, bytes: 0, sampled: 0, ttlS: [] });
      e.keys++;
      e.sampled++;
      e.bytes += bytes;
      if (ttl >= 0) e.ttlS.push(Math.round(ttl / 1000));
    });
  }
  const present = Object.keys(fixed).length;
  const scale = valid > 0 ? Math.max(0, dbsize - present) / valid : 0;
  for (const e of Object.values(kinds)) {
    e.keys *= scale;
    e.bytes *= scale;
  }
  return { at: Date.now(), usedMemory, dbsize, sampled: valid, kinds, fixed };
}

export interface GrowthRow {
  what: string;
  keysPerUnit: number;
  bytesPerUnit: number;
  /** Median remaining TTL of the sampled keys of this kind, or null when they have none. */
  ttl: string;
}

function ttlText(ttls: number[], sampled: number): string {
  if (ttls.length === 0) return 'none (kept)';
  const m = median(ttls);
  const share = ttls.length / Math.max(1, sampled);
  const d = m >= 86400 ? `${(m / 86400).toFixed(1)} d` : m >= 3600 ? `${(m / 3600).toFixed(1)} h` : m >= 60 ? `${Math.round(m / 60)} min` : `${m} s`;
  return share < 0.9 ? `${d} (some none)` : d;
}

const UNATTRIBUTED = '(not attributed: keyspace tables, allocator, sampling error)';

/**
 * What of a growth table stays once every TTL has run out: the kinds of key without a TTL (and the
 * fixed-name keys: journals, indexes, streams), plus the unattributed rest in the same proportion.
 */
export function keptAfterRetention(rows: GrowthRow[]): number {
  const attributed = rows.filter((r) => r.what !== UNATTRIBUTED);
  const kept = attributed.filter((r) => r.ttl.startsWith('none') || r.ttl === '–').reduce((s, r) => s + r.bytesPerUnit, 0);
  const all = attributed.reduce((s, r) => s + r.bytesPerUnit, 0);
  const rest = rows.find((r) => r.what === UNATTRIBUTED)?.bytesPerUnit ?? 0;
  return Math.round(kept + (all > 0 ? (rest * kept) / all : 0));
}

/**
 * Memory growth between two profiles per unit (pending payment, completed pair), by kind of key,
 * largest first; what the sample cannot attribute (hash-table growth, allocator) is the last row.
 */
export function growthPerUnit(before: KeyspaceProfile, after: KeyspaceProfile, units: number, minBytes = 4): { rows: GrowthRow[]; totalPerUnit: number } {
  const rows: GrowthRow[] = [];
  for (const [kind, a] of Object.entries(after.kinds)) {
    const b = before.kinds[kind] ?? { keys: 0, bytes: 0, sampled: 0, ttlS: [] };
    const bytes = (a.bytes - b.bytes) / units;
    const keys = (a.keys - b.keys) / units;
    if (Math.abs(bytes) < minBytes) continue;
    rows.push({ what: kind, keysPerUnit: Math.round(keys * 100) / 100, bytesPerUnit: Math.round(bytes), ttl: ttlText(a.ttlS, a.sampled) });
  }
  for (const [name, a] of Object.entries(after.fixed)) {
    const bytes = (a - (before.fixed[name] ?? 0)) / units;
    if (Math.abs(bytes) < minBytes) continue;
    rows.push({ what: `${name} (one key)`, keysPerUnit: 0, bytesPerUnit: Math.round(bytes), ttl: '–' });
  }
  rows.sort((x, y) => y.bytesPerUnit - x.bytesPerUnit);
  const totalPerUnit = Math.round((after.usedMemory - before.usedMemory) / units);
  const attributed = rows.reduce((s, r) => s + r.bytesPerUnit, 0);
  rows.push({ what: UNATTRIBUTED, keysPerUnit: 0, bytesPerUnit: totalPerUnit - attributed, ttl: '–' });
  return { rows, totalPerUnit };
}
