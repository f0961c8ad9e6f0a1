import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { healthRoutes, type ReadinessCheck } from './health';
import { metrics } from '../metrics';

export interface AppDeps extends ReadinessCheck {
  log: Logger;
  /** Extra routers (admin API) mounted after health and metrics. */
  routers?: express.Router[];
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use((req, res, next) => {
    res.on('finish', () => metrics.httpRequests.inc({ route: req.route?.path ?? 'unmatched', status: String(res.statusCode) }));
    next();
  });
  // No global body parser: routers that take bodies parse them after their own checks (admin.ts).
  app.use(healthRoutes(deps));
  for (const r of deps.routers ?? []) app.use(r);
  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  // Body-parser errors carry a status (400 bad JSON, 413 too large); anything else is ours: 500.
  app.use((err: Error & { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) deps.log.error({ err: err.message }, 'unhandled error in HTTP handler');
    const error = err.type === 'entity.parse.failed' ? 'invalid JSON' : err.type === 'entity.too.large' ? 'body too large' : status === 500 ? 'internal error' : err.message;
    res.status(status).json({ error });
  });
  return app;
}
