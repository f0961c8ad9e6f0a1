// `npm run sim`: the SMSC simulator as a process. Prints one plain ready line (the harness waits for
// it); everything else on stdout is JSON. SIGTERM/SIGINT unbind the ESMEs and exit 0.
import { ConfigError, loadConfig, type SimConfig } from './config';
import { log, setLogLevel } from './log';
import { Simulator, type StartedAddresses } from './simulator';

export const READY_PREFIX = 'smsc-sim ready';

/**
 * `smsc-sim ready smpp=HOST:PORT http=http://HOST:PORT`, then ` listeners=P1,P2,…` (every plain
 * SMPP port, the first included) only with more than one listener, and ` smpps=PORT` only with
 * TLS on: a reader that knows only the first two tokens keeps working.
 */
export function readyLine(a: StartedAddresses): string {
  let line = `${READY_PREFIX} smpp=${a.smpp} http=${a.http}`;
  if (a.listeners.length > 1) line += ` listeners=${a.listeners.join(',')}`;
  if (a.smpps !== null) line += ` smpps=${a.smpps}`;
  return line;
}

async function main(): Promise<void> {
  let config: SimConfig;
  try {
    config = loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`smsc-sim: ${err.message}\n`);
    process.exit(1);
  }
  setLogLevel(config.logLevel);
  const sim = new Simulator(config);
  let addresses: StartedAddresses;
  try {
    addresses = await sim.start();
  } catch (err) {
    process.stderr.write(`smsc-sim: ${(err as Error).message}\n`);
    process.exit(1);
  }
  process.stdout.write(`${readyLine(addresses)}\n`);
  log.info('started', { ...addresses, page: `${addresses.http}/`, accounts: config.accounts.map((a) => a.systemId), serviceNumber: config.serviceNumber });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { signal });
    // The whole stop has a hard deadline so a stuck peer cannot keep the process alive.
    setTimeout(() => process.exit(0), 3000).unref();
    sim.stop().then(
      () => process.exit(0),
      (err: Error) => {
        log.error('stop failed', { error: err.message });
        process.exit(0);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

process.on('uncaughtException', (err) => {
  log.error('uncaught exception', { error: err.stack });
  process.exit(70);
});

void main();
