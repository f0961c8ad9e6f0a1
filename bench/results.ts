// The shapes of bench/results/latest.json and profile.json, read back by --render and the report.
// A module of its own so that the report (bench/report.ts) and the runs import it, not each other.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './rig';
import type { codeVersion, machineFacts } from './machine';
import type { SaturationResult } from './load';
import type { RampResult, StepResult } from './e2e';
import type { GrowthVerdict, MemoryResult, SoakSample } from './memory';
import type { JobTimes, PerPair, RoundTrips } from './redis-stats';
import type { ProfileSummary } from './profile';
import type { GrowthRow } from './keyspace';
import type { ScaleRow } from './scale';
import type { Settings } from './settings';

export const RESULTS_DIR = path.join(ROOT, 'bench', 'results');

export type SaturationRep = SaturationResult & { cpuPct: Record<string, number>; otherLoadPct: number };

export interface Results {
  version: 1;
  mode: 'full' | 'quick' | 'profile';
  /** How the run was started, e.g. "npm run bench -- --soak 300". */
  command?: string;
  startedAt: string;
  durationSeconds: number;
  machine: ReturnType<typeof machineFacts>;
  code: ReturnType<typeof codeVersion>;
  settings: Settings & { roleEnv: Record<string, string>; logLevel: string; simEnv: Record<string, string>; workerProcesses: number };
  ceiling: { reps: SaturationRep[]; median: number };
  ingest: { everysec: { reps: SaturationRep[]; median: number }; always: { reps: SaturationRep[]; median: number }; alwaysCostPct: number };
  /** Step 7: Kannel's MO→HTTP rate on the same simulator; null when Kannel is not installed (absent in older results). */
  kannel?: { version: string; reps: SaturationRep[]; ackMedian: number; httpMedian: number } | null;
  e2e: {
    ramp: RampResult | null;
    steps: StepResult[];
    maxSustained: number | null;
    maxSustainedCompletedPerSecond: number | null;
    redis: PerPair | null;
    redisCpuMicrosPerPair: number | null;
    slowlog: { count: number; top: Array<{ micros: number; command: string }> } | null;
    jobTimes: JobTimes[];
  };
  latency: Array<{ label: string; rate: number; step: StepResult }>;
  soak: {
    rate: number;
    seconds: number;
    samples: SoakSample[];
    gateway: GrowthVerdict;
    worker: GrowthVerdict;
    redis: GrowthVerdict;
    redisBytesPerPair: number;
    perCompletedPair: GrowthRow[];
  } | null;
  memory: MemoryResult | null;
  /** Scale-out: 1, 2, 4 workers on one Redis and on a 3-master cluster (absent in older results). */
  scaleOut?: ScaleRow[] | null;
  ratios: { ingestOverCeiling: number; e2ePairsOverCeiling: number | null; e2eMosOverCeiling: number | null; ingestOverKannel?: number | null };
}

export interface ProfileResults {
  startedAt: string;
  rate: number;
  seconds: number;
  machine: ReturnType<typeof machineFacts>;
  code: ReturnType<typeof codeVersion>;
  step: StepResult;
  cpuPct: Record<string, number>;
  redis: PerPair;
  redisCpuMicrosPerPair: number | null;
  roundTrips: RoundTrips;
  jobTimes: JobTimes[];
  slowlog: { count: number; top: Array<{ micros: number; command: string }> };
  profiles: Record<string, ProfileSummary | null>;
}

export function readProfile(): ProfileResults | null {
  try {
    return JSON.parse(readFileSync(path.join(RESULTS_DIR, 'profile.json'), 'utf8')) as ProfileResults;
  } catch {
    return null;
  }
}

export function readLatest(): Results | null {
  try {
    return JSON.parse(readFileSync(path.join(RESULTS_DIR, 'latest.json'), 'utf8')) as Results;
  } catch {
    return null;
  }
}
