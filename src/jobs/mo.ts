import { UnrecoverableError } from '../queues/job-errors';
import type { Logger } from 'pino';
import type { MoMessage } from '../queues';
import type { Reply } from '../domain/decision';
import { parseCommand, type Command } from '../domain/grammar';
import { maskMsisdn } from '../domain/msisdn';
import { identityFromSmppAddress } from './sender-identity';
import { balanceText, checkText, checkUnknownText, deviceRejectedText, helpText, notRegisteredText, tooManyAttemptsText } from '../domain/replies';
import { localTime } from '../domain/view';
import type { PaymentReader } from '../store/payments-read';
import { toMoney } from '../domain/money';
import type { PaymentEvent } from '../domain/decide';
import { metrics } from '../metrics';
import { runPaymentStep, SubscriberGoneError, type PaymentStepDeps } from './payment-step';
import { isUssdMo } from './ussd';
import type { PresenterFailures } from '../store/presenters';
import type { SimSwapCheck } from './sim-swap';

export interface MoProcessorDeps extends PaymentStepDeps {
  countryCode: string;
  serviceNumber: string;
  maxAmountMinor: number;
  log: Logger;
  /** USSD MOs (service_type USSD) go to the USSD session processor (jobs/ussd.ts) when set. */
  ussd?: (mo: MoMessage, msisdn: string) => Promise<string>;
  presenters: PresenterFailures;
  simSwap: SimSwapCheck;
  payments: PaymentReader;
}

/** Reasons that are the presenting SIM's failure, never the code owner's (README "Security", "Who a failure counts against"). */
const PRESENTER_FAILURES: ReadonlySet<string> = new Set(['foreign_device', 'code_unknown']);
/** Reasons a device's message was refused or ignored by the device gate (domain/device-auth.ts). */
const DEVICE_REFUSALS: ReadonlySet<string> = new Set(['device_mac_refused', 'device_blocked', 'device_suspended']);
/** Reasons a payment message was refused because its SIM could not be trusted (README "Security", "SIM swap"). */
const SIM_CHECK_REFUSALS: ReadonlySet<string> = new Set(['imsi_missing', 'sim_swap', 'sim_swap_check_unavailable']);

/**
 * `simpair_mo_processed_total{outcome}` label values that predate issue 16's one vocabulary: the
 * two pending outcomes keep their old names on the metric so that dashboards and alerts built on
 * them keep counting. Everything else is labelled with the outcome code itself.
 */
const OUTCOME_LABELS: Readonly<Record<string, string>> = { awaiting_device: 'pending_device', awaiting_request: 'waiting_request' };

export function moOutcomeLabel(outcome: string): string {
  return OUTCOME_LABELS[outcome] ?? outcome;
}

/** A routed MO: the main SIM whose keys decide it and the event, or a direct answer. */
type Route =
  | { kind: 'payment'; main: string; event: PaymentEvent; merchant: { exists: boolean; name?: string }; presenter?: string }
  | { kind: 'balance'; main: string }
  | { kind: 'reply'; reply: Reply; rateLimited: boolean; outcome: string };

/**
 * MO job: identify the sender from the network's address, parse the text, route it to the main SIM
 * it concerns (the sender itself, the owner of a presented code, or the main SIM a device is bound
 * to — pointers only: the decision re-checks everything inside the subscriber's own keys), then run
 * one payment step. Safe to run twice: the step is idempotent by MO id.
 */
export function createMoProcessor(deps: MoProcessorDeps): (mo: MoMessage) => Promise<string> {
  return async (mo) => {
    const who = identityFromSmppAddress(mo.source, mo.sourceTon, mo.sourceNpi, deps.countryCode);
    if (!who.ok) {
      metrics.moProcessed.inc({ outcome: 'unidentified' });
      return 'unidentified';
    }
    const sender = who.msisdn;
    if (deps.ussd && isUssdMo(mo)) return deps.ussd(mo, sender);
    const command = parseCommand(mo.text, { minorDigits: deps.rules.minorDigits, maxMinor: deps.maxAmountMinor });
    const route = await routeCommand(deps, sender, command, mo);
    if (route.kind === 'reply' && route.outcome === 'code_unknown') await presenterFailed(deps, sender, mo.id, 'code_unknown');
    let outcome: string;
    try {
      outcome = await execute(deps, route, mo);
    } catch (err) {
      if (err instanceof SubscriberGoneError) throw new UnrecoverableError(err.message);
      throw err;
    }
    metrics.moProcessed.inc({ outcome: moOutcomeLabel(outcome) });
    metrics.moLatency.observe(Math.max(0, Date.now() - mo.receivedAt) / 1000);
    deps.log.debug({ from: maskMsisdn(sender), mo: mo.id, command: command.kind, outcome }, 'MO processed');
    return outcome;
  };
}

