// `npm run bench` (about 4 min) and `npm run bench -- --quick` (under a minute): the carrier's
// benchmark of simpair on this machine, every part a separate process (redis-server, the SMSC
// simulator, the gateway, the worker, the bare ESME). Prints a table, writes
// bench/results/latest.json and rewrites BENCHMARKS.md. See BENCHMARKS.md for the method.
//
//   npm run bench                      full run
//   npm run bench -- --quick           smoke-sized run (< 1 min)
//   npm run bench -- --soak 300        full run with a 5-minute soak (takes ~4.5 min longer)
//   npm run bench -- --profile         CPU profiles + Redis round trips at a fixed load (--rate, default 200)
//   npm run bench -- --render          rewrite BENCHMARKS.md from bench/results/*.json (no run)
//   npm run bench -- --keep-logs       keep the roles' logs (path printed at the end)
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, Rig } from './rig';
import { codeVersion, machineFacts } from './machine';
import { printTable, renderMarkdown, targetsOf } from './report';
import { runScaleOut } from './scale';
import { readLatest, readProfile, RESULTS_DIR, type Results } from './results';
import { FULL, LOG_LEVEL, QUICK, ROLE_ENV, SIM_ENV, type Settings } from './settings';
import { runIntakePhases } from './intake-phase';
import { runPaymentPhases } from './payment-phases';
import { profileRun } from './profile-run';
import { round, say } from './say';

interface Args {
  quick: boolean;
  render: boolean;
  profile: boolean;
  soak?: number;
  rate: number;
  keepLogs: boolean;
  markdown: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { quick: false, render: false, profile: false, rate: 200, keepLogs: false, markdown: true };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    if (x === '--quick') a.quick = true;
    else if (x === '--profile') a.profile = true;
    else if (x === '--render') a.render = true;
    else if (x === '--keep-logs') a.keepLogs = true;
    else if (x === '--no-markdown') a.markdown = false;
    else if (x === '--soak') a.soak = Number(argv[++i]);
    else if (x === '--rate') a.rate = Number(argv[++i]);
    else {
      process.stderr.write(`bench: unknown argument ${x}\nusage: npm run bench [-- --quick] [--soak seconds] [--profile [--rate n]] [--render] [--keep-logs] [--no-markdown]\n`);
      process.exit(2);
    }
  }
  if (a.soak !== undefined && !(a.soak >= 10)) {
    process.stderr.write('bench: --soak needs at least 10 seconds\n');
    process.exit(2);
  }
  return a;
}

/** The installation of the scale-out configuration running now, if any (stopped on a signal too). */
let scaleRig: Rig | null = null;

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.render) {
    // BENCHMARKS.md again from the stored results (after editing bench/analysis.md, say).
    const latest = readLatest();
    if (!latest) throw new Error('no bench/results/latest.json yet: run npm run bench first');
    writeFileSync(path.join(ROOT, 'BENCHMARKS.md'), renderMarkdown(latest, readProfile()));
    say('wrote BENCHMARKS.md from bench/results/latest.json and profile.json');
    return;
  }
  const settings: Settings = { ...(args.quick ? QUICK : FULL) };
  if (args.soak) settings.soakSeconds = args.soak;
  const rig = new Rig({ logLevel: LOG_LEVEL, roleEnv: ROLE_ENV, simEnv: SIM_ENV, keepLogs: args.keepLogs });
  let interrupted = false;
  const onSignal = (sig: string): void => {
    if (interrupted) {
      rig.killNow();
      scaleRig?.killNow();
      process.exit(130);
    }
    interrupted = true;
    say(`${sig}: stopping every process of the run`);
    void Promise.all([rig.stopAll(), scaleRig?.stopAll()]).finally(() => process.exit(130));
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('exit', () => {
    rig.killNow();
    scaleRig?.killNow();
  });

  try {
    if (args.profile) await profileRun(rig, settings, args);
    else await benchRun(rig, settings, args);
  } finally {
    await rig.stopAll();
    if (args.keepLogs) say(`logs kept in ${rig.workDir}/logs`);
  }
}

async function benchRun(rig: Rig, s: Settings, args: Args): Promise<void> {
  const started = Date.now();
  const machine = machineFacts();
  const results: Results = {
    version: 1,
    mode: args.quick ? 'quick' : 'full',
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    startedAt: new Date(started).toISOString(),
    durationSeconds: 0,
    machine,
    code: codeVersion(),
    settings: { ...s, roleEnv: ROLE_ENV, logLevel: LOG_LEVEL, simEnv: SIM_ENV, workerProcesses: 1 },
    ceiling: { reps: [], median: NaN },
    ingest: { everysec: { reps: [], median: NaN }, always: { reps: [], median: NaN }, alwaysCostPct: NaN },
    e2e: { ramp: null, steps: [], maxSustained: null, maxSustainedCompletedPerSecond: null, redis: null, redisCpuMicrosPerPair: null, slowlog: null, jobTimes: [] },
    latency: [],
    soak: null,
    memory: null,
    ratios: { ingestOverCeiling: NaN, e2ePairsOverCeiling: null, e2eMosOverCeiling: null },
  };
  say(`simpair benchmark (${results.mode}) on ${machine.nproc} × ${machine.cpuModel}, node ${machine.node}, redis ${machine.redis}`);
  const main = await runIntakePhases(rig, s, results);
  await runPaymentPhases(rig, s, args.quick, results, main);

  // 7. Scale-out, after every process of the main installation has stopped.
  await rig.stopAll();
  say(`7. scale-out: ${s.scale.workers.join(', ')} workers, one redis-server and a 3-master cluster, a fresh installation each`);
  results.scaleOut = await runScaleOut({ logLevel: LOG_LEVEL, roleEnv: ROLE_ENV, simEnv: SIM_ENV, keepLogs: false }, s.scale, say, (r) => {
    scaleRig = r;
  });

  results.durationSeconds = round((Date.now() - started) / 1000);
  finish(results, args);
}


function finish(results: Results, args: Args): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(path.join(RESULTS_DIR, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  printTable(results, (line) => process.stdout.write(`${line}\n`));
  if (args.markdown) writeFileSync(path.join(ROOT, 'BENCHMARKS.md'), renderMarkdown(results, readProfile()));
  say(`wrote bench/results/latest.json${args.markdown ? ' and BENCHMARKS.md' : ''} (${results.durationSeconds} s)`);
  const missed = targetsOf(results).filter((t) => t.met === false);
  if (missed.length) say(`targets missed: ${missed.map((t) => t.name).join('; ')}`);
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write(`bench: ${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);
