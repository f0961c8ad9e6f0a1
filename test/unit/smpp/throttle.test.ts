import assert from 'node:assert/strict';
import { install, type Clock } from '@sinonjs/fake-timers';
import { SegmentThrottle } from '../../../src/smpp/throttle';

describe('smpp/throttle', () => {
  describe('token bucket (injected clock)', () => {
    let now: number;
    const clockNow = () => now;
    beforeEach(() => {
      now = 1_000_000;
    });

    it('allows a burst, then one segment per 1/rate seconds', () => {
      const t = new SegmentThrottle({ segmentsPerSecond: 10, burst: 5, now: clockNow });
      for (let i = 0; i < 5; i++) {
        assert.equal(t.delayFor(1), 0, `segment ${i + 1} of the burst`);
        t.take(1);
      }
      assert.equal(t.delayFor(1), 100);
      now += 99;
      assert.equal(t.delayFor(1), 1);
      now += 1;
      assert.equal(t.delayFor(1), 0);
    });

    it('counts multi-segment messages as their segment count', () => {
      const t = new SegmentThrottle({ segmentsPerSecond: 10, burst: 5, now: clockNow });
      t.take(3);
      assert.equal(t.delayFor(2), 0);
      assert.equal(t.delayFor(3), 100);
    });

    it('defaults the burst to one second of rate', () => {
      const t = new SegmentThrottle({ segmentsPerSecond: 4, now: clockNow });
      assert.equal(t.delayFor(4), 0);
      assert.equal(t.delayFor(5), 0, 'more than the burst waits only for a full bucket');
      t.take(4);
      assert.equal(t.delayFor(1), 250);
    });

    it('lets a message larger than the burst go on a full bucket and pays the debt after', () => {
      const t = new SegmentThrottle({ segmentsPerSecond: 10, burst: 2, now: clockNow });
      assert.equal(t.delayFor(6), 0);
      t.take(6);
      assert.equal(t.delayFor(1), 500, '4 segments of debt + 1 at 10/s');
    });

    it('keeps the long-run rate', () => {
      const t = new SegmentThrottle({ segmentsPerSecond: 20, burst: 1, now: clockNow });
      const start = now;
      for (let sent = 0; sent < 100; ) {
        const delay = t.delayFor(1);
        if (delay > 0) now += delay;
        else (t.take(1), sent++);
      }
      assert.equal(now - start, 99 * 50);
    });

    it('backs off 250, 500, 1000 … capped at 10 s after throttle answers', () => {
      const t = new SegmentThrottle({ segmentsPerSecond: 1000, now: clockNow });
      const pauses: number[] = [];
      for (let i = 0; i < 8; i++) {
        t.onThrottled(now);
        pauses.push(t.pausedUntil - now);
        assert.equal(t.delayFor(1), t.pausedUntil - now);
        now = t.pausedUntil;
        assert.equal(t.delayFor(1), 0);
      }
      assert.deepEqual(pauses, [250, 500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
    });

    it('restarts the back-off at 250 ms after a success', () => {
      const t = new SegmentThrottle({ segmentsPerSecond: 1000, now: clockNow });
      for (let i = 0; i < 3; i++) {
        t.onThrottled();
        now = t.pausedUntil;
      }
      t.onSuccess();
      t.onThrottled();
      assert.equal(t.pausedUntil - now, 250);
    });

    it('neither shortens nor escalates a running pause (answers to submits already in flight)', () => {
      const t = new SegmentThrottle({ segmentsPerSecond: 1000, now: clockNow });
      t.onThrottled(); // 250 from now
      for (let i = 0; i < 9; i++) t.onThrottled(); // the rest of a window of 10 answering
      assert.equal(t.pausedUntil - now, 250);
      now += 250;
      t.onThrottled(); // a new throttle answer after the pause: escalates once
      assert.equal(t.pausedUntil - now, 500);
    });
  });

  describe('waitTurn (fake timers)', () => {
    let clock: Clock;
    beforeEach(() => {
      clock = install({ now: 0, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    });
    afterEach(() => clock.uninstall());

    it('sleeps until the bucket allows the segments', async () => {
      const t = new SegmentThrottle({ segmentsPerSecond: 2, burst: 1 });
      await t.waitTurn(1);
      let done = false;
      void t.waitTurn(1).then(() => (done = true));
      await clock.tickAsync(499);
      assert.equal(done, false);
      await clock.tickAsync(1);
      assert.equal(done, true);
    });

    it('sleeps through a throttle pause', async () => {
      const t = new SegmentThrottle({ segmentsPerSecond: 100 });
      t.onThrottled();
      let done = false;
      void t.waitTurn(1).then(() => (done = true));
      await clock.tickAsync(249);
      assert.equal(done, false);
      await clock.tickAsync(1);
      assert.equal(done, true);
    });
  });
});