async function routeCommand(deps: MoProcessorDeps, sender: string, command: Command, mo: MoMessage): Promise<Route> {
  const help: Route = { kind: 'reply', reply: { to: sender, text: helpText(deps.serviceNumber), kind: 'help' }, rateLimited: true, outcome: 'help' };
  if (command.kind === 'help' || command.kind === 'invalid') return { ...help, outcome: command.kind };
  if (command.kind === 'check') return checkRoute(deps, sender, command.paymentId);
  const code = command.kind === 'pay' || command.kind === 'cancel' ? command.code : undefined;
  const merchant = command.kind === 'pay' ? command.merchant : undefined;
  const who = await deps.store.lookup(sender, code, merchant);
  const merchantInfo = { exists: who.merchantName !== null, name: who.merchantName ?? undefined };
  const notRegistered: Route = { kind: 'reply', reply: { to: sender, text: notRegisteredText(), kind: 'not_registered' }, rateLimited: true, outcome: 'not_registered' };

  // Only a device signs its messages; a main SIM's PAY with a MAC token is not a command of hers.
  if (who.isSubscriber && command.kind === 'pay' && command.auth) return help;
  if (who.isSubscriber) {
    switch (command.kind) {
      case 'balance':
        return { kind: 'balance', main: sender };
      case 'cancel':
        return { kind: 'payment', main: sender, event: { type: 'cancel', code: command.code }, merchant: merchantInfo };
      case 'pay':
        return {
          kind: 'payment',
          main: sender,
          merchant: merchantInfo,
          // USSD MOs went to deps.ussd above. The operator's SIM-swap check, where configured,
          // comes before any code is issued.
          event: {
            type: 'request',
            moId: mo.id,
            amountMinor: command.amountMinor,
            merchant: command.merchant,
            imsi: mo.imsi,
            ...(mo.imsiUnreadable ? { imsiUnreadable: true } : {}),
            simSwap: await deps.simSwap(sender),
            channel: 'sms',
          },
        };
    }
  }
  if (command.kind !== 'pay') return who.deviceOf ? help : notRegistered;
  const device: PaymentEvent = {
    type: 'device',
    moId: mo.id,
    device: sender,
    imsi: mo.imsi,
    ...(mo.imsiUnreadable ? { imsiUnreadable: true } : {}),
    amountMinor: command.amountMinor,
    merchant: command.merchant,
    code: command.code,
    ...(command.auth ? { auth: command.auth } : {}),
  };
  if (command.code) {
    // A sender past its threshold of unknown or foreign codes: no effect at all, a brief answer.
    if (await deps.presenters.isBlocked(sender, Date.now())) {
      metrics.presenterIgnored.inc();
      return { kind: 'reply', reply: { to: sender, text: tooManyAttemptsText(), kind: 'too_many_attempts' }, rateLimited: true, outcome: 'presenter_blocked' };
    }
    // A presented code names the payment it confirms, whoever sends it: a SIM that is not her
    // device presenting it gets that payment rejected (README "Security": the patent's comparison).
    if (who.codeOwner) return { kind: 'payment', main: who.codeOwner, event: device, merchant: merchantInfo, presenter: sender };
    // Her own device with a code no pending payment holds: late, or unknown (the domain tells).
    if (who.deviceOf) return { kind: 'payment', main: who.deviceOf, event: device, merchant: merchantInfo, presenter: sender };
    // An unknown code from anyone else: answered exactly as a foreign SIM presenting a live code
    // is, so the answer says nothing about whether the code exists.
    return { kind: 'reply', reply: { to: sender, text: deviceRejectedText(), kind: 'rejected' }, rateLimited: true, outcome: 'code_unknown' };
  }
  if (who.deviceOf) return { kind: 'payment', main: who.deviceOf, event: device, merchant: merchantInfo };
  return notRegistered;
}

