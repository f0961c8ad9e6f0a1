import type { Redis } from 'ioredis';
import type { Keys } from './keys';
import type { ScriptClient } from './scripts';
import { LedgerOutbox } from './ledger-outbox';
import type { Device, SubscriberView } from '../domain/decide';
import type { DeviceMac } from '../domain/view';
import type { Decision, Reply, SubscriberChanges } from '../domain/decision';
import { isTerminal } from '../domain/payment';
import type { Payment } from '../domain/payment';
import { DeviceKeySealer } from './device-keys';
import { deviceAuthOf } from './device-auth-state';

/**
 * The subscriber hash fields a decision may change, by their name in code (SubscriberChanges): the
 * one map between the two, used to read the snapshot and to write the changes (the script sets
 * the fields it is given, applyPaymentDecision.lua ARGV[4]). Stored names are kept as earlier
 * versions wrote them (`dailySpent`). The balance is not here: it moves only with a transfer.
 */
const SUBSCRIBER_FIELDS = {
  failedAuth: 'failedAuth',
  failedAuthAt: 'failedAuthAt',
  locked: 'locked',
  lockReason: 'lockReason',
  dailySpentMinor: 'dailySpent',
  dailyDate: 'dailyDate',
} as const satisfies Record<Exclude<keyof SubscriberChanges, 'balanceMinor'>, string>;
const F = SUBSCRIBER_FIELDS;

/** The decision's subscriber changes as stored: field → string ('1'/'0' for flags). */
function subscriberFields(changes: SubscriberChanges): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, field] of Object.entries(SUBSCRIBER_FIELDS) as Array<[keyof typeof SUBSCRIBER_FIELDS, string]>) {
    const value = changes[name];
    if (value !== undefined) out[field] = typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
  }
  return out;
}

/** What a worker must remember about an applied MO to re-emit its effects on a retry. */
export interface AppliedRecord {
  outcome: string;
  /** Why (the decision's reason code), so a retried job learns it too. */
  reason?: string;
  replies: Reply[];
  expiries: { paymentId: string; at: number }[];
  codesReleased: string[];
  /** A transfer was applied: the merchant's side waits in the subscriber's ledger outbox. */
  owesLedger?: boolean;
}

export type ApplyResult =
  | { kind: 'ok'; version: number; balanceMinor: number }
  | { kind: 'applied'; record: AppliedRecord }
  | { kind: 'conflict' };

/** Script answers that are not retried: each maps to one error, here and nowhere else. */
export class PaymentStoreError extends Error {
  constructor(readonly code: string) {
    super(APPLY_ERRORS[code] ?? `unexpected script answer ${code}`);
    this.name = 'PaymentStoreError';
  }
}

const APPLY_ERRORS: Record<string, string> = {
  NO_SUBSCRIBER: 'the subscriber disappeared between load and apply',
  INSUFFICIENT_FUNDS: 'the ledger refused a debit below zero (the decision should have declined)',
  TRANSFER_MISMATCH: 'a transfer with this id but other content was already applied',
};


export interface SenderLookup {
  isSubscriber: boolean;
  /** Main SIM this SIM is bound to as a device, if any. */
  deviceOf: string | null;
  /** Main SIM whose pending payment holds the presented code, if any. */
  codeOwner: string | null;
  merchantName: string | null;
}

