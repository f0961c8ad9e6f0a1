import { createHmac } from 'node:crypto';
import type { DecideContext, Payment, SubscriberView } from '../../../src/domain';

// Shared names and builders for the domain tests.

export const MAIN = '254700000001';
export const DEV = '254700000002';
export const OTHER_MAIN = '254700000011';
export const OTHER_DEV = '254700000012';
export const STRANGER = '254799999999';
export const MAIN_IMSI = '639070000000001';
export const DEV_IMSI = '639070000000002';
export const T0 = Date.UTC(2025, 0, 15, 12, 0, 0);
export const TODAY = '2025-01-15';
export const WINDOW = 120_000;

export function ctx(patch: Partial<DecideContext> = {}): DecideContext {
  return {
    now: T0,
    windowMs: WINDOW,
    strict: false,
    maxPaymentMinor: 500_000,
    dailyMaxMinor: 2_000_000,
    maxFailedAuth: 5,
    failedAuthDecayMs: 24 * 3600_000,
    // The fixtures' subscriber is IMSI-enrolled and most events carry no IMSI; the refuse policy has
    // its own rows.
    missingImsiPolicy: 'allow',
    merchantExists: true,
    merchantName: 'Corner Shop',
    timeZone: 'UTC',
    newPaymentId: 'PNEW0000000',
    newCode: 'NEWCDE',
    currency: 'KES',
    minorDigits: 2,
    deviceRefusalLimit: 3,
    deviceRefusalWindowMs: 3600_000,
    hmac,
    ...patch,
  };
}

export function hmac(key: Uint8Array, message: string): Uint8Array {
  return createHmac('sha256', key).update(message, 'utf8').digest();
}

export function view(patch: Partial<SubscriberView> = {}): SubscriberView {
  return {
    msisdn: MAIN,
    imsi: MAIN_IMSI,
    locked: false,
    balanceMinor: 100_000,
    failedAuth: 0,
    dailySpentMinor: 0,
    dailyDate: TODAY,
    devices: [{ msisdn: DEV, imsi: DEV_IMSI, active: true }],
    open: [],
    version: 1,
    ...patch,
  };
}

/** A request waiting for its device half, opened 10 s before T0. */
export function awaitingDevice(patch: Partial<Payment> = {}): Payment {
  const createdAt = T0 - 10_000;
  return {
    id: 'P1000000000',
    main: MAIN,
    state: 'awaiting_device',
    amountMinor: 1250,
    merchant: 'SHOP42',
    code: 'ABC234',
    channel: 'sms',
    createdAt,
    expiresAt: createdAt + WINDOW,
    requestMoId: 'mo-req-1',
    reason: 'request_received',
    history: [{ at: createdAt, from: null, to: 'awaiting_device', reason: 'request_received' }],
    ...patch,
  };
}

/** A device half (no code) waiting for the main SIM's request, opened 10 s before T0. */
export function awaitingRequest(patch: Partial<Payment> = {}): Payment {
  const createdAt = T0 - 10_000;
  return {
    id: 'P2000000000',
    main: MAIN,
    state: 'awaiting_request',
    amountMinor: 1250,
    merchant: 'SHOP42',
    channel: 'sms',
    createdAt,
    expiresAt: createdAt + WINDOW,
    deviceMoId: 'mo-dev-1',
    device: DEV,
    reason: 'device_waiting',
    history: [{ at: createdAt, from: null, to: 'awaiting_request', reason: 'device_waiting' }],
    ...patch,
  };
}

export function deepFreeze<T>(value: T): T {
  // Typed arrays (a device key) cannot be frozen; the decision never writes to them anyway.
  if (value && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
