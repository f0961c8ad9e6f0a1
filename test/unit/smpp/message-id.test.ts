import assert from 'node:assert/strict';
import fc from 'fast-check';
import { canonicalMessageId, MESSAGE_ID_FORMATS, type MessageIdFormat } from '../../../src/smpp/message-id';

describe('smpp/message-id', () => {
  describe('canonicalMessageId', () => {
    const rows: Array<[id: string, format: MessageIdFormat, expected: string | null]> = [
      ['1234', 'hex', 'n:4660'],
      ['4660', 'decimal', 'n:4660'],
      ['1234', 'decimal', 'n:1234'],
      ['00ff', 'hex', 'n:255'],
      ['00FF', 'hex', 'n:255'],
      ['fF', 'hex', 'n:255'],
      ['0', 'hex', 'n:0'],
      ['000', 'decimal', 'n:0'],
      ['0123456789', 'decimal', 'n:123456789'],
      [' 1a2b3c4d\0', 'hex', 'n:439041101'],
      ['439041101\0\0', 'decimal', 'n:439041101'],
      ['FFFFFFFFFFFFFFFF', 'hex', 'n:18446744073709551615'],
      ['18446744073709551615', 'decimal', 'n:18446744073709551615'],
      ['9007199254740993', 'decimal', 'n:9007199254740993'], // 2^53 + 1, not exact as a double
      ['20000000000001', 'hex', 'n:9007199254740993'],
      ['0x1234', 'hex', null],
      ['12g4', 'hex', null],
      ['12a4', 'decimal', null],
      ['-12', 'decimal', null],
      ['1 2', 'decimal', null],
      ['', 'hex', null],
      ['\0', 'decimal', null],
      ['  ', 'string', null],
      ['ad1C2A0F-7e', 'string', 's:ad1c2a0f-7e'],
      [' 00AbC \0', 'string', 's:abc'],
      ['000', 'string', 's:0'],
      ['0123456789', 'string', 's:123456789'],
      ['1234', 'string', 's:1234'],
    ];
    for (const [id, format, expected] of rows) {
      it(`${JSON.stringify(id)} as ${format} → ${expected}`, () => assert.equal(canonicalMessageId(id, format), expected));
    }

    it('keeps hex "1234" and decimal "1234" apart, and lets hex "1234" meet decimal "4660"', () => {
      assert.notEqual(canonicalMessageId('1234', 'hex'), canonicalMessageId('1234', 'decimal'));
      assert.equal(canonicalMessageId('1234', 'hex'), canonicalMessageId('4660', 'decimal'));
    });

    it('never lets a string id meet a numeric one', () => {
      assert.notEqual(canonicalMessageId('255', 'string'), canonicalMessageId('255', 'decimal'));
    });

    it('lists its formats for configuration', () => assert.deepEqual([...MESSAGE_ID_FORMATS], ['hex', 'decimal', 'string']));
  });

  describe('properties', () => {
    const value = fc.bigInt({ min: 0n, max: (1n << 80n) - 1n });
    const padding = fc.nat({ max: 4 }).map((n) => '0'.repeat(n));

    it('one number written in hex (any case, zero-padded) and in decimal gives one key', () => {
      fc.assert(
        fc.property(value, padding, fc.boolean(), (n, zeros, upper) => {
          const hex = zeros + (upper ? n.toString(16).toUpperCase() : n.toString(16));
          assert.equal(canonicalMessageId(hex, 'hex'), canonicalMessageId(zeros + n.toString(10), 'decimal'));
          assert.equal(canonicalMessageId(hex, 'hex'), `n:${n}`);
        }),
      );
    });

    it('a string id is found again whatever its case, padding and C-string NUL', () => {
      fc.assert(
        fc.property(fc.stringMatching(/^[0-9a-z-]{1,20}$/), padding, (id, zeros) => {
          assert.equal(canonicalMessageId(` ${zeros}${id.toUpperCase()}\0`, 'string'), canonicalMessageId(id, 'string'));
        }),
      );
    });
  });
});
