import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { Keys } from '../store/keys';
import type { ScriptClient } from '../store/scripts';
import { EnrolmentError, EnrolmentStore } from '../store/enrolment';
import { PaymentReader } from '../store/payments-read';
import { maskMsisdn } from '../domain/msisdn';
import { bearerAuth } from './auth';
import { adminSchemas, parseOr400, ValidationError } from './admin-schemas';
import { creditJson, deviceJson, merchantJson, paymentJson, subscriberJson } from './admin-views';

// The admin HTTP API (issue 3, "Admin API"): enrolment of subscribers, devices and merchants,
// top-ups, unlock, and reading payments. Every write is one Lua script (src/store/enrolment.ts), so
// a refused or failed request leaves nothing half-written. MSISDNs are masked in logs.

export interface AdminDeps {
  redis: Redis;
  keys: Keys;
  scripts: ScriptClient;
  config: Config;
  log: Logger;
}

/** Paths the bearer token protects (and only these, so other routers keep their own rules). */
export const ADMIN_PATHS = ['/v1/subscribers', '/v1/merchants', '/v1/payments'];

export function adminRouter(deps: AdminDeps): Router {
  const { config, log } = deps;
  const store = new EnrolmentStore(deps.redis, deps.keys, deps.scripts);
  const payments = new PaymentReader(deps.redis, deps.keys);
  const s = adminSchemas(config);
  const fmt = { currency: config.currency, minorDigits: config.minorDigits };
  const r = Router();

  // The token is checked before any body is parsed: an unauthenticated caller cannot make us parse.
  r.use(ADMIN_PATHS, bearerAuth(config.adminToken), express.json({ limit: config.http.bodyLimit, strict: true }));

  r.post('/v1/subscribers', async (req, res) => {
    const body = parseOr400(s.createSubscriber, req.body, 'body');
    const sub = await store.createSubscriber({ msisdn: body.msisdn, imsi: body.imsi, name: body.name, balanceMinor: body.balance ?? 0 }, Date.now());
    log.info({ msisdn: maskMsisdn(sub.msisdn), withImsi: sub.imsi !== undefined }, 'subscriber enrolled');
    res.status(201).json(subscriberJson(sub, fmt));
  });

  r.get('/v1/subscribers/:msisdn', async (req, res) => {
    const { msisdn } = parseOr400(s.subscriberPath, req.params, 'path');
    const sub = await store.getSubscriber(msisdn);
    if (!sub) throw new EnrolmentError('NO_SUBSCRIBER');
    res.json(subscriberJson(sub, fmt));
  });

  r.post('/v1/subscribers/:msisdn/devices', async (req, res) => {
    const { msisdn } = parseOr400(s.subscriberPath, req.params, 'path');
    const body = parseOr400(s.bindDevice, req.body, 'body');
    const device = await store.bindDevice(msisdn, body, Date.now());
    log.info({ msisdn: maskMsisdn(msisdn), device: maskMsisdn(device.msisdn) }, 'device bound');
    res.status(201).json(deviceJson(device));
  });

  r.delete('/v1/subscribers/:msisdn/devices/:deviceMsisdn', async (req, res) => {
    const { msisdn, deviceMsisdn } = parseOr400(s.devicePath, req.params, 'path');
    await store.unbindDevice(msisdn, deviceMsisdn);
    log.info({ msisdn: maskMsisdn(msisdn), device: maskMsisdn(deviceMsisdn) }, 'device unbound');
    res.status(204).end();
  });

  r.post('/v1/subscribers/:msisdn/credits', async (req, res) => {
    const { msisdn } = parseOr400(s.subscriberPath, req.params, 'path');
    const body = parseOr400(s.credit, req.body, 'body');
    const credit = await store.credit(msisdn, body.reference, body.amount);
    if (credit.created) log.info({ msisdn: maskMsisdn(msisdn), amountMinor: credit.amountMinor }, 'subscriber credited');
    res.status(credit.created ? 201 : 200).json(creditJson(credit, fmt));
  });

  r.post('/v1/subscribers/:msisdn/unlock', async (req, res) => {
    const { msisdn } = parseOr400(s.subscriberPath, req.params, 'path');
    if (req.body !== undefined) parseOr400(s.empty, req.body, 'body');
    const sub = await store.unlock(msisdn);
    log.info({ msisdn: maskMsisdn(msisdn) }, 'subscriber unlocked');
    res.json(subscriberJson(sub, fmt));
  });

  r.post('/v1/merchants', async (req, res) => {
    const body = parseOr400(s.createMerchant, req.body, 'body');
    const merchant = await store.createMerchant(body, Date.now());
    log.info({ merchant: merchant.code }, 'merchant created');
    res.status(201).json(merchantJson(merchant, fmt));
  });

  r.get('/v1/merchants/:code', async (req, res) => {
    const { code } = parseOr400(s.merchantPath, req.params, 'path');
    const merchant = await store.getMerchant(code);
    if (!merchant) {
      res.status(404).json({ error: 'merchant not found' });
      return;
    }
    res.json(merchantJson(merchant, fmt));
  });

  r.get('/v1/payments/:id', async (req, res) => {
    const { id } = parseOr400(s.paymentPath, req.params, 'path');
    const payment = await payments.get(id);
    if (!payment) {
      res.status(404).json({ error: 'payment not found' });
      return;
    }
    res.json(paymentJson(payment, fmt));
  });

  r.get('/v1/payments', async (req, res) => {
    const q = parseOr400(s.listPayments, { ...req.query }, 'query');
    if (!(await store.subscriberExists(q.msisdn))) throw new EnrolmentError('NO_SUBSCRIBER');
    const list = await payments.list(q.msisdn, { state: q.state, limit: q.limit ?? 20 });
    res.json({ payments: list.map((p) => paymentJson(p, fmt)) });
  });

  // Our own errors become their status here; anything else goes on to the app's handler (500).
  r.use((err: Error, _req: Request, res: Response, next: NextFunction) => {
    if (err instanceof ValidationError || err instanceof EnrolmentError) {
      res.status(err.httpStatus).json({ error: err.message });
      return;
    }
    if (isRedisUnavailable(err)) {
      log.warn({ err: err.message }, 'admin API: redis unavailable');
      res.status(503).json({ error: 'store unavailable, try again' });
      return;
    }
    next(err);
  });

  return r;
}

/** Errors of a fail-fast ioredis connection while Redis is down or unreachable. */
function isRedisUnavailable(err: Error): boolean {
  return (
    err.name === 'MaxRetriesPerRequestError' ||
    /Stream isn't writeable|Connection is closed|Command timed out|ECONNREFUSED|ECONNRESET|ETIMEDOUT|LOADING/.test(err.message)
  );
}
