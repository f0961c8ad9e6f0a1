import assert from 'node:assert/strict';
import {
  fitScreen,
  menuText,
  parseDial,
  routeUssdReplies,
  USSD_MAX_SCREEN,
  ussdBalanceScreen,
  ussdLastPaymentsScreen,
  ussdPaymentUnavailableScreen,
  ussdStep,
  type UssdContext,
  type UssdScreen,
  type UssdSession,
  type UssdStep,
} from '../../../src/domain/ussd';
import { isGsm7Basic } from '../../../src/domain/replies';
import type { Payment, PaymentState } from '../../../src/domain/payment';
import type { Reply } from '../../../src/domain/decision';

const ctx: UssdContext = { serviceCode: '*778#', currency: 'KES', minorDigits: 2, maxAmountMinor: 1e12 };
const dial = (text: string) => ussdStep(null, { kind: 'dial', text }, ctx);
const answer = (s: UssdSession | null, text: string) => ussdStep(s, { kind: 'answer', text }, ctx);

/** Every screen the machine produces goes through here: GSM 03.38 only, at most 182 characters. */
function screenOf(step: UssdStep): UssdScreen {
  assert.ok(step.screen, `expected a screen for ${step.outcome}`);
  assert.ok(isGsm7Basic(step.screen.text), `not GSM 03.38: ${step.screen.text}`);
  assert.ok(step.screen.text.length <= USSD_MAX_SCREEN, `${step.screen.text.length} > 182: ${step.screen.text}`);
  return step.screen;
}

/** Walks a list of answers from a fresh dial; returns every step. */
function walk(dialled: string, ...answers: string[]): UssdStep[] {
  const steps = [dial(dialled)];
  for (const a of answers) steps.push(answer(steps[steps.length - 1].session, a));
  return steps;
}

