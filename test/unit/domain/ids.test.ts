import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { isPaymentId, paymentIdFromMoId } from '../../../src/domain';

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

describe('domain/ids', () => {
  it('is deterministic: the same MO id gives the same payment id (retried jobs)', () => {
    assert.equal(paymentIdFromMoId('mo-1', sha256), paymentIdFromMoId('mo-1', sha256));
    assert.notEqual(paymentIdFromMoId('mo-1', sha256), paymentIdFromMoId('mo-2', sha256));
  });
  it('is P + 16 Crockford base32 symbols: 80 bits, out of reach of collisions at carrier volume', () => {
    for (let i = 0; i < 500; i += 1) {
      const id = paymentIdFromMoId(`mo-${i}`, sha256);
      assert.ok(isPaymentId(id), id);
      assert.equal(id.length, 17);
    }
    // All 80 bits are used: the 20 hex digits map one to one onto the 16 symbols.
    assert.equal(paymentIdFromMoId('x', () => '0'.repeat(20)), 'P0000000000000000');
    assert.equal(paymentIdFromMoId('x', () => 'f'.repeat(20)), 'PZZZZZZZZZZZZZZZZ');
    assert.equal(paymentIdFromMoId('x', () => '00000000000000000021'), 'P0000000000000011');
    assert.ok(!isPaymentId('P0123456789'), 'the old 11-character form is not an id');
  });
  it('has no collisions in 100,000 ids', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i += 1) seen.add(paymentIdFromMoId(`mo-${i}`, sha256));
    assert.equal(seen.size, 100_000);
  });
  it('refuses a hash that is not hex', () => {
    assert.throws(() => paymentIdFromMoId('mo', () => 'not-a-hex-digest!'));
    assert.throws(() => paymentIdFromMoId('mo', () => 'abc'));
  });
});
