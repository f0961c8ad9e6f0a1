import { Router, type Response } from 'express';
import type { AdminDeps } from './admin-deps';
import { EnrolmentError, EnrolmentStore } from '../store/enrolment';
import { PaymentReader } from '../store/payments-read';
import { AuditLog } from '../store/audit';
import { maskMsisdn } from '../domain/msisdn';
import { toMoney } from '../domain/money';
import { RefundStore } from '../store/refunds';
import { adminAuth, audit, roleAtLeast, type Operator } from './access';
import { adminSchemas } from './admin-schemas';
import { creditJson, deviceJson, paymentJson, subscriberJson, withRefunds } from './admin-views';
import { AuditPage, Credit, DeviceWithKey, Payment, PaymentList, Subscriber } from './admin-responses';
import { deviceRoutes, newDeviceKey, refusalRules } from './device-routes';
import { DeviceKeySealer } from '../store/device-keys';
import { route, routesRouter, type ApiRoute } from './registry';
import { merchantRoutes } from './merchant-routes';
import { operatorRoutes } from './operator-routes';

// The admin HTTP API (issue 3, "Admin API"): enrolment of subscribers, devices and merchants,
// top-ups, unlock, and reading payments and the audit log. Every write is one Lua script
// (src/store/enrolment.ts), so a refused or failed request leaves nothing half-written, and is then
// recorded in the audit log under the operator's name (access.ts). MSISDNs are masked in logs.
//
// Who may do what (README "Admin API"): GET anything — viewer; enrol, bind, unbind, unlock —
// operator; credit money (also an opening balance) and create merchants — admin. Each route is a
// registry entry (registry.ts): the same spec mounts it and describes it in GET /openapi.json.
// Merchants' routes are in merchant-routes.ts, the ledger's in ledger-routes.ts.

/**
 * Paths the bearer token protects (and only these, so other routers keep their own rules). Routers
 * mounted after adminRouter for these paths (ledger-routes.ts) find the operator authenticated.
 */
export const ADMIN_PATHS = ['/v1/subscribers', '/v1/merchants', '/v1/payments', '/v1/audit', '/v1/ledger', '/v1/whoami', '/v1/console', '/v1/network'];

/** The routes of adminRouter, for the OpenAPI document (openapi.ts) and for mounting. */
export function adminRoutes(deps: AdminDeps): ApiRoute[] {
  return [...operatorRoutes(deps.config), ...subscriberRoutes(deps), ...deviceRoutes(deps), ...merchantRoutes(deps)];
}

