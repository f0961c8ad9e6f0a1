import assert from 'node:assert/strict';
import fc from 'fast-check';
import { identityFromSmppAddress, isImsiAddress, maskMsisdn, normaliseMsisdn } from '../../../src/domain';

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

  describe('identityFromSmppAddress', () => {
    const rows: [string, number, number, ReturnType<typeof identityFromSmppAddress>][] = [
      ['254712345678', 1, 1, { ok: true, msisdn: '254712345678' }],
      ['+254712345678', 1, 1, { ok: true, msisdn: '254712345678' }],
      ['0712345678', 2, 1, { ok: true, msisdn: '254712345678' }],
      ['712345678', 2, 1, { ok: true, msisdn: '254712345678' }],
      ['254712345678', 0, 0, { ok: true, msisdn: '254712345678' }],
      ['+254712345678', 0, 1, { ok: true, msisdn: '254712345678' }],
      ['0712345678', 0, 1, { ok: true, msisdn: '254712345678' }],
      ['712345678', 0, 0, { ok: true, msisdn: '254712345678' }],
      ['', 1, 1, { ok: false, reason: 'empty' }],
      ['   ', 0, 0, { ok: false, reason: 'empty' }],
      ['MYBANK', 5, 0, { ok: false, reason: 'alphanumeric' }],
      ['MYBANK', 0, 0, { ok: false, reason: 'alphanumeric' }],
      ['639070000000001', 4, 6, { ok: false, reason: 'imsi_address' }],
      ['639070000000001', 1, 6, { ok: false, reason: 'imsi_address' }],
      // SMPP 3.4 §5.2.5: TON 4 is a subscriber number, not an IMSI.
      ['712345678', 4, 1, { ok: true, msisdn: '254712345678' }],
      ['0712345678', 4, 0, { ok: true, msisdn: '254712345678' }],
      ['12', 1, 1, { ok: false, reason: 'invalid' }],
      ['25471234567A', 1, 1, { ok: false, reason: 'invalid' }],
      ['20555', 6, 0, { ok: false, reason: 'invalid' }],
    ];
    for (const [addr, ton, npi, out] of rows) {
      it(`${JSON.stringify(addr)} TON ${ton} NPI ${npi} → ${JSON.stringify(out)}`, () => {
        assert.deepEqual(identityFromSmppAddress(addr, ton, npi, '254'), out);
      });
    }
    it('isImsiAddress', () => {
      assert.ok(isImsiAddress(4, 6));
      assert.ok(isImsiAddress(1, 6));
      assert.ok(!isImsiAddress(1, 1));
      assert.ok(!isImsiAddress(4, 1), 'TON 4 alone is a subscriber number');
    });
    it('never throws (property)', () => {
      fc.assert(fc.property(fc.string(), fc.nat(7), fc.nat(18), (a, t, n) => typeof identityFromSmppAddress(a, t, n, '254').ok === 'boolean'));
    });
  });

  it('masks MSISDNs for logs', () => {
    assert.equal(maskMsisdn('254700000001'), '2547****0001');
    assert.equal(maskMsisdn('447911123456789'), '4479*******6789');
    assert.equal(maskMsisdn('12345678'), '12****78');
    assert.equal(maskMsisdn('123'), '***');
    assert.equal(maskMsisdn(''), '');
  });
});
