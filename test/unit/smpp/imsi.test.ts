import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeImsi, encodeTbcd } from '../../../src/smpp/imsi';

const hex = (s: string) => Buffer.from(s, 'hex');

describe('smpp/imsi', () => {
  describe('decodeImsi ascii', () => {
    const rows: Array<[raw: Buffer, expected: ReturnType<typeof decodeImsi>]> = [
      [Buffer.from('260011234567890'), { ok: true, imsi: '260011234567890' }],
      [Buffer.from('26001123456789'), { ok: true, imsi: '26001123456789' }],
      [Buffer.from('26001'), { ok: true, imsi: '26001' }],
      [Buffer.from('260011234567890\0'), { ok: true, imsi: '260011234567890' }],
      [Buffer.from('2600112345  \0\0'), { ok: true, imsi: '2600112345' }],
      [Buffer.alloc(0), { ok: false, reason: 'empty' }],
      [Buffer.from('\0\0 '), { ok: false, reason: 'empty' }],
      [Buffer.from(' 260011234567890'), { ok: false, reason: 'not_digits' }],
      [Buffer.from('26001-123456'), { ok: false, reason: 'not_digits' }],
      [Buffer.from('2600112345678\0' + '9'), { ok: false, reason: 'not_digits' }],
      [Buffer.from('2600'), { ok: false, reason: 'bad_length' }],
      [Buffer.from('2600112345678901'), { ok: false, reason: 'bad_length' }],
    ];
    for (const [raw, expected] of rows) {
      it(`${JSON.stringify(raw.toString('latin1'))} → ${expected.ok ? expected.imsi : expected.reason}`, () =>
        assert.deepEqual(decodeImsi(raw, 'ascii'), expected));
    }
  });

  describe('decodeImsi tbcd (TS 29.002 TBCD-STRING)', () => {
    const rows: Array<[raw: Buffer, expected: ReturnType<typeof decodeImsi>]> = [
      // MCC 260, MNC 01, MSIN 1234567890: 0x62 holds 2 (low nibble) then 6.
      [hex('62001132547698f0'), { ok: true, imsi: '260011234567890' }],
      [hex('6200113254769810'), { ok: false, reason: 'bad_length' }], // 16 digits
      [hex('620011325476'), { ok: true, imsi: '260011234567' }],
      [hex('6200f1'), { ok: true, imsi: '26001' }],
      [hex('620010'), { ok: true, imsi: '260001' }],
      [hex('62f0'), { ok: false, reason: 'bad_length' }],
      [Buffer.alloc(0), { ok: false, reason: 'empty' }],
      [hex('62f011'), { ok: false, reason: 'bad_tbcd' }], // filler before the end
      [hex('6200ff'), { ok: false, reason: 'bad_tbcd' }], // filler as a low nibble
      [hex('6a0011'), { ok: false, reason: 'bad_tbcd' }], // 1010 ('*') is no IMSI digit
      [hex('620011c3'), { ok: false, reason: 'bad_tbcd' }],
      [hex('6200110e'), { ok: false, reason: 'bad_tbcd' }],
    ];
    for (const [raw, expected] of rows) {
      it(`${raw.toString('hex') || '(empty)'} → ${expected.ok ? expected.imsi : expected.reason}`, () =>
        assert.deepEqual(decodeImsi(raw, 'tbcd'), expected));
    }
  });

  describe('encodeTbcd', () => {
    it('puts the first digit in the low nibble and pads an odd count with 0xF', () => {
      assert.equal(encodeTbcd('260011234567890').toString('hex'), '62001132547698f0');
      assert.equal(encodeTbcd('26001123456789').toString('hex'), '62001132547698');
      assert.equal(encodeTbcd('').length, 0);
    });

    it('refuses anything but digits', () => {
      assert.throws(() => encodeTbcd('26001a'), RangeError);
      assert.throws(() => encodeTbcd('2600 1'), RangeError);
    });
  });

  describe('properties', () => {
    const imsi = fc.stringMatching(/^[0-9]{5,15}$/);

    it('encodeTbcd then decodeImsi gives the digits back', () => {
      fc.assert(fc.property(imsi, (digits) => assert.deepEqual(decodeImsi(encodeTbcd(digits), 'tbcd'), { ok: true, imsi: digits })));
    });

    it('ASCII digits with any NUL/space padding decode to the digits', () => {
      fc.assert(
        fc.property(imsi, fc.stringMatching(/^[\0 ]{0,4}$/), (digits, pad) =>
          assert.deepEqual(decodeImsi(Buffer.from(digits + pad, 'latin1'), 'ascii'), { ok: true, imsi: digits }),
        ),
      );
    });

    it('never throws on arbitrary octets', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 12 }), fc.constantFrom('ascii' as const, 'tbcd' as const), (bytes, encoding) => {
          const result = decodeImsi(Buffer.from(bytes), encoding);
          if (result.ok) assert.match(result.imsi, /^[0-9]{5,15}$/);
        }),
      );
    });
  });
});
