import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  applyDecisionToView,
  CODE_ALPHABET,
  decide,
  isLegalHistory,
  isTerminal,
  type Decision,
  type Payment,
  type PaymentEvent,
  type SubscriberView,
} from '../../../src/domain';
import { ctx as baseCtx, T0 } from './fixtures';

// Random interleavings of request halves, device halves (bound, unbound, another subscriber's, a SIM
// bound to no one; with the right code, someone else's code, a wrong code or none), duplicates, unbinds,
// lock/unlock and expiries, with time moving on. A small in-test shell plays the parts of the gateway
// and the Redis store (code → subscriber and device → subscriber pointers, dedupe by MO id, window ends,
// merchant ledger) so that `decide` sees what it would see in production.

const A = '254700000001';
const B = '254700000011';
const DA = '254700000002';
const DA2 = '254700000003';
const DB = '254700000012';
const STRANGER = '254799999999';
const SENDERS = [DA, DA2, DB, STRANGER] as const;
const IMSI: Record<string, string | undefined> = { [A]: 'IMSI-A', [DA]: 'IMSI-DA', [DB]: 'IMSI-DB' };
const AMOUNTS = [1250, 500, 4000, 70_000]; // 70 000 is above the payment limit
const MERCHANTS = ['SHOP1', 'SHOP2', 'NOSHOP']; // NOSHOP is not registered
const REGISTERED = new Set(['SHOP1', 'SHOP2']);
const WINDOW_MS = 120_000;
const LIMITS = { maxPaymentMinor: 60_000, dailyMaxMinor: 8_000, windowMs: WINDOW_MS };

type Op =
  | { op: 'request'; who: 0 | 1; amount: number; merchant: number; wrongImsi: boolean }
  | { op: 'device'; sender: number; amount: number; merchant: number; code: 'none' | 'pending' | 'wrong'; pick: number; wrongCode: string; wrongImsi: boolean }
  | { op: 'duplicate'; pick: number }
  | { op: 'unbind' | 'rebind'; device: number }
  | { op: 'tick'; ms: number }
  | { op: 'expireNow'; pick: number }
  | { op: 'cancel'; who: 0 | 1; withCode: boolean }
  | { op: 'unlock'; who: 0 | 1 }
  /** A request and a device half for the same payment, in either order: makes completions common. */
  | { op: 'pair'; who: 0 | 1; sender: number; amount: number; merchant: number; deviceFirst: boolean; withCode: boolean; gapMs: number };

const codeArb = fc.array(fc.constantFrom(...CODE_ALPHABET), { minLength: 6, maxLength: 6 }).map((a) => a.join(''));
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('request' as const), who: fc.constantFrom(0 as const, 1 as const), amount: fc.nat(3), merchant: fc.nat(2), wrongImsi: fc.nat(19).map((n) => n === 0) }) },
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constant('device' as const),
      sender: fc.nat(3),
      amount: fc.nat(3),
      merchant: fc.nat(2),
      code: fc.constantFrom('none' as const, 'pending' as const, 'pending' as const, 'wrong' as const),
      pick: fc.nat(),
      wrongCode: codeArb,
      wrongImsi: fc.nat(19).map((n) => n === 0),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('duplicate' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constantFrom('unbind' as const, 'rebind' as const), device: fc.nat(2) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 150_000 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('expireNow' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('cancel' as const), who: fc.constantFrom(0 as const, 1 as const), withCode: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('unlock' as const), who: fc.constantFrom(0 as const, 1 as const) }) },
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant('pair' as const),
      who: fc.constantFrom(0 as const, 0 as const, 1 as const),
      sender: fc.nat(3),
      amount: fc.nat(3),
      merchant: fc.constantFrom(0, 0, 1, 2),
      deviceFirst: fc.boolean(),
      withCode: fc.boolean(),
      gapMs: fc.integer({ min: 0, max: 130_000 }),
    }),
  },
);

interface SentMo {
  moId: string;
  event: PaymentEvent;
  sender: string;
  /** The main SIM the sender was actively bound to when it sent (device halves). */
  activeBoundTo?: string;
}

