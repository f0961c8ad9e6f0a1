// What a benchmark run does and with which environment: the full and the quick run's sizes, and the
// settings every simpair role and the simulator get (bench/run.ts picks one, the phases read it).
import type { ScaleSettings } from './scale';

export interface Settings {
  satReps: number;
  ingestReps: number;
  satWarmupMs: number;
  satMeasureMs: number;
  subscribers: number;
  rampFrom: number;
  rampGrowth: number;
  rampMaxSeconds: number;
  /** The ramp stops after this many one-second samples in a row with a growing MO queue. */
  rampStopAfter: number;
  confirmSeconds: number;
  confirmWarmupSeconds: number;
  latencySeconds: number;
  soakSeconds: number;
  soakSampleSeconds: number;
  memoryPending: number;
  deviceDelayMs: number;
  /** Discarded warm-up (JIT, script cache, connections) before each series of measurements. */
  warmupMs: number;
  /** The scale-out phase (bench/scale.ts). */
  scale: ScaleSettings;
}

export const FULL: Settings = {
  satReps: 3,
  ingestReps: 3,
  satWarmupMs: 1000,
  satMeasureMs: 2500,
  subscribers: 20_000,
  rampFrom: 50,
  rampGrowth: 1.25,
  rampMaxSeconds: 24,
  rampStopAfter: 2,
  confirmSeconds: 30,
  confirmWarmupSeconds: 3,
  latencySeconds: 15,
  soakSeconds: 40,
  soakSampleSeconds: 2,
  memoryPending: 100_000,
  deviceDelayMs: 500,
  warmupMs: 2000,
  scale: { workers: [1, 2, 4], subscribers: 5_000, rampFrom: 100, rampGrowth: 1.3, rampMaxSeconds: 12 },
};

export const QUICK: Settings = {
  satReps: 1,
  ingestReps: 1,
  satWarmupMs: 300,
  satMeasureMs: 1000,
  subscribers: 5_000,
  rampFrom: 200,
  rampGrowth: 1.4,
  rampMaxSeconds: 10,
  rampStopAfter: 1,
  confirmSeconds: 10,
  confirmWarmupSeconds: 2,
  latencySeconds: 2,
  soakSeconds: 20,
  soakSampleSeconds: 1,
  memoryPending: 1_000,
  deviceDelayMs: 500,
  warmupMs: 700,
  scale: { workers: [1, 4], subscribers: 1_000, rampFrom: 100, rampGrowth: 1.5, rampMaxSeconds: 6 },
};

/** Environment of every simpair role in the run (everything else: config/default.json). */
export const ROLE_ENV: Record<string, string> = {
  // The carrier's submit_sm rate limit (default 200 segments/s) would cap replies at ~66 pairs/s;
  // the simulator has no limit, so the benchmark measures simpair, not a configured throttle.
  SMPP_SEGMENTS_PER_SECOND: '100000',
  // No payment window ends during the run (a pair's entry in the expiry set would otherwise be
  // swept as a no-op 120 s later, in whichever step happens to be running then).
  PAYMENT_WINDOW_SECONDS: '600',
};
export const LOG_LEVEL = 'warn';
export const SIM_ENV: Record<string, string> = { SIM_SUBMIT_LOG_LIMIT: '1000000' };
