// The results table (terminal) and BENCHMARKS.md, both from bench/results/*.json.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './rig';
import type { ProfileResults, Results } from './results';
import type { StepResult } from './e2e';
import { keptAfterRetention, type GrowthRow } from './keyspace';

const n0 = (x: number | null | undefined): string => (x === null || x === undefined || !Number.isFinite(x) ? '–' : Math.round(x).toLocaleString('en-US'));
const n1 = (x: number | null | undefined): string => (x === null || x === undefined || !Number.isFinite(x) ? '–' : (Math.round(x * 10) / 10).toLocaleString('en-US'));
const yes = (b: boolean | null): string => (b === null ? 'n/a' : b ? 'yes' : 'no');

/** Below this a soak only shows the GC sawtooth of young processes, not a leak. */
const SHORT_SOAK_S = 120;

export interface Target {
  name: string;
  target: string;
  measured: string;
  met: boolean | null;
}

function lat(step: StepResult | undefined): string {
  if (!step) return '–';
  return `${n0(step.latency.p50)} / ${n0(step.latency.p95)} / ${n0(step.latency.p99)} ms`;
}

export function targetsOf(r: Results): Target[] {
  const at200 = r.latency.find((l) => l.rate === 200)?.step;
  const out: Target[] = [
    {
      name: 'durable ingest ≥ 50 % of the raw SMPP ceiling',
      target: '≥ 0.50',
      measured: `${r.ratios.ingestOverCeiling.toFixed(3)} (${n0(r.ingest.everysec.median)} ÷ ${n0(r.ceiling.median)} MO/s)`,
      met: Number.isFinite(r.ratios.ingestOverCeiling) ? r.ratios.ingestOverCeiling >= 0.5 : null,
    },
    {
      name: '≥ 1,000 completed pairs/s sustained (aim 2,000)',
      target: '≥ 1,000 pairs/s',
      measured: r.e2e.maxSustained !== null ? `${n0(r.e2e.maxSustainedCompletedPerSecond)} pairs/s` : 'no rate sustained',
      met: r.e2e.maxSustained !== null ? (r.e2e.maxSustainedCompletedPerSecond ?? 0) >= 1000 : false,
    },
  ];
  if (r.kannel?.reps.length) {
    out.push({
      name: 'durable MO ingest ≥ 2× Kannel 1.4.5 MO → HTTP',
      target: '≥ 2.0',
      measured: `${r.ratios.ingestOverKannel?.toFixed(2)} (${n0(r.ingest.everysec.median)} ÷ ${n0(r.kannel.httpMedian)} MO/s)`,
      met: (r.ratios.ingestOverKannel ?? 0) >= 2,
    });
  }
  if (r.e2e.redis) {
    out.push({
      name: 'Redis commands per completed pair ≤ 60',
      target: '≤ 60',
      measured: `${r.e2e.redis.callsPerPair.toFixed(0)} (${r.e2e.redis.scriptCallsPerPair.toFixed(1)} of them Lua script calls, each counted once besides the commands it runs)`,
      met: r.e2e.redis.callsPerPair <= 60,
    });
  }
  if (at200) {
    const clean = at200.stalledJobs === 0 && at200.failedJobEvents === 0 && at200.completed === at200.pairs;
    out.push({
      name: 'p99 < 50 ms at 200 pairs/s, no stalled or failed jobs',
      target: 'p99 < 50 ms',
      measured: `p99 ${n0(at200.latency.p99)} ms; ${at200.stalledJobs} stalled, ${at200.failedJobEvents} failed, ${at200.pairs - at200.completed} incomplete`,
      met: at200.latency.p99 < 50 && clean,
    });
  }
  if (r.soak) {
    const flat = !r.soak.gateway.growing && !r.soak.worker.growing;
    const short = r.soak.seconds < SHORT_SOAK_S;
    out.push({
      name: 'memory flat over the soak (process RSS)',
      target: 'flat',
      measured: `gateway ${r.soak.gateway.changePct >= 0 ? '+' : ''}${r.soak.gateway.changePct} %, worker ${r.soak.worker.changePct >= 0 ? '+' : ''}${r.soak.worker.changePct} % over ${r.soak.seconds} s${short ? ' (too short to judge a leak: GC sawtooth and young heaps; npm run bench -- --soak 300)' : ''}`,
      met: short ? null : flat,
    });
  }
  if (r.soak?.perCompletedPair?.length) {
    const kept = keptAfterRetention(r.soak.perCompletedPair);
    out.push({
      name: '< 1 KiB left per completed pair after the retention horizon',
      target: '< 1,024 B',
      measured: `${n0(kept)} B (the soak's growth per pair in keys without a TTL and in journals, indexes and streams; ${n0(r.soak.redisBytesPerPair)} B before the TTLs run out)`,
      met: kept < 1024,
    });
  }
  if (r.memory) {
    out.push({
      name: '< 1 KiB of Redis per pending payment',
      target: '< 1,024 B',
      measured: `${n0(r.memory.bytesPerPending)} B (${n0(r.memory.pending)} pending)`,
      met: r.memory.processed ? r.memory.bytesPerPending < 1024 : false,
    });
  }
  return out;
}

