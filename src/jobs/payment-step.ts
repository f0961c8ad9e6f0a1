import { createHash, randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { decide, type DecideContext, type PaymentEvent } from '../domain/decide';
import { codeFromRandomBytes, CODE_RANDOM_BYTES } from '../domain/code';
import { paymentIdFromMoId } from '../domain/ids';
import { maskMsisdn } from '../domain/msisdn';
import type { ExpiryStore } from '../store/expiries';
import { hmacSha256 } from '../store/device-keys';
import { appliedRecordOf, type AppliedRecord, type PaymentStore } from '../store/payments';
import type { Outbox } from './outbox';

export interface PaymentRules {
  windowMs: number;
  strict: boolean;
  maxPaymentMinor: number;
  dailyMaxMinor: number;
  maxFailedAuth: number;
  failedAuthDecayMs: number;
  missingImsiPolicy: 'refuse' | 'allow';
  timeZone: string;
  currency: string;
  minorDigits: number;
  /** A MAC device is ignored after this many refused messages within deviceRefusalWindowMs. */
  deviceRefusalLimit: number;
  deviceRefusalWindowMs: number;
}

/**
 * Where a step's replies go: the outbox, or a decorator of it that changes how one channel delivers
 * them (USSD: the main SIM's reply becomes the session's final screen, see jobs/ussd-outbox.ts).
 */
export type ReplySink = Pick<Outbox, 'send'>;

export interface PaymentStepDeps {
  store: PaymentStore;
  outbox: ReplySink;
  expiries: ExpiryStore;
  rules: PaymentRules;
  log: Logger;
}

/** How often a decision is retried when another worker changed the subscriber in between. */
const MAX_CONFLICTS = 50;

export class SubscriberGoneError extends Error {}

/**
 * The imperative shell around the pure decision (docs/ARCHITECTURE.md, "The flow"): load one main SIM's snapshot, decide,
 * reserve a new code if one is issued, apply atomically with optimistic concurrency (decide again on
 * conflict), then emit effects — replies and window ends in the expiry sorted set — whose ids are deterministic, so that a
 * retried job re-emits exactly the same effects from the applied record.
 */
export async function runPaymentStep(
  deps: PaymentStepDeps,
  main: string,
  stepId: string,
  event: PaymentEvent,
  merchant: { exists: boolean; name?: string },
  /** Told the outcome and reason of the step (also when a retried job finds it applied). */
  observe?: (result: { outcome: string; reason?: string }) => void,
): Promise<string> {
  const { store, rules } = deps;
  let code = newCode();
  for (let conflicts = 0; conflicts < MAX_CONFLICTS; conflicts++) {
    const now = Date.now();
    const loaded = await store.loadView(main, stepId, event.type === 'device' ? event.code : undefined);
    if (!loaded) throw new SubscriberGoneError(`subscriber ${maskMsisdn(main)} does not exist`);
    if (loaded.applied) {
      await emit(deps, main, stepId, loaded.applied, now);
      observe?.({ outcome: loaded.applied.outcome, reason: loaded.applied.reason });
      return loaded.applied.outcome;
    }
    const ctx: DecideContext = {
      ...rules,
      now,
      merchantExists: merchant.exists,
      merchantName: merchant.name,
      newPaymentId: paymentIdFromMoId(stepId, sha256),
      newCode: code,
      hmac: hmacSha256,
    };
    const decision = decide(loaded.view, event, ctx);
    // Nothing to change and nothing to say: no write, so nothing is marked applied and a later,
    // valid run of the same step is not mistaken for a repeat. An early expiry comes back as
    // expiries only: reschedule it.
    if (decision.payments.length === 0 && decision.replies.length === 0 && decision.devices.length === 0 && Object.keys(decision.subscriber).length === 0) {
      await deps.expiries.schedule(main, decision.expiries);
      return decision.outcome;
    }
    if (decision.codeIssued && !(await store.reserveCode(decision.codeIssued, main, rules.windowMs + 60_000))) {
      code = newCode(); // taken by another pending payment: draw again
      continue;
    }
    const result = await store.apply(main, stepId, loaded.view.version, decision, now);
    if (result.kind !== 'ok' && decision.codeIssued) await store.releaseCodes([decision.codeIssued], main);
    if (result.kind === 'conflict') continue;
    const record: AppliedRecord = result.kind === 'applied' ? result.record : appliedRecordOf(decision);
    await emit(deps, main, stepId, record, now);
    observe?.({ outcome: record.outcome, reason: record.reason });
    deps.log.debug({ main: maskMsisdn(main), step: stepId, outcome: record.outcome, reason: decision.reason }, 'payment step applied');
    return record.outcome;
  }
  throw new Error(`gave up after ${MAX_CONFLICTS} concurrent changes of one subscriber`);
}

async function emit(deps: PaymentStepDeps, main: string, stepId: string, record: AppliedRecord, now: number): Promise<void> {
  // The merchant's side of the transfer and its notice wait in her ledger outbox for the relay; a
  // retry marks again (the first run may have died before it), which costs nothing.
  if (record.owesLedger) await deps.store.markLedgerDue(main, now);
  await deps.outbox.send(stepId, record.replies, { rateLimited: false, now });
  await deps.expiries.schedule(main, record.expiries);
  if (record.codesReleased.length) await deps.store.releaseCodes(record.codesReleased, main);
}

function newCode(): string {
  for (;;) {
    const code = codeFromRandomBytes(randomBytes(CODE_RANDOM_BYTES));
    if (code) return code;
  }
}

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}
