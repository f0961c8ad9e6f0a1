import assert from 'node:assert/strict';
import { moOutcomeLabel } from '../../../src/jobs/mo';

// The two pending outcomes are named like the payment states in code, but keep their older label
// values on simpair_mo_processed_total so that dashboards and alerts built on them keep counting.
describe('jobs/mo: outcome labels of simpair_mo_processed_total', () => {
  it('keeps pending_device and waiting_request for the two pending outcomes', () => {
    assert.equal(moOutcomeLabel('awaiting_device'), 'pending_device');
    assert.equal(moOutcomeLabel('awaiting_request'), 'waiting_request');
  });
  it('labels every other outcome with its own word', () => {
    for (const outcome of ['completed', 'rejected', 'declined', 'expired', 'cancelled', 'locked', 'noop', 'refused', 'late', 'help', 'unidentified']) {
      assert.equal(moOutcomeLabel(outcome), outcome);
    }
  });
});