class World {
  now = T0;
  views = new Map<string, SubscriberView>();
  merchantBalance = new Map<string, number>();
  payments = new Map<string, Payment>(); // the store: every payment ever, terminal ones too
  codeIndex = new Map<string, string>(); // code → main SIM (global pointer)
  appliedMoIds = new Set<string>(); // the shell's dedupe by MO id
  sent: SentMo[] = [];
  timers: { paymentId: string; main: string; at: number }[] = [];
  transferIds = new Set<string>();
  readonly initialTotal: number;
  private moCounter = 0;
  private codeCounter = 0;
  stats = { completed: 0, rejected: 0, expired: 0, declined: 0, cancelled: 0, duplicatesNoop: 0 };

  constructor(readonly strict: boolean) {
    const base = { locked: false, failedAuth: 0, dailySpentMinor: 0, dailyDate: '2025-01-15', open: [], version: 0 };
    this.views.set(A, { ...base, msisdn: A, imsi: IMSI[A], balanceMinor: 10_000, devices: [{ msisdn: DA, imsi: IMSI[DA], active: true }, { msisdn: DA2, active: true }] });
    this.views.set(B, { ...base, msisdn: B, balanceMinor: 3_000, devices: [{ msisdn: DB, imsi: IMSI[DB], active: true }] });
    this.initialTotal = 13_000;
  }

  private nextCode(): string {
    let n = this.codeCounter++;
    let code = '';
    for (let i = 0; i < 6; i += 1) {
      code = CODE_ALPHABET[n % CODE_ALPHABET.length] + code;
      n = Math.floor(n / CODE_ALPHABET.length);
    }
    return code;
  }

  private bindingOf(device: string): string | undefined {
    for (const v of this.views.values()) if (v.devices.some((d) => d.msisdn === device)) return v.msisdn;
    return undefined;
  }

  private activeBindingOf(device: string): string | undefined {
    for (const v of this.views.values()) if (v.devices.some((d) => d.msisdn === device && d.active)) return v.msisdn;
    return undefined;
  }

  run(op: Op): void {
    switch (op.op) {
      case 'request': {
        const main = op.who === 0 ? A : B;
        const imsi = op.wrongImsi ? 'IMSI-SWAPPED' : IMSI[main];
        const event: PaymentEvent = { type: 'request', moId: this.moId(), amountMinor: AMOUNTS[op.amount], merchant: MERCHANTS[op.merchant], imsi, channel: 'sms' };
        this.deliver({ moId: event.moId, event, sender: main }, main);
        return;
      }
      case 'device': {
        const sender = SENDERS[op.sender];
        const pending = [...this.codeIndex.keys()];
        const code = op.code === 'pending' && pending.length > 0 ? pending[op.pick % pending.length] : op.code === 'wrong' ? op.wrongCode : undefined;
        const event: PaymentEvent = {
          type: 'device',
          moId: this.moId(),
          device: sender,
          imsi: op.wrongImsi ? 'IMSI-SWAPPED' : IMSI[sender],
          amountMinor: AMOUNTS[op.amount],
          merchant: MERCHANTS[op.merchant],
          code,
        };
        // Attribution as the shell does it: by the code's pointer, else by the device's binding.
        const main = (code !== undefined ? this.codeIndex.get(code) : undefined) ?? this.bindingOf(sender);
        const mo = { moId: event.moId, event, sender, activeBoundTo: this.activeBindingOf(sender) };
        if (main === undefined) {
          this.sent.push(mo); // neither subscriber nor device and no live code: no half, decide is not called
          return;
        }
        this.deliver(mo, main);
        return;
      }
      case 'duplicate': {
        if (this.sent.length === 0) return;
        const mo = this.sent[op.pick % this.sent.length];
        const main = this.mainOf(mo);
        const view = main && this.views.get(main);
        // While the MO's effect is still an open payment, decide itself must see the duplicate and do nothing.
        if (view && view.open.some((p) => p.requestMoId === mo.moId || p.deviceMoId === mo.moId)) {
          const d = decide(view, mo.event, this.ctx(mo.event));
          assert.equal(d.outcome, 'noop');
          assert.deepEqual([d.payments, d.subscriber, d.replies, d.transfer], [[], {}, [], undefined]);
          this.stats.duplicatesNoop += 1;
        }
        // Otherwise the shell's dedupe by MO id drops it before decide.
        assert.ok(this.appliedMoIds.has(mo.moId) || main === undefined);
        return;
      }
      case 'unbind':
      case 'rebind': {
        const device = [DA, DA2, DB][op.device];
        const main = this.bindingOf(device)!;
        const v = this.views.get(main)!;
        this.views.set(main, { ...v, devices: v.devices.map((d) => (d.msisdn === device ? { ...d, active: op.op === 'rebind' } : d)), version: v.version + 1 });
        return;
      }
      case 'tick': {
        const until = this.now + op.ms;
        this.timers.sort((a, b) => a.at - b.at);
        while (this.timers.length > 0 && this.timers[0].at <= until) {
          const t = this.timers.shift()!;
          this.now = Math.max(this.now, t.at);
          this.apply(t.main, decide(this.views.get(t.main)!, { type: 'expire', paymentId: t.paymentId }, this.ctx()));
        }
        this.now = until;
        return;
      }
      case 'expireNow': {
        const open = [...this.views.values()].flatMap((v) => v.open);
        if (open.length === 0) return;
        const p = open[op.pick % open.length];
        this.apply(p.main, decide(this.views.get(p.main)!, { type: 'expire', paymentId: p.id }, this.ctx()));
        return;
      }
      case 'cancel': {
        const main = op.who === 0 ? A : B;
        const v = this.views.get(main)!;
        const withCode = op.withCode ? v.open.find((p) => p.code)?.code : undefined;
        this.apply(main, decide(v, { type: 'cancel', code: withCode }, this.ctx()));
        return;
      }
      case 'pair': {
        const main = op.who === 0 ? A : B;
        // Mostly the main SIM's own device; sometimes another subscriber's or a stranger.
        const sender = op.sender < 2 ? (main === A ? [DA, DA2][op.sender] : DB) : SENDERS[op.sender];
        const request: Op = { op: 'request', who: op.who, amount: op.amount, merchant: op.merchant, wrongImsi: false };
        const deviceHalf = (code: 'none' | 'pending', pick: number): Op => ({
          op: 'device', sender: SENDERS.indexOf(sender as (typeof SENDERS)[number]), amount: op.amount, merchant: op.merchant, code, pick, wrongCode: 'ZZZZZZ', wrongImsi: false,
        });
        if (op.deviceFirst) {
          this.run(deviceHalf('none', 0));
          this.run({ op: 'tick', ms: op.gapMs });
          this.run(request);
        } else {
          const before = new Set(this.codeIndex.keys());
          this.run(request);
          this.run({ op: 'tick', ms: op.gapMs });
          const fresh = [...this.codeIndex.keys()].findIndex((c) => !before.has(c));
          this.run(op.withCode && fresh >= 0 ? deviceHalf('pending', fresh) : deviceHalf('none', 0));
        }
        return;
      }
      case 'unlock': {
        const main = op.who === 0 ? A : B;
        const v = this.views.get(main)!;
        this.views.set(main, { ...v, locked: false, lockReason: undefined, failedAuth: 0, version: v.version + 1 });
        return;
      }
    }
  }

