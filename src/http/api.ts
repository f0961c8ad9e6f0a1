import { Router, type Express } from 'express';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { Keys } from '../store/keys';
import type { ScriptClient } from '../store/scripts';
import type { SettledPosting } from '../store/ledger-outbox';
import { createApp } from './app';
import { adminRouter, adminRoutes } from './admin';
import { ledgerRouter, ledgerRoutes } from './ledger-routes';
import { networkRoutes } from './network-routes';
import { healthRouteList } from './health';
import { openApiDocument, openApiRoute } from './openapi';
import { consoleRouter } from './console';
import { mountRoutes, routesRouter, type ApiRoute } from './registry';

// The api role's HTTP surface in one place: every registry route (admin, merchants, ledger,
// network, health) is mounted from, and documented by, the same list; then the console's files.
// The composition root (src/main/roles.ts) hands in the connections and queues.

export interface ApiDeps {
  redis: Redis;
  keys: Keys;
  scripts: ScriptClient;
  config: Config;
  log: Logger;
  /** The queues whose depths the network view shows (mo, mt, merchant). */
  queues: readonly Queue[];
  onPosting(p: SettledPosting): Promise<void>;
}

export const API_INFO = {
  title: 'simpair admin API',
  version: '1',
  description:
    'Enrolment, payments, refunds, the ledger, the audit log and operations of simpair. Bearer token per operator; the role (viewer < operator < admin) decides what it may do (`x-roles` on each operation). Errors are `{"error": "<in words>"}`; amounts in requests are decimal strings.',
};

/** Every documented route, grouped as mounted; `all` is what GET /openapi.json describes. */
export function apiRoutes(deps: ApiDeps) {
  const groups = { health: healthRouteList(deps), admin: adminRoutes(deps), ledger: ledgerRoutes(deps), network: networkRoutes(deps) };
  const all: ApiRoute[] = [];
  const docs = openApiRoute(() => openApiDocument(all, API_INFO));
  all.push(...groups.health, docs, ...groups.admin, ...groups.ledger, ...groups.network);
  return { ...groups, docs, all };
}

export function createApiApp(deps: ApiDeps): Express {
  const routes = apiRoutes(deps);
  const publicRouter = Router();
  mountRoutes(publicRouter, [routes.docs], {});
  return createApp({
    redis: deps.redis,
    keys: deps.keys,
    log: deps.log,
    // health routes are mounted by createApp itself (from the same list, healthRouteList)
    routers: [publicRouter, consoleRouter(), adminRouter(deps, routes.admin), ledgerRouter(deps, routes.ledger), routesRouter(deps, routes.network, 'network API')],
  });
}