async function execute(deps: MoProcessorDeps, route: Route, mo: MoMessage): Promise<string> {
  const now = Date.now();
  switch (route.kind) {
    case 'reply':
      await deps.outbox.send(mo.id, [route.reply], { rateLimited: route.rateLimited, now });
      return route.outcome;
    case 'balance': {
      const balance = toMoney(await deps.store.balanceMinor(route.main), deps.rules.currency, deps.rules.minorDigits);
      await deps.outbox.send(mo.id, [{ to: route.main, text: balanceText(balance), kind: 'balance' }], { rateLimited: true, now });
      return 'balance';
    }
    case 'payment': {
      let reason: string | undefined;
      const outcome = await runPaymentStep(deps, route.main, mo.id, route.event, route.merchant, (r) => (reason = r.reason));
      if (reason && route.presenter && PRESENTER_FAILURES.has(reason)) await presenterFailed(deps, route.presenter, mo.id, reason);
      if (reason && SIM_CHECK_REFUSALS.has(reason)) metrics.simCheckRefused.inc({ reason });
      if (reason && DEVICE_REFUSALS.has(reason)) metrics.deviceRefused.inc({ reason });
      return outcome;
    }
  }
}

/** Counts an unknown or foreign code against the SIM that presented it (once per MO id). */
async function presenterFailed(deps: MoProcessorDeps, sender: string, moId: string, kind: string): Promise<void> {
  metrics.presenterFailures.inc({ kind });
  await deps.presenters.record(sender, moId, Date.now());
}

/**
 * CHECK <payment id> from a merchant's registered phone: the payment's state, amount and time, only
 * for payments to that merchant; any other payment id gets the same "no payment" answer, so the
 * till learns nothing about other shops' payments. From a phone that is no merchant's: help.
 */
async function checkRoute(deps: MoProcessorDeps, sender: string, paymentId: string): Promise<Route> {
  const merchant = await deps.store.merchantOfPhone(sender);
  if (!merchant) return { kind: 'reply', reply: { to: sender, text: helpText(deps.serviceNumber), kind: 'help' }, rateLimited: true, outcome: 'check_not_merchant' };
  const p = await deps.payments.get(paymentId);
  if (!p || p.merchant !== merchant) return { kind: 'reply', reply: { to: sender, text: checkUnknownText(paymentId), kind: 'check' }, rateLimited: true, outcome: 'check_unknown' };
  const { currency, minorDigits, timeZone } = deps.rules;
  const refundedMinor = await deps.payments.refundedMinor(p.merchant, p.id);
  const text = checkText({
    id: p.id,
    state: p.state,
    amount: toMoney(p.amountMinor, currency, minorDigits),
    ...(refundedMinor > 0 ? { refunded: toMoney(refundedMinor, currency, minorDigits) } : {}),
    when: localTime(p.completedAt ?? p.createdAt, timeZone),
  });
  return { kind: 'reply', reply: { to: sender, text, kind: 'check' }, rateLimited: true, outcome: 'check' };
}

/**
 * A group-committed MO job (MoBatch): its MOs one by one per sender, in the order they came, and
 * different senders side by side. An MO that cannot ever be processed (UnrecoverableError) is
 * counted and given up alone; any other failure fails the job after all its MOs were tried, and the
 * retry runs them all again — those already applied find their applied markers and change nothing.
 */
export async function processMoBatch(mos: MoMessage[], processOne: (mo: MoMessage) => Promise<string>, log: Logger): Promise<string> {
  const bySender = new Map<string, MoMessage[]>();
  for (const mo of mos) bySender.set(mo.source, [...(bySender.get(mo.source) ?? []), mo]);
  const failures: Error[] = [];
  await Promise.all(
    [...bySender.values()].map(async (own) => {
      for (const mo of own) {
        try {
          await processOne(mo);
        } catch (err) {
          if (err instanceof UnrecoverableError) {
            metrics.moProcessed.inc({ outcome: 'failed' });
            log.warn({ mo: mo.id, err: err.message }, 'MO given up');
          } else {
            failures.push(err as Error);
            break; // this sender's later MOs wait for the retry, so they keep their order
          }
        }
      }
    }),
  );
  if (failures.length) throw new Error(`${failures.length} of ${mos.length} MOs failed (first: ${failures[0].message}); the batch is retried`);
  return `${mos.length} MOs`;
}
