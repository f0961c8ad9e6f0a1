import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Keys } from './keys';
import type { ScriptClient } from './scripts';
import { utcDate } from '../domain/view';

// Enrolment and operator actions on subscribers, devices, credits and merchants. Every write is one
// Lua script (src/store/lua/<name>.lua), so an error never leaves anything half-written. Script
// answers that are refusals map to errors in ENROLMENT_ERRORS below and nowhere else.

/** Script answer → HTTP status and the error text the admin API returns. Data, not code. */
export const ENROLMENT_ERRORS = {
  SUBSCRIBER_EXISTS: { httpStatus: 409, error: 'msisdn: already a subscriber' },
  MSISDN_IS_DEVICE: { httpStatus: 409, error: 'msisdn: already bound as a device SIM' },
  NO_SUBSCRIBER: { httpStatus: 404, error: 'subscriber not found' },
  DEVICE_IS_SUBSCRIBER: { httpStatus: 409, error: 'msisdn: the device SIM is a main SIM (subscriber)' },
  DEVICE_BOUND: { httpStatus: 409, error: 'msisdn: the device SIM is already bound' },
  NOT_BOUND: { httpStatus: 404, error: 'device is not bound to this subscriber' },
  REFERENCE_CONFLICT: { httpStatus: 409, error: 'reference: already used with a different amount' },
  BALANCE_LIMIT: { httpStatus: 422, error: 'amount: the balance would exceed the maximum' },
  MERCHANT_EXISTS: { httpStatus: 409, error: 'code: merchant already exists' },
  PHONE_TAKEN: { httpStatus: 409, error: "msisdn: already another merchant's phone" },
  NO_MERCHANT: { httpStatus: 404, error: 'merchant not found' },
} as const satisfies Record<string, { httpStatus: number; error: string }>;

export type EnrolmentErrorCode = keyof typeof ENROLMENT_ERRORS;

/** A refusal by a script (conflict, not found): the caller answers it with `httpStatus`. */
export class EnrolmentError extends Error {
  readonly httpStatus: number;
  constructor(readonly code: EnrolmentErrorCode) {
    super(ENROLMENT_ERRORS[code].error);
    this.name = 'EnrolmentError';
    this.httpStatus = ENROLMENT_ERRORS[code].httpStatus;
  }
}

/** Highest balance a credit may produce: every sum stays an exact integer in JS and in Lua. */
export const MAX_BALANCE_MINOR = Number.MAX_SAFE_INTEGER;

export interface DeviceRecord {
  msisdn: string;
  imsi?: string;
  label?: string;
  active: boolean;
  boundAt: number;
}

export interface SubscriberRecord {
  msisdn: string;
  imsi?: string;
  name?: string;
  balanceMinor: number;
  locked: boolean;
  lockReason?: string;
  failedAuth: number;
  devices: DeviceRecord[];
  createdAt: number;
  version: number;
}

export interface MerchantRecord {
  code: string;
  name: string;
  balanceMinor: number;
  createdAt: number;
  /** The merchant's phone (payment notices by SMS, CHECK from the till). */
  msisdn?: string;
  webhookUrl?: string;
  /** Only in the answer to the creation (or a rotation): the secret that signs webhooks. */
  webhookSecret?: string;
  /** Delivery state of the webhook, for operators. */
  webhook?: { lastOutcome?: string; lastAt?: number; lastEvent?: string; failures: number; givenUp: number };
}

export interface NewSubscriber {
  msisdn: string;
  imsi?: string;
  name?: string;
  balanceMinor: number;
}

export interface NewDevice {
  msisdn: string;
  imsi?: string;
  label?: string;
}

export interface CreditResult {
  /** false when the reference was applied before (a replay: nothing changed). */
  created: boolean;
  reference: string;
  amountMinor: number;
  /** Balance right after the (original) credit. */
  balanceMinor: number;
}

type ScriptAnswer = [string, ...Array<string | number>];

function refusal(answer: ScriptAnswer): never {
  const code = answer[0];
  if (code in ENROLMENT_ERRORS) throw new EnrolmentError(code as EnrolmentErrorCode);
  throw new Error(`unexpected script answer ${String(code)}`);
}

