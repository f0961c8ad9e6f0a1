import { toMoney, type Money } from '../domain/money';
import type { Payment } from '../domain/payment';
import type { CreditResult, DeviceRecord, MerchantRecord, SubscriberRecord } from '../store/enrolment';

// Response bodies of the admin API: money as {amount, currency}, MSISDNs as E.164 digits, times in
// ms since the epoch (payment history also as ISO text). Optional fields are left out, not null.

export interface MoneyFormat {
  currency: string;
  minorDigits: number;
}

export function deviceJson(d: DeviceRecord) {
  return { msisdn: d.msisdn, ...(d.imsi ? { imsi: d.imsi } : {}), ...(d.label ? { label: d.label } : {}), boundAt: d.boundAt };
}

export function subscriberJson(s: SubscriberRecord, f: MoneyFormat) {
  return {
    msisdn: s.msisdn,
    ...(s.imsi ? { imsi: s.imsi } : {}),
    ...(s.name ? { name: s.name } : {}),
    balance: toMoney(s.balanceMinor, f.currency, f.minorDigits),
    locked: s.locked,
    ...(s.lockReason ? { lockReason: s.lockReason } : {}),
    failedAuth: s.failedAuth,
    devices: s.devices.filter((d) => d.active).map(deviceJson),
    createdAt: s.createdAt,
  };
}

export function merchantJson(m: MerchantRecord, f: MoneyFormat) {
  return { code: m.code, name: m.name, balance: toMoney(m.balanceMinor, f.currency, f.minorDigits), createdAt: m.createdAt };
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
