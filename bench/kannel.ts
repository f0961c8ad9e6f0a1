// The Kannel comparison (benchmark step 8): Kannel 1.4.5 (Debian's `kannel` package) bound to the
// same simulator as an ESME, passing each MO to an HTTP application, the usual way an SMS service
// is built on Kannel: bearerbox (the SMPP client) → smsbox → sms-service get-url → bench/http-sink.ts.
// Kannel answers deliver_sm as soon as bearerbox has the message in memory (no store-file is
// configured, its default), so its acknowledgement rate says little; what it delivers is the rate of
// HTTP requests smsbox makes, measured over the same window. simpair's ingest (step 2) stores every
// MO in Redis before it answers.
//
// Optional: when bearerbox and smsbox are not installed the step is skipped and the report says so
// (`apt-get install kannel`; the package's own service stays disabled: the bench starts the boxes).
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '../src/store/redis-server';
import { sleep, type Proc, type Rig } from './rig';

export interface KannelInstall {
  bearerbox: string;
  smsbox: string;
  /** The Debian package's version, e.g. "1.4.5-12". */
  version: string;
}

const SEARCH = ['/usr/sbin', '/usr/local/sbin', '/usr/bin', '/usr/local/bin'];

export function findKannel(): KannelInstall | null {
  const find = (name: string): string | null => SEARCH.map((d) => path.join(d, name)).find((f) => existsSync(f)) ?? null;
  const bearerbox = find('bearerbox');
  const smsbox = find('smsbox');
  if (!bearerbox || !smsbox) return null;
  let version = 'unknown';
  try {
    version = execFileSync('dpkg-query', ['-W', '-f=${Version}', 'kannel'], { encoding: 'utf8' }).trim() || version;
  } catch {
    // not a Debian package: the status page still names the version Kannel reports
  }
  return { bearerbox, smsbox, version };
}

/** A running bearerbox + smsbox pair bound to the simulator, and the HTTP sink behind it. */
export class Kannel {
  private constructor(
    private readonly bearerbox: Proc,
    private readonly smsbox: Proc,
    private readonly sink: Proc,
    private readonly sinkPort: number,
  ) {}

  static async start(rig: Rig, install: KannelInstall, smsc: { host: string; port: number; systemId: string; password: string }): Promise<Kannel> {
    const [adminPort, boxPort, sinkPort] = [await freePort(), await freePort(), await freePort()];
    const sink = await rig.startBenchScript('http-sink', 'http-sink.ts', [String(sinkPort)], /http-sink ready/);
    const conf = path.join(rig.workDir, `kannel-${adminPort}.conf`);
    writeFileSync(conf, kannelConf({ adminPort, boxPort, sinkPort, logDir: path.join(rig.workDir, 'logs'), smsc }));
    const bearerbox = rig.spawnProgram('kannel-bearerbox', install.bearerbox, [conf]);
    await waitFor(() => status(adminPort).then((s) => /SMSC connections:\s*\n\s*sim\[sim\][^\n]*\(online/.test(s)), 20_000, 'bearerbox bound to the simulator', bearerbox);
    const smsbox = rig.spawnProgram('kannel-smsbox', install.smsbox, [conf]);
    const kannel = new Kannel(bearerbox, smsbox, sink, sinkPort);
    await waitFor(() => status(adminPort).then((s) => /Box connections:\s*\n\s*smsbox:/.test(s)), 20_000, 'smsbox connected to bearerbox', smsbox);
    return kannel;
  }

  get pids(): Record<string, number> {
    return { 'kannel-bearerbox': this.bearerbox.pid, 'kannel-smsbox': this.smsbox.pid, 'http-sink': this.sink.pid };
  }

  /** HTTP requests smsbox has made so far (one per MO passed on). */
  async httpRequests(): Promise<number> {
    const res = await fetch(`http://127.0.0.1:${this.sinkPort}/count`);
    return ((await res.json()) as { hits: number }).hits;
  }

  /** Waits until smsbox has passed on `count` MOs in all (or the deadline passes), so runs do not overlap. */
  async drained(count: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if ((await this.httpRequests()) >= count) return true;
      await sleep(100);
    }
    return false;
  }

  /** smsbox first (it holds no MOs once drained), then bearerbox, which unbinds from the simulator. */
  async stop(): Promise<void> {
    await this.smsbox.stop();
    await this.bearerbox.stop();
    await this.sink.stop();
  }
}

async function status(adminPort: number): Promise<string> {
  try {
    const res = await fetch(`http://127.0.0.1:${adminPort}/status.txt?password=bench`);
    return await res.text();
  } catch {
    return '';
  }
}

async function waitFor(cond: () => Promise<boolean>, timeoutMs: number, what: string, proc: Proc): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (!proc.alive) throw new Error(`Kannel: ${proc.name} exited before ${what}:\n${proc.log().slice(-2000)}`);
    if (Date.now() > deadline) throw new Error(`Kannel: no ${what} after ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** Kannel's configuration (Kannel 1.4.5 user guide: core, smsc, smsbox and sms-service groups). */
function kannelConf(o: { adminPort: number; boxPort: number; sinkPort: number; logDir: string; smsc: { host: string; port: number; systemId: string; password: string } }): string {
  return [
    'group = core',
    `admin-port = ${o.adminPort}`,
    'admin-password = bench',
    `smsbox-port = ${o.boxPort}`,
    'box-allow-ip = 127.0.0.1',
    'admin-allow-ip = 127.0.0.1',
    `log-file = "${path.join(o.logDir, 'kannel-bearerbox-file.log')}"`,
    'log-level = 3', // errors only, like the simpair roles' LOG_LEVEL=warn
    '',
    'group = smsc',
    'smsc = smpp',
    'smsc-id = sim',
    `host = ${o.smsc.host}`,
    `port = ${o.smsc.port}`,
    'transceiver-mode = true',
    `smsc-username = ${o.smsc.systemId}`,
    `smsc-password = ${o.smsc.password}`,
    'system-type = ""',
    'interface-version = 34',
    '',
    'group = smsbox',
    'bearerbox-host = 127.0.0.1',
    `bearerbox-port = ${o.boxPort}`,
    `log-file = "${path.join(o.logDir, 'kannel-smsbox-file.log')}"`,
    'log-level = 3',
    '',
    'group = sms-service',
    'keyword = default',
    'catch-all = true',
    `get-url = "http://127.0.0.1:${o.sinkPort}/mo?from=%p&to=%P&text=%a"`,
    'max-messages = 0', // the application answers nothing: no MT back through Kannel
    '',
  ].join('\n');
}
