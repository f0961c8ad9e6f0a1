import { ConfigError, loadConfig, type Config } from '../config';
import { createLogger, type Logger } from '../log';
import { onShutdown, startRoles, type Role } from './roles';

/** Loads configuration or exits 2 with a message naming each bad setting. */
export function configOrExit(): Config {
  try {
    const config = loadConfig();
    // The config keeps admin tokens as SHA-256 only; drop the text from the environment too, so
    // that it is not in this process's memory nor in the environment of a child (the simulator).
    delete process.env.ADMIN_TOKEN;
    delete process.env.ADMIN_TOKENS;
    return config;
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`simpair: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

export function runRoles(roles: Role[]): void {
  const config = configOrExit();
  const log: Logger = createLogger(roles.join('+'), config.logLevel);
  process.on('unhandledRejection', (err) => log.error({ err: String(err) }, 'unhandled rejection'));
  startRoles(config, roles, log, { gatewayName: process.env.GATEWAY_NAME })
    .then((running) => {
      log.info({ roles, httpPort: running.httpPort }, 'simpair started');
      process.stdout.write(`simpair ready roles=${roles.join(',')}${running.httpPort ? ` http=http://${config.http.host}:${running.httpPort}` : ''}\n`);
      onShutdown(log, () => running.stop(), config.worker.shutdownGraceMs);
    })
    .catch((err: Error) => {
      process.stderr.write(`simpair: cannot start: ${err.message}\n`);
      process.exit(1);
    });
}
