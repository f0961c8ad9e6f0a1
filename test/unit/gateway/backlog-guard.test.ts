import assert from 'node:assert/strict';
import fc from 'fast-check';
import { nextAdmitting } from '../../../src/gateway/backlog-guard';

describe('MO intake back-pressure (nextAdmitting)', () => {
  const limit = 30_000;
  const now = 1_000_000;

  it('takes MOs while nothing waits or the oldest has waited up to the limit', () => {
    assert.equal(nextAdmitting(true, null, now, limit), true);
    assert.equal(nextAdmitting(true, now - limit, now, limit), true);
    assert.equal(nextAdmitting(true, now - limit - 1, now, limit), false);
  });

  it('resumes only under half the limit, so it does not flap at the boundary', () => {
    assert.equal(nextAdmitting(false, now - limit, now, limit), false);
    assert.equal(nextAdmitting(false, now - limit / 2 - 1, now, limit), false);
    assert.equal(nextAdmitting(false, now - limit / 2, now, limit), true);
    assert.equal(nextAdmitting(false, null, now, limit), true);
  });

  it('a job stamped in the future (clock skew between hosts) counts as no wait', () => {
    assert.equal(nextAdmitting(false, now + 5_000, now, limit), true);
  });

  it('never refuses below half the limit nor admits a new burst above the limit, whatever the state', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.integer({ min: 0, max: 10 * limit }), (admitting, waited) => {
        const next = nextAdmitting(admitting, now - waited, now, limit);
        if (waited <= limit / 2) assert.equal(next, true);
        if (waited > limit) assert.equal(next, false);
      }),
    );
  });
});
