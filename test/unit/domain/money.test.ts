import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatAmount, parseAmount, toMoney } from '../../../src/domain';

const MAX = Number.MAX_SAFE_INTEGER;

describe('domain/money', () => {
  const accepted: [string, number, number][] = [
    ['12.50', 2, 1250],
    ['12.5', 2, 1250],
    ['12', 2, 1200],
    ['0.01', 2, 1],
    ['007.50', 2, 750],
    ['12', 0, 12],
    ['1.234', 3, 1234],
  ];
  for (const [text, digits, minor] of accepted) {
    it(`parses ${JSON.stringify(text)} with ${digits} digits as ${minor}`, () => {
      assert.deepEqual(parseAmount(text, digits, MAX), { ok: true, minor });
    });
  }

  const refused: [string, string][] = [
    ['-5', 'format'],
    ['0', 'zero'],
    ['0.00', 'zero'],
    ['1.999', 'too_many_decimals'],
    ['1e9', 'format'],
    ['0x10', 'format'],
    ['12,50', 'format'],
    ['.5', 'format'],
    ['5.', 'format'],
    ['+5', 'format'],
    [' 5', 'format'],
    ['5 ', 'format'],
    ['', 'format'],
    ['١٢', 'format'], // Arabic-Indic digits
    ['１２', 'format'], // full-width digits
    ['Infinity', 'format'],
    ['NaN', 'format'],
    ['99999999999999999999999999', 'too_large'],
    ['90071992547409.92', 'too_large'],
  ];
  for (const [text, reason] of refused) {
    it(`refuses ${JSON.stringify(text)} (${reason})`, () => {
      assert.deepEqual(parseAmount(text, 2, MAX), { ok: false, reason });
    });
  }

  it('refuses decimals when the currency has none', () => {
    assert.deepEqual(parseAmount('12.5', 0, MAX), { ok: false, reason: 'too_many_decimals' });
  });
  it('refuses amounts above maxMinor', () => {
    assert.deepEqual(parseAmount('5000.01', 2, 500_000), { ok: false, reason: 'too_large' });
    assert.deepEqual(parseAmount('5000.00', 2, 500_000), { ok: true, minor: 500_000 });
  });

  it('formats minor units', () => {
    assert.equal(formatAmount(1250, 2), '12.50');
    assert.equal(formatAmount(5, 2), '0.05');
    assert.equal(formatAmount(0, 2), '0.00');
    assert.equal(formatAmount(12, 0), '12');
    assert.equal(formatAmount(-150, 2), '-1.50');
    assert.equal(formatAmount(1, 3), '0.001');
    assert.throws(() => formatAmount(1.5, 2));
    assert.deepEqual(toMoney(1250, 'KES', 2), { amount: '12.50', currency: 'KES' });
  });

  it('format → parse round-trips every positive safe amount (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX }), fc.integer({ min: 0, max: 4 }), (minor, digits) => {
        const parsed = parseAmount(formatAmount(minor, digits), digits, MAX);
        return parsed.ok ? parsed.minor === minor : parsed.reason === 'too_large';
      }),
    );
  });

  it('never throws and only accepts plain decimals (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const r = parseAmount(text, 2, MAX);
        if (r.ok) assert.match(text, /^[0-9]+(\.[0-9]{1,2})?$/);
        return true;
      }),
    );
  });
});
