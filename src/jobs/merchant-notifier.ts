import { createHmac } from 'node:crypto';
import type { Job, Queue } from 'bullmq';
import { UnrecoverableError } from '../queues/job-errors';
import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import { toMoney } from '../domain/money';
import { maskMsisdn } from '../domain/msisdn';
import { merchantPaidText, merchantRefundedText } from '../domain/replies';
import type { Keys } from '../store/keys';
import type { MerchantEvent, MerchantOutbox } from '../store/merchant-outbox';
import { metrics } from '../metrics';
import { WebhookAttempts } from '../store/webhook-attempts';
import type { ReplySink } from './payment-step';

/** The two notices of one merchant event: an SMS to the merchant's phone, a signed webhook. */
export type MerchantJob =
  | { kind: 'sms'; eventId: string; merchant: string; text: string }
  | { kind: 'webhook'; eventId: string; merchant: string; type: MerchantEvent['type']; body: string; createdAt: number };

export interface NotifierSettings {
  currency: string;
  minorDigits: number;
  /** One webhook attempt's time limit. */
  timeoutMs: number;
  /** Until when (from the event) a webhook is retried; then it is given up and counted. */
  deadlineMs: number;
}

/** `sha256=<hex HMAC-SHA256 of the raw body>` with the merchant's secret (README "Webhooks"). */
export function webhookSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/**
 * The webhook body of an event: the same bytes on every attempt (built once, when the event is
 * relayed), so a merchant can deduplicate by `id` and verify the signature over exactly what came.
 */
export function webhookBody(e: MerchantEvent, s: Pick<NotifierSettings, 'currency' | 'minorDigits'>): string {
  const amount = toMoney(e.amountMinor, s.currency, s.minorDigits);
  const payment =
    e.type === 'payment.completed'
      ? { id: e.paymentId, state: 'completed', amount, merchant: e.merchant, payer: maskMsisdn(e.payer), completedAt: new Date(e.at).toISOString() }
      : { id: e.paymentId, state: 'completed', merchant: e.merchant, payer: maskMsisdn(e.payer), refund: { id: e.refundId, reference: e.reference, amount, at: new Date(e.at).toISOString() } };
  return JSON.stringify({ id: e.eventId, type: e.type, createdAt: new Date(e.at).toISOString(), payment });
}

/** The jobs an event becomes; their ids are deterministic, so relaying an event twice queues it once. */
export function jobsOf(e: MerchantEvent, s: NotifierSettings): Array<{ name: string; data: MerchantJob; opts: { jobId: string } }> {
  const amount = toMoney(e.amountMinor, s.currency, s.minorDigits);
  const payer = maskMsisdn(e.payer);
  const text = e.type === 'payment.completed' ? merchantPaidText(amount, payer, e.paymentId) : merchantRefundedText(amount, payer, e.paymentId);
  return [
    { name: 'sms', data: { kind: 'sms', eventId: e.eventId, merchant: e.merchant, text }, opts: { jobId: `${e.eventId}.sms` } },
    { name: 'webhook', data: { kind: 'webhook', eventId: e.eventId, merchant: e.merchant, type: e.type, body: webhookBody(e, s), createdAt: e.at }, opts: { jobId: `${e.eventId}.hook` } },
  ];
}

/** Outbox entries moved per read: one addBulk and one XACK each, whatever the rate. */
const RELAY_BATCH = 100;

/**
 * Moves outbox entries into the merchant queue and acknowledges them: reads what this relay still
 * holds, then new entries; every so often it takes over entries a dead relay left behind.
 */
export function startMerchantRelay(deps: {
  outbox: MerchantOutbox;
  queue: Queue<MerchantJob>;
  consumer: string;
  settings: NotifierSettings;
  /** webhooks.relayLeaseMs, relayReadBlockMs and relayClaimIntervalMs. */
  timing: { leaseMs: number; readBlockMs: number; claimIntervalMs: number };
  /** Which channels each merchant has on record (a phone for SMS, a webhook URL). */
  channels: (merchants: string[]) => Promise<Map<string, { sms: boolean; webhook: boolean }>>;
  log: Logger;
}): () => Promise<void> {
  let running = true;
  let lastClaim = 0;
  const loop = async (): Promise<void> => {
    await deps.outbox.ensureGroup().catch(() => undefined);
    while (running) {
      try {
        let events = await deps.outbox.read(deps.consumer, RELAY_BATCH, deps.timing.readBlockMs);
        if (!events.length && Date.now() - lastClaim > deps.timing.claimIntervalMs) {
          lastClaim = Date.now();
          events = await deps.outbox.claimAbandoned(deps.consumer, deps.timing.leaseMs, RELAY_BATCH);
        }
        if (!events.length) continue;
        // Only the channels the merchant has on record when the event is relayed: a merchant with
        // neither phone nor webhook costs no job at all.
        const channels = await deps.channels([...new Set(events.map((e) => e.merchant))]);
        const jobs = events.flatMap((e) => jobsOf(e, deps.settings).filter((j) => (j.data.kind === 'sms' ? channels.get(e.merchant)?.sms : channels.get(e.merchant)?.webhook)));
        if (jobs.length) await deps.queue.addBulk(jobs);
        await deps.outbox.ack(events.map((e) => e.entryId));
        metrics.merchantEvents.inc(events.length);
      } catch (err) {
        if (!running) break;
        deps.log.warn({ err: (err as Error).message }, 'merchant relay: retrying');
        await deps.outbox.ensureGroup().catch(() => undefined);
        await new Promise((r) => setTimeout(r, deps.timing.readBlockMs));
      }
    }
  };
  const done = loop();
  return async () => {
    running = false;
    await done;
  };
}

