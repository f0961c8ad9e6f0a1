import type { Logger } from 'pino';
import type { MoMessage } from '../queues';
import type { PaymentReader } from '../store/payments-read';
import type { StoredUssdSession, UssdSessionStore, UssdStepRecord } from '../store/ussd-sessions';
import { maskMsisdn } from '../domain/msisdn';
import { toMoney } from '../domain/money';
import { notRegisteredText } from '../domain/replies';
import { parseSessionInfo, screenOp, sessionInfoHex, ussdInputOf, type SessionInfo } from '../smpp/ussd';
import {
  fitScreen,
  ussdBalanceScreen,
  ussdLastPaymentsScreen,
  ussdPaymentUnavailableScreen,
  ussdStep,
  type UssdContext,
  type UssdOutcome,
  type UssdScreen,
  type UssdStep,
} from '../domain/ussd';
import { runPaymentStep, SubscriberGoneError, type PaymentStepDeps } from './payment-step';
import type { SimSwapCheck } from './sim-swap';
import { UssdSessionReplySink, type UssdScreens } from './ussd-outbox';
import { ussdMetrics, type UssdEndReason } from './ussd-metrics';

export interface UssdSettings {
  /** As dialled, e.g. "*778#". */
  serviceCode: string;
  /** Overall lifetime of a session from the dial. */
  sessionTimeoutMs: number;
  maxAmountMinor: number;
}

export interface UssdDeps extends PaymentStepDeps {
  sessions: UssdSessionStore;
  screens: UssdScreens;
  payments: PaymentReader;
  ussd: UssdSettings;
  /** The operator's SIM-swap check, before a code is issued (as for SMS). */
  simSwap?: SimSwapCheck;
  log: Logger;
}

/** A USSD MO: SMPP service_type "USSD", or a ussd_service_op TLV. */
export function isUssdMo(mo: MoMessage): boolean {
  return mo.serviceType?.trim().toUpperCase() === 'USSD' || mo.ussd !== undefined;
}

/** Newest payments shown by "3 Last payments" (fewer when they do not fit one screen). */
const LAST_PAYMENTS = 5;
/** Concurrent changes of one session tolerated before the job fails and is retried. */
const MAX_CONFLICTS = 20;

const ENDS: Partial<Record<UssdOutcome, UssdEndReason>> = {
  pay: 'completed',
  balance: 'completed',
  last_payments: 'completed',
  exit: 'completed',
  too_many_invalid: 'invalid',
  bad_dial: 'invalid',
  aborted: 'aborted',
};

/** The MO being handled: who sent it, and the dialogue unit it belongs to (its_session_info). */
interface Turn {
  mo: MoMessage;
  msisdn: string;
  info: SessionInfo;
}

/** The session change one MO commits (with the record of its effect): the session after it, or none when it ends. */
interface SessionChange {
  /** 'open' for a dial (replaces the msisdn's open session), 'update' for an answer or abort. */
  mode: 'open' | 'update';
  /** Sequence number of the screen this MO is answered with. */
  seq: number;
  next: StoredUssdSession | null;
  deadline: number;
}

/** A dial: a new session on the step's machine (none for a one-shot action or a hint), with its own deadline. */
function openSession(info: SessionInfo, step: UssdStep, now: number, timeoutMs: number): SessionChange {
  const seq = 1;
  const deadline = now + timeoutMs;
  const next = step.session ? { number: info.sessionNumber, machine: step.session, seq, startedAt: now, deadline, v: 1 } : null;
  return { mode: 'open', seq, next, deadline };
}

/** An answer or an abort to a live session: it moves on, or ends when the step leaves no session; the deadline stays the dial's. */
function continueSession(info: SessionInfo, step: UssdStep, live: StoredUssdSession): SessionChange {
  const seq = live.seq + 1;
  const next = step.session ? { number: info.sessionNumber, machine: step.session, seq, startedAt: live.startedAt, deadline: live.deadline, v: live.v + 1 } : null;
  return { mode: 'update', seq, next, deadline: live.deadline };
}