function subscriberRoutes(deps: AdminDeps): ApiRoute[] {
  const { config, log } = deps;
  const store = new EnrolmentStore(deps.redis, deps.keys, deps.scripts);
  const payments = new PaymentReader(deps.redis, deps.keys);
  const auditLog = new AuditLog(deps.redis, deps.keys);
  const refunds = new RefundStore(deps.redis, deps.keys, deps.scripts);
  const s = adminSchemas(config);
  const fmt = { currency: config.currency, minorDigits: config.minorDigits };
  const operatorOf = (res: Response) => res.locals.operator as Operator;
  const sealer = DeviceKeySealer.fromConfig(config.devices.keyEncryptionKey);
  const rules = refusalRules(config);
  const tag = 'subscribers';

  return [
    route(
      { method: 'post', path: '/v1/subscribers', role: 'operator', tag, summary: 'Enrol a subscriber (main SIM)', description: 'An opening `balance` above 0 credits money and needs admin.', body: s.createSubscriber, responses: { 201: { description: 'enrolled', schema: Subscriber }, 409: { description: 'already a subscriber or a device' } } },
      async ({ body }, _req, res) => {
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
      },
    ),

    route(
      { method: 'get', path: '/v1/subscribers/:msisdn', role: 'viewer', tag, summary: 'A subscriber: balance, lock, failed authentications, devices', params: s.subscriberPath, responses: { 200: { description: 'the subscriber', schema: Subscriber }, 404: { description: 'no such subscriber' } } },
      async ({ params }, _req, res) => {
        const sub = await store.getSubscriber(params.msisdn);
        if (!sub) throw new EnrolmentError('NO_SUBSCRIBER');
        res.json(subscriberJson(sub, fmt, rules));
      },
    ),

    route(
      {
        method: 'post',
        path: '/v1/subscribers/:msisdn/devices',
        role: 'operator',
        tag,
        summary: 'Bind a debit device (auxiliary SIM)',
        description: 'With `"mac": true` (and optionally a 4–8 digit `pin`) the device signs its payment messages; the answer carries its `deviceKey`, once (README "Device MACs").',
        params: s.subscriberPath,
        body: s.bindDevice,
        responses: { 201: { description: 'bound (with deviceKey for a MAC device)', schema: DeviceWithKey }, 404: { description: 'no such subscriber' }, 409: { description: 'bound anywhere already, or a main SIM' } },
      },
      async ({ params, body: { mac, pin, ...body } }, _req, res) => {
        // A MAC device's deviceKey is made here and returned once (device-routes.ts); the store keeps K only.
        const key = mac ? newDeviceKey(sealer, params.msisdn, body.msisdn, pin, log) : null;
        const device = await store.bindDevice(params.msisdn, { ...body, ...(key ? { sealedKey: key.sealedKey } : {}) }, Date.now());
        log.info({ msisdn: maskMsisdn(params.msisdn), device: maskMsisdn(device.msisdn), mac: key !== null, operator: operatorOf(res).name }, 'device bound');
        const macDetails = key ? { mac: true, withPin: pin !== undefined } : {};
        await audit(res, { action: 'device.bind', target: params.msisdn, details: { device: device.msisdn, withImsi: device.imsi !== undefined, ...macDetails } });
        res.status(201).json({ ...deviceJson(device, rules), ...(key ? { deviceKey: key.deviceKey } : {}) });
      },
    ),

    route(
      { method: 'delete', path: '/v1/subscribers/:msisdn/devices/:deviceMsisdn', role: 'operator', tag, summary: 'Unbind a device: later halves from it are refused', params: s.devicePath, responses: { 204: { description: 'unbound' }, 404: { description: 'no such subscriber or device' } } },
      async ({ params }, _req, res) => {
        await store.unbindDevice(params.msisdn, params.deviceMsisdn);
        log.info({ msisdn: maskMsisdn(params.msisdn), device: maskMsisdn(params.deviceMsisdn), operator: operatorOf(res).name }, 'device unbound');
        await audit(res, { action: 'device.unbind', target: params.msisdn, details: { device: params.deviceMsisdn } });
        res.status(204).end();
      },
    ),

    route(
      { method: 'post', path: '/v1/subscribers/:msisdn/credits', role: 'admin', tag, summary: 'Credit money (a top-up); the same reference credits once', params: s.subscriberPath, body: s.credit, responses: { 201: { description: 'credited', schema: Credit }, 200: { description: 'a replay of the same reference: nothing credited', schema: Credit }, 404: { description: 'no such subscriber' }, 409: { description: 'the reference was used with another amount' }, 422: { description: 'the balance would exceed the maximum' } } },
      async ({ params, body }, _req, res) => {
        const credit = await store.credit(params.msisdn, body.reference, body.amount);
        if (credit.created) log.info({ msisdn: maskMsisdn(params.msisdn), amountMinor: credit.amountMinor, operator: operatorOf(res).name }, 'subscriber credited');
        // A replay (same reference, nothing credited) is recorded too, with created: false.
        await audit(res, { action: 'subscriber.credit', target: params.msisdn, details: { amount: toMoney(credit.amountMinor, fmt.currency, fmt.minorDigits).amount, reference: credit.reference, created: credit.created } });
        res.status(credit.created ? 201 : 200).json(creditJson(credit, fmt));
      },
    ),

    route(
      { method: 'post', path: '/v1/subscribers/:msisdn/unlock', role: 'operator', tag, summary: 'Clear a lockout (failed authentications or a suspected SIM swap)', description: 'The body is optional; a `reason` goes into the audit log.', params: s.subscriberPath, body: s.unlock, bodyRequired: false, responses: { 200: { description: 'unlocked', schema: Subscriber }, 404: { description: 'no such subscriber' } } },
      async ({ params, body }, _req, res) => {
        const sub = await store.unlock(params.msisdn);
        log.info({ msisdn: maskMsisdn(params.msisdn), operator: operatorOf(res).name }, 'subscriber unlocked');
        await audit(res, { action: 'subscriber.unlock', target: params.msisdn, ...(body?.reason ? { details: { reason: body.reason } } : {}) });
        res.json(subscriberJson(sub, fmt, rules));
      },
    ),

    route(
      { method: 'get', path: '/v1/payments/:id', role: 'viewer', tag: 'payments', summary: 'A payment with its state history and refunds', params: s.paymentPath, responses: { 200: { description: 'the payment', schema: Payment }, 404: { description: 'no such payment' } } },
      async ({ params }, _req, res) => {
        const payment = await payments.get(params.id);
        if (!payment) {
          res.status(404).json({ error: 'payment not found' });
          return;
        }
        res.json(withRefunds(paymentJson(payment, fmt), payment, await refunds.list(payment.merchant, payment.id), fmt));
      },
    ),

    route(
      { method: 'get', path: '/v1/payments', role: 'viewer', tag: 'payments', summary: "A subscriber's payments, newest first", query: s.listPayments, responses: { 200: { description: 'the payments', schema: PaymentList }, 404: { description: 'no such subscriber' } } },
      async ({ query }, _req, res) => {
        if (!(await store.subscriberExists(query.msisdn))) throw new EnrolmentError('NO_SUBSCRIBER');
        const list = await payments.list(query.msisdn, { state: query.state, limit: query.limit ?? 20 });
        res.json({ payments: list.map((p) => paymentJson(p, fmt)) });
      },
    ),

    route(
      { method: 'get', path: '/v1/audit', role: 'viewer', tag: 'audit', summary: 'The audit log, oldest first, in pages', query: s.auditQuery, responses: { 200: { description: 'one page', schema: AuditPage } } },
      async ({ query }, _req, res) => {
        res.json(await auditLog.list({ after: query.after, limit: query.limit ?? 100 }));
      },
    ),
  ];
}

export function adminRouter(deps: AdminDeps, routes: readonly ApiRoute[] = adminRoutes(deps)): Router {
  const r = Router();
  // Every request under these paths is authenticated first, so an unknown path there answers 401
  // to a caller without a token, not 404 (nothing about the API is learnt without one).
  r.use(ADMIN_PATHS, adminAuth(deps));
  r.use(routesRouter(deps, routes, 'admin API'));
  return r;
}
