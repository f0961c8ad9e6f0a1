import type { Payment, ReasonCode } from './payment';
import type { ReplyKind } from './replies';

// What the pure decision hands to the shell: records to store, the ledger transfer, SMS to send and
// window ends to schedule. The store applies all of it in one atomic step (applyPaymentDecision.lua;
// README "Guarantees", docs/ARCHITECTURE.md "The flow").

/**
 * What one payment step did. A step that leaves a payment pending is named by the state it left it
 * in (payment.ts), so one word names one thing; the MO metric keeps its older label values for
 * these two (jobs/mo.ts, OUTCOME_LABELS).
 */
export type OutcomeCode =
  | 'awaiting_device' // request stored with a code, waiting for the device half
  | 'awaiting_request' // device half stored, waiting for the main SIM's request
  | 'completed'
  | 'rejected'
  | 'declined'
  | 'expired'
  | 'cancelled'
  | 'locked' // refused because the subscriber is (now) locked
  | 'noop' // nothing changes (duplicate, early or stale expiry, nothing to cancel)
  | 'refused' // no half created (device not linked, code required in strict mode, SIM not confirmed)
  | 'late'; // a confirmation for a payment that had already ended: told so, nothing changes

/** One SMS to send (the only definition: decisions, direct answers, refunds and notices use it). */
export interface Reply {
  to: string;
  text: string;
  kind: ReplyKind;
  /** Unsolicited (an ignored sender's answer): obeys the per-MSISDN reply limit, like help texts. */
  limited?: boolean;
}

/** A MAC device's state after the decision (device-auth.ts); only the fields that change. */
export interface DeviceChange {
  msisdn: string;
  /** The counter of the message just accepted. */
  counter?: number;
  /** Its refusals within the window, this one included. */
  refusals?: number[];
}

/** Only the fields that change are present. */
export interface SubscriberChanges {
  failedAuth?: number;
  failedAuthAt?: number;
  locked?: boolean;
  lockReason?: string;
  dailySpentMinor?: number;
  dailyDate?: string;
  balanceMinor?: number;
}

export interface Transfer {
  /** = payment id, so the ledger can apply it exactly once. */
  id: string;
  fromMsisdn: string;
  toMerchant: string;
  amountMinor: number;
}

export interface Decision {
  /** Payments created or changed: full new records with the history appended. */
  payments: Payment[];
  subscriber: SubscriberChanges;
  /** MAC devices' counters and refusals, written in the same atomic step. */
  devices: DeviceChange[];
  transfer?: Transfer;
  replies: Reply[];
  /** Window ends to schedule: entries of the expiry sorted set (store/expiries.ts), not jobs. */
  expiries: { paymentId: string; at: number }[];
  /** The new code now in use (the shell reserves the global code → subscriber pointer). */
  codeIssued?: string;
  /** Codes no longer pending (the shell drops their global pointers). */
  codesReleased: string[];
  outcome: OutcomeCode;
  /** Why, for logs and metrics (payments also carry it in their history). */
  reason?: ReasonCode;
}

export function decision(outcome: OutcomeCode, parts: Partial<Omit<Decision, 'outcome'>> = {}): Decision {
  return { payments: [], subscriber: {}, devices: [], replies: [], expiries: [], codesReleased: [], ...parts, outcome };
}