/**
 * The imperative shell around the pure menu (domain/ussd.ts), for one USSD MO of an identified
 * msisdn, like runPaymentStep: load the session (keyed by msisdn, service code and session number),
 * step the machine, open a session (a dial) or continue it (an answer or abort, which may end it),
 * turn the step's action into a final screen (balance, last payments) or a payment request, commit
 * the new session state together with a record of this MO's effect, then send. The MO id is the step
 * id: a retried job finds the record and re-sends the same screen (same MT id) or re-runs the same,
 * idempotent payment step; it never advances the menu twice.
 */
export function createUssdProcessor(deps: UssdDeps): (mo: MoMessage, msisdn: string) => Promise<string> {
  const ctx: UssdContext = {
    serviceCode: deps.ussd.serviceCode,
    currency: deps.rules.currency,
    minorDigits: deps.rules.minorDigits,
    maxAmountMinor: deps.ussd.maxAmountMinor,
    timeZone: deps.rules.timeZone,
  };
  const code = deps.ussd.serviceCode.replace(/[^0-9]/g, '');

  return async (mo, msisdn) => {
    const info: SessionInfo = parseSessionInfo(mo.ussd?.sessionInfo) ?? { sessionNumber: 0, sequence: 0, end: false };
    const turn: Turn = { mo, msisdn, info };
    const input = ussdInputOf(mo.ussd?.op, info.end, mo.text);
    if (!input) return done(turn, 'ignored');
    for (let conflicts = 0; conflicts < MAX_CONFLICTS; conflicts++) {
      const now = Date.now();
      const loaded = await deps.sessions.load(msisdn, code, info.sessionNumber, mo.id);
      // A retried job: this MO's effect is recorded; send it again, change nothing.
      if (loaded.step) return answer(turn, loaded.step);
      const live = loaded.session && loaded.session.deadline > now ? loaded.session : null;
      if (input.kind === 'dial' && !(await deps.store.isSubscriber(msisdn))) {
        return answer(turn, { outcome: 'not_registered', screen: wire(final(notRegisteredText()), info.sessionNumber, 1) });
      }
      const step = ussdStep(input.kind === 'dial' ? null : (live?.machine ?? null), input, ctx);
      const change = input.kind === 'dial' ? openSession(info, step, now, deps.ussd.sessionTimeoutMs) : live && continueSession(info, step, live);
      // A late answer or abort: nothing to change; a late answer gets a graceful final screen.
      if (!change) return answer(turn, { outcome: step.outcome, screen: step.screen ? wire(step.screen, info.sessionNumber, info.sequence + 1) : undefined });

      const record = await recordOf(step, info.sessionNumber, change.seq, msisdn, mo.id);
      const committed = await deps.sessions.commit({ msisdn, moId: mo.id, loaded, mode: change.mode, next: change.next, deadline: change.deadline, record });
      if (committed.kind === 'conflict') continue;
      // Another run of this MO committed first: its record is the effect.
      if (committed.kind === 'step') return answer(turn, committed.record);
      await account(loaded.key, committed.replaced, input.kind === 'dial', change.next, step);
      return answer(turn, record);
    }
    throw new Error(`gave up after ${MAX_CONFLICTS} concurrent changes of one USSD session`);
  };

  /** Sends what the record says, then counts the step. */
  async function answer(turn: Turn, record: UssdStepRecord): Promise<string> {
    await emit(turn, record);
    return done(turn, record.outcome);
  }

  function done({ mo, msisdn, info }: Turn, outcome: string): string {
    ussdMetrics.steps.inc({ outcome });
    deps.log.debug({ from: maskMsisdn(msisdn), mo: mo.id, session: info.sessionNumber, outcome }, 'USSD step');
    return `ussd_${outcome}`;
  }

  /** Sends what the step record says: the screen, or the payment request whose answer is the screen. */
  async function emit(turn: Turn, record: UssdStepRecord): Promise<void> {
    const { mo, msisdn } = turn;
    const screenId = `${mo.id}.u`;
    if (record.screen) {
      await deps.screens.send({ id: screenId, to: msisdn, ...record.screen }, Date.now());
    } else if (record.pay) {
      await pay(turn, record.pay, screenId);
    } else {
      return; // an abort: no reply
    }
    ussdMetrics.stepLatency.observe(Math.max(0, Date.now() - mo.receivedAt) / 1000);
  }

  async function pay({ mo, msisdn }: Turn, p: NonNullable<UssdStepRecord['pay']>, screenId: string): Promise<void> {
    const sink = new UssdSessionReplySink(deps.outbox, deps.screens, { main: msisdn, screenId, sessionInfo: p.sessionInfo });
    const merchantName = await deps.store.merchantName(p.merchant);
    try {
      await runPaymentStep(
        { ...deps, outbox: sink },
        msisdn,
        mo.id,
        {
          type: 'request',
          moId: mo.id,
          amountMinor: p.amountMinor,
          merchant: p.merchant,
          imsi: mo.imsi,
          ...(mo.imsiUnreadable ? { imsiUnreadable: true } : {}),
          simSwap: await deps.simSwap?.(msisdn),
          channel: 'ussd',
        },
        { exists: merchantName !== null, name: merchantName ?? undefined },
      );
    } catch (err) {
      if (!(err instanceof SubscriberGoneError)) throw err;
      await deps.screens.send({ id: screenId, to: msisdn, text: notRegisteredText(), op: screenOp(final('')), sessionInfo: p.sessionInfo, kind: 'not_registered' }, Date.now());
      return;
    }
    if (!sink.screenSent) {
      const screen = ussdPaymentUnavailableScreen(ctx);
      await deps.screens.send({ id: screenId, to: msisdn, text: screen.text, op: screenOp(screen), sessionInfo: p.sessionInfo, kind: 'ussd_final' }, Date.now());
    }
  }

  /** The step's effect as data: its screen (actions' results computed now, kept for retries), or the payment to request. */
  async function recordOf(step: UssdStep, sessionNumber: number, seq: number, msisdn: string, moId: string): Promise<UssdStepRecord> {
    const action = step.action;
    if (!action) return { outcome: step.outcome, screen: step.screen ? wire(step.screen, sessionNumber, seq) : undefined };
    switch (action.kind) {
      case 'pay':
        return { outcome: step.outcome, pay: { amountMinor: action.amountMinor, merchant: action.merchant, sessionInfo: sessionInfoHex({ sessionNumber, sequence: seq, end: true }) } };
      case 'balance': {
        const screen = ussdBalanceScreen(toMoney(await deps.store.balanceMinor(msisdn), deps.rules.currency, deps.rules.minorDigits));
        return { outcome: step.outcome, screen: wire(screen, sessionNumber, seq) };
      }
      case 'last_payments': {
        const screen = ussdLastPaymentsScreen(await deps.payments.list(msisdn, { limit: LAST_PAYMENTS }), ctx);
        return { outcome: step.outcome, screen: wire(screen, sessionNumber, seq) };
      }
    }
  }

  /** Session counters and the deadline index (pointers only: a crash here skews a metric, nothing else). */
  async function account(key: string, replaced: string | null, dialled: boolean, next: StoredUssdSession | null, step: UssdStep): Promise<void> {
    if (replaced && (await deps.sessions.untrack(replaced))) ussdMetrics.sessionsEnded.inc({ reason: 'replaced' });
    if (dialled) ussdMetrics.sessionsOpened.inc();
    if (next) {
      await deps.sessions.track(key, next.deadline);
      return;
    }
    const reason = ENDS[step.outcome];
    // A session that ends at its dial (one-shot) was never tracked; one that ends later was.
    if (reason && (dialled || (await deps.sessions.untrack(key)))) ussdMetrics.sessionsEnded.inc({ reason });
  }
}

function final(text: string): UssdScreen {
  return { text: fitScreen(text), final: true };
}

/** A screen as sent: text, operation and its_session_info (end bit on final screens). */
function wire(screen: UssdScreen, sessionNumber: number, sequence: number): NonNullable<UssdStepRecord['screen']> {
  return {
    text: screen.text,
    op: screenOp(screen),
    sessionInfo: sessionInfoHex({ sessionNumber, sequence, end: screen.final }),
    kind: screen.final ? 'ussd_final' : 'ussd_menu',
  };
}