interface Row {
  id: string;
  what: string;
  result: string;
  note: string;
}

function rows(r: Results): Row[] {
  const out: Row[] = [];
  const reps = (xs: Array<{ ratePerSecond: number; otherLoadPct?: number }>): string =>
    `runs ${xs.map((x) => n0(x.ratePerSecond)).join(', ')}${xs.some((x) => x.otherLoadPct !== undefined) ? ` (other tenants' load ${xs.map((x) => n0(x.otherLoadPct)).join(', ')} % of a core)` : ''}`;
  out.push({ id: '1', what: 'raw SMPP ceiling: simulator → bare ESME', result: `${n0(r.ceiling.median)} MO/s`, note: reps(r.ceiling.reps) });
  out.push({
    id: '2',
    what: 'durable MO ingest (gateway → Redis, nothing processed), everysec',
    result: `${n0(r.ingest.everysec.median)} MO/s`,
    note: `2 ÷ 1 = ${r.ratios.ingestOverCeiling.toFixed(2)}; ${reps(r.ingest.everysec.reps)}`,
  });
  out.push({
    id: '6',
    what: 'durable MO ingest, appendfsync always',
    result: `${n0(r.ingest.always.median)} MO/s`,
    note: `${r.ingest.alwaysCostPct >= 0 ? '−' : '+'}${Math.abs(r.ingest.alwaysCostPct)} % vs everysec; ${reps(r.ingest.always.reps)}`,
  });
  if (r.kannel && r.kannel.reps.length > 0) {
    out.push({
      id: '8',
      what: `Kannel ${r.kannel.version} MO → HTTP (simulator → bearerbox → smsbox → get-url), same machine`,
      result: `${n0(r.kannel.httpMedian)} MO/s`,
      note: `2 ÷ 8 = ${r.ratios.ingestOverKannel?.toFixed(2) ?? '–'}; acknowledged ${n0(r.kannel.ackMedian)} MO/s (before storing anything); HTTP ${reps(r.kannel.reps.map((x) => ({ ratePerSecond: x.sideRatePerSecond ?? NaN, otherLoadPct: x.otherLoadPct })))}`,
    });
  } else if (r.kannel === null) {
    out.push({ id: '8', what: 'Kannel MO → HTTP', result: 'not run', note: 'Kannel not installed on this machine (apt-get install kannel)' });
  }
  const sustained = r.e2e.steps.find((s) => s.pass && s.offeredRate === r.e2e.maxSustained);
  out.push({
    id: '3',
    what: `completed payment pairs/s, sustained ${r.settings.confirmSeconds} s (open loop)`,
    result: r.e2e.maxSustained !== null ? `${n0(r.e2e.maxSustainedCompletedPerSecond)} pairs/s` : 'none sustained',
    note:
      `3 ÷ 1 = ${r.ratios.e2ePairsOverCeiling?.toFixed(4) ?? '–'} (MOs ${r.ratios.e2eMosOverCeiling?.toFixed(3) ?? '–'}); ramp: healthy to ${n0(r.e2e.ramp?.healthyUpTo)}, ${n0(r.e2e.ramp?.overloadCapacity)}/s overloaded; ` +
      r.e2e.steps.map((s) => `${n0(s.offeredRate)}/s ${s.pass ? 'ok' : 'failed'}`).join(', ') +
      (sustained ? `; p99 there ${n0(sustained.latency.p99)} ms` : ''),
  });
  for (const l of r.latency) {
    out.push({
      id: '4',
      what: `latency at ${l.label}: p50 / p95 / p99`,
      result: lat(l.step),
      note: `${n0(l.step.latency.pairs)} pairs; max ${n0(l.step.latency.max)} ms; ${l.step.stalledJobs} stalled, ${l.step.failedJobEvents} failed jobs; ${l.step.completed}/${l.step.pairs} completed`,
    });
  }
  if (r.memory) {
    out.push({
      id: '5',
      what: `Redis per pending payment (${n0(r.memory.pending)} pending)`,
      result: `${n0(r.memory.bytesPerPending)} B`,
      note: `used_memory ${n1(r.memory.usedMemoryBaseline / 2 ** 20)} → ${n1(r.memory.usedMemoryAfter / 2 ** 20)} MiB; fill ${r.memory.fillSeconds} s`,
    });
    out.push({
      id: '5',
      what: `RSS with ${n0(r.memory.pending)} pending: gateway / worker`,
      result: `${n1(r.memory.rssMiB.gateway)} / ${n1(r.memory.rssMiB.worker)} MiB`,
      note: `before the fill ${n1(r.memory.rssBaselineMiB.gateway)} / ${n1(r.memory.rssBaselineMiB.worker)} MiB`,
    });
  }
  if (r.soak) {
    out.push({
      id: '5',
      what: `soak ${r.soak.seconds} s at ${n0(r.soak.rate)} pairs/s: RSS gateway / worker`,
      result: `${sign(r.soak.gateway.changePct)} % / ${sign(r.soak.worker.changePct)} %`,
      note: `first → last third: gateway ${n1(r.soak.gateway.firstThird)} → ${n1(r.soak.gateway.lastThird)} MiB, worker ${n1(r.soak.worker.firstThird)} → ${n1(r.soak.worker.lastThird)} MiB`,
    });
    out.push({
      id: '5',
      what: 'soak: Redis used_memory',
      result: `${sign(r.soak.redis.changePct)} %`,
      note: `+${n0(r.soak.redisBytesPerPair)} B per completed pair (records kept: see memory)`,
    });
  }
  return out;
}

/** At most n evenly spaced elements, first and last included. */
function thin<T>(xs: T[], n: number): T[] {
  if (xs.length <= n) return xs;
  return Array.from({ length: n }, (_, i) => xs[Math.round((i * (xs.length - 1)) / (n - 1))]);
}

const sign = (x: number): string => `${x >= 0 ? '+' : ''}${x}`;

function machineLine(r: Results): string {
  const m = r.machine;
  return `${m.nproc} × ${m.cpuModel}, ${n1(m.memTotalMiB / 1024)} GiB RAM, ${m.kernel}, node ${m.node}, redis ${m.redis}, bullmq ${m.packages.bullmq}, ioredis ${m.packages.ioredis}, smpp ${m.packages.smpp}; load average at start ${m.loadAverage1mAtStart}`;
}

export function printTable(r: Results, out: (line: string) => void): void {
  const rs = rows(r);
  const w1 = Math.max(...rs.map((x) => x.what.length));
  const w2 = Math.max(...rs.map((x) => x.result.length));
  out('');
  out(`simpair benchmark (${r.mode}, ${r.durationSeconds} s) — ${machineLine(r)}`);
  out('');
  for (const x of rs) out(`${x.id.padStart(2)}  ${x.what.padEnd(w1)}  ${x.result.padStart(w2)}   ${x.note}`);
  out('');
  out('targets');
  for (const t of targetsOf(r)) out(`  ${yes(t.met).padEnd(3)}  ${t.name}: ${t.measured}`);
  out('');
}

function mdTable(head: string[], body: string[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...body.map((b) => `| ${b.join(' | ')} |`)].join('\n');
}

export function renderMarkdown(r: Results, profile: ProfileResults | null): string {
  const L: string[] = [];
  const push = (...xs: string[]): void => {
    L.push(...xs);
  };
  push(
    '# Benchmarks',
    '',
    '<!-- Written by `npm run bench` (bench/run.ts) from bench/results/latest.json and bench/results/profile.json;',
    '     the analysis section is bench/analysis.md. Edit those, not this file. -->',
    '',
    `Latest run: **${r.startedAt.slice(0, 16).replace('T', ' ')} UTC**, \`${r.command ?? `npm run bench${r.mode === 'quick' ? ' -- --quick' : r.settings.soakSeconds !== 40 ? ` -- --soak ${r.settings.soakSeconds}` : ''}`}\`, ${r.durationSeconds} s, code at ${r.code ? `\`${r.code.commit}\`${r.code.dirty ? ' plus uncommitted changes' : ''}` : '?'}.`,
    '',
    `Machine: ${machineLine(r)}. Everything — redis-server, the SMSC simulator, the gateway, the worker and the load generator — runs on this one machine, each in its own process; the machine is shared with other work, so figures move by 10–20 % between runs. Ratios are taken within one run.`,
    '',
    '## Results',
    '',
    mdTable(['#', 'measurement', 'result', 'notes'], rows(r).map((x) => [x.id, x.what, `**${x.result}**`, x.note])),
    '',
    '### Targets (issues 5 and 13)',
    '',
    mdTable(['target', 'measured', 'met'], targetsOf(r).map((t) => [t.name, t.measured, t.met === null ? 'n/a' : t.met ? '**yes**' : '**no**'])),
    '',
  );

  push('## Details', '');
  if (r.e2e.ramp) {
    const ramp = r.e2e.ramp;
    push(
      `**Ramp** (open loop, ×${ramp.growthPerSecond} per second from ${ramp.from} pairs/s${ramp.stoppedEarly ? ', stopped once the MO queue held more than half a second of work' : ''}): per second of requests, the pairs offered, completed, and p90 from the device half to the later receipt. Healthy up to ${n0(ramp.healthyUpTo)} pairs/s; while the backlog drained, ${n0(ramp.overloadCapacity)} pairs completed per second (the capacity under overload); the sustained step was tried at the lower of the healthy rate and 80 % of that capacity, ${n0(ramp.estimate)} pairs/s.`,
      '',
      mdTable(
        ['second', ...ramp.buckets.map((b) => String(b.second))],
        [
          ['offered', ...ramp.buckets.map((b) => n0(b.offered))],
          ['completed', ...ramp.buckets.map((b) => n0(b.completed))],
          ['p90 ms', ...ramp.buckets.map((b) => n0(b.p90Ms))],
          ['healthy', ...ramp.buckets.map((b) => (b.healthy ? '✓' : '✗'))],
        ],
      ),
      '',
    );
  }
  const steps = [...r.e2e.steps, ...r.latency.map((l) => l.step)];
  push(
    '**Constant-rate steps** (open loop). CPU in % of one core over the offer; "other" is what processes outside the run used meanwhile (the machine is shared), also in % of one core; "AOF B/pair" is what Redis appended to its AOF per pair, and "AOF rewrites" counts its forks during the step (each rewrite child copies the whole dataset and competes for the two cores).',
    '',
    mdTable(
      ['step', 'pairs', 'completed/s', 'tail', 'p50 / p95 / p99', 'p99 from injection', 'max MO backlog', 'CPU: redis / sim / gateway / worker / bench', 'other', 'AOF B/pair', 'AOF rewrites', 'verdict'],
      steps.map((s) => [
        s.label,
        n0(s.pairs),
        n1(s.completedPerSecond),
        s.tailMs === null ? 'incomplete' : `${n0(s.tailMs)} ms`,
        lat(s),
        `${n0(s.latency.fromInjectionP99)} ms`,
        n0(s.maxMoBacklog),
        ['redis', 'simulator', 'gateway', 'worker', 'bench'].map((k) => n0(s.cpuPct[k])).join(' / '),
        `${n0(s.otherLoadPct)} %`,
        n0(s.aofBytesPerPair),
        n0(s.redisForks),
        s.pass ? 'sustained' : s.why.join('; '),
      ]),
    ),
    '',
  );
  if (r.soak) {
    push(
      `**Soak** at ${n0(r.soak.rate)} pairs/s for ${r.soak.seconds} s (${r.soak.samples.length} samples, every ${r.settings.soakSampleSeconds} s; some shown):`,
      '',
      mdTable(
        ['t (s)', 'gateway RSS MiB', 'worker RSS MiB', 'Redis used_memory MiB', 'pairs offered'],
        thin(r.soak.samples, 12).map((x) => [n1(x.t), n1(x.gatewayRssMiB), n1(x.workerRssMiB), n1(x.usedMemory / 2 ** 20), n0(x.pairsOffered)]),
      ),
      '',
    );
    if (r.soak.perCompletedPair?.length) {
      push(
        `Redis grew by **${n0(r.soak.redisBytesPerPair)} B per completed pair** over the soak (used_memory after the drain minus before, over the pairs). By kind of key (variable parts of key names as \`*\`; sizes from MEMORY USAGE of ~8,000 random keys before and after, scaled to DBSIZE; fixed-name keys measured exactly), with the median remaining TTL of the sampled keys:`,
        '',
        growthTable(r.soak.perCompletedPair, 'per pair'),
        '',
      );
    }
  }
  if (r.memory) {
    push(
      `**Pending payments**: ${n0(r.memory.pending)} PAY requests from as many freshly enrolled subscribers, enqueued straight into the MO queue and processed by one worker in ${r.memory.fillSeconds} s. ${r.memory.note} Redis used_memory ${n1(r.memory.usedMemoryBaseline / 2 ** 20)} MiB (after enrolment) → ${n1(r.memory.usedMemoryAfter / 2 ** 20)} MiB = **${n0(r.memory.bytesPerPending)} B per pending payment**, by kind of key (same method as for the soak below):`,
      '',
      growthTable(r.memory.breakdown, 'per payment'),
      '',
    );
  }

  if (r.scaleOut?.length) {
    push(
      `**Scale-out** (README "Deploying"): one gateway and 1, 2 or 4 worker processes, on one redis-server and on a local Redis Cluster of three masters (no replicas), each configuration a fresh installation on this same machine, ramped as in step 3 (×${r.settings.scale?.rampGrowth} per second from ${r.settings.scale?.rampFrom} pairs/s, ${r.settings.scale?.subscribers} subscribers). "Under overload" is the completions per second while the ramp's backlog drained. Every process shares the machine's ${r.machine.nproc} cores, so more workers (and three Redis servers) compete for the same CPU: what grows here is bounded by the cores, not by simpair; on separate machines each part gets its own. The cluster rows have no Redis CPU: its three nodes are not sampled.`,
      '',
      mdTable(
        ['Redis', 'workers', 'completed/s under overload', 'healthy up to', 'peak offered', 'CPU % (one core = 100)'],
        r.scaleOut.map((x) => [x.backend === 'redis' ? 'one redis-server' : 'cluster, 3 masters', String(x.workers), n0(x.overloadCapacity), n0(x.healthyUpTo), n0(x.peakOffered), Object.entries(x.cpuPct).map(([k, v]) => `${k} ${v}`).join(', ')]),
      ),
      '',
    );
  }

  push('## Where the time goes', '');
  const sustained = r.e2e.steps[r.e2e.steps.length - 1];
  if (sustained) {
    const cpuTotal = Object.values(sustained.cpuPct).reduce((a, b) => a + b, 0);
    push(
      `During "${sustained.label}" the processes of the run used ${n0(cpuTotal)} % of one core (of ${r.machine.nproc * 100} %): ` +
        Object.entries(sustained.cpuPct)
          .map(([k, v]) => `${k} ${n0(v)} %`)
          .join(', ') +
        `; the whole machine was ${n1(sustained.machine.busyPct)} % busy. ` +
        `CPU per completed pair: ${n1((cpuTotal / 100 / Math.max(1, sustained.completedPerSecond)) * 1000)} ms in total, ` +
        Object.entries(sustained.cpuPct)
          .map(([k, v]) => `${k} ${n1((v / 100 / Math.max(1, sustained.completedPerSecond)) * 1000)} ms`)
          .join(', ') +
        '.',
      '',
    );
  }
  if (r.e2e.redis) {
    const x = r.e2e.redis;
    push(
      `Redis per completed pair (INFO commandstats over the same step): ${n1(x.callsPerPair)} commands executed, of them ${n1(x.scriptCallsPerPair)} Lua script calls (BullMQ's and simpair's) taking ${n0(x.scriptUsecPerPair)} µs; Redis CPU ${n0(r.e2e.redisCpuMicrosPerPair)} µs per pair. Commands run inside scripts are counted both under their own name and in the script's time.`,
      '',
      mdTable(['command', 'calls per pair', 'µs per pair', 'µs per call'], x.top.map((t) => [t.command, n1(t.callsPerPair), n1(t.usecPerPair), n1(t.usecPerCall)])),
      '',
    );
  }
  if (r.e2e.jobTimes.length) {
    push(
      'BullMQ job timings of the last completed jobs (ms; wait = added → started, process = started → finished):',
      '',
      mdTable(['queue', 'jobs', 'wait p50', 'wait p99', 'process p50', 'process p99'], r.e2e.jobTimes.map((j) => [j.queue, n0(j.sampled), n0(j.waitP50), n0(j.waitP99), n0(j.processP50), n0(j.processP99)])),
      '',
    );
  }
  if (r.e2e.slowlog && r.e2e.slowlog.count > 0) {
    push(`SLOWLOG (over 10 ms) during that step: ${r.e2e.slowlog.count} entries; slowest: ${r.e2e.slowlog.top.slice(0, 5).map((e) => `${e.command} ${n1(e.micros / 1000)} ms`).join('; ')}.`, '');
  }
  if (profile) push(...renderProfile(profile));
  const analysis = path.join(ROOT, 'bench', 'analysis.md');
  if (existsSync(analysis)) push(readFileSync(analysis, 'utf8').trim(), '');

  push(
    '## Method',
    '',
    `- **Processes**: redis-server (private, AOF on, \`appendfsync everysec\` unless stated, \`maxmemory-policy noeviction\`, data on the local ext4 disk), the simulator (\`smsc-sim\`, its own process), one gateway and ${r.settings.workerProcesses} worker (\`node --import tsx src/main/<role>.ts\`, default configuration except ${Object.entries(r.settings.roleEnv).map(([k, v]) => `\`${k}=${v}\``).join(', ')} and \`LOG_LEVEL=${r.settings.logLevel}\`), and the load generator (bench/run.ts), all on this machine. The simulator keeps its default account, window (100 outstanding deliver_sm per session) and 200 ms delivery-receipt delay. \`SMPP_SEGMENTS_PER_SECOND\` is raised because the default carrier limit (200 submit_sm/s) would cap replies at ~66 pairs/s; the payment window is 600 s so that no payment of one step expires during a later one.`,
    `- **Warm-up**: before each series the processes get ${r.settings.warmupMs / 1000} s of the same load, discarded (JIT, script caches); figures that are the median of several runs are marked with their runs.`,
    `- **1, raw SMPP ceiling**: bench/bare-esme.ts, a plain node-smpp client in its own process, binds as a transceiver with the simulator's account and answers every deliver_sm at once; nothing else. The simulator is kept saturated: its backlog (injected − acknowledged) is topped up with POST /mo/batch {wait:false} whenever it falls below 150 and kept near 300, always more than its window of 100 can take. The rate is the growth of the simulator's \`mo_acked\` counter over ${r.settings.satMeasureMs / 1000} s after ${r.settings.satWarmupMs / 1000} s; ${r.settings.satReps} run(s), median. (A much larger backlog would measure the simulator instead: its delivery pump walks the whole waiting list on every response, see smsc-sim/delivery.ts.)`,
    `- **8, Kannel**: Debian's Kannel (bench/kannel.ts) bound to the same simulator as a transceiver: bearerbox answers each deliver_sm and hands the MO to smsbox, whose sms-service calls a get-url on bench/http-sink.ts (its own process; it answers an empty 200, so no reply SMS). The same saturation load as 1 and 2, alternating with them; the figure is the growth of the sink's request count over the same window (Kannel acknowledges from memory, before anything is stored, so its acknowledgement rate is reported beside it, not compared). Kannel's logs at level 3 (errors), no store-file (its default).`,
    `- **2 and 6, durable ingest**: the same load with the gateway bound instead of the bare ESME. The worker process runs, but the MO queue is paused, so nothing is processed: the figure is intake alone, each MO answered ESME_ROK only after its job (with deduplication) is in Redis. Runs alternate with the ceiling's (the bare ESME unbinds, the gateway starts and is warmed up; then the gateway stops and the bare ESME binds again), so that both see the same machine, and within each turn \`appendfsync everysec\` then \`always\` (CONFIG SET on the running server); ${r.settings.ingestReps} of each, median. Redis is flushed between runs so the queue does not grow. The CPU that processes outside the run used meanwhile is recorded with each run ("other tenants' load").`,
    `- **3, end-to-end**: ${n0(r.settings.subscribers)} subscribers with one bound device each, enrolled straight into Redis with EnrolmentStore; one merchant. A pair is a PAY from the main SIM and, ${r.settings.deviceDelayMs} ms later, the same PAY without code from its device, injected open loop (every 20 ms the simulator is handed whatever is due, whatever the answers); every pair of the run has its own subscriber and amount, so nothing is a duplicate. A pair is complete when both receipts ("Paid …" to the main SIM, "Confirmed …" to the device) were submitted, and delivered when the simulator delivered both to the handsets and simpair acknowledged both delivery receipts. An exponential ramp gives two estimates (the last second whose pairs completed within ${250} ms p90, and the completion rate while overloaded); the lower of the first and 80 % of the second is offered for ${r.settings.confirmSeconds} s${r.mode === 'quick' ? '' : ', and if that is not sustained, 90 % of the completion rate it reached'}. Sustained = completions inside the window (after ${r.settings.confirmWarmupSeconds} s) ≥ 95 % of the offer, every pair completed within 5 s of the end, the MO queue not growing. Completed pairs/s is counted on the simulator's clock.`,
    '- **4, latency**: from the ESME_ROK answer to the later half\'s deliver_sm (the simulator\'s MO record) to the simulator\'s receipt of the main SIM\'s "Paid" submit_sm (its submit log), both on the simulator\'s clock; pairs of the first second are excluded. "p99 from injection" starts at the injection of that half into the simulator instead (adds the simulator\'s own queueing). Stalled and failed jobs: BullMQ `stalled`/`failed` events in the queues\' event streams, polled every second, and "attempt failed" lines in the roles\' logs during the step.',
    `- **5, memory**: with the gateway and the worker running, N more subscribers are enrolled, then N PAY requests are added to the MO queue with the gateway's job options; Redis used_memory after the worker processed them all, minus before, over N, is the cost of one pending payment (the enrolment is in the baseline; so is completed-job retention, already full from the earlier steps). The breakdown by kind of key samples ~8,000 random keys (RANDOMKEY, MEMORY USAGE, PTTL) before and after and scales to DBSIZE; fixed-name keys (queues, indexes, the merchant) are measured exactly. The soak offers half the maximum for ${r.settings.soakSeconds} s and samples RSS (/proc/<pid>/status VmRSS) and used_memory every ${r.settings.soakSampleSeconds} s; growth = median of the last third over the first third, more than 10 % counts as growing.`,
    '',
    '## Running it',
    '',
    '```sh',
    'npm run bench                  # about 4 minutes: every measurement, table, bench/results/latest.json, this file',
    'npm run bench -- --quick       # under a minute: fewer and shorter runs (1,000 pending payments, 10 s sustained, 20 s soak)',
    'npm run bench -- --soak 300    # with the 5-minute soak (the run takes about 4.5 minutes longer)',
    'npm run bench -- --profile     # gateway and worker under --cpu-prof at 200 pairs/s (--rate n), Redis round trips via MONITOR',
    '```',
    '',
  );
  return `${L.join('\n')}\n`;
}

