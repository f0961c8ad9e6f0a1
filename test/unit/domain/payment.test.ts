import assert from 'node:assert/strict';
import {
  canTransition,
  IllegalTransitionError,
  INITIAL_STATES,
  isLegalHistory,
  REASONS,
  startPayment,
  TERMINAL_STATES,
  transition,
  TRANSITIONS,
  type PaymentState,
} from '../../../src/domain';
import { awaitingDevice, T0 } from './fixtures';

describe('domain/payment: the transition table', () => {
  const states = Object.keys(TRANSITIONS) as PaymentState[];

  it('has the five outcomes as terminal states and two waiting states', () => {
    assert.deepEqual([...TERMINAL_STATES].sort(), ['cancelled', 'completed', 'declined', 'expired', 'rejected']);
    assert.deepEqual(states.filter((s) => !TERMINAL_STATES.includes(s)).sort(), ['awaiting_device', 'awaiting_request']);
  });
  it('only ever moves from a waiting state to a terminal one', () => {
    for (const from of states) for (const to of TRANSITIONS[from]) assert.ok(TERMINAL_STATES.includes(to), `${from}→${to}`);
    for (const s of INITIAL_STATES) assert.ok(canTransition(null, s));
    assert.ok(!canTransition(null, 'completed'));
  });
  it('lists a description for every reason code', () => {
    for (const [code, text] of Object.entries(REASONS)) assert.ok(text.length > 10, code);
  });
  it('transition appends history and refuses moves outside the table', () => {
    const p = awaitingDevice();
    const done = transition(p, 'completed', 'matched', T0);
    assert.equal(done.state, 'completed');
    assert.equal(done.reason, 'matched');
    assert.deepEqual(done.history.at(-1), { at: T0, from: 'awaiting_device', to: 'completed', reason: 'matched' });
    assert.equal(p.history.length, 1, 'input untouched');
    assert.ok(isLegalHistory(done.history));
    assert.throws(() => transition(done, 'expired', 'window_elapsed', T0), IllegalTransitionError);
    assert.throws(
      () => transition({ ...p, state: 'awaiting_request' }, 'rejected', 'amount_mismatch', T0),
      IllegalTransitionError,
    );
    assert.throws(() => startPayment({ ...p }, 'completed', 'matched', T0), IllegalTransitionError);
  });
  it('isLegalHistory refuses broken chains', () => {
    assert.ok(!isLegalHistory([]));
    assert.ok(!isLegalHistory([{ at: 1, from: 'awaiting_device', to: 'completed', reason: 'matched' }]));
    assert.ok(
      !isLegalHistory([
        { at: 1, from: null, to: 'awaiting_device', reason: 'request_received' },
        { at: 2, from: 'awaiting_request', to: 'completed', reason: 'matched' },
      ]),
    );
  });
});
