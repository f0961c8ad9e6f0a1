import express, { Router, type Response } from 'express';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { Keys } from '../store/keys';
import type { ScriptClient } from '../store/scripts';
import { EnrolmentError, EnrolmentStore } from '../store/enrolment';
import { PaymentReader } from '../store/payments-read';
import { AuditLog } from '../store/audit';
import { maskMsisdn } from '../domain/msisdn';
import { toMoney } from '../domain/money';
import { RefundStore } from '../store/refunds';
import { adminAuth, audit, requireRole, roleAtLeast, type Operator, type Role } from './access';
import { adminErrors } from './admin-errors';
import { adminSchemas, parseOr400 } from './admin-schemas';
import { creditJson, deviceJson, merchantJson, paymentJson, subscriberJson, withRefunds } from './admin-views';
import { newDeviceKey, refusalRules } from './device-routes';
import { DeviceKeySealer } from '../store/device-keys';

// The admin HTTP API (issue 3, "Admin API"): enrolment of subscribers, devices and merchants,
// top-ups, unlock, and reading payments and the audit log. Every write is one Lua script
// (src/store/enrolment.ts), so a refused or failed request leaves nothing half-written, and is then
// recorded in the audit log under the operator's name (access.ts). MSISDNs are masked in logs.
//
// Who may do what (README "Admin API"): GET anything — viewer; enrol, bind, unbind, unlock —
// operator; credit money (also an opening balance) and create merchants — admin.

export interface AdminDeps {
  redis: Redis;
  keys: Keys;
  scripts: ScriptClient;
  config: Config;
  log: Logger;
}

/**
 * Paths the bearer token protects (and only these, so other routers keep their own rules). Routers
 * mounted after adminRouter for these paths (ledger-routes.ts) find the operator authenticated.
 */
export const ADMIN_PATHS = ['/v1/subscribers', '/v1/merchants', '/v1/payments', '/v1/audit', '/v1/ledger'];