export class PaymentStore {
  private readonly ledger: LedgerOutbox;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly scripts: ScriptClient,
    /**
     * How long an applied-MO marker is kept (retention.appliedMoSeconds): as long as the same MO can
     * be processed again — BullMQ's last attempt, stalled-job recovery, a redelivery requeued.
     */
    private readonly appliedRetentionSeconds: number,
    /** Opens MAC devices' verification keys (devices.keyEncryptionKey). */
    private readonly sealer: DeviceKeySealer = DeviceKeySealer.fromConfig(null),
  ) {
    this.ledger = new LedgerOutbox(redis, keys, scripts);
  }

  /** One round trip: who the sender is, who holds the code, whether the merchant exists. */
  async lookup(sender: string, code: string | undefined, merchant: string | undefined): Promise<SenderLookup> {
    const k = this.keys;
    // Only the look-ups this command needs, issued together: one write with auto-pipelining (on
    // Redis Cluster, one per node: the keys are in different slots, so no pipeline or MULTI).
    const values: unknown[] = await Promise.all([
      this.redis.exists(k.subscriber(sender)),
      this.redis.get(k.deviceOwner(sender)),
      ...(code ? [this.redis.get(k.codeOwner(code))] : []),
      ...(merchant ? [this.redis.hget(k.merchant(merchant), 'name')] : []),
    ]);
    return {
      isSubscriber: values[0] === 1,
      deviceOf: (values[1] as string | null) ?? null,
      codeOwner: code ? ((values[2] as string | null) ?? null) : null,
      merchantName: merchant ? ((values[code ? 3 : 2] as string | null) ?? null) : null,
    };
  }

  async isSubscriber(msisdn: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.subscriber(msisdn))) === 1;
  }

  /** Balance alone (BAL): one field, not the whole snapshot. */
  async balanceMinor(main: string): Promise<number> {
    return Number((await this.redis.hget(this.keys.subscriber(main), 'balance')) ?? 0);
  }

  /** The merchant whose registered phone this is (CHECK from the till), or null. */
  async merchantOfPhone(msisdn: string): Promise<string | null> {
    const code = await this.redis.get(this.keys.merchantPhone(msisdn));
    // The pointer is claimed before the merchant is written (another slot): trust it only when the
    // merchant's own record names this phone, so a pointer left by a failed creation reveals nothing.
    if (!code || (await this.redis.hget(this.keys.merchant(code), 'msisdn')) !== msisdn) return null;
    return code;
  }

  async merchantName(code: string): Promise<string | null> {
    return this.redis.hget(this.keys.merchant(code), 'name');
  }

  /** Snapshot of one main SIM, plus the applied record when this MO was applied before. */
  async loadView(main: string, stepId: string, presentedCode?: string): Promise<{ view: SubscriberView; applied: AppliedRecord | null } | null> {
    const k = this.keys;
    const raw = (await this.scripts.run(
      'loadSubscriberView',
      [k.subscriber(main), k.devices(main), k.openPayments(main), k.payments(main), k.appliedMo(main, stepId), k.paymentIndex(main), k.deviceAuth(main)],
      [presentedCode ?? ''],
    )) as [string[], string[], string[], string | null, string | null, string[]] | null;
    if (!raw) return null;
    const [subFlat, devFlat, openJson, applied, ended, authFlat] = raw;
    const sub = pairs(subFlat);
    const devices: Device[] = [];
    const devPairs = pairs(devFlat);
    const auth = pairs(authFlat);
    for (const json of Object.values(devPairs)) {
      const d = JSON.parse(json) as { msisdn: string; imsi?: string; active?: boolean };
      const state = deviceAuthOf(auth, d.msisdn);
      devices.push({
        msisdn: d.msisdn,
        imsi: d.imsi,
        active: d.active !== false,
        ...(state.sealedKey ? { mac: this.macOf(state.sealedKey, main, d.msisdn, state.counter, state.refusals) } : {}),
        ...(state.suspended ? { suspended: true } : {}),
      });
    }
    const view: SubscriberView = {
      msisdn: main,
      imsi: sub.imsi || undefined,
      locked: sub[F.locked] === '1',
      lockReason: sub[F.lockReason] || undefined,
      balanceMinor: Number(sub.balance ?? 0),
      failedAuth: Number(sub[F.failedAuth] ?? 0),
      failedAuthAt: sub[F.failedAuthAt] ? Number(sub[F.failedAuthAt]) : undefined,
      dailySpentMinor: Number(sub[F.dailySpentMinor] ?? 0),
      dailyDate: sub[F.dailyDate] ?? '',
      devices,
      open: openJson.map((j) => JSON.parse(j) as Payment),
      ...(ended ? { endedWithCode: JSON.parse(ended) as Payment } : {}),
      version: Number(sub.version ?? 0),
    };
    return { view, applied: applied ? readAppliedRecord(applied) : null };
  }

  /**
   * A MAC device's state for the decision, its key opened (AES-GCM) only when the decision reads
   * it: that is the device that sent this message, not every MAC device of the subscriber on
   * every step.
   */
  private macOf(sealed: string, main: string, device: string, counter: number, refusals: number[]): DeviceMac {
    const sealer = this.sealer;
    let key: Uint8Array | undefined;
    return {
      get key(): Uint8Array {
        key ??= sealer.open(sealed, main, device);
        return key;
      },
      counter,
      refusals,
    };
  }

  /** Reserves a confirmation code for this main SIM (unique among pending payments), or false. */
  async reserveCode(code: string, main: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(this.keys.codeOwner(code), main, 'PX', ttlMs, 'NX')) === 'OK';
  }

  /** Drops code pointers that still point at this main SIM (a pointer is never trusted alone). */
  async releaseCodes(codes: string[], main: string): Promise<void> {
    await Promise.all(codes.map((code) => this.scripts.run('releasePointer', [this.keys.codeOwner(code)], [main])));
  }

  /** The subscriber's ledger outbox is due for settlement (the merchant's side of her payment). */
  async markLedgerDue(main: string, now: number): Promise<void> {
    await this.ledger.markDue(`subscriber:${main}`, now);
  }

  async apply(main: string, stepId: string, version: number, decision: Decision, now: number): Promise<ApplyResult> {
    const k = this.keys;
    const record = appliedRecordOf(decision);
    const account = `subscriber:${main}` as const;
    const args: Array<string | number> = [
      version,
      now,
      decision.payments.length,
      JSON.stringify(subscriberFields(decision.subscriber)),
      decision.transfer ? JSON.stringify(decision.transfer) : '',
      JSON.stringify(record),
      this.appliedRetentionSeconds,
      // As strings: Lua would print a 15-digit counter in exponent notation.
      JSON.stringify(decision.devices.map((d) => ({ msisdn: d.msisdn, ...(d.counter !== undefined ? { counter: String(d.counter) } : {}), ...(d.refusals ? { refusals: d.refusals.join(' ') } : {}) }))),
    ];
    for (const pay of decision.payments) args.push(pay.id, isTerminal(pay.state) ? '0' : '1', pay.createdAt, JSON.stringify(pay));
    // The id → main pointers are claimed first: a new payment whose id already points at another
    // subscriber is refused (ids have 80 bits, so this is a loud failure, never a merge). Harmless
    // if the script then refuses (a conflict retried decides the same ids again).
    if (decision.payments.length) {
      const previous = await Promise.all(decision.payments.map((pay) => this.redis.set(k.paymentOwner(pay.id), main, 'NX', 'GET')));
      if (previous.some((owner) => owner !== null && owner !== main)) throw new PaymentStoreError('PAYMENT_ID_TAKEN');
    }
    const res = (await this.scripts.run(
      'applyPaymentDecision',
      [k.subscriber(main), k.payments(main), k.openPayments(main), k.paymentIndex(main), k.appliedMo(main, stepId), k.transfers(main), k.accountJournal(account), k.accountOutbox(account), k.deviceAuth(main)],
      args,
    )) as [string, ...Array<string | number>];
    switch (res[0]) {
      case 'OK':
        return { kind: 'ok', version: Number(res[1]), balanceMinor: Number(res[2]) };
      case 'APPLIED':
        return { kind: 'applied', record: readAppliedRecord(String(res[1])) };
      case 'CONFLICT':
        return { kind: 'conflict' };
      default:
        throw new PaymentStoreError(String(res[0]));
    }
  }
}

/** What is remembered of an applied decision, so that a retried job re-emits the same effects. */
export function appliedRecordOf(decision: Decision): AppliedRecord {
  return {
    outcome: decision.outcome,
    reason: decision.reason,
    replies: decision.replies,
    expiries: decision.expiries,
    codesReleased: decision.codesReleased,
    ...(decision.transfer ? { owesLedger: true } : {}),
  };
}

/** Outcome words of applied records written before issue 16 (kept up to retention.appliedMoSeconds). */
const LEGACY_OUTCOMES: Readonly<Record<string, string>> = { pending_device: 'awaiting_device', waiting_request: 'awaiting_request' };

function readAppliedRecord(json: string): AppliedRecord {
  const record = JSON.parse(json) as AppliedRecord;
  return { ...record, outcome: LEGACY_OUTCOMES[record.outcome] ?? record.outcome };
}

function pairs(flat: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]] = flat[i + 1];
  return out;
}

