import { deviceBlockedUntil, recentRefusals } from '../domain/device-auth';
import { toMoney, type Money } from '../domain/money';
import type { Payment } from '../domain/payment';
import type { CreditResult, DeviceRecord, SubscriberRecord } from '../store/enrolment';
import type { MerchantRecord } from '../store/merchants';
import type { JournalEntry } from '../store/journal';
import type { Refund } from '../store/refunds';

// Response bodies of the admin API: money as {amount, currency}, MSISDNs as E.164 digits, times in
// ms since the epoch (payment history also as ISO text). Optional fields are left out, not null.

export interface MoneyFormat {
  currency: string;
  minorDigits: number;
}

/** How MAC devices' refusals are read (devices.refusalLimit, refusalWindowSeconds), to show when an ignored device works again. */
export interface RefusalRules {
  deviceRefusalLimit: number;
  deviceRefusalWindowMs: number;
}

/** A device; a MAC device also with its last counter, its refusals in the window and, while ignored, `ignoredUntil` (never its key). */
export function deviceJson(d: DeviceRecord, rules?: RefusalRules, now = Date.now()) {
  const ignoredUntil = d.mac && rules ? deviceBlockedUntil(d.mac, now, rules) : null;
  return {
    msisdn: d.msisdn,
    ...(d.imsi ? { imsi: d.imsi } : {}),
    ...(d.label ? { label: d.label } : {}),
    boundAt: d.boundAt,
    ...(d.mac ? { mac: true, counter: d.mac.counter } : {}),
    ...(d.mac && rules ? { refusals: recentRefusals(d.mac, now, rules.deviceRefusalWindowMs).length } : {}),
    ...(ignoredUntil !== null ? { ignoredUntil } : {}),
    ...(d.suspended ? { suspended: true } : {}),
  };
}

export function subscriberJson(s: SubscriberRecord, f: MoneyFormat, rules?: RefusalRules) {
  return {
    msisdn: s.msisdn,
    ...(s.imsi ? { imsi: s.imsi } : {}),
    ...(s.name ? { name: s.name } : {}),
    balance: toMoney(s.balanceMinor, f.currency, f.minorDigits),
    locked: s.locked,
    ...(s.lockReason ? { lockReason: s.lockReason } : {}),
    failedAuth: s.failedAuth,
    devices: s.devices.filter((d) => d.active).map((d) => deviceJson(d, rules)),
    createdAt: s.createdAt,
  };
}

export function merchantJson(m: MerchantRecord, f: MoneyFormat) {
  return {
    code: m.code,
    name: m.name,
    balance: toMoney(m.balanceMinor, f.currency, f.minorDigits),
    createdAt: m.createdAt,
    ...(m.msisdn ? { msisdn: m.msisdn } : {}),
    ...(m.webhookUrl ? { webhookUrl: m.webhookUrl } : {}),
    // Shown once: in the answer to the creation or a rotation, never when read.
    ...(m.webhookSecret ? { webhookSecret: m.webhookSecret } : {}),
    ...(m.webhook ? { webhook: { ...m.webhook, ...(m.webhook.lastAt ? { lastTime: new Date(m.webhook.lastAt).toISOString() } : {}) } } : {}),
  };
}

export function creditJson(c: CreditResult, f: MoneyFormat) {
  return {
    reference: c.reference,
    amount: toMoney(c.amountMinor, f.currency, f.minorDigits),
    balance: toMoney(c.balanceMinor, f.currency, f.minorDigits),
  };
}

/**
 * A payment as stored, with every `<x>Minor` integer shown as money `<x>` and the confirmation code
 * replaced by `hasCode` (the code is the subscriber's secret until it is used).
 */
export function paymentJson(p: Payment, f: MoneyFormat): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(p)) {
    if (key === 'code' || key === 'history') continue;
    if (key.endsWith('Minor') && typeof value === 'number') out[key.slice(0, -'Minor'.length)] = toMoney(value, f.currency, f.minorDigits) satisfies Money;
    else out[key] = value;
  }
  out.hasCode = typeof p.code === 'string' && p.code.length > 0;
  out.history = (p.history ?? []).map((h) => ({ ...h, time: new Date(h.at).toISOString() }));
  return out;
}

export function refundJson(r: Refund, f: MoneyFormat) {
  return { id: r.id, paymentId: r.paymentId, reference: r.reference, amount: toMoney(r.amountMinor, f.currency, f.minorDigits), merchant: r.merchant, at: r.at, time: new Date(r.at).toISOString() };
}

export function journalEntryJson(e: JournalEntry, f: MoneyFormat) {
  return { id: e.id, at: new Date(e.at).toISOString(), kind: e.kind, transferId: e.transferId, debit: e.debit, credit: e.credit, amount: toMoney(e.amountMinor, f.currency, f.minorDigits) };
}

/** A completed payment keeps its state; what was refunded shows as an amount and as history. */
export function withRefunds(json: Record<string, unknown>, p: Payment, refunds: Refund[], f: MoneyFormat): Record<string, unknown> {
  if (!refunds.length) return p.state === 'completed' ? { ...json, refunded: toMoney(0, f.currency, f.minorDigits) } : json;
  const total = refunds.reduce((a, r) => a + r.amountMinor, 0);
  const history = [
    ...(json.history as Array<Record<string, unknown>>),
    ...refunds.map((r) => ({ at: r.at, from: 'completed', to: 'completed', reason: 'refunded', amount: toMoney(r.amountMinor, f.currency, f.minorDigits), reference: r.reference, time: new Date(r.at).toISOString() })),
  ].sort((a, b) => Number(a.at) - Number(b.at));
  return { ...json, refunded: toMoney(total, f.currency, f.minorDigits), refunds: refunds.map((r) => refundJson(r, f)), history };
}