export function adminRouter(deps: AdminDeps): Router {
  const { config, log } = deps;
  const store = new EnrolmentStore(deps.redis, deps.keys, deps.scripts);
  const payments = new PaymentReader(deps.redis, deps.keys);
  const auditLog = new AuditLog(deps.redis, deps.keys);
  const refunds = new RefundStore(deps.redis, deps.keys, deps.scripts);
  const s = adminSchemas(config);
  const fmt = { currency: config.currency, minorDigits: config.minorDigits };
  const sealer = DeviceKeySealer.fromConfig(config.devices.keyEncryptionKey);
  const rules = refusalRules(config);
  const r = Router();
  const json = express.json({ limit: config.http.bodyLimit, strict: true });
  // The token is checked before any body is parsed, and the role too: a caller who may not make a
  // change cannot make us parse its body. Each route: its role, then the body parser.
  const as = (role: Role) => [requireRole(role), json];
  const operatorOf = (res: Response) => res.locals.operator as Operator;

  r.use(ADMIN_PATHS, adminAuth(deps));

  r.post('/v1/subscribers', ...as('operator'), async (req, res) => {
    const body = parseOr400(s.createSubscriber, req.body, 'body');
    const op = operatorOf(res);
    if ((body.balance ?? 0) > 0 && !roleAtLeast(op.role, 'admin')) {
      // An opening balance is a credit: money is created, which only admin may do.
      res.status(403).json({ error: `role ${op.role} may not enrol with an opening balance (it credits money; needs admin)` });
      return;
    }
    const sub = await store.createSubscriber({ msisdn: body.msisdn, imsi: body.imsi, name: body.name, balanceMinor: body.balance ?? 0 }, Date.now());
    log.info({ msisdn: maskMsisdn(sub.msisdn), withImsi: sub.imsi !== undefined, operator: op.name }, 'subscriber enrolled');
    const opening = body.balance ? { openingBalance: toMoney(body.balance, fmt.currency, fmt.minorDigits).amount } : {};
    await audit(res, { action: 'subscriber.enrol', target: sub.msisdn, details: { withImsi: sub.imsi !== undefined, ...opening } });
    res.status(201).json(subscriberJson(sub, fmt));
  });

  r.get('/v1/subscribers/:msisdn', ...as('viewer'), async (req, res) => {
    const { msisdn } = parseOr400(s.subscriberPath, req.params, 'path');
    const sub = await store.getSubscriber(msisdn);
    if (!sub) throw new EnrolmentError('NO_SUBSCRIBER');
    res.json(subscriberJson(sub, fmt, rules));
  });

  r.post('/v1/subscribers/:msisdn/devices', ...as('operator'), async (req, res) => {
    const { msisdn } = parseOr400(s.subscriberPath, req.params, 'path');
    const { mac, pin, ...body } = parseOr400(s.bindDevice, req.body, 'body');
    // A MAC device's deviceKey is made here and returned once (device-routes.ts); the store keeps K only.
    const key = mac ? newDeviceKey(sealer, msisdn, body.msisdn, pin, log) : null;
    const device = await store.bindDevice(msisdn, { ...body, ...(key ? { sealedKey: key.sealedKey } : {}) }, Date.now());
    log.info({ msisdn: maskMsisdn(msisdn), device: maskMsisdn(device.msisdn), mac: key !== null, operator: operatorOf(res).name }, 'device bound');
    const macDetails = key ? { mac: true, withPin: pin !== undefined } : {};
    await audit(res, { action: 'device.bind', target: msisdn, details: { device: device.msisdn, withImsi: device.imsi !== undefined, ...macDetails } });
    res.status(201).json({ ...deviceJson(device, rules), ...(key ? { deviceKey: key.deviceKey } : {}) });
  });

  r.delete('/v1/subscribers/:msisdn/devices/:deviceMsisdn', ...as('operator'), async (req, res) => {
    const { msisdn, deviceMsisdn } = parseOr400(s.devicePath, req.params, 'path');
    await store.unbindDevice(msisdn, deviceMsisdn);
    log.info({ msisdn: maskMsisdn(msisdn), device: maskMsisdn(deviceMsisdn), operator: operatorOf(res).name }, 'device unbound');
    await audit(res, { action: 'device.unbind', target: msisdn, details: { device: deviceMsisdn } });
    res.status(204).end();
  });

  r.post('/v1/subscribers/:msisdn/credits', ...as('admin'), async (req, res) => {
    const { msisdn } = parseOr400(s.subscriberPath, req.params, 'path');
    const body = parseOr400(s.credit, req.body, 'body');
    const credit = await store.credit(msisdn, body.reference, body.amount);
    if (credit.created) log.info({ msisdn: maskMsisdn(msisdn), amountMinor: credit.amountMinor, operator: operatorOf(res).name }, 'subscriber credited');
    // A replay (same reference, nothing credited) is recorded too, with created: false.
    await audit(res, { action: 'subscriber.credit', target: msisdn, details: { amount: toMoney(credit.amountMinor, fmt.currency, fmt.minorDigits).amount, reference: credit.reference, created: credit.created } });
    res.status(credit.created ? 201 : 200).json(creditJson(credit, fmt));
  });

  r.post('/v1/subscribers/:msisdn/unlock', ...as('operator'), async (req, res) => {
    const { msisdn } = parseOr400(s.subscriberPath, req.params, 'path');
    if (req.body !== undefined) parseOr400(s.empty, req.body, 'body');
    const sub = await store.unlock(msisdn);
    log.info({ msisdn: maskMsisdn(msisdn), operator: operatorOf(res).name }, 'subscriber unlocked');
    await audit(res, { action: 'subscriber.unlock', target: msisdn });
    res.json(subscriberJson(sub, fmt, rules));
  });

  r.post('/v1/merchants', ...as('admin'), async (req, res) => {
    const body = parseOr400(s.createMerchant, req.body, 'body');
    const merchant = await store.createMerchant(body, Date.now());
    log.info({ merchant: merchant.code, operator: operatorOf(res).name }, 'merchant created');
    await audit(res, { action: 'merchant.create', target: merchant.code, details: { name: merchant.name, withPhone: merchant.msisdn !== undefined, withWebhook: merchant.webhookUrl !== undefined } });
    // The webhook secret is in this answer only (and in a rotation's).
    res.status(201).json(merchantJson(merchant, fmt));
  });

  r.post('/v1/merchants/:code/webhook-secret', ...as('admin'), async (req, res) => {
    const { code } = parseOr400(s.merchantPath, req.params, 'path');
    if (req.body !== undefined) parseOr400(s.empty, req.body, 'body');
    const secret = await store.rotateWebhookSecret(code);
    if (secret === null) {
      res.status(409).json({ error: 'the merchant has no webhook' });
      return;
    }
    log.info({ merchant: code, operator: operatorOf(res).name }, 'webhook secret rotated');
    await audit(res, { action: 'merchant.rotate_webhook_secret', target: code });
    res.json({ code, webhookSecret: secret });
  });

  r.get('/v1/merchants/:code', ...as('viewer'), async (req, res) => {
    const { code } = parseOr400(s.merchantPath, req.params, 'path');
    const merchant = await store.getMerchant(code);
    if (!merchant) {
      res.status(404).json({ error: 'merchant not found' });
      return;
    }
    res.json(merchantJson(merchant, fmt));
  });

  r.get('/v1/payments/:id', ...as('viewer'), async (req, res) => {
    const { id } = parseOr400(s.paymentPath, req.params, 'path');
    const payment = await payments.get(id);
    if (!payment) {
      res.status(404).json({ error: 'payment not found' });
      return;
    }
    res.json(withRefunds(paymentJson(payment, fmt), payment, await refunds.list(payment.merchant, payment.id), fmt));
  });

  r.get('/v1/payments', ...as('viewer'), async (req, res) => {
    const q = parseOr400(s.listPayments, { ...req.query }, 'query');
    if (!(await store.subscriberExists(q.msisdn))) throw new EnrolmentError('NO_SUBSCRIBER');
    const list = await payments.list(q.msisdn, { state: q.state, limit: q.limit ?? 20 });
    res.json({ payments: list.map((p) => paymentJson(p, fmt)) });
  });

  r.get('/v1/audit', ...as('viewer'), async (req, res) => {
    const q = parseOr400(s.auditQuery, { ...req.query }, 'query');
    res.json(await auditLog.list({ after: q.after, limit: q.limit ?? 100 }));
  });

  // Other routers' requests under ADMIN_PATHS (ledger-routes.ts) leave with the body parsed, as before.
  r.use(ADMIN_PATHS, json);

  r.use(adminErrors(log, 'admin API'));

  return r;
}