function growthTable(rows: GrowthRow[], unit: string): string {
  return mdTable(['key (kind)', `keys ${unit}`, `bytes ${unit}`, 'TTL'], rows.map((g) => [`\`${g.what}\``, g.keysPerUnit ? n1(g.keysPerUnit) : '', n0(g.bytesPerUnit), g.ttl]));
}

function renderProfile(p: ProfileResults): string[] {
  const out: string[] = [];
  out.push(
    `### Profile at ${p.rate} pairs/s (\`npm run bench -- --profile\`, ${p.startedAt.slice(0, 16).replace('T', ' ')} UTC, code at ${p.code ? `\`${p.code.commit}\`${p.code.dirty ? ' plus uncommitted changes' : ''}` : '?'})`,
    '',
    `${n0(p.step.pairs)} pairs in ${p.seconds} s, p99 ${n0(p.step.latency.p99)} ms. CPU (% of one core): ${Object.entries(p.cpuPct).map(([k, v]) => `${k} ${n0(v)}`).join(', ')}. Redis: ${n1(p.redis.callsPerPair)} commands and ${n1(p.redis.scriptCallsPerPair)} script calls per pair, ${n0(p.redisCpuMicrosPerPair)} µs of Redis CPU per pair.`,
    '',
  );
  if (p.roundTrips.byClient.length) {
    out.push(
      `Commands sent to Redis per completed pair (top-level commands: each is a request and a response, though ioredis pipelines concurrent ones), counted with MONITOR over a whole ${p.roundTrips.seconds} s step at 50 pairs/s (${n0(p.roundTrips.pairs)} pairs), by connection:`,
      '',
      mdTable(['connection', 'commands per pair'], p.roundTrips.byClient.map((c) => [c.client, n1(c.perPair)])),
      '',
      'By command (scripts by name):',
      '',
      mdTable(['command', 'per pair'], p.roundTrips.byCommand.slice(0, 20).map((c) => [c.command, n1(c.perPair)])),
      '',
    );
  }
  for (const [role, s] of Object.entries(p.profiles)) {
    if (!s) continue;
    out.push(
      `**${role}** (--cpu-prof, ${s.seconds} s, busy ${s.busyPct} % of the time): self time by area — ${s.byArea.slice(0, 10).map((a) => `${a.area} ${a.selfPct} %`).join(', ')}.`,
      '',
      mdTable(['function', 'where', 'self %'], s.topFunctions.slice(0, 12).map((f) => [`\`${f.name}\``, f.where ? `\`${f.where}\`` : '', n1(f.selfPct)])),
      '',
    );
  }
  return out;
}
