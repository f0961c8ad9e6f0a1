import { Router } from 'express';
import type { Redis } from 'ioredis';
import type { Keys } from '../store/keys';
import { registry } from '../metrics';

export interface ReadinessCheck {
  redis: Redis;
  keys: Keys;
}

/** /healthz: the process is alive. /readyz: Redis answers and at least one SMPP bind is up. */
export function healthRoutes(deps: ReadinessCheck): Router {
  const r = Router();
  r.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  r.get('/readyz', async (_req, res) => {
    const reasons: string[] = [];
    let binds = 0;
    try {
      await deps.redis.ping();
      binds = await deps.redis.zcount(deps.keys.bindHeartbeats(), Date.now(), '+inf');
      if (binds === 0) reasons.push('no SMPP bind is up');
    } catch (err) {
      reasons.push(`redis unavailable: ${(err as Error).message}`);
    }
    if (reasons.length) res.status(503).json({ status: 'unavailable', reasons });
    else res.json({ status: 'ready', binds });
  });
  r.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  return r;
}
