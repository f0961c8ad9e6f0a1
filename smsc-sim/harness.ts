// Starts the simulator as a child process for tests. A separate process matters: node-smpp keeps
// global tables (addTLV, field filters) that the simulator and the gateway each adjust for
// themselves.
//
//   const sim = await startSimulatorProcess({ env: { SIM_DELIVERY_RECEIPT_DELAY_MS: '50' } });
//   ... smpp to 127.0.0.1:sim.smppPort (all listeners: sim.smppPorts; TLS: sim.smppsPort), HTTP to sim.baseUrl ...
//   await sim.stop();
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

export interface SimulatorProcess {
  /** The first plain SMPP listener (SIM_SMPP_PORT). */
  smppPort: number;
  /** Every plain SMPP listener's port (SIM_LISTENERS of them), smppPort first; at least [smppPort]. */
  smppPorts: number[];
  /** The SMPP-over-TLS listener's port, when SIM_TLS_CERT and SIM_TLS_KEY are set. */
  smppsPort?: number;
  httpPort: number;
  /** e.g. "http://127.0.0.1:40123" */
  baseUrl: string;
  pid: number;
  /** Recent stdout/stderr lines, for failure messages. */
  output(): string;
  /** SIGTERM (the simulator unbinds its ESMEs), then waits for exit; SIGKILL after 5 s. */
  stop(): Promise<void>;
  /** SIGKILL now: a crash, no unbind. */
  kill(): void;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

export interface StartOptions {
  /** SIM_* settings; SIM_SMPP_PORT / SIM_HTTP_PORT default to 0 (the OS picks free ports). */
  env?: Record<string, string>;
  readyTimeoutMs?: number;
}

const ROOT = path.resolve(__dirname, '..');
// The optional tokens come in this order, each only when it applies (see readyLine in main.ts).
const READY = /^smsc-sim ready smpp=([^\s:]+):(\d+) http=(http:\/\/[^\s]+):(\d+)(?: listeners=(\d+(?:,\d+)*))?(?: smpps=(\d+))?\s*$/;
const OUTPUT_LINES = 300;
const live = new Set<ChildProcess>();

process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export function startSimulatorProcess(opts: StartOptions = {}): Promise<SimulatorProcess> {
  // The parent's own SIM_* settings (say, from a developer shell) must not leak into a test.
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SIM_')));
  Object.assign(env, { SIM_SMPP_PORT: '0', SIM_HTTP_PORT: '0', SIM_HOST: '127.0.0.1', SIM_LOG_LEVEL: 'warn' }, opts.env);

  // Port 0 + the ports read back from the ready line: no window in which another process can take
  // a port that was "free" when probed. `node --import tsx` rather than the tsx CLI keeps it one
  // process, so kill() really kills the simulator and not only a wrapper around it.
  const child = spawn(process.execPath, ['--import', 'tsx', path.join('smsc-sim', 'main.ts')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  const lines: string[] = [];
  const remember = (line: string) => {
    lines.push(line);
    if (lines.length > OUTPUT_LINES) lines.shift();
    if (process.env.SIM_HARNESS_VERBOSE) process.stderr.write(`[sim ${child.pid}] ${line}\n`);
  };
  const exited = new Promise<number | null>((resolve) => {
    // 'close' rather than 'exit': it comes after stdout/stderr are drained, so output() is complete.
    child.once('close', (code) => {
      live.delete(child);
      resolve(code);
    });
  });
  const output = () => lines.join('\n');

  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`simulator not ready within ${opts.readyTimeoutMs ?? 20000} ms; output:\n${output()}`));
    }, opts.readyTimeoutMs ?? 20000);
    let ready = false;
    const buffered = { stdout: '', stderr: '' };
    const onData = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      buffered[stream] += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffered[stream].indexOf('\n')) >= 0) {
        const line = buffered[stream].slice(0, nl);
        buffered[stream] = buffered[stream].slice(nl + 1);
        remember(line);
        const m = stream === 'stdout' && !ready ? READY.exec(line) : null;
        if (!m) continue;
        ready = true;
        clearTimeout(deadline);
        const smppPort = Number(m[2]);
        const httpPort = Number(m[4]);
        const smppPorts = m[5] ? m[5].split(',').map(Number) : [smppPort];
        resolve({
          smppPort,
          smppPorts,
          ...(m[6] ? { smppsPort: Number(m[6]) } : {}),
          httpPort,
          baseUrl: `${m[3]}:${httpPort}`,
          pid: child.pid!,
          output,
          exited,
          kill: () => {
            child.kill('SIGKILL');
          },
          stop: async () => {
            if (child.exitCode !== null || child.signalCode !== null) return;
            child.kill('SIGTERM');
            const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
            await exited;
            clearTimeout(timer);
          },
        });
      }
    };
    child.stdout!.on('data', onData('stdout'));
    child.stderr!.on('data', onData('stderr'));
    void exited.then((code) => {
      if (ready) return;
      clearTimeout(deadline);
      reject(new Error(`simulator exited with code ${code} before it was ready; output:\n${output()}`));
    });
  });
}
