import type { Redis } from 'ioredis';
import type { Keys } from './keys';
import type { ScriptClient } from './scripts';
import { LedgerOutbox, NO_NOTICE } from './ledger-outbox';
import { utcDate } from '../domain/view';
import { deviceAuthOf } from './device-auth-state';

// Enrolment and operator actions on subscribers, devices and credits (merchants: merchants.ts). Every write is one
// Lua script (src/store/lua/<name>.lua), so an error never leaves anything half-written. Script
// answers that are refusals map to errors in ENROLMENT_ERRORS below and nowhere else.

/**
 * Script answers that are refusals, with the error text the admin API returns. Data, not code; the
 * HTTP status of each is the API's business (http/admin-errors.ts, STORE_REFUSAL_STATUS).
 */
export const ENROLMENT_ERRORS = {
  SUBSCRIBER_EXISTS: 'msisdn: already a subscriber',
  MSISDN_IS_DEVICE: 'msisdn: already bound as a device SIM',
  NO_SUBSCRIBER: 'subscriber not found',
  DEVICE_IS_SUBSCRIBER: 'msisdn: the device SIM is a main SIM (subscriber)',
  DEVICE_BOUND: 'msisdn: the device SIM is already bound',
  NOT_BOUND: 'device is not bound to this subscriber',
  REFERENCE_CONFLICT: 'reference: already used with a different amount',
  BALANCE_LIMIT: 'amount: the balance would exceed the maximum',
  MERCHANT_EXISTS: 'code: merchant already exists',
  PHONE_TAKEN: "msisdn: already another merchant's phone",
  NO_MERCHANT: 'merchant not found',
} as const satisfies Record<string, string>;

export type EnrolmentErrorCode = keyof typeof ENROLMENT_ERRORS;

/** A refusal by a script (conflict, not found), named by its code. */
export class EnrolmentError extends Error {
  constructor(readonly code: EnrolmentErrorCode) {
    super(ENROLMENT_ERRORS[code]);
    this.name = 'EnrolmentError';
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
  /** A MAC device: its last accepted counter and recent refusals (never its key). */
  mac?: { counter: number; refusals: number[] };
  suspended?: boolean;
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
  /** A MAC device's sealed verification key (store/device-keys.ts). */
  sealedKey?: string;
}

export interface CreditResult {
  /** false when the reference was applied before (a replay: nothing changed). */
  created: boolean;
  reference: string;
  amountMinor: number;
  /** Balance right after the (original) credit. */
  balanceMinor: number;
}

export type ScriptAnswer = [string, ...Array<string | number>];

/** Throws the EnrolmentError a refusing script answer names (the one mapping of answers to errors). */
export function refusal(answer: ScriptAnswer): never {
  const code = answer[0];
  if (code in ENROLMENT_ERRORS) throw new EnrolmentError(code as EnrolmentErrorCode);
  throw new Error(`unexpected script answer ${String(code)}`);
}

export class EnrolmentStore {
  private readonly ledger: LedgerOutbox;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly scripts: ScriptClient,
  ) {
    this.ledger = new LedgerOutbox(redis, keys, scripts);
  }

  async createSubscriber(s: NewSubscriber, now: number): Promise<SubscriberRecord> {
    const k = this.keys;
    const account = `subscriber:${s.msisdn}` as const;
    // Not somebody's device SIM: the pointer is another slot, so it is read before the script. Of
    // an enrolment and a binding of the same SIM racing each other both could pass; both are operator
    // actions on one SIM, and the payment decision trusts only the main SIM's own devices hash.
    if ((await this.redis.exists(k.deviceOwner(s.msisdn))) === 1) throw new EnrolmentError('MSISDN_IS_DEVICE');
    if (s.balanceMinor > 0) await this.ledger.markDue(account, now);
    const res = (await this.scripts.run(
      'createSubscriber',
      [k.subscriber(s.msisdn), k.credits(s.msisdn), k.creditResults(s.msisdn), k.accountJournal(account), k.accountOutbox(account)],
      [s.msisdn, s.imsi ?? '', s.name ?? '', s.balanceMinor, now, utcDate(now)],
    )) as ScriptAnswer;
    // The index is another slot, written after: a crash in between is healed by the next attempt.
    await this.redis.zadd(k.subscriberIndex(), 'NX', res[0] === 'OK' ? now : Number(res[1]), s.msisdn);
    if (res[0] !== 'OK') refusal(res);
    if (s.balanceMinor > 0) await this.ledger.settle(account, NO_NOTICE);
    return this.mustGetSubscriber(s.msisdn);
  }

