import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../../src/config';
import { withFile } from './config-file';

describe('configuration', () => {
  it('loads the embedded defaults with no environment', () => {
    const c = loadConfig({});
    assert.equal(c.redis.url, null);
    assert.equal(c.smpp.url, null);
    assert.equal(c.payments.windowSeconds, 120);
    assert.equal(c.adminToken, null);
  });

  it('has the roles\' timers and limits as settings, with the values they had as constants', () => {
    const c = loadConfig({});
    assert.deepEqual(
      {
        enqueueTimeoutMs: c.mo.enqueueTimeoutMs,
        partAttempts: c.smpp.partAttempts,
        maxStalledCount: c.worker.maxStalledCount,
        expiryLeaseMs: c.worker.expiryLeaseMs,
        expirySweepMs: c.worker.expirySweepMs,
        ledgerLeaseMs: c.worker.ledgerLeaseMs,
        ledgerIdleMs: c.worker.ledgerIdleMs,
        ussdSweepMs: c.worker.ussdSweepMs,
        replyEnqueueTimeoutMs: c.replies.enqueueTimeoutMs,
        webhookConcurrency: c.webhooks.concurrency,
        relayLeaseMs: c.webhooks.relayLeaseMs,
        relayReadBlockMs: c.webhooks.relayReadBlockMs,
        relayClaimIntervalMs: c.webhooks.relayClaimIntervalMs,
        gateway: c.gateway,
        failFastTimeoutMs: c.redis.failFastTimeoutMs,
      },
      {
        enqueueTimeoutMs: 3000,
        partAttempts: 20,
        maxStalledCount: 5,
        expiryLeaseMs: 30_000,
        expirySweepMs: 250,
        ledgerLeaseMs: 30_000,
        ledgerIdleMs: 20,
        ussdSweepMs: 1000,
        replyEnqueueTimeoutMs: 10_000,
        webhookConcurrency: 8,
        relayLeaseMs: 30_000,
        relayReadBlockMs: 1000,
        relayClaimIntervalMs: 10_000,
        gateway: { statusIntervalMs: 1000, reassemblySweepMs: 2000, backlogCheckMs: 500, routeMemory: 100_000 },
        failFastTimeoutMs: 2000,
      },
    );
  });

  it('refuses timers out of range, naming each setting', () => {
    assert.throws(
      () => loadConfig(withFile({ gateway: { statusIntervalMs: 0, reassemblySweepMs: -1 }, webhooks: { relayReadBlockMs: 120_000 } })),
      (err: unknown) =>
        err instanceof ConfigError &&
        ['gateway.statusIntervalMs', 'gateway.reassemblySweepMs', 'webhooks.relayReadBlockMs'].every((name) => err.message.includes(name)),
    );
  });

  it('takes the documented environment variables', () => {
    const c = loadConfig({
      REDIS_URL: 'redis://10.0.0.5:6380',
      SMPP_URL: 'smpp://smsc.example:2775',
      SMPP_SYSTEM_ID: 'carrier1',
      SMPP_PASSWORD: 'pw',
      SERVICE_NUMBER: '30444',
      HTTP_PORT: '9090',
      ADMIN_TOKEN: 'a-long-enough-admin-token',
      PAYMENT_STRICT: 'true',
    });
    assert.equal(c.redis.url, 'redis://10.0.0.5:6380');
    assert.equal(c.smpp.url, 'smpp://smsc.example:2775');
    assert.equal(c.smpp.systemId, 'carrier1');
    assert.equal(c.serviceNumber, '30444');
    assert.equal(c.http.port, 9090);
    assert.equal(c.payments.strict, true);
  });

  it('names every bad setting by its environment variable', () => {
    assert.throws(
      () => loadConfig({ HTTP_PORT: 'eighty', SMPP_URL: 'http://x', ADMIN_TOKEN: 'short', SMPP_SYSTEM_ID: 'a-system-id-longer-than-15' }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        const text = err.message;
        for (const name of ['HTTP_PORT', 'SMPP_URL', 'ADMIN_TOKEN', 'SMPP_SYSTEM_ID']) assert.match(text, new RegExp(name));
        assert.equal(err.problems.length, 4);
        return true;
      },
    );
  });

  it('selects Redis Cluster by its seed nodes, and refuses them next to REDIS_URL or malformed', () => {
    const c = loadConfig({ REDIS_CLUSTER_NODES: '10.0.0.1:7000, 10.0.0.2:7000,redis-3.internal:7001' });
    assert.deepEqual(c.redis.clusterNodes, ['10.0.0.1:7000', '10.0.0.2:7000', 'redis-3.internal:7001']);
    assert.throws(() => loadConfig({ REDIS_CLUSTER_NODES: '10.0.0.1:7000', REDIS_URL: 'redis://10.0.0.5:6380' }), /REDIS_CLUSTER_NODES \(redis.clusterNodes\): set either it or REDIS_URL/);
    assert.throws(() => loadConfig({ REDIS_CLUSTER_NODES: '10.0.0.1' }), /REDIS_CLUSTER_NODES \(redis.clusterNodes.0\): must be host:port/);
  });

  it('keeps guard records at least as long as what they guard against can still arrive', () => {
    const c = loadConfig({ RETENTION_APPLIED_MO_SECONDS: '600', RETENTION_REPLY_SECONDS: '90000' });
    assert.deepEqual(c.retention, { appliedMoSeconds: 600, replySeconds: 90000 });
    assert.throws(() => loadConfig({ RETENTION_APPLIED_MO_SECONDS: '60' }), /RETENTION_APPLIED_MO_SECONDS \(retention.appliedMoSeconds\): must be at least mo.dedupeWindowSeconds \(120\)/);
    assert.throws(() => loadConfig({ RETENTION_REPLY_SECONDS: '3600' }), /RETENTION_REPLY_SECONDS \(retention.replySeconds\): must be at least the longest replies.deadlineSeconds \(86400\)/);
    assert.throws(() => loadConfig({ RETENTION_REPLY_SECONDS: 'a week' }), /RETENTION_REPLY_SECONDS \(retention.replySeconds\)/);
  });

  it('shares the carrier limit per account only when asked', () => {
    assert.equal(loadConfig({}).smpp.throughputScope, 'per-bind');
    assert.equal(loadConfig({ SMPP_THROUGHPUT_SCOPE: 'per-account' }).smpp.throughputScope, 'per-account');
    assert.throws(() => loadConfig({ SMPP_THROUGHPUT_SCOPE: 'global' }), /SMPP_THROUGHPUT_SCOPE \(smpp.throughputScope\): must be per-bind or per-account/);
  });

  it('refuses a config file that is not JSON, naming the file', () => {
    assert.throws(() => loadConfig({ SIMPAIR_CONFIG: __filename }), (err: unknown) => err instanceof ConfigError && err.message.includes('config.test.ts'));
  });
});
