import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { EnrolmentError, type EnrolmentErrorCode } from '../store/enrolment';
import type { RefundRefusal } from '../store/refunds';
import { isRedisUnavailable } from '../store/redis-errors';
import { ValidationError } from './admin-schemas';

/**
 * The one table from the store's refusals (enrolment and operator scripts, refunds) to HTTP
 * statuses. The store names what went wrong; only the API decides how it is answered.
 */
export const STORE_REFUSAL_STATUS: Readonly<Record<EnrolmentErrorCode | RefundRefusal, number>> = {
  SUBSCRIBER_EXISTS: 409,
  MSISDN_IS_DEVICE: 409,
  NO_SUBSCRIBER: 404,
  DEVICE_IS_SUBSCRIBER: 409,
  DEVICE_BOUND: 409,
  NOT_BOUND: 404,
  REFERENCE_CONFLICT: 409,
  BALANCE_LIMIT: 422,
  MERCHANT_EXISTS: 409,
  PHONE_TAKEN: 409,
  NO_MERCHANT: 404,
  no_payment: 404,
  not_completed: 409,
  reference_conflict: 409,
  over_refund: 409,
  merchant_funds: 409,
};

/**
 * The admin routers' own errors become their status here (400 validation, the store's refusals,
 * 503 while Redis is unreachable); anything else goes on to the app's handler (500).
 */
export function adminErrors(log: Logger, api: string): ErrorRequestHandler {
  return (err: Error, _req, res, next) => {
    if (err instanceof ValidationError) {
      res.status(err.httpStatus).json({ error: err.message });
      return;
    }
    if (err instanceof EnrolmentError) {
      res.status(STORE_REFUSAL_STATUS[err.code]).json({ error: err.message });
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
