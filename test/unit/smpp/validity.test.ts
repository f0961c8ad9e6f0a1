import assert from 'node:assert/strict';
import fc from 'fast-check';
import { validityPeriod } from '../../../src/smpp/validity';

// validity_period (SMPP 3.4 §7.1.1): relative "YYMMDDhhmmss000R" or absolute UTC "…000+".

describe('smpp/validity', () => {
  const now = Date.UTC(2026, 11, 1, 20, 0, 0);
  it('relative: the time left, as days, hours, minutes, seconds', () => {
    assert.equal(validityPeriod(now + 120_000, now, 'relative'), '000000000200000R');
    assert.equal(validityPeriod(now + 86_400_000 + 3_661_000, now, 'relative'), '000001010101000R');
    assert.equal(validityPeriod(now + 1, now, 'relative'), '000000000001000R', 'rounded up to a second');
    assert.equal(validityPeriod(now - 5000, now, 'relative'), '000000000001000R', 'never zero or negative');
  });
  it('absolute: the deadline in UTC', () => {
    assert.equal(validityPeriod(now + 120_000, now, 'absolute'), '261201200200000+');
  });
  it('none: empty (the SMSC default)', () => {
    assert.equal(validityPeriod(now + 120_000, now, 'none'), '');
  });
  it('relative always reads back to the time left, within a second (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 90 * 86_400_000 }), (left) => {
        const v = validityPeriod(now + left, now, 'relative');
        const m = /^0000(\d\d)(\d\d)(\d\d)(\d\d)000R$/.exec(v);
        if (!m) return false;
        const seconds = Number(m[1]) * 86400 + Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
        return seconds === Math.ceil(left / 1000) && Number(m[2]) < 24 && Number(m[3]) < 60 && Number(m[4]) < 60;
      }),
    );
  });
});
