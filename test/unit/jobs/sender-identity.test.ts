import assert from 'node:assert/strict';
import fc from 'fast-check';
import { identityFromSmppAddress } from '../../../src/jobs/sender-identity';
import { isImsiAddress, readSourceAddress, TON } from '../../../src/smpp/address';

// The sender of an MO: the SMPP edge reads source_addr by its TON/NPI, the domain normalises to E.164.
describe('jobs/sender-identity', () => {
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
  });

  describe('smpp/address', () => {
    it('isImsiAddress', () => {
      assert.ok(isImsiAddress(4, 6));
      assert.ok(isImsiAddress(1, 6));
      assert.ok(!isImsiAddress(1, 1));
      assert.ok(!isImsiAddress(4, 1), 'TON 4 alone is a subscriber number');
    });
    it('never throws (property)', () => {
      fc.assert(fc.property(fc.string(), fc.nat(7), fc.nat(18), (a, t, n) => typeof readSourceAddress(a, t, n, '254').ok === 'boolean' && typeof identityFromSmppAddress(a, t, n, '254').ok === 'boolean'));
    });
    it('reads the digits and their form, without normalising', () => {
      assert.deepEqual(readSourceAddress('+254712345678', TON.international, 1, '254'), { ok: true, digits: '254712345678', international: true });
      assert.deepEqual(readSourceAddress('0712345678', TON.national, 1, '254'), { ok: true, digits: '0712345678', international: false });
      assert.deepEqual(readSourceAddress('00447911123456', TON.unknown, 1, '254'), { ok: true, digits: '447911123456', international: true });
      assert.deepEqual(readSourceAddress('12345', 3, 1, '254'), { ok: false, reason: 'invalid' });
    });
  });
});