  private moId(): string {
    return `mo-${this.moCounter++}`;
  }

  private mainOf(mo: SentMo): string | undefined {
    if (mo.event.type === 'request') return mo.sender;
    for (const v of this.views.values()) if (v.open.some((p) => p.deviceMoId === mo.moId)) return v.msisdn;
    return undefined;
  }

  private ctx(event?: PaymentEvent) {
    const merchant = event && 'merchant' in event ? event.merchant : '';
    return baseCtx({
      now: this.now,
      strict: this.strict,
      ...LIMITS,
      merchantExists: REGISTERED.has(merchant),
      newPaymentId: event && 'moId' in event ? `P-${event.moId}` : 'P-unused',
      newCode: this.nextCode(),
    });
  }

  private deliver(mo: SentMo, main: string): void {
    this.sent.push(mo);
    if (this.appliedMoIds.has(mo.moId)) return;
    this.appliedMoIds.add(mo.moId);
    this.apply(main, decide(this.views.get(main)!, mo.event, this.ctx(mo.event)));
  }

  /** The store's atomic apply, plus every invariant checked against the view the decision was made on. */
  private apply(main: string, d: Decision): void {
    const before = this.views.get(main)!;
    const completions = d.payments.filter((p) => p.state === 'completed');
    assert.ok(completions.length <= 1, 'one decision completes at most one payment');
    assert.equal(d.transfer !== undefined, completions.length === 1, 'a transfer exactly when a payment completes');

    for (const p of d.payments) {
      assert.ok(isLegalHistory(p.history), `illegal history ${JSON.stringify(p.history)}`);
      assert.equal(p.main, main, 'a decision only touches payments of its own main SIM');
      const stored = this.payments.get(p.id);
      if (stored) {
        assert.ok(!isTerminal(stored.state), `terminal payment ${p.id} changed again`);
        assert.deepEqual(p.history.slice(0, stored.history.length), stored.history, 'history is append-only');
      }
      this.payments.set(p.id, p);
    }

    for (const p of completions) {
      assert.ok(!before.locked, 'no completion while locked');
      const req = this.sent.find((m) => m.moId === p.requestMoId);
      const dev = this.sent.find((m) => m.moId === p.deviceMoId);
      assert.ok(req && req.event.type === 'request' && req.sender === main, 'completion needs a request from the main SIM');
      assert.ok(dev && dev.event.type === 'device' && dev.sender === p.device, 'completion needs a device half');
      assert.equal(dev.activeBoundTo, main, 'the device half came from a device actively bound to this main SIM');
      assert.ok(before.devices.some((x) => x.msisdn === p.device && x.active), 'the device is still bound at completion');
      assert.equal(req.event.amountMinor, p.amountMinor);
      assert.equal(dev.event.amountMinor, p.amountMinor);
      assert.equal(req.event.merchant, p.merchant);
      assert.equal(dev.event.merchant, p.merchant);
      assert.ok(p.completedAt! - p.createdAt <= WINDOW_MS, 'both halves within the window');
      assert.deepEqual(d.transfer, { id: p.id, fromMsisdn: main, toMerchant: p.merchant, amountMinor: p.amountMinor });
      assert.ok(!this.transferIds.has(p.id), `second completion of ${p.id}`);
      this.transferIds.add(p.id);
      this.merchantBalance.set(p.merchant, (this.merchantBalance.get(p.merchant) ?? 0) + p.amountMinor);
      assert.equal(d.subscriber.balanceMinor, before.balanceMinor - p.amountMinor, 'debit equals the transfer');
    }
    if (!d.transfer) assert.ok(d.subscriber.balanceMinor === undefined, 'balance changes only with a transfer');

    const after = applyDecisionToView(before, d);
    this.views.set(main, after);
    if (d.codeIssued) {
      assert.ok(!this.codeIndex.has(d.codeIssued), 'a code is never issued twice');
      this.codeIndex.set(d.codeIssued, main);
    }
    for (const c of d.codesReleased) this.codeIndex.delete(c);
    for (const e of d.expiries) this.timers.push({ ...e, main });
    for (const p of d.payments) if (p.state in this.stats) this.stats[p.state as keyof World['stats']] += 1;
    this.checkGlobal();
  }

