import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { EnrolmentError } from '../store/enrolment';
import { isRedisUnavailable } from '../store/redis-errors';
import { ValidationError } from './admin-schemas';

/**
 * The admin routers' own errors become their status here (400 validation, the store's refusals,
 * 503 while Redis is unreachable); anything else goes on to the app's handler (500).
 */
export function adminErrors(log: Logger, api: string): ErrorRequestHandler {
  return (err: Error, _req, res, next) => {
    if (err instanceof ValidationError || err instanceof EnrolmentError) {
      res.status(err.httpStatus).json({ error: err.message });
      return;
    }
    if (isRedisUnavailable(err)) {
      log.warn({ err: err.message }, `${api}: redis unavailable`);
      res.status(503).json({ error: 'store unavailable, try again' });
      return;
    }
    next(err);
  };
}
