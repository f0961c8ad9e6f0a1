import { Router } from 'express';
import type { Redis } from 'ioredis';
import type { Keys } from '../store/keys';
import { registry } from '../metrics';
import { readGatewayStatuses } from '../gateway/status-board';

export interface ReadinessCheck {
  redis: Redis;
  keys: Keys;
}

/**
 * /healthz: the process is alive. /readyz: Redis answers and MT can be sent — some connection of
 * some gateway has a transmitter or transceiver bound (a receiver alone takes payments nobody can
 * be answered for). The JSON lists every connection, and names binds refused for their credentials.
 */
export function healthRoutes(deps: ReadinessCheck): Router {
  const r = Router();
  r.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  r.get('/readyz', async (_req, res) => {
    const reasons: string[] = [];
    const connections: Array<Record<string, unknown>> = [];
    let binds = 0;
    try {
      await deps.redis.ping();
      for (const g of await readGatewayStatuses(deps.redis, deps.keys, Date.now())) {
        for (const c of g.connections) {
          binds += c.sessions.filter((s) => s.state === 'bound').length;
          connections.push({
            gateway: g.gateway,
            name: c.name,
            target: c.target,
            bindMode: c.bindMode,
            up: c.up,
            canTransmit: c.canTransmit,
            sessions: c.sessions.map((s) => ({ bind: s.bind, state: s.state, since: new Date(s.since).toISOString(), outstanding: s.outstanding, lastError: s.lastError, refused: s.refused ? { status: s.refused.status, retryAt: new Date(s.refused.retryAt).toISOString() } : null })),
          });
          for (const s of c.sessions) {
            if (s.refused) reasons.push(`${g.gateway}/${c.name}: ${s.bind} refused for its credentials (${s.refused.status}); next attempt ${new Date(s.refused.retryAt).toISOString()}`);
          }
        }
      }
      if (!connections.some((c) => c.canTransmit)) reasons.unshift(connections.length ? 'no SMPP bind is up that can send replies (no transmitter or transceiver bound)' : 'no SMPP bind is up');
    } catch (err) {
      reasons.push(`redis unavailable: ${(err as Error).message}`);
    }
    const ready = connections.some((c) => c.canTransmit) && !reasons.some((x) => x.startsWith('redis'));
    if (!ready) res.status(503).json({ status: 'unavailable', reasons, binds, connections });
    else res.json({ status: 'ready', binds, connections, ...(reasons.length ? { reasons } : {}) });
  });
  r.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  return r;
}