  checkGlobal(): void {
    let total = 0;
    for (const v of this.views.values()) {
      assert.ok(Number.isSafeInteger(v.balanceMinor) && v.balanceMinor >= 0, 'balance never negative');
      total += v.balanceMinor;
      for (const p of v.open) assert.ok(!isTerminal(p.state));
    }
    for (const m of this.merchantBalance.values()) total += m;
    assert.equal(total, this.initialTotal, 'money is conserved');
    // The global code pointers are exactly the codes of pending requests.
    const pendingCodes = [...this.views.values()].flatMap((v) => v.open.filter((p) => p.state === 'awaiting_device').map((p) => `${p.code}→${v.msisdn}`));
    assert.deepEqual(pendingCodes.sort(), [...this.codeIndex].map(([c, m]) => `${c}→${m}`).sort(), 'code pointers match pending codes');
  }
}

describe('domain/decide: random interleavings (property)', () => {
  const totals = { completed: 0, rejected: 0, expired: 0, declined: 0, cancelled: 0, duplicatesNoop: 0 };

  for (const strict of [false, true]) {
    it(`holds the invariants over random histories${strict ? ' (strict mode)' : ''}`, () => {
      fc.assert(
        fc.property(fc.array(opArb, { minLength: 1, maxLength: 60, size: 'max' }), (ops) => {
          const world = new World(strict);
          for (const op of ops) world.run(op);
          world.run({ op: 'tick', ms: 10 * WINDOW_MS }); // let every window close
          for (const v of world.views.values()) assert.deepEqual(v.open, [], 'every payment ends');
          assert.equal(world.codeIndex.size, 0);
          for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += world.stats[k];
        }),
        { numRuns: 400 },
      );
    });
  }

  it('the random histories reach every outcome', () => {
    for (const [k, n] of Object.entries(totals)) assert.ok(n > 0, `${k} never happened`);
    assert.ok(totals.completed >= 100, `only ${totals.completed} completions`);
  });
});
