import { Router } from 'express';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Keys } from '../store/keys';
import { registry } from '../metrics';
import { readGatewayStatuses } from '../gateway/status-board';
import { Health, Readiness } from './admin-responses';
import { mountRoutes, route, type ApiRoute } from './registry';

export interface ReadinessCheck {
  redis: Redis;
  keys: Keys;
}

export interface ReadinessReport {
  ready: boolean;
  body: Record<string, unknown>;
}

/**
 * Readiness: Redis answers and MT can be sent — some connection of some gateway has a transmitter
 * or transceiver bound (a receiver alone takes payments nobody can be answered for). Lists every
 * connection, and names binds refused for their credentials. /readyz and the network view
 * (network-routes.ts) answer with it.
 */
export async function readiness(deps: ReadinessCheck): Promise<ReadinessReport> {
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
          window: c.window,
          throughput: c.throughput,
          submitted: c.submitted,
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
  if (!ready) return { ready, body: { status: 'unavailable', reasons, binds, connections } };
  return { ready, body: { status: 'ready', binds, connections, ...(reasons.length ? { reasons } : {}) } };
}

/** /healthz: the process is alive. /readyz: readiness() (503 when not ready). /metrics: Prometheus. */
export function healthRouteList(deps: ReadinessCheck): ApiRoute[] {
  const tag = 'operations';
  return [
    route({ method: 'get', path: '/healthz', role: null, tag, summary: 'The process is alive', responses: { 200: { description: 'alive', schema: Health } } }, async (_input, _req, res) => {
      res.json({ status: 'ok' });
    }),
    route(
      { method: 'get', path: '/readyz', role: null, tag, summary: 'Ready: Redis answers and some bind can send replies', responses: { 200: { description: 'ready', schema: Readiness }, 503: { description: 'not ready; `reasons` says why', schema: Readiness } } },
      async (_input, _req, res) => {
        const r = await readiness(deps);
        res.status(r.ready ? 200 : 503).json(r.body);
      },
    ),
    route({ method: 'get', path: '/metrics', role: null, tag, summary: 'Prometheus metrics of this process', responses: { 200: { description: 'the text exposition format', schema: z.string(), contentType: 'text/plain' } } }, async (_input, _req, res) => {
      res.type(registry.contentType).send(await registry.metrics());
    }),
  ];
}

export function healthRoutes(deps: ReadinessCheck): Router {
  const r = Router();
  mountRoutes(r, healthRouteList(deps), {});
  return r;
}
