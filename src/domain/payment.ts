// A payment's life as data: the states, the one table of allowed transitions, and the reason codes
// written into its append-only history (issue 3 rule 7). Code elsewhere changes a payment only through
// `startPayment` / `transition`, which check this table, so no transition rule hides in an `if`.

// Payment ids are made in ids.ts; re-exported here because callers validating a payment look here.
export { isPaymentId } from './ids';

export type PaymentState =
  | 'awaiting_device' // the main SIM's request is pending with a code, waiting for the device half
  | 'awaiting_request' // a device half without code arrived first and waits for the main SIM's request
  | 'completed'
  | 'rejected'
  | 'expired'
  | 'declined'
  | 'cancelled';

export const REASONS = {
  request_received: 'the main SIM asked to pay; a code was issued and the device half is awaited',
  device_waiting: 'a bound device sent its half without a code; the main SIM request is awaited',
  matched: 'both halves matched: bound device, same amount and merchant, within the window',
  device_not_bound: 'the code was presented by a SIM that is not an active device of the main SIM',
  foreign_device: 'the code was presented by another SIM than the main SIM’s devices: rejected, the presenter’s failure, not the owner’s',
  late_confirmation: 'the owner’s device confirmed a payment that had already ended (expired or cancelled): told so, nobody’s failure',
  imsi_missing: 'the subscriber is enrolled with an IMSI and the network reported none (or none readable): the SIM could not be confirmed',
  sim_swap_check_unavailable: 'the operator’s SIM-swap check did not answer; by policy no code is issued',
  presenter_blocked: 'the sender presented too many unknown or foreign codes recently; its code-carrying messages have no effect',
  unknown_sim: 'the sender is neither a registered main SIM nor a bound device',
  amount_mismatch: 'the code was presented with a different amount',
  merchant_mismatch: 'the code was presented with a different merchant',
  code_unknown: 'the presented code names no pending payment',
  window_elapsed: 'no counterpart arrived within the payment window',
  insufficient_funds: 'the balance is lower than the amount',
  over_payment_limit: 'the amount is above the per-payment maximum',
  over_daily_limit: 'the amount would take the day total above the daily maximum',
  cancelled_by_subscriber: 'the main SIM sent CANCEL',
  sim_swap: 'the network reported an IMSI other than the enrolled one (suspected SIM swap)',
  subscriber_locked: 'the main SIM is locked',
  unknown_merchant: 'the merchant code is not registered',
  strict_mode_code_required: 'strict mode: a device half must carry the code',
  device_mac_refused: 'a MAC device’s message had no MAC, a wrong one, or an old counter: nothing changes, the owner is alerted, it counts against the device',
  device_blocked: 'the MAC device had too many refused messages within the refusal window: its messages are ignored until they leave it',
  device_suspended: 'an operator suspended the device: its messages are ignored until it is re-activated',
} as const;

export type ReasonCode = keyof typeof REASONS;

export interface HistoryEntry {
  at: number;
  from: PaymentState | null;
  to: PaymentState;
  reason: ReasonCode;
}

export interface Payment {
  id: string;
  /** The main SIM (payer), E.164 digits. */
  main: string;
  state: PaymentState;
  amountMinor: number;
  merchant: string;
  /** Confirmation code; only payments opened by the main SIM's request have one. */
  code?: string;
  channel: 'sms' | 'ussd';
  createdAt: number;
  /** End of the payment window, counted from the first half. */
  expiresAt: number;
  requestMoId?: string;
  deviceMoId?: string;
  /** The device SIM whose half was attached. */
  device?: string;
  completedAt?: number;
  /** Reason of the latest transition. */
  reason?: ReasonCode;
  history: HistoryEntry[];
}

/** States a payment may be created in (the `from: null` row of the table). */
export const INITIAL_STATES: readonly PaymentState[] = ['awaiting_device', 'awaiting_request', 'declined'];

export const TRANSITIONS: Record<PaymentState, readonly PaymentState[]> = {
  awaiting_device: ['completed', 'rejected', 'expired', 'declined', 'cancelled'],
  // No code was issued for a device-first half, so nothing can present a wrong one: it is never rejected.
  awaiting_request: ['completed', 'expired', 'declined', 'cancelled'],
  completed: [],
  rejected: [],
  expired: [],
  declined: [],
  cancelled: [],
};

export const TERMINAL_STATES: readonly PaymentState[] = (Object.keys(TRANSITIONS) as PaymentState[]).filter(
  (s) => TRANSITIONS[s].length === 0,
);

export function isTerminal(state: PaymentState): boolean {
  return TERMINAL_STATES.includes(state);
}

export function canTransition(from: PaymentState | null, to: PaymentState): boolean {
  return from === null ? INITIAL_STATES.includes(to) : TRANSITIONS[from].includes(to);
}

/** A bug in the decision code, never a user error: the job fails loudly instead of storing a bad state. */
export class IllegalTransitionError extends Error {
  constructor(readonly from: PaymentState | null, readonly to: PaymentState, readonly paymentId: string) {
    super(`illegal payment transition ${from ?? '(new)'} → ${to} for ${paymentId}`);
    this.name = 'IllegalTransitionError';
  }
}

export type NewPayment = Omit<Payment, 'state' | 'history' | 'reason'>;

export function startPayment(fields: NewPayment, state: PaymentState, reason: ReasonCode, at: number): Payment {
  if (!canTransition(null, state)) throw new IllegalTransitionError(null, state, fields.id);
  return { ...fields, state, reason, history: [{ at, from: null, to: state, reason }] };
}

/** Returns a new record; the input is not modified. `changes` sets fields that go with the move. */
export function transition(
  payment: Payment,
  to: PaymentState,
  reason: ReasonCode,
  at: number,
  changes: Partial<Pick<Payment, 'device' | 'deviceMoId' | 'requestMoId' | 'completedAt' | 'channel'>> = {},
): Payment {
  if (!canTransition(payment.state, to)) throw new IllegalTransitionError(payment.state, to, payment.id);
  return {
    ...payment,
    ...changes,
    state: to,
    reason,
    history: [...payment.history, { at, from: payment.state, to, reason }],
  };
}

/** True when every history entry continues from the previous one along the table. */
export function isLegalHistory(history: readonly HistoryEntry[]): boolean {
  let current: PaymentState | null = null;
  for (const entry of history) {
    if (entry.from !== current || !canTransition(entry.from, entry.to)) return false;
    current = entry.to;
  }
  return history.length > 0;
}
