import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../../src/store/redis-server';
import { http } from '../support/http';
import { ROOT } from '../support/processes';
import { startSystem } from '../support/system';
import { waitFor } from '../support/wait';

// Issue 4, start-up and operations: bad configuration refuses to start, Redis settings that break
// the guarantees are warned about, readiness follows the bind and Redis down and back up.

describe('start-up and operations checks (integration)', function () {
  this.timeout(90_000);

  // Not on startSystem: a process that must refuse to start, run to its exit with spawnSync.
  it('refuses to start on unusable configuration and names the setting', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'main', 'all.ts')], {
      cwd: ROOT,
      env: { ...process.env, REDIS_URL: 'redis://127.0.0.1:1', SMPP_URL: 'smpp://127.0.0.1:1', HTTP_PORT: 'eighty', PAYMENT_WINDOW_SECONDS: '0' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /HTTP_PORT \(http\.port\)/);
    assert.match(r.stderr, /PAYMENT_WINDOW_SECONDS/);
  });

  it('warns when Redis may evict keys or keeps no append-only file', async () => {
    const sys = await startSystem({ redis: { appendonly: false, maxmemoryPolicy: 'allkeys-lru' } });
    try {
      assert.match(sys.app.output(), /maxmemory-policy is allkeys-lru, not noeviction/);
      assert.match(sys.app.output(), /no append-only file/);
    } finally {
      await sys.stop();
    }
  });

  it('serves /metrics from a gateway running alone when METRICS_PORT is set', async () => {
    const metricsPort = await freePort();
    const sys = await startSystem({ simpair: [{ role: 'gateway', env: { METRICS_PORT: String(metricsPort) } }] });
    try {
      const text = await waitFor('binds_up 1 in the gateway metrics', async () => {
        const r = await http<string>('GET', `http://127.0.0.1:${metricsPort}/metrics`);
        return /^simpair_smpp_binds_up 1$/m.test(r.body) ? r.body : null;
      });
      assert.match(text, /simpair_mo_enqueued_total/);
    } finally {
      await sys.stop();
    }
  });

  it('stays quiet about Redis configured as documented', async () => {
    const sys = await startSystem();
    try {
      assert.doesNotMatch(sys.app.output(), /warning/);
    } finally {
      await sys.stop();
    }
  });

  it('turns readiness 503 while the bind or Redis is down and 200 after recovery', async () => {
    const sys = await startSystem();
    const ready = async () => (await http<{ reasons?: string[] }>('GET', `${sys.app.baseUrl}/readyz`));
    try {
      await waitFor('ready', async () => (await ready()).status === 200);
      sys.sim.kill();
      const down = await waitFor('503 without a bind', async () => {
        const r = await ready();
        return r.status === 503 ? r : null;
      });
      assert.match(JSON.stringify(down.body.reasons), /no SMPP bind/);
      await sys.restartSimulator();
      await waitFor('200 after the SMSC is back', async () => (await ready()).status === 200, 20_000);
      await sys.redis.stop();
      const noRedis = await waitFor('503 without Redis', async () => {
        const r = await ready();
        return r.status === 503 ? r : null;
      });
      assert.match(JSON.stringify(noRedis.body.reasons), /redis unavailable/);
      await sys.redis.start();
      await waitFor('200 after Redis is back', async () => (await ready()).status === 200, 20_000);
    } finally {
      await sys.stop();
    }
  });
});
