import type { Response } from 'express';
import type { Operator } from './access';
import { audit } from './access';
import { EnrolmentError } from '../store/enrolment';
import { MerchantStore } from '../store/merchants';
import { WebhookAttempts } from '../store/webhook-attempts';
import { adminSchemas } from './admin-schemas';
import { merchantJson } from './admin-views';
import { Merchant, MerchantPage, WebhookAttempts as WebhookAttemptsBody, WebhookSecret } from './admin-responses';
import { route, type ApiRoute } from './registry';
import type { AdminDeps } from './admin-deps';

// Merchants (README "Merchants"): created by admin with an optional phone and webhook (the secret
// is in the creation's answer only), read by any role with the balance and the webhook's delivery
// state; the latest attempts in detail (store/webhook-attempts.ts). Mounted with adminRouter.

export function merchantRoutes(deps: AdminDeps): ApiRoute[] {
  const { config, log } = deps;
  const store = new MerchantStore(deps.redis, deps.keys, deps.scripts);
  const attempts = new WebhookAttempts(deps.redis, deps.keys);
  const s = adminSchemas(config);
  const fmt = { currency: config.currency, minorDigits: config.minorDigits };
  const operatorOf = (res: Response) => res.locals.operator as Operator;
  const tag = 'merchants';
  /** A merchant as read: never the secret (merchantJson shows one only when it was just made). */
  const read = async (code: string) => {
    const m = await store.get(code);
    if (!m) throw new EnrolmentError('NO_MERCHANT');
    return m;
  };

  return [
    route(
      { method: 'post', path: '/v1/merchants', role: 'admin', tag, summary: 'Create a merchant', description: 'With `webhookUrl`, the answer carries `webhookSecret`, shown this once.', body: s.createMerchant, responses: { 201: { description: 'created', schema: Merchant }, 409: { description: "the code exists, or the phone is another merchant's" } } },
      async ({ body }, _req, res) => {
        const merchant = await store.create(body, Date.now());
        log.info({ merchant: merchant.code, operator: operatorOf(res).name }, 'merchant created');
        await audit(res, { action: 'merchant.create', target: merchant.code, details: { name: merchant.name, withPhone: merchant.msisdn !== undefined, withWebhook: merchant.webhookUrl !== undefined } });
        res.status(201).json(merchantJson(merchant, fmt));
      },
    ),

    route(
      { method: 'get', path: '/v1/merchants', role: 'viewer', tag, summary: 'Merchants in the order they were created, in pages', query: s.merchantList, responses: { 200: { description: 'one page', schema: MerchantPage }, 404: { description: '`after` names no merchant' } } },
      async ({ query }, _req, res) => {
        const page = await store.list({ after: query.after, limit: query.limit ?? 50 });
        res.json({ merchants: page.merchants.map((m) => merchantJson(m, fmt)), next: page.next });
      },
    ),

    route(
      { method: 'post', path: '/v1/merchants/:code/webhook-secret', role: 'admin', tag, summary: 'Rotate the webhook secret; the old one stops signing at once', params: s.merchantPath, body: s.empty, bodyRequired: false, responses: { 200: { description: 'the new secret', schema: WebhookSecret }, 404: { description: 'no such merchant' }, 409: { description: 'the merchant has no webhook' } } },
      async ({ params }, _req, res) => {
        const secret = await store.rotateWebhookSecret(params.code);
        if (secret === null) {
          res.status(409).json({ error: 'the merchant has no webhook' });
          return;
        }
        log.info({ merchant: params.code, operator: operatorOf(res).name }, 'webhook secret rotated');
        await audit(res, { action: 'merchant.rotate_webhook_secret', target: params.code });
        res.json({ code: params.code, webhookSecret: secret });
      },
    ),

    route(
      { method: 'get', path: '/v1/merchants/:code', role: 'viewer', tag, summary: 'A merchant with its balance and webhook delivery state', params: s.merchantPath, responses: { 200: { description: 'the merchant', schema: Merchant }, 404: { description: 'no such merchant' } } },
      async ({ params }, _req, res) => {
        res.json(merchantJson(await read(params.code), fmt));
      },
    ),

    route(
      { method: 'get', path: '/v1/merchants/:code/webhook-attempts', role: 'viewer', tag, summary: "The merchant's latest webhook attempts, newest first", params: s.merchantPath, responses: { 200: { description: 'the attempts', schema: WebhookAttemptsBody }, 404: { description: 'no such merchant' } } },
      async ({ params }, _req, res) => {
        await read(params.code);
        const list = await attempts.list(params.code);
        res.json({ code: params.code, attempts: list.map((a) => ({ ...a, time: new Date(a.at).toISOString() })) });
      },
    ),
  ];
}
