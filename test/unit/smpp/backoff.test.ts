import assert from 'node:assert/strict';
import fc from 'fast-check';
import { reconnectDelay } from '../../../src/smpp/backoff';

const opts = { baseMs: 1_000, maxMs: 60_000 };

describe('smpp/backoff', () => {
  it('spans [base/2, base] on the first attempt', () => {
    assert.equal(reconnectDelay(0, { ...opts, random: () => 0 }), 500);
    assert.equal(reconnectDelay(0, { ...opts, random: () => 1 }), 1_000);
  });

  it('doubles the ceiling per attempt up to maxMs', () => {
    const ceilings = [0, 1, 2, 3, 5, 6, 7, 50].map((attempt) => reconnectDelay(attempt, { ...opts, random: () => 1 }));
    assert.deepEqual(ceilings, [1_000, 2_000, 4_000, 8_000, 32_000, 60_000, 60_000, 60_000]);
  });

  it('never goes below base/2, however many attempts', () => {
    for (const attempt of [0, 3, 10, 2000]) assert.equal(reconnectDelay(attempt, { ...opts, random: () => 0 }), 500);
  });

  it('spreads uniformly between the bounds', () => {
    assert.equal(reconnectDelay(2, { ...opts, random: () => 0.5 }), 500 + 0.5 * (4_000 - 500));
  });

  it('treats negative or fractional attempts as whole non-negative numbers', () => {
    assert.equal(reconnectDelay(-3, { ...opts, random: () => 1 }), 1_000);
    assert.equal(reconnectDelay(1.9, { ...opts, random: () => 1 }), 2_000);
  });

  it('stays within [base/2, min(max, base*2^attempt)] for any random value (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, r) => {
          const delay = reconnectDelay(attempt, { ...opts, random: () => r });
          assert.ok(delay >= 500 && delay <= Math.min(60_000, 1_000 * 2 ** attempt), `${delay}`);
        },
      ),
    );
  });

  it('uses Math.random by default', () => {
    const delay = reconnectDelay(4, opts);
    assert.ok(delay >= 500 && delay <= 16_000);
  });
});
