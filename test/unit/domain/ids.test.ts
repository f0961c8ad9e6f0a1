import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { isPaymentId, paymentIdFromMoId } from '../../../src/domain';

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

describe('domain/ids', () => {
  it('is deterministic: the same MO id gives the same payment id (retried jobs)', () => {
    assert.equal(paymentIdFromMoId('mo-1', sha256), paymentIdFromMoId('mo-1', sha256));
    assert.notEqual(paymentIdFromMoId('mo-1', sha256), paymentIdFromMoId('mo-2', sha256));
  });
  it('is P + 10 Crockford base32 symbols', () => {
    for (let i = 0; i < 500; i += 1) {
      const id = paymentIdFromMoId(`mo-${i}`, sha256);
      assert.ok(isPaymentId(id), id);
      assert.equal(id.length, 11);
    }
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
