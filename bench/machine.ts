// Facts about the machine a run happened on, for the results table and BENCHMARKS.md.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './rig';

export interface Machine {
  nproc: number;
  cpuModel: string;
  memTotalMiB: number;
  kernel: string;
  node: string;
  redis: string;
  packages: Record<string, string>;
  loadAverage1mAtStart: number;
}

function read(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function packageVersion(name: string): string {
  try {
    return (JSON.parse(read(path.join(ROOT, 'node_modules', name, 'package.json'))) as { version: string }).version;
  } catch {
    return '?';
  }
}

/** The code measured: commit, and whether src/, smsc-sim/ or config/ differ from it (read-only git). */
export function codeVersion(): { commit: string; dirty: boolean } {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const status = execFileSync('git', ['status', '--porcelain', '--', 'src', 'smsc-sim', 'config', 'package.json'], { cwd: ROOT, encoding: 'utf8' });
    return { commit, dirty: status.trim().length > 0 };
  } catch {
    return { commit: '?', dirty: false };
  }
}

export function machineFacts(): Machine {
  const cpuinfo = read('/proc/cpuinfo');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? '?';
  const memKiB = Number(/^MemTotal:\s+(\d+) kB/m.exec(read('/proc/meminfo'))?.[1] ?? 0);
  let redis = '?';
  try {
    redis = /v=([\d.]+)/.exec(execFileSync('redis-server', ['--version'], { encoding: 'utf8' }))?.[1] ?? '?';
  } catch {
    // not on PATH: the run fails later with a clear message
  }
  return {
    nproc: os.availableParallelism?.() ?? os.cpus().length,
    cpuModel: model,
    memTotalMiB: Math.round(memKiB / 1024),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    redis,
    packages: Object.fromEntries(['bullmq', 'ioredis', 'smpp'].map((p) => [p, packageVersion(p)])),
    loadAverage1mAtStart: Math.round(os.loadavg()[0] * 100) / 100,
  };
}

/** Busy share of all CPUs (100 % = every core busy) over an interval, from /proc/stat. */
export class MachineCpu {
  private t0: number[] = [];

  private static sample(): number[] {
    const line = read('/proc/stat').split('\n')[0] ?? '';
    return line.trim().split(/\s+/).slice(1).map(Number);
  }

  begin(): void {
    this.t0 = MachineCpu.sample();
  }

  /** Percentage of all CPU time that was not idle/iowait, and the steal share. */
  end(): { busyPct: number; stealPct: number } {
    const t1 = MachineCpu.sample();
    const d = t1.map((v, i) => v - (this.t0[i] ?? 0));
    const total = d.reduce((a, b) => a + b, 0);
    const idle = (d[3] ?? 0) + (d[4] ?? 0);
    const steal = d[7] ?? 0;
    if (total <= 0) return { busyPct: NaN, stealPct: NaN };
    return { busyPct: Math.round(((total - idle) / total) * 1000) / 10, stealPct: Math.round((steal / total) * 1000) / 10 };
  }
}