  async getSubscriber(msisdn: string): Promise<SubscriberRecord | null> {
    const k = this.keys;
    // MULTI: profile, devices and their authentication state from one instant.
    const res = await this.redis.multi().hgetall(k.subscriber(msisdn)).hgetall(k.devices(msisdn)).hgetall(k.deviceAuth(msisdn)).exec();
    if (!res) throw new Error('getSubscriber: transaction aborted');
    for (const [err] of res) if (err) throw err;
    const sub = res[0][1] as Record<string, string>;
    const devs = res[1][1] as Record<string, string>;
    const auth = (res[2][1] as Record<string, string>) ?? {};
    if (!sub || Object.keys(sub).length === 0) return null;
    const devices = Object.entries(devs ?? {})
      .map(([field, json]) => withAuth(parseDevice(field, json), auth))
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

  /**
   * Binds a device SIM; of concurrent bindings of one SIM exactly one succeeds.
   *
   * The device SIM's subscriber key, its owner pointer (global) and the main SIM's keys are in three
   * hash slots (Redis Cluster: no script may span them), so the binding is a sequence of one-slot
   * steps. The owner pointer is only a pointer: the payment decision re-checks the devices hash in
   * the main SIM's slot, so a pointer left dangling by a crash is harmless; it must only never block
   * this main SIM, and a failed binding must not leave one behind.
   */
  async bindDevice(main: string, d: NewDevice, now: number): Promise<DeviceRecord> {
    const k = this.keys;
    const record: DeviceRecord = { msisdn: d.msisdn, ...(d.imsi ? { imsi: d.imsi } : {}), ...(d.label ? { label: d.label } : {}), active: true, boundAt: now };
    const auth = k.deviceAuth(main);
    const pointer = k.deviceOwner(d.msisdn);
    const devices = k.devices(main);
    const release = () => this.releaseDevicePointer(main, d.msisdn);
    // 1. A main SIM cannot be a device (checked before anything is claimed).
    if ((await this.redis.exists(k.subscriber(d.msisdn))) === 1) throw new EnrolmentError('DEVICE_IS_SUBSCRIBER');
    // 2. Claim the pointer (SET NX GET, one atomic command): of concurrent bindings to different
    //    main SIMs only the first gets past here. A pointer that already names this main SIM is a
    //    leftover (a crash between 2 and 4, or an unbind between its steps) or a concurrent binding
    //    to this same main SIM: taken over, step 4 serialises those in the main SIM's slot.
    const owner = await this.redis.set(pointer, main, 'NX', 'GET');
    if (owner !== null && owner !== main) throw new EnrolmentError('DEVICE_BOUND');
    // 3. Checked again now that the pointer is ours: a subscriber enrolled meanwhile wins.
    if ((await this.redis.exists(k.subscriber(d.msisdn))) === 1) {
      await release();
      throw new EnrolmentError('DEVICE_IS_SUBSCRIBER');
    }
    // 4. The binding itself, in the main SIM's slot (NO_SUBSCRIBER, DEVICE_BOUND, or OK + version).
    const res = (await this.scripts.run('bindDevice', [k.subscriber(main), devices, auth], [d.msisdn, JSON.stringify(record), d.sealedKey ?? ''])) as ScriptAnswer;
    if (res[0] !== 'OK') {
      await release();
      refusal(res);
    }
    // 5. The pointer must still name this main SIM: a failed binding or an unbind of the same SIM by
    //    this main SIM may have released it between 2 and 4. Restored (SET NX GET); if another main
    //    SIM claimed it in that moment, this binding is undone, so exactly one stays.
    const ownerAfter = await this.redis.set(pointer, main, 'NX', 'GET');
    if (ownerAfter !== null && ownerAfter !== main) {
      await this.scripts.run('unbindDevice', [k.subscriber(main), devices, auth], [d.msisdn]);
      throw new EnrolmentError('DEVICE_BOUND');
    }
    return d.sealedKey ? { ...record, mac: { counter: 0, refusals: [] } } : record;
  }

  /**
   * Unbinds a device SIM: first in the main SIM's slot (unbindDevice.lua: HDEL + version bump), then
   * the global owner pointer is dropped if it still names this main SIM (compare-and-delete). In
   * between the pointer dangles, which is harmless (the payment decision re-checks the devices
   * hash); a crash there leaves it naming this main SIM, and a later binding by this main SIM takes
   * it over. The pointer is dropped on a refusal too: one naming this main SIM while the device is
   * not in its devices hash is such a leftover, and would block the SIM elsewhere.
   */
  async unbindDevice(main: string, device: string): Promise<void> {
    const k = this.keys;
    const res = (await this.scripts.run('unbindDevice', [k.subscriber(main), k.devices(main), k.deviceAuth(main)], [device])) as ScriptAnswer;
    await this.releaseDevicePointer(main, device);
    if (res[0] !== 'OK') refusal(res);
  }

  /**
   * Drops a device SIM's owner pointer if it names this main SIM and the device is not in its
   * devices hash. The two are in different slots: a concurrent binding of the same SIM to this main
   * SIM may succeed between the check and the compare-and-delete, so the check is repeated after it
   * and the pointer restored (SET NX) if the device turned up.
   */
  private async releaseDevicePointer(main: string, device: string): Promise<void> {
    const pointer = this.keys.deviceOwner(device);
    const devices = this.keys.devices(main);
    if ((await this.redis.hexists(devices, device)) === 1) return;
    if ((await this.scripts.run('releasePointer', [pointer], [main])) === 1 && (await this.redis.hexists(devices, device)) === 1) {
      await this.redis.set(pointer, main, 'NX');
    }
  }

  /** Top-up, applied once per reference. */
  async credit(main: string, reference: string, amountMinor: number): Promise<CreditResult> {
    const k = this.keys;
    const account = `subscriber:${main}` as const;
    const now = Date.now();
    await this.ledger.markDue(account, now);
    const res = (await this.scripts.run('creditSubscriber', [k.subscriber(main), k.credits(main), k.creditResults(main), k.accountJournal(account), k.accountOutbox(account)], [
      reference,
      amountMinor,
      MAX_BALANCE_MINOR,
      main,
      now,
    ])) as ScriptAnswer;
    if (res[0] !== 'OK' && res[0] !== 'DUPLICATE') refusal(res);
    // The float's side now, so the ledger check holds when the API answers (the relay would too).
    await this.ledger.settle(account, NO_NOTICE);
    return { created: res[0] === 'OK', reference, amountMinor, balanceMinor: Number(res[1]) };
  }

  async unlock(main: string): Promise<SubscriberRecord> {
    const res = (await this.scripts.run('unlockSubscriber', [this.keys.subscriber(main)], [])) as ScriptAnswer;
    if (res[0] !== 'OK') refusal(res);
    return this.mustGetSubscriber(main);
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

function withAuth(d: DeviceRecord, fields: Record<string, string>): DeviceRecord {
  const state = deviceAuthOf(fields, d.msisdn);
  return { ...d, ...(state.sealedKey ? { mac: { counter: state.counter, refusals: state.refusals } } : {}), ...(state.suspended ? { suspended: true } : {}) };
}
