// Summaries of V8 .cpuprofile files (node --cpu-prof) and of Redis INFO commandstats, for the
// "where the time goes" part of BENCHMARKS.md. Self time is attributed to functions and, coarser,
// to the package or source directory the function lives in.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './rig';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  file: string;
  /** Wall time covered by the profile and the share of it the process was busy (not idle). */
  seconds: number;
  busyPct: number;
  topFunctions: Array<{ name: string; where: string; selfPct: number }>;
  byArea: Array<{ area: string; selfPct: number }>;
}

/** Which part of the system a script URL belongs to: a package, a simpair directory, or node. */
export function areaOf(url: string): string {
  if (!url) return '(native/V8)';
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const file = url.replace(/^file:\/\//, '');
  const rel = path.relative(ROOT, file);
  if (!rel.startsWith('..')) return path.dirname(rel);
  return 'other';
}

export function summariseProfile(file: string, top = 15): ProfileSummary {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  // Time deltas: each sample's delta is the time since the previous sample; attribute it to the sample.
  for (let i = 0; i < prof.samples.length; i++) {
    const id = prof.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0));
  }
  const total = prof.endTime - prof.startTime;
  let idle = 0;
  const fn = new Map<string, { name: string; where: string; us: number }>();
  const area = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') {
      idle += us;
      continue;
    }
    const name = functionName || '(anonymous)';
    const short = url ? `${url.includes('node_modules/') ? url.slice(url.lastIndexOf('node_modules/') + 13) : path.relative(ROOT, url.replace(/^file:\/\//, ''))}:${lineNumber + 1}` : '';
    const key = `${name}|${short}`;
    const f = fn.get(key) ?? { name, where: short, us: 0 };
    f.us += us;
    fn.set(key, f);
    const a = ['(garbage collector)', '(program)'].includes(functionName) ? functionName : areaOf(url);
    area.set(a, (area.get(a) ?? 0) + us);
  }
  const busy = total - idle;
  const pct = (us: number): number => Math.round((us / Math.max(1, busy)) * 1000) / 10;
  return {
    file: path.basename(file),
    seconds: Math.round(total / 1e5) / 10,
    busyPct: Math.round((busy / Math.max(1, total)) * 1000) / 10,
    topFunctions: [...fn.values()].sort((a, b) => b.us - a.us).slice(0, top).map((f) => ({ name: f.name, where: f.where, selfPct: pct(f.us) })),
    byArea: [...area.entries()].sort((a, b) => b[1] - a[1]).slice(0, top).map(([a, us]) => ({ area: a, selfPct: pct(us) })),
  };
}

export function profilesIn(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(dir, f));
  } catch {
    return [];
  }
}

export type CommandStats = Record<string, { calls: number; usec: number }>;

export function parseCommandStats(info: string): CommandStats {
  const out: CommandStats = {};
  for (const line of info.split('\n')) {
    const m = /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(line.trim());
    if (m) out[m[1]] = { calls: Number(m[2]), usec: Number(m[3]) };
  }
  return out;
}

export function diffCommandStats(after: CommandStats, before: CommandStats): CommandStats {
  const out: CommandStats = {};
  for (const [k, v] of Object.entries(after)) {
    const b = before[k] ?? { calls: 0, usec: 0 };
    if (v.calls - b.calls > 0) out[k] = { calls: v.calls - b.calls, usec: v.usec - b.usec };
  }
  return out;
}