export class EnrolmentStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly scripts: ScriptClient,
  ) {}

  async createSubscriber(s: NewSubscriber, now: number): Promise<SubscriberRecord> {
    const k = this.keys;
    const res = (await this.scripts.run(
      'createSubscriber',
      [k.subscriber(s.msisdn), k.credits(s.msisdn), k.creditResults(s.msisdn), k.deviceOwner(s.msisdn), k.subscriberIndex(), k.ledgerTotals(), k.journal()],
      [s.msisdn, s.imsi ?? '', s.name ?? '', s.balanceMinor, now, utcDate(now)],
    )) as ScriptAnswer;
    if (res[0] !== 'OK') refusal(res);
    return this.mustGetSubscriber(s.msisdn);
  }

  async getSubscriber(msisdn: string): Promise<SubscriberRecord | null> {
    const k = this.keys;
    // MULTI: profile and devices from one instant.
    const res = await this.redis.multi().hgetall(k.subscriber(msisdn)).hgetall(k.devices(msisdn)).exec();
    if (!res) throw new Error('getSubscriber: transaction aborted');
    for (const [err] of res) if (err) throw err;
    const sub = res[0][1] as Record<string, string>;
    const devs = res[1][1] as Record<string, string>;
    if (!sub || Object.keys(sub).length === 0) return null;
    const devices = Object.entries(devs ?? {})
      .map(([field, json]) => parseDevice(field, json))
      .sort((a, b) => a.boundAt - b.boundAt || a.msisdn.localeCompare(b.msisdn));
    return {
      msisdn: sub.msisdn || msisdn,
      imsi: sub.imsi || undefined,
      name: sub.name || undefined,
      balanceMinor: Number(sub.balance ?? 0),
      locked: sub.locked === '1',
      lockReason: sub.locked === '1' ? sub.lockReason || undefined : undefined,
      failedAuth: Number(sub.failedAuth ?? 0),
      devices,
      createdAt: Number(sub.createdAt ?? 0),
      version: Number(sub.version ?? 0),
    };
  }

  async subscriberExists(msisdn: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.subscriber(msisdn))) === 1;
  }

  /** Binds a device SIM; of concurrent bindings of one SIM exactly one succeeds. */
  async bindDevice(main: string, d: NewDevice, now: number): Promise<DeviceRecord> {
    const k = this.keys;
    const record: DeviceRecord = { msisdn: d.msisdn, ...(d.imsi ? { imsi: d.imsi } : {}), ...(d.label ? { label: d.label } : {}), active: true, boundAt: now };
    const res = (await this.scripts.run('bindDevice', [k.subscriber(main), k.devices(main), k.deviceOwner(d.msisdn), k.subscriber(d.msisdn)], [
      main,
      d.msisdn,
      JSON.stringify(record),
    ])) as ScriptAnswer;
    if (res[0] !== 'OK') refusal(res);
    return record;
  }

  async unbindDevice(main: string, device: string): Promise<void> {
    const k = this.keys;
    const res = (await this.scripts.run('unbindDevice', [k.subscriber(main), k.devices(main), k.deviceOwner(device)], [main, device])) as ScriptAnswer;
    if (res[0] !== 'OK') refusal(res);
  }

  /** Top-up, applied once per reference. */
  async credit(main: string, reference: string, amountMinor: number): Promise<CreditResult> {
    const k = this.keys;
    const res = (await this.scripts.run('creditSubscriber', [k.subscriber(main), k.credits(main), k.creditResults(main), k.ledgerTotals(), k.journal()], [
      reference,
      amountMinor,
      MAX_BALANCE_MINOR,
      main,
      Date.now(),
    ])) as ScriptAnswer;
    if (res[0] !== 'OK' && res[0] !== 'DUPLICATE') refusal(res);
    return { created: res[0] === 'OK', reference, amountMinor, balanceMinor: Number(res[1]) };
  }

  async unlock(main: string): Promise<SubscriberRecord> {
    const res = (await this.scripts.run('unlockSubscriber', [this.keys.subscriber(main)], [])) as ScriptAnswer;
    if (res[0] !== 'OK') refusal(res);
    return this.mustGetSubscriber(main);
  }

  async createMerchant(m: { code: string; name: string; msisdn?: string; webhookUrl?: string }, now: number): Promise<MerchantRecord> {
    const k = this.keys;
    const secret = m.webhookUrl ? newWebhookSecret() : '';
    const res = (await this.scripts.run('createMerchant', [k.merchant(m.code), k.merchantIndex(), k.merchantPhone(m.msisdn ?? '-')], [
      m.code,
      m.name,
      now,
      m.msisdn ?? '',
      m.webhookUrl ?? '',
      secret,
    ])) as ScriptAnswer;
    if (res[0] !== 'OK') refusal(res);
    return { code: m.code, name: m.name, balanceMinor: 0, createdAt: now, ...(m.msisdn ? { msisdn: m.msisdn } : {}), ...(m.webhookUrl ? { webhookUrl: m.webhookUrl, webhookSecret: secret } : {}) };
  }

  /** A new webhook secret; the old one stops signing at once. Null when the merchant has no webhook. */
  async rotateWebhookSecret(code: string): Promise<string | null> {
    const key = this.keys.merchant(code);
    if (!(await this.redis.hget(key, 'webhookUrl'))) {
      if ((await this.redis.exists(key)) === 0) throw new EnrolmentError('NO_MERCHANT');
      return null;
    }
    const secret = newWebhookSecret();
    await this.redis.hset(key, 'webhookSecret', secret);
    return secret;
  }

  async getMerchant(code: string): Promise<MerchantRecord | null> {
    const h = await this.redis.hgetall(this.keys.merchant(code));
    if (!h || Object.keys(h).length === 0) return null;
    return {
      code: h.code || code,
      name: h.name ?? '',
      balanceMinor: Number(h.balance ?? 0),
      createdAt: Number(h.createdAt ?? 0),
      ...(h.msisdn ? { msisdn: h.msisdn } : {}),
      ...(h.webhookUrl
        ? {
            webhookUrl: h.webhookUrl,
            webhook: {
              ...(h.webhookLastOutcome ? { lastOutcome: h.webhookLastOutcome, lastAt: Number(h.webhookLastAt), lastEvent: h.webhookLastEvent } : {}),
              failures: Number(h.webhookFailures ?? 0),
              givenUp: Number(h.webhookGivenUp ?? 0),
            },
          }
        : {}),
    };
  }

  private async mustGetSubscriber(msisdn: string): Promise<SubscriberRecord> {
    const s = await this.getSubscriber(msisdn);
    if (!s) throw new EnrolmentError('NO_SUBSCRIBER');
    return s;
  }
}

function parseDevice(field: string, json: string): DeviceRecord {
  const d = JSON.parse(json) as Partial<DeviceRecord>;
  return {
    msisdn: d.msisdn || field,
    ...(d.imsi ? { imsi: d.imsi } : {}),
    ...(d.label ? { label: d.label } : {}),
    active: d.active !== false,
    boundAt: Number(d.boundAt ?? 0),
  };
}

/** 32 random bytes, base64url: the merchant's HMAC key for webhook signatures. */
function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}
