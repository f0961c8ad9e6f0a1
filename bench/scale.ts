// Scale-out (README "Deploying"): completed pairs per second with 1, 2 and 4 worker processes, on one
// redis-server and on a local Redis Cluster of three masters, in the same run and on the same
// machine. Each configuration gets a fresh installation (Redis, simulator, one gateway, N workers)
// and the same exponential ramp as step 3; its figure is the completions per second while the ramp's
// backlog drained (the capacity under overload) and the highest healthy offered rate.
import { CpuMeter, Rig, type Proc, type RigOptions } from './rig';
import { createMerchant, enrol, QueueWatch } from './load';
import { runRamp, type E2eContext } from './e2e';

export interface ScaleRow {
  backend: 'redis' | 'cluster-3';
  workers: number;
  /** Completions per second while overloaded (median of whole seconds with a backlog). */
  overloadCapacity: number | null;
  healthyUpTo: number;
  peakOffered: number;
  /** CPU of each process kind during the ramp, % of one core (workers summed). */
  cpuPct: Record<string, number>;
}

export interface ScaleSettings {
  workers: number[];
  subscribers: number;
  rampFrom: number;
  rampGrowth: number;
  rampMaxSeconds: number;
}

export async function runScaleOut(opts: RigOptions, s: ScaleSettings, say: (line: string) => void, register: (rig: Rig | null) => void): Promise<ScaleRow[]> {
  const rows: ScaleRow[] = [];
  for (const backend of ['redis', 'cluster-3'] as const) {
    for (const workers of s.workers) {
      const rig = new Rig(opts);
      register(rig);
      try {
        if (backend === 'redis') await rig.startRedis('everysec');
        else await rig.startCluster(3);
        await rig.startSim();
        const redis = rig.client();
        await createMerchant(redis);
        await enrol(redis, 0, s.subscribers);
        const gateway = await rig.startRole('gateway', 'gateway');
        const procs: Proc[] = await Promise.all(Array.from({ length: workers }, (_, i) => rig.startRole('worker', `worker-${i + 1}`)));
        const pids = (): Record<string, number> => ({
          ...(rig.redisPid ? { redis: rig.redisPid } : {}),
          simulator: rig.sim!.pid,
          gateway: gateway.pid,
          ...Object.fromEntries(procs.map((p, i) => [`worker-${i + 1}`, p.pid])),
        });
        const ctx: E2eContext = {
          rig,
          redis,
          watch: new QueueWatch(redis),
          procs: { pids },
          subscribers: s.subscribers,
          subscriberBase: 0,
          deviceDelayMs: 500,
          failedAttemptsInLogs: () => 0,
        };
        const cpu = new CpuMeter();
        cpu.begin(pids());
        const ramp = await runRamp(ctx, { from: s.rampFrom, growth: s.rampGrowth, maxSeconds: s.rampMaxSeconds, stopAfter: 2, drainTimeoutMs: 60_000 });
        const raw = cpu.end();
        const cpuPct: Record<string, number> = {};
        for (const [name, pct] of Object.entries(raw)) {
          const kind = name.startsWith('worker-') ? 'workers' : name;
          cpuPct[kind] = (cpuPct[kind] ?? 0) + pct;
        }
        rows.push({ backend, workers, overloadCapacity: ramp.overloadCapacity, healthyUpTo: ramp.healthyUpTo, peakOffered: ramp.peak, cpuPct });
        say(`   ${backend.padEnd(9)} ${workers} worker${workers > 1 ? 's' : ' '}: ${ramp.overloadCapacity ?? '?'} completed/s under overload, healthy up to ${ramp.healthyUpTo} pairs/s`);
      } finally {
        await rig.stopAll();
        register(null);
      }
    }
  }
  return rows;
}
