import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CODE_ALPHABET, parseCommand, type Command } from '../../../src/domain';

const opts = { minorDigits: 2, maxMinor: Number.MAX_SAFE_INTEGER };
const parse = (text: string): Command => parseCommand(text, opts);

describe('domain/grammar', () => {
  const valid: [string, Command][] = [
    ['PAY 12.50 SHOP42', { kind: 'pay', amountMinor: 1250, merchant: 'SHOP42' }],
    ['pay 12.50 shop42', { kind: 'pay', amountMinor: 1250, merchant: 'SHOP42' }],
    ['  Pay\t12.5   Shop42 \n', { kind: 'pay', amountMinor: 1250, merchant: 'SHOP42' }],
    ['PAY 12.50 SHOP42 4KX9QM', { kind: 'pay', amountMinor: 1250, merchant: 'SHOP42', code: '4KX9QM' }],
    ['pay 12.50 shop42 4kx9qm', { kind: 'pay', amountMinor: 1250, merchant: 'SHOP42', code: '4KX9QM' }],
    ['PAY 1 AB', { kind: 'pay', amountMinor: 100, merchant: 'AB' }],
    // A MAC device's message ends with <counter>:<mac> (README "Security").
    ['PAY 12.50 SHOP42 4KX9QM 1:GG7OQGEV4J', { kind: 'pay', amountMinor: 1250, merchant: 'SHOP42', code: '4KX9QM', auth: { counter: 1, mac: 'GG7OQGEV4J' } }],
    ['pay 12.50 shop42 2:ade6vfq2gw', { kind: 'pay', amountMinor: 1250, merchant: 'SHOP42', auth: { counter: 2, mac: 'ADE6VFQ2GW' } }],
    ['PAY 12.50 SHOP42 999999999999999:ABC', { kind: 'pay', amountMinor: 1250, merchant: 'SHOP42', auth: { counter: 999999999999999, mac: 'ABC' } }],
    ['PAY 1 ABCDEFGHIJ0123456789', { kind: 'pay', amountMinor: 100, merchant: 'ABCDEFGHIJ0123456789' }],
    ['BAL', { kind: 'balance' }],
    ['CHECK P0123456789ABCDEF', { kind: 'check', paymentId: 'P0123456789ABCDEF' }],
    ['check p0123456789abcdef', { kind: 'check', paymentId: 'P0123456789ABCDEF' }],
    ['balance', { kind: 'balance' }],
    [' bal\r\n', { kind: 'balance' }],
    ['CANCEL', { kind: 'cancel' }],
    ['cancel 4kx9qm', { kind: 'cancel', code: '4KX9QM' }],
    ['HELP', { kind: 'help' }],
    ['help', { kind: 'help' }],
    ['?', { kind: 'help' }],
  ];
  for (const [text, cmd] of valid) {
    it(`parses ${JSON.stringify(text)}`, () => assert.deepEqual(parse(text), cmd));
  }

  const invalid: [string, string][] = [
    ['CHECK', 'arguments'],
    ['CHECK P0123456789', 'payment_id'],
    ['CHECK P0123456789ABCDEF X', 'arguments'],
    ['', 'empty'],
    ['   \t\n', 'empty'],
    ['PAY -5 SHOP42', 'amount_format'],
    ['PAY 0 SHOP42', 'amount_zero'],
    ['PAY 1.999 SHOP42', 'amount_too_many_decimals'],
    ['PAY 1e9 SHOP42', 'amount_format'],
    ['PAY 0x10 SHOP42', 'amount_format'],
    ['PAY 12,50 SHOP42', 'amount_format'],
    ['PAY 99999999999999999999999 SHOP42', 'amount_too_large'],
    ['PAY 12.50', 'arguments'],
    ['PAY', 'arguments'],
    ['PAY 12.50 SHOP42 4KX9QM EXTRA', 'arguments'],
    ['PAY 12.50 SHOP42 4KX9QM 1:GG7OQGEV4J 2:X', 'arguments'],
    ['PAY 12.50 1:GG7OQGEV4J', 'arguments'],
    ['PAY 12.50 SHOP42 1000000000000000:ABC', 'device_auth'],
    ['PAY 12.50 SHOP42 1:', 'device_auth'],
    ['PAY 12.50 SHOP42 :ABC', 'device_auth'],
    ['PAY 12.50 SHOP42 -1:ABC', 'device_auth'],
    ['PAY 12.50 SHOP42 4KX9QM0 1:ABC', 'code'],
    ['PAY 12.50 S', 'merchant'],
    ['PAY 12.50 ABCDEFGHIJ01234567890', 'merchant'],
    ['PAY 12.50 SHOP-42', 'merchant'],
    ['PAY 12.50 SHOP42 4KX9Q0', 'code'],
    ['PAY 12.50 SHOP42 NOTACODE', 'code'],
    ['PAY 12.50 SHOP42 4KX9QMM', 'code'],
    ['CANCEL 12345', 'code'],
    ['CANCEL 4KX9QM 4KX9QM', 'arguments'],
    ['BAL now', 'arguments'],
    ['HELP me', 'arguments'],
    ['PAYMENT 12.50 SHOP42', 'unknown_command'],
    ['PAY 12.50 SHOP42\u0000', 'control_character'],
    ['PAY\u001b12.50 SHOP42', 'control_character'],
    ['PAY 12.50 SHOP42\u007f', 'control_character'],
    ['PAY 12.50 SHOP42\u0085', 'control_character'],
    ['PAY 12.50 SHOP42\u000b', 'control_character'],
    ['ПЛАТИ 12.50 SHOP42', 'non_ascii'],
    ['支付 12.50 SHOP42', 'non_ascii'],
    ['PAY 12.50 SHÖP42', 'non_ascii'],
    ['PAY １２.50 SHOP42', 'non_ascii'],
    ['PAY 12.50 SHOP42 😀', 'non_ascii'],
    ["redis.call('FLUSHALL')", 'unknown_command'],
    ["PAY 1 SHOP42'; DROP TABLE payments;--", 'arguments'],
    ["PAY 1 X' OR '1'='1", 'arguments'],
    ['PAY 1 SHOP42;', 'merchant'],
    ['{"cmd":"PAY","amount":1}', 'unknown_command'],
    ['PAY {"amount":1} SHOP42', 'amount_format'],
    ['PAY 1 SHOP42 --[[', 'code'],
    ['PAY 1 ' + 'A'.repeat(500), 'too_long'],
  ];
  for (const [text, reason] of invalid) {
    it(`refuses ${JSON.stringify(text.slice(0, 40))} (${reason})`, () => assert.deepEqual(parse(text), { kind: 'invalid', reason }));
  }

  it('honours maxMinor and minorDigits', () => {
    assert.deepEqual(parseCommand('PAY 5000.01 SHOP42', { minorDigits: 2, maxMinor: 500_000 }), { kind: 'invalid', reason: 'amount_too_large' });
    assert.deepEqual(parseCommand('PAY 12.5 SHOP42', { minorDigits: 0, maxMinor: 1e9 }), { kind: 'invalid', reason: 'amount_too_many_decimals' });
    assert.deepEqual(parseCommand('PAY 12 SHOP42', { minorDigits: 0, maxMinor: 1e9 }), { kind: 'pay', amountMinor: 12, merchant: 'SHOP42' });
  });

  it('never throws on any text (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 600 }), fc.string({ unit: 'grapheme', maxLength: 50 })), (text) => {
        const cmd = parse(text);
        return ['pay', 'balance', 'cancel', 'help', 'invalid'].includes(cmd.kind);
      }),
      { numRuns: 2000 },
    );
  });

  it('a valid command with random case and spacing parses to the same command (property)', () => {
    const space = fc.stringMatching(/^[ \t\r\n]{1,3}$/);
    const merchant = fc.stringMatching(/^[A-Za-z0-9]{2,20}$/);
    const code = fc.array(fc.constantFrom(...CODE_ALPHABET), { minLength: 6, maxLength: 6 }).map((a) => a.join(''));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), merchant, fc.option(code, { nil: undefined }), space, space, space, fc.boolean(), (minor, m, c, s1, s2, s3, lower) => {
        const amount = `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;
        let text = `PAY${s1}${amount}${s2}${m}${c ? s3 + c : ''}`;
        if (lower) text = text.toLowerCase();
        const expected: Command = c ? { kind: 'pay', amountMinor: minor, merchant: m.toUpperCase(), code: c } : { kind: 'pay', amountMinor: minor, merchant: m.toUpperCase() };
        assert.deepEqual(parse(` ${text} `), expected);
      }),
    );
  });
});