/** Delivers one notice. Throws to retry (BullMQ spaces the attempts); gives up at the deadline. */
export function createMerchantProcessor(deps: { redis: Redis; keys: Keys; replies: ReplySink; settings: NotifierSettings; log: Logger }): (job: Job<MerchantJob>) => Promise<string> {
  const attempts = new WebhookAttempts(deps.redis, deps.keys);
  return async (job) => {
    const d = job.data;
    const m = await deps.redis.hgetall(deps.keys.merchant(d.merchant));
    if (d.kind === 'sms') {
      if (!m.msisdn) return 'no_phone';
      await deps.replies.send(`${d.eventId}.m`, [{ to: m.msisdn, text: d.text, kind: 'merchant_notice' }], { rateLimited: false, now: Date.now() });
      return 'queued';
    }
    if (!m.webhookUrl || !m.webhookSecret) return 'no_webhook';
    const merchantKey = deps.keys.merchant(d.merchant);
    const now = Date.now();
    if (now > d.createdAt + deps.settings.deadlineMs) {
      metrics.webhookDeliveries.inc({ outcome: 'gave_up' });
      await attempts.record(d.merchant, { at: now, event: d.eventId, type: d.type, attempt: job.attemptsMade + 1, outcome: 'gave_up', status: null }, { webhookLastOutcome: 'gave_up', webhookLastAt: now, webhookLastEvent: d.eventId });
      await deps.redis.hincrby(merchantKey, 'webhookGivenUp', 1);
      deps.log.warn({ merchant: d.merchant, event: d.eventId }, 'webhook given up after its deadline');
      throw new UnrecoverableError('webhook deadline passed');
    }
    let status = 0;
    try {
      const res = await fetch(m.webhookUrl, {
        method: 'POST',
        redirect: 'manual', // a redirect elsewhere is not a delivery
        headers: {
          'content-type': 'application/json',
          'x-simpair-signature': webhookSignature(m.webhookSecret, d.body),
          'x-simpair-event': d.type,
          'x-simpair-delivery': String(job.attemptsMade + 1),
        },
        body: d.body,
        signal: AbortSignal.timeout(deps.settings.timeoutMs),
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch (err) {
      deps.log.debug({ merchant: d.merchant, err: (err as Error).message }, 'webhook attempt failed');
    }
    const ok = status >= 200 && status < 300;
    metrics.webhookDeliveries.inc({ outcome: ok ? 'delivered' : 'failed_attempt' });
    const attempt = { at: now, event: d.eventId, type: d.type, attempt: job.attemptsMade + 1, outcome: ok ? ('delivered' as const) : ('failed' as const), status: status || null };
    await attempts.record(d.merchant, attempt, { webhookLastOutcome: ok ? 'delivered' : `failed:${status || 'no answer'}`, webhookLastAt: now, webhookLastEvent: d.eventId });
    if (!ok) {
      await deps.redis.hincrby(merchantKey, 'webhookFailures', 1);
      throw new Error(`webhook answered ${status || 'nothing'}; retried later`);
    }
    return 'delivered';
  };
}

/** The channels of merchants as their records say (one HMGET each, issued together). */
export async function merchantChannels(redis: Redis, keys: Keys, merchants: string[]): Promise<Map<string, { sms: boolean; webhook: boolean }>> {
  const rows = await Promise.all(merchants.map((m) => redis.hmget(keys.merchant(m), 'msisdn', 'webhookUrl')));
  return new Map(merchants.map((m, i) => [m, { sms: Boolean(rows[i][0]), webhook: Boolean(rows[i][1]) }]));
}
