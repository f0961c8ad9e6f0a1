import assert from 'node:assert/strict';
import fc from 'fast-check';
import { answerOf, judgeRepeat, type FirstCopy, type IdentityContext, type Repeat } from '../../../src/gateway/message-identity';

// The message-identity rule, row by row: a repeat of the same content is a redelivery only with
// evidence that our answer to the first copy may not have reached the SMSC.

const T0 = 1_000_000;
const ctx = (alive: string[] = ['L1', 'L2']): IdentityContext => ({ windowMs: 120_000, smscResponseTimeoutMs: 5000, linkAlive: (l) => alive.includes(l) });
const first = (answer: FirstCopy['answer'], link = 'L1'): FirstCopy => ({ id: 'mo-1', link, at: T0, answer });
const repeat = (link: string, dt: number, linkBoundAt = T0 - 60_000): Repeat => ({ link, linkBoundAt, at: T0 + dt });

describe('gateway/message-identity', () => {
  const rows: Array<[string, FirstCopy | null, Repeat, IdentityContext, string]> = [
    ['no first copy → new', null, repeat('L1', 10), ctx(), 'new'],
    ['answered ok, same live link, a minute later (she pays twice) → new', first('ok'), repeat('L1', 60_000), ctx(), 'new'],
    ['answered ok, another live link bound long ago → new', first('ok'), repeat('L2', 3000), ctx(), 'new'],
    ['answered ok, the first link went down → redelivery (durable)', first('ok'), repeat('L2', 3000), ctx(['L2']), 'redelivery:link_lost:true'],
    ['answered ok, the repeat on a bind made after the first copy → redelivery', first('ok'), repeat('L2', 3000, T0 + 1000), ctx(), 'redelivery:rebound_since:true'],
    ['answered ok, the first link down, but outside the window → new', first('ok'), repeat('L2', 120_001), ctx(['L2']), 'new'],
    ['answered with an error → redelivery, queued again', first('error'), repeat('L1', 1000), ctx(), 'redelivery:answered_error:false'],
    ['answered late → redelivery (durable)', first('late'), repeat('L1', 6000), ctx(), 'redelivery:answered_late:true'],
    ['unanswered, repeat over another link → redelivery, queued again', first('pending'), repeat('L2', 1500), ctx(), 'redelivery:unanswered_on_lost_link:false'],
    ['unanswered, same link past the SMSC timeout → redelivery', first('pending'), repeat('L1', 5000), ctx(), 'redelivery:unanswered_past_smsc_timeout:false'],
    ['unanswered, same link, a second later (two quick identical texts) → new', first('pending'), repeat('L1', 1000), ctx(), 'new'],
    ['a repeat that claims to be older than the first → new', first('ok'), repeat('L2', -5), ctx([]), 'new'],
  ];
  for (const [name, f, r, c, want] of rows) {
    it(name, () => {
      const v = judgeRepeat(f, r, c);
      assert.equal(v.kind === 'new' ? 'new' : `redelivery:${v.evidence}:${v.durable}`, want);
      if (v.kind === 'redelivery') assert.equal(v.id, 'mo-1', 'a redelivery keeps the first copy’s id');
    });
  }

  it('a repeat on the same live link after an ESME_ROK in time is always a new message (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200_000 }), fc.integer({ min: 0, max: 2 * T0 }), (dt, boundAt) => {
        const v = judgeRepeat(first('ok'), repeat('L1', dt, Math.min(boundAt, T0)), ctx());
        return v.kind === 'new';
      }),
    );
  });

  it('outside the window nothing is a redelivery (property)', () => {
    const answers = fc.constantFrom<FirstCopy['answer']>('pending', 'ok', 'error', 'late');
    fc.assert(
      fc.property(answers, fc.constantFrom('L1', 'L2'), fc.integer({ min: 120_001, max: 10_000_000 }), (a, link, dt) => judgeRepeat(first(a), repeat(link, dt, T0 + 1), ctx([])).kind === 'new'),
    );
  });

  it('answerOf: what we told the SMSC', () => {
    assert.equal(answerOf(0, true, 10, 5000), 'ok');
    assert.equal(answerOf(0, true, 5000, 5000), 'late');
    assert.equal(answerOf(0x64, true, 10, 5000), 'error');
    assert.equal(answerOf(0, false, 10, 5000), 'error');
  });
});
