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

/**
 * The imperative shell around the pure menu (domain/ussd.ts), for one USSD MO of an identified
 * msisdn: load the session (keyed by msisdn, service code and session number), step the machine,
 * turn its action into a final screen (balance, last payments) or a payment request, commit the new
 * session state together with a record of this MO's effect, then send. The MO id is the step id:
 * a retried job finds the record and re-sends the same screen (same MT id) or re-runs the same,
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
    const input = ussdInputOf(mo.ussd?.op, info.end, mo.text);
    if (!input) return done('ignored');
    for (let conflicts = 0; conflicts < MAX_CONFLICTS; conflicts++) {
      const now = Date.now();
      const loaded = await deps.sessions.load(msisdn, code, info.sessionNumber, mo.id);
      if (loaded.step) {
        await emit(loaded.step);
        return done(loaded.step.outcome);
      }
      const live = loaded.session && loaded.session.deadline > now ? loaded.session : null;

      if (input.kind === 'dial' && !(await deps.store.isSubscriber(msisdn))) {
        await emit({ outcome: 'not_registered', screen: wire(final(notRegisteredText()), info.sessionNumber, 1) });
        return done('not_registered');
      }
      const step = ussdStep(input.kind === 'dial' ? null : (live?.machine ?? null), input, ctx);
      if (input.kind !== 'dial' && !live) {
        // A late answer or abort: nothing to change; a late answer gets a graceful final screen.
        await emit({ outcome: step.outcome, screen: step.screen ? wire(step.screen, info.sessionNumber, info.sequence + 1) : undefined });
        return done(step.outcome);
      }

      const startedAt = input.kind === 'dial' ? now : live!.startedAt;
      const deadline = input.kind === 'dial' ? now + deps.ussd.sessionTimeoutMs : live!.deadline;
      const seq = (input.kind === 'dial' ? 0 : live!.seq) + 1;
      const record = await recordOf(step, info.sessionNumber, seq, msisdn, mo.id);
      const next: StoredUssdSession | null = step.session
        ? { number: info.sessionNumber, machine: step.session, seq, startedAt, deadline, v: (input.kind === 'dial' ? 0 : live!.v) + 1 }
        : null;
      const committed = await deps.sessions.commit({ msisdn, moId: mo.id, loaded, mode: input.kind === 'dial' ? 'open' : 'update', next, deadline, record });
      if (committed.kind === 'conflict') continue;
      if (committed.kind === 'step') {
        await emit(committed.record);
        return done(committed.record.outcome);
      }
      await account(loaded.key, committed.replaced, input.kind === 'dial', next, step);
      await emit(record);
      return done(record.outcome);
    }
    throw new Error(`gave up after ${MAX_CONFLICTS} concurrent changes of one USSD session`);

    function done(outcome: string): string {
      ussdMetrics.steps.inc({ outcome });
      deps.log.debug({ from: maskMsisdn(msisdn), mo: mo.id, session: info.sessionNumber, outcome }, 'USSD step');
      return `ussd_${outcome}`;
    }

    /** Sends what the step record says: the screen, or the payment request whose answer is the screen. */
    async function emit(record: UssdStepRecord): Promise<void> {
      const screenId = `${mo.id}.u`;
      if (record.screen) {
        await deps.screens.send({ id: screenId, to: msisdn, ...record.screen }, Date.now());
      } else if (record.pay) {
        await pay(record.pay, screenId);
      } else {
        return; // an abort: no reply
      }
      ussdMetrics.stepLatency.observe(Math.max(0, Date.now() - mo.receivedAt) / 1000);
    }

    async function pay(p: NonNullable<UssdStepRecord['pay']>, screenId: string): Promise<void> {
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
  };

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
