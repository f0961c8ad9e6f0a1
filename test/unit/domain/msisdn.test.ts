import assert from 'node:assert/strict';
import fc from 'fast-check';
import { maskMsisdn, normaliseMsisdn } from '../../../src/domain';

describe('domain/msisdn', () => {
  const cases: [string, string | null][] = [
    ['+254712345678', '254712345678'],
    ['254712345678', '254712345678'],
    ['0712345678', '254712345678'],
    ['712345678', '254712345678'],
    ['+254 712-345-678', '254712345678'],
    ['00254712345678', '254712345678'],
    ['254700000001', '254700000001'], // demo / carrier test range: possible, not necessarily valid
    ['+447911123456', '447911123456'],
    ['+15551234567', '15551234567'],
    ['abc', null],
    ['', null],
    ['+', null],
    ['123', null],
    ['+2547123', null],
    ['+25471234567890123', null],
    ['+254712345678x', null],
    ['+254712345678ext5', null],
    ['٠٧١٢٣٤٥٦٧٨', null],
    ['07 12;34', null],
    ['+0712345678', null],
  ];
  for (const [input, out] of cases) {
    it(`normalises ${JSON.stringify(input)} → ${out}`, () => assert.equal(normaliseMsisdn(input, '254'), out));
  }
  it('falls back to 8..15 digits for calling codes libphonenumber does not know', () => {
    assert.equal(normaliseMsisdn('+99912345678', '254'), '99912345678');
    assert.equal(normaliseMsisdn('012345678', '999'), '99912345678');
    assert.equal(normaliseMsisdn('+9991234', '254'), null);
  });
  it('never throws (property)', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const r = normaliseMsisdn(s, '254');
        return r === null || /^[1-9][0-9]{7,14}$/.test(r);
      }),
    );
  });

  it('masks MSISDNs for logs', () => {
    assert.equal(maskMsisdn('254700000001'), '2547****0001');
    assert.equal(maskMsisdn('447911123456789'), '4479*******6789');
    assert.equal(maskMsisdn('12345678'), '12****78');
    assert.equal(maskMsisdn('123'), '***');
    assert.equal(maskMsisdn(''), '');
  });
});
