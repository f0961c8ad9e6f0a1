import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { base32, deviceToken, macInput, paymentMac, sameMac, verificationKey, type MacFields } from '../../../src/domain';
import { VECTOR_DEVICE_KEY, VECTOR_K_4821, VECTORS } from '../../support/device-mac-vectors';
import { hmac } from './fixtures';

// The device MAC (README "Security"): base32 per RFC 4648, the fixed vectors, and that every field
// the MAC covers — and the PIN — changes it.

const deviceKey = Buffer.from(VECTOR_DEVICE_KEY, 'base64url');

describe('domain/base32 (RFC 4648)', () => {
  it('encodes the test vectors of RFC 4648 §10, with and without padding', () => {
    const rfc: Array<[string, string]> = [
      ['', ''],
      ['f', 'MY======'],
      ['fo', 'MZXQ===='],
      ['foo', 'MZXW6==='],
      ['foob', 'MZXW6YQ='],
      ['fooba', 'MZXW6YTB'],
      ['foobar', 'MZXW6YTBOI======'],
    ];
    for (const [input, expected] of rfc) {
      assert.equal(base32(Buffer.from(input)), expected, input);
      assert.equal(base32(Buffer.from(input), false), expected.replace(/=+$/, ''), input);
    }
  });

  it('agrees with a bit-by-bit encoding for any bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const bits = [...bytes].map((b) => b.toString(2).padStart(8, '0')).join('');
        const padded = bits.padEnd(Math.ceil(bits.length / 5) * 5, '0');
        const expected = (padded.match(/.{5}/g) ?? []).map((g) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[parseInt(g, 2)]).join('');
        assert.equal(base32(bytes, false), expected);
      }),
    );
  });
});

describe('domain/device-mac', () => {
  it('K = HMAC-SHA256(deviceKey, PIN); without a PIN, K is the deviceKey', () => {
    assert.equal(Buffer.from(verificationKey(deviceKey, '4821', hmac)).toString('hex'), VECTOR_K_4821);
    assert.deepEqual(verificationKey(deviceKey, undefined, hmac), deviceKey);
  });

  it('the README test vectors: fixed key, PIN and message → MAC', () => {
    for (const v of VECTORS) {
      assert.equal(macInput(v), v.input);
      assert.equal(deviceToken(deviceKey, v.pin, v, hmac), v.token, v.input);
      assert.equal(paymentMac(verificationKey(deviceKey, v.pin, hmac), v, hmac), v.token.split(':')[1]);
    }
  });

  it('the README shows the same vectors', () => {
    const readme = readFileSync(path.join(__dirname, '../../../README.md'), 'utf8');
    assert.ok(readme.includes(VECTOR_DEVICE_KEY), 'the deviceKey');
    assert.ok(readme.includes(VECTOR_K_4821), 'K for PIN 4821');
    // In a Markdown table a `|` inside a code span is written `\|`.
    for (const v of VECTORS) assert.ok(readme.includes(`\`${v.token}\``) && readme.includes(`\`${v.input.replaceAll('|', '\\|')}\``), v.token);
  });

  it('the merchant code is upper-cased in the input; the MAC is 10 upper-case base32 characters', () => {
    const f: MacFields = { main: '254700000001', amountMinor: 1, merchant: 'shop42', counter: 3 };
    assert.equal(macInput(f), '254700000001|1|SHOP42||3');
    assert.match(paymentMac(deviceKey, f, hmac), /^[A-Z2-7]{10}$/);
  });

  it('compares MACs exactly', () => {
    assert.equal(sameMac('GG7OQGEV4J', 'GG7OQGEV4J'), true);
    assert.equal(sameMac('GG7OQGEV4J', 'GG7OQGEV4K'), false);
    assert.equal(sameMac('GG7OQGEV4J', 'GG7OQGEV4'), false);
    assert.equal(sameMac('', ''), true);
  });

  describe('any change breaks the MAC (properties)', () => {
    const merchant = fc.stringMatching(/^[A-Z0-9]{2,20}$/);
    const code = fc.option(fc.stringMatching(/^[2-9A-HJ-NP-RT-Z]{6}$/), { nil: undefined });
    const pin = fc.option(fc.stringMatching(/^[0-9]{4,8}$/), { nil: undefined });
    const fields = fc.record({
      main: fc.stringMatching(/^[1-9][0-9]{7,14}$/),
      amountMinor: fc.integer({ min: 1, max: 1e12 }),
      merchant,
      code,
      counter: fc.integer({ min: 1, max: 999_999_999_999_999 }),
    });
    const key = fc.uint8Array({ minLength: 32, maxLength: 32 });
    const token = (k: Uint8Array, p: string | undefined, f: MacFields) => deviceToken(k, p, f, hmac).split(':')[1];

    const changes: Array<[string, fc.Arbitrary<(f: MacFields) => MacFields>]> = [
      ['amount', fc.integer({ min: 1, max: 1e6 }).map((d) => (f: MacFields) => ({ ...f, amountMinor: f.amountMinor + d }))],
      // The same value drawn again is filtered out below (fc.pre), not counted as a change.
      ['merchant', merchant.map((m) => (f: MacFields) => ({ ...f, merchant: m }))],
      ['code (or none instead of one)', code.map((c) => (f: MacFields) => ({ ...f, code: c }))],
      ['counter', fc.integer({ min: 1, max: 1e6 }).map((d) => (f: MacFields) => ({ ...f, counter: f.counter + d }))],
      ['main SIM', fc.constant((f: MacFields) => ({ ...f, main: f.main.endsWith('1') ? `${f.main.slice(0, -1)}2` : `${f.main.slice(0, -1)}1` }))],
    ];
    for (const [what, change] of changes) {
      it(`a different ${what}`, () => {
        fc.assert(
          fc.property(key, pin, fields, change, (k, p, f, alter) => {
            const g = alter(f);
            fc.pre(macInput(g) !== macInput(f));
            assert.notEqual(token(k, p, g), token(k, p, f));
          }),
          { numRuns: 300 },
        );
      });
    }

    it('a different PIN (or none instead of one)', () => {
      fc.assert(
        fc.property(key, pin, pin, fields, (k, p, q, f) => {
          fc.pre(p !== q);
          assert.notEqual(token(k, p, f), token(k, q, f));
        }),
        { numRuns: 300 },
      );
    });

    it('a different device key', () => {
      fc.assert(
        fc.property(key, key, pin, fields, (k, l, p, f) => {
          fc.pre(Buffer.compare(k, l) !== 0);
          assert.notEqual(token(k, p, f), token(l, p, f));
        }),
        { numRuns: 300 },
      );
    });
  });
});