describe('domain/ussd: the menu machine', () => {
  describe('dialling the service code', () => {
    it('opens the menu: 1 Pay, 2 Balance, 3 Last payments, 0 Exit, expecting an answer', () => {
      const s = dial('*778#');
      assert.deepEqual(s.session, { stage: 'menu', invalid: 0 });
      assert.equal(s.outcome, 'menu');
      const screen = screenOf(s);
      assert.equal(screen.final, false);
      assert.equal(screen.text, menuText());
      for (const entry of ['1 Pay', '2 Balance', '3 Last payments', '0 Exit']) assert.ok(screen.text.includes(entry), entry);
      assert.equal(s.action, undefined);
    });

    it('ignores spaces in the dial string', () => {
      assert.equal(dial(' *778 # ').outcome, 'menu');
    });

    it('a dial while a session is open starts afresh (the old session is not consulted)', () => {
      const s = ussdStep({ stage: 'merchant', invalid: 2, amountMinor: 100 }, { kind: 'dial', text: '*778#' }, ctx);
      assert.deepEqual(s.session, { stage: 'menu', invalid: 0 });
    });

    it('another service code gets a final hint naming ours', () => {
      const s = dial('*779#');
      assert.equal(s.outcome, 'bad_dial');
      assert.equal(s.session, null);
      const screen = screenOf(s);
      assert.equal(screen.final, true);
      assert.match(screen.text, /\*778#/);
    });

    for (const bad of ['778', '*778', '*778##', 'hello', '', '*778**SHOP42#', '*#']) {
      it(`"${bad}" is not a dial string: final hint, no session`, () => {
        const s = dial(bad);
        assert.equal(s.outcome, 'bad_dial');
        assert.equal(s.session, null);
        assert.equal(screenOf(s).final, true);
      });
    }
  });

  describe('one-shot strings', () => {
    it('*778*12.50*SHOP42# pays at once, without a menu', () => {
      const s = dial('*778*12.50*SHOP42#');
      assert.deepEqual(s.action, { kind: 'pay', amountMinor: 1250, merchant: 'SHOP42' });
      assert.equal(s.session, null);
      assert.equal(s.screen, undefined); // the payment step's answer is the final screen
      assert.equal(s.outcome, 'pay');
    });

    it('upper-cases the merchant and accepts whole amounts', () => {
      assert.deepEqual(dial('*778*7*shop42#').action, { kind: 'pay', amountMinor: 700, merchant: 'SHOP42' });
    });

    for (const bad of ['*778*12.505*SHOP42#', '*778*0*SHOP42#', '*778*-5*SHOP42#', '*778*1e3*SHOP42#', '*778*12.50*S#', '*778*12.50*SHOP-42#', '*778*12.50*SHOP42*X1#', '*778*9#', '*778*abc#']) {
      it(`${bad}: final hint, no action, no session`, () => {
        const s = dial(bad);
        assert.equal(s.outcome, 'bad_dial');
        assert.equal(s.action, undefined);
        assert.equal(s.session, null);
        const screen = screenOf(s);
        assert.equal(screen.final, true);
        assert.match(screen.text, /\*778#/);
        assert.match(screen.text, /\*778\*amount\*merchant#/);
      });
    }

    it('shortcuts choose a menu entry: *778*1# asks the amount, *778*2# balance, *778*3# last payments, *778*0# exits', () => {
      const pay = dial('*778*1#');
      assert.deepEqual(pay.session, { stage: 'amount', invalid: 0 });
      assert.equal(screenOf(pay).final, false);
      assert.deepEqual(dial('*778*2#').action, { kind: 'balance' });
      assert.deepEqual(dial('*778*3#').action, { kind: 'last_payments' });
      const exit = dial('*778*0#');
      assert.equal(exit.outcome, 'exit');
      assert.equal(screenOf(exit).final, true);
    });
  });

  describe('menu → pay', () => {
    it('1 → amount → merchant → pay action, session over', () => {
      const [, toAmount, toMerchant, pay] = walk('*778#', '1', '12.50', 'shop42');
      assert.deepEqual(toAmount.session, { stage: 'amount', invalid: 0 });
      assert.equal(toAmount.outcome, 'prompt');
      assert.match(screenOf(toAmount).text, /Amount.*KES/);
      assert.equal(screenOf(toAmount).final, false);
      assert.deepEqual(toMerchant.session, { stage: 'merchant', invalid: 0, amountMinor: 1250 });
      assert.match(screenOf(toMerchant).text, /12\.50 KES/);
      assert.match(screenOf(toMerchant).text, /merchant/);
      assert.equal(screenOf(toMerchant).final, false);
      assert.deepEqual(pay.action, { kind: 'pay', amountMinor: 1250, merchant: 'SHOP42' });
      assert.equal(pay.session, null);
      assert.equal(pay.screen, undefined);
    });

    it('answers tolerate surrounding spaces', () => {
      const steps = walk('*778#', ' 1 ', ' 5 ', ' SHOP42 ');
      assert.deepEqual(steps[3].action, { kind: 'pay', amountMinor: 500, merchant: 'SHOP42' });
    });

    it('2 → balance action, 3 → last payments action, 0 → Goodbye (all final)', () => {
      assert.deepEqual(walk('*778#', '2')[1], { session: null, action: { kind: 'balance' }, outcome: 'balance' });
      assert.deepEqual(walk('*778#', '3')[1], { session: null, action: { kind: 'last_payments' }, outcome: 'last_payments' });
      const exit = walk('*778#', '0')[1];
      assert.equal(exit.session, null);
      assert.equal(exit.outcome, 'exit');
      assert.deepEqual(screenOf(exit), { text: 'Goodbye.', final: true });
    });
  });

  describe('invalid answers', () => {
    const cases: Array<[string, string[], RegExp]> = [
      ['menu', ['9'], /Invalid choice/],
      ['amount (format)', ['1', '12,50'], /Invalid amount. Use digits, e.g. 12.50/],
      ['amount (zero)', ['1', '0'], /more than 0/],
      ['amount (decimals)', ['1', '1.234'], /at most 2 decimals/],
      ['amount (too large)', ['1', '99999999999999999'], /too large/],
      ['merchant', ['1', '5', 'SHOP 42'], /Invalid merchant code/],
    ];
    for (const [stage, path, hint] of cases) {
      it(`${stage}: re-asks the same question with a hint, keeping the stage`, () => {
        const steps = walk('*778#', ...path);
        const before = steps[steps.length - 2];
        const after = steps[steps.length - 1];
        assert.equal(after.outcome, 'reasked');
        assert.deepEqual(after.session, { ...before.session!, invalid: 1 });
        const screen = screenOf(after);
        assert.equal(screen.final, false);
        assert.match(screen.text, hint);
        assert.ok(screen.text.endsWith(screenOf(before).text), 'the question follows the hint');
      });
    }

    it('the third invalid answer ends the session with a final screen', () => {
      const steps = walk('*778#', 'x', 'y', 'z');
      assert.equal(steps[1].outcome, 'reasked');
      assert.equal(steps[2].outcome, 'reasked');
      assert.equal(steps[3].outcome, 'too_many_invalid');
      assert.equal(steps[3].session, null);
      const screen = screenOf(steps[3]);
      assert.equal(screen.final, true);
      assert.match(screen.text, /Too many invalid answers. Dial \*778# to start again/);
    });

    it('invalid answers count across stages, and a valid answer does not reset the count', () => {
      const steps = walk('*778#', '7', '1', 'abc', 'SHOP42x!');
      assert.equal(steps[2].session?.invalid, 1);
      assert.equal(steps[3].session?.invalid, 2);
      assert.equal(steps[4].outcome, 'too_many_invalid');
    });

    it('an empty answer is invalid', () => {
      assert.equal(answer({ stage: 'menu', invalid: 0 }, '').outcome, 'reasked');
    });
  });

  describe('abort and unknown sessions', () => {
    it('abort ends an open session silently', () => {
      assert.deepEqual(ussdStep({ stage: 'amount', invalid: 1 }, { kind: 'abort' }, ctx), { session: null, outcome: 'aborted' });
    });
    it('abort of an unknown session: nothing', () => {
      assert.deepEqual(ussdStep(null, { kind: 'abort' }, ctx), { session: null, outcome: 'abort_unknown' });
    });
    it('an answer to an unknown or expired session gets a graceful final screen', () => {
      const s = answer(null, '1');
      assert.equal(s.outcome, 'session_ended');
      assert.equal(s.session, null);
      assert.equal(s.action, undefined);
      assert.deepEqual(screenOf(s), { text: 'Session ended. Dial *778# to start again.', final: true });
    });
  });

  describe('screens built from results', () => {
    it('balance is final', () => {
      const screen = ussdBalanceScreen({ amount: '87.50', currency: 'KES' });
      assert.deepEqual(screen, { text: 'Your balance is 87.50 KES.', final: true });
    });

    const payment = (i: number, state: PaymentState, merchant = 'SHOP42'): Payment => ({
      id: `P000000000${i}`,
      main: '254700000001',
      state,
      amountMinor: 1250 * i,
      merchant,
      channel: 'sms',
      createdAt: Date.UTC(2024, 2, i),
      expiresAt: Date.UTC(2024, 2, i) + 120_000,
      history: [],
    });

    it('last payments: one line each, newest first as given, state in words', () => {
      const screen = ussdLastPaymentsScreen([payment(3, 'completed'), payment(2, 'awaiting_device'), payment(1, 'declined')], ctx);
      assert.equal(screen.final, true);
      assert.equal(screen.text, 'Last payments:\n03/03 37.50 SHOP42 paid\n02/03 25.00 SHOP42 pending\n01/03 12.50 SHOP42 declined');
    });

    it('last payments: as many as fit in 182 characters', () => {
      const many = Array.from({ length: 20 }, (_, i) => payment(i + 1, 'completed', 'ABCDEFGHIJ0123456789'));
      const screen = ussdLastPaymentsScreen(many, ctx);
      assert.ok(screen.text.length <= USSD_MAX_SCREEN);
      assert.ok(screen.text.split('\n').length >= 4);
      assert.ok(isGsm7Basic(screen.text));
    });

    it('last payments: days in the operator’s time zone', () => {
      // 2024-03-01 22:00 UTC is already 2 March in Nairobi (UTC+3).
      const late = { ...payment(1, 'completed'), createdAt: Date.UTC(2024, 2, 1, 22, 0) };
      assert.equal(ussdLastPaymentsScreen([late], { ...ctx, timeZone: 'Africa/Nairobi' }).text, 'Last payments:\n02/03 12.50 SHOP42 paid');
      assert.equal(ussdLastPaymentsScreen([late], { ...ctx, timeZone: 'UTC' }).text, 'Last payments:\n01/03 12.50 SHOP42 paid');
    });

    it('no payments yet', () => {
      assert.deepEqual(ussdLastPaymentsScreen([], ctx), { text: 'No payments yet.', final: true });
    });

    it('fitScreen keeps GSM 03.38 and 182 characters', () => {
      assert.equal(fitScreen('Café – ok'), 'Café ? ok');
      const long = fitScreen('x'.repeat(300));
      assert.equal(long.length, USSD_MAX_SCREEN);
      assert.ok(long.endsWith('...'));
      assert.ok(ussdPaymentUnavailableScreen(ctx).final);
    });
  });

  describe('payment replies over USSD', () => {
    const main = '254700000001';
    const device = '254700000002';
    it('the code goes to the final screen, not by SMS', () => {
      const replies: Reply[] = [{ to: main, text: 'To pay, confirm 12.50 KES to SHOP42 on your payment device: code 4KX9QM', kind: 'code_issued' }];
      const r = routeUssdReplies(replies, main);
      assert.deepEqual(r.screen, { text: replies[0].text, final: true, kind: 'code_issued' });
      assert.deepEqual(r.sms, []);
    });
    it('a decline or lock ends the session as its final screen', () => {
      for (const kind of ['declined', 'locked'] as const) {
        const r = routeUssdReplies([{ to: main, text: kind, kind }], main);
        assert.deepEqual(r.screen, { text: kind, final: true, kind });
        assert.deepEqual(r.sms, []);
      }
    });
    it('"Paid" (a waiting device half matched at once) is shown and also kept by SMS; the device is told by SMS', () => {
      const replies: Reply[] = [
        { to: main, text: 'Paid 1.00 KES', kind: 'paid' },
        { to: device, text: 'Confirmed', kind: 'device_confirmed' },
      ];
      const r = routeUssdReplies(replies, main);
      assert.deepEqual(r.screen, { text: 'Paid 1.00 KES', final: true, kind: 'paid' });
      assert.deepEqual(r.sms, replies);
    });
    it('no reply to the main SIM: no screen', () => {
      assert.deepEqual(routeUssdReplies([{ to: device, text: 'x', kind: 'expired' }], main), { screen: null, sms: [{ to: device, text: 'x', kind: 'expired' }] });
    });
  });

  describe('dial strings', () => {
    it('parseDial', () => {
      assert.deepEqual(parseDial('*778#', '*778#'), { ok: true, params: [] });
      assert.deepEqual(parseDial('*778*12.50*SHOP42#', '*778#'), { ok: true, params: ['12.50', 'SHOP42'] });
      assert.deepEqual(parseDial('*7789#', '*778#'), { ok: false, reason: 'other_code' });
      assert.deepEqual(parseDial('778#', '*778#'), { ok: false, reason: 'format' });
    });
  });

  it('every screen of a walk through all stages (worst-case amounts and codes) fits one GSM screen', () => {
    const wide: UssdContext = { serviceCode: '*123456#', currency: 'KES', minorDigits: 2, maxAmountMinor: Number.MAX_SAFE_INTEGER };
    let s: UssdStep = ussdStep(null, { kind: 'dial', text: '*123456#' }, wide);
    screenOf(s);
    for (const a of ['x', '1', 'x', '99999999999999.99']) {
      s = ussdStep(s.session, { kind: 'answer', text: a }, wide);
      screenOf(s);
    }
    s = ussdStep(s.session, { kind: 'answer', text: 'bad merchant' }, wide);
    screenOf(s);
    screenOf(ussdStep(null, { kind: 'dial', text: '*123456*1*2*3#' }, wide));
  });
});
