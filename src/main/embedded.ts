import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createLogger } from '../log';
import { RedisServer, waitForPort } from '../store/redis-server';
import { describeTarget, redisTarget } from '../store/redis';
import { tokenSha256 } from '../config';
import { configOrExit } from './boot';
import { onShutdown, startRoles } from './roles';
import { seedDemo } from './demo';

// `npm start`: the whole system on one machine with embedded defaults. A private redis-server
// (AOF on, data under embedded.dataDir) when REDIS_URL is unset; the bundled SMSC simulator when
// SMPP_URL is unset; then gateway, worker and API in this process.

const ROOT = path.resolve(__dirname, '..', '..');

async function main(): Promise<void> {
  const config = configOrExit();
  const log = createLogger('embedded', config.logLevel);
  const cleanups: Array<() => Promise<void>> = [];
  const simSmppPort = Number(process.env.SIM_SMPP_PORT ?? 2775);
  const simHttpPort = Number(process.env.SIM_HTTP_PORT ?? 2776);

  if (!config.redis.url && !config.redis.clusterNodes.length) {
    const redis = new RedisServer({ port: config.embedded.redisPort, dir: path.resolve(ROOT, config.embedded.dataDir, 'redis'), detached: true });
    process.on('exit', () => redis.killNow());
    await redis.start();
    cleanups.unshift(() => redis.stop());
    config.redis.url = redis.url;
  }
  let sim: ChildProcess | null = null;
  if (!config.smpp.url) {
    // node --import tsx rather than the tsx command, whose second process a SIGKILL would orphan.
    sim = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'smsc-sim', 'main.ts')], {
      cwd: ROOT,
      env: {
        ...process.env,
        SIM_SMPP_PORT: String(simSmppPort),
        SIM_HTTP_PORT: String(simHttpPort),
        SIM_SYSTEM_ID: config.smpp.systemId,
        SIM_PASSWORD: config.smpp.password,
        SIM_SERVICE_NUMBER: config.serviceNumber,
        SIM_DEMO_PHONE: config.embedded.demo.subscriber,
        SIM_DEMO_DEVICE: config.embedded.demo.device,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
      detached: true, // see RedisServer: Ctrl-C reaches us, and we stop the simulator after the roles
    });
    const child = sim;
    process.on('exit', () => {
      if (child.exitCode === null) child.kill('SIGTERM');
    });
    cleanups.unshift(
      () =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    );
    await waitForPort(simSmppPort, 15000);
    config.smpp.url = `smpp://127.0.0.1:${simSmppPort}`;
  }
  // The demo token only when no token is configured at all (never next to ADMIN_TOKENS).
  const demoToken = !config.adminToken && config.adminTokens.length === 0;
  if (demoToken) config.adminToken = { name: 'admin', role: 'admin', tokenSha256: tokenSha256(config.embedded.adminToken) };
  const operators = [...(config.adminToken ? [config.adminToken] : []), ...config.adminTokens].map((t) => `${t.name} (${t.role})`).join(', ');

  // The demo's money goes only into the Redis this start runs itself: never into one named by
  // REDIS_URL, unless asked with EMBEDDED_SEED_DEMO=true.
  const seed = (!process.env.REDIS_URL && !config.redis.clusterNodes.length) || process.env.EMBEDDED_SEED_DEMO === 'true';
  if (seed) await seedDemo(config, log);
  else log.info('REDIS_URL or REDIS_CLUSTER_NODES is set: no demo subscriber seeded (EMBEDDED_SEED_DEMO=true to seed anyway)');
  const running = await startRoles(config, ['gateway', 'worker', 'api'], log, { gatewayName: 'embedded' });
  cleanups.unshift(() => running.stop());
  const stopAll = async (): Promise<void> => {
    for (const c of cleanups) await c().catch(() => undefined);
  };
  onShutdown(log, stopAll, config.worker.shutdownGraceMs);

  const api = `http://${config.http.host}:${running.httpPort}`;
  const lines = [
    'simpair is running (embedded defaults)',
    `  admin/ops API   ${api}   (health ${api}/healthz, readiness ${api}/readyz, metrics ${api}/metrics)`,
    `  console         ${api}/console/   (sign in with the admin token below)`,
    `  OpenAPI         ${api}/openapi.json`,
    `  admin token     ${demoToken ? `${config.embedded.adminToken}  (demo only, role admin; set ADMIN_TOKEN or ADMIN_TOKENS in production)` : `(configured; tokens: ${operators})`}`,
    `  redis           ${describeTarget(redisTarget(config.redis)!)}${process.env.REDIS_URL || config.redis.clusterNodes.length ? '' : `  (private, AOF in ${config.embedded.dataDir}/redis)`}`,
    `  SMSC            ${config.smpp.url}${sim ? `  (simulator; control API http://127.0.0.1:${simHttpPort})` : ''}`,
    ...(sim ? [`  web page        http://127.0.0.1:${simHttpPort}/   (handsets, network panel, fault switches)`] : []),
    `  service number  ${config.serviceNumber}`,
  ];
  const demo = config.embedded.demo;
  if (sim && seed) {
    lines.push(
      `  demo            subscriber ${demo.subscriber} (balance ${demo.balance} ${config.currency}), her device ${demo.device}, merchant ${demo.merchant}`,
      `  pay:     curl -s -XPOST http://127.0.0.1:${simHttpPort}/mo -H 'content-type: application/json' -d '{"from":"${demo.subscriber}","text":"PAY 12.50 ${demo.merchant}"}'`,
      `           curl -s -XPOST http://127.0.0.1:${simHttpPort}/mo -H 'content-type: application/json' -d '{"from":"${demo.device}","text":"PAY 12.50 ${demo.merchant}"}'`,
      `  read:    curl -s http://127.0.0.1:${simHttpPort}/handsets/${demo.subscriber}/inbox`,
    );
  }
  lines.push('  stop with Ctrl-C');
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err: Error) => {
  process.stderr.write(`simpair: cannot start: ${err.message}\n`);
  process.exit(1);
});
