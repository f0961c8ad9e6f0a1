import assert from 'node:assert/strict';
import { install, type Clock } from '@sinonjs/fake-timers';
import { RequestWindow, type WindowSlot } from '../../../src/smpp/window';

/** Lets resolved promises run their continuations. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('smpp/window', () => {
  let clock: Clock;
  beforeEach(() => {
    clock = install({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(() => clock.uninstall());

  async function fill(window: RequestWindow, n: number): Promise<WindowSlot[]> {
    const slots: WindowSlot[] = [];
    for (let i = 0; i < n; i++) slots.push(await window.acquire());
    return slots;
  }

  it('grants 10 slots, then the 11th waits until one is released', async () => {
    const window = new RequestWindow({ size: 10, timeoutMs: 30_000 });
    const slots = await fill(window, 10);
    assert.equal(window.outstanding, 10);

    let eleventh: WindowSlot | undefined;
    void window.acquire().then((slot) => (eleventh = slot));
    await flush();
    assert.equal(eleventh, undefined);
    assert.equal(window.waiting, 1);

    slots[3]!.release();
    await flush();
    assert.ok(eleventh);
    assert.equal(window.waiting, 0);
    assert.equal(window.outstanding, 10);
  });

  it('serves waiters first come, first served', async () => {
    const window = new RequestWindow({ size: 1, timeoutMs: 30_000 });
    const [first] = await fill(window, 1);
    const order: string[] = [];
    const a = window.acquire().then((slot) => (order.push('a'), slot));
    void window.acquire().then(() => order.push('b'));
    first!.release();
    (await a).release();
    await flush();
    assert.deepEqual(order, ['a', 'b']);
  });

  it('makes release idempotent', async () => {
    const window = new RequestWindow({ size: 2, timeoutMs: 30_000 });
    const [a, b] = await fill(window, 2);
    a!.release();
    a!.release();
    assert.equal(window.outstanding, 1);
    b!.release();
    assert.equal(window.outstanding, 0);
  });

  it('frees a slot after timeoutMs and calls its timeout callback once', async () => {
    const window = new RequestWindow({ size: 1, timeoutMs: 5_000 });
    const [slot] = await fill(window, 1);
    let calls = 0;
    slot!.onTimeout(() => calls++);
    let next: WindowSlot | undefined;
    void window.acquire().then((s) => (next = s));

    await clock.tickAsync(4_999);
    assert.equal(calls, 0);
    assert.equal(slot!.timedOut, false);
    assert.equal(next, undefined);

    await clock.tickAsync(1);
    assert.equal(calls, 1);
    assert.equal(slot!.timedOut, true);
    assert.ok(next, 'the waiter got the freed slot');

    slot!.release(); // a late response must not free someone else's slot
    assert.equal(window.outstanding, 1);
    let late = 0;
    slot!.onTimeout(() => late++);
    assert.equal(late, 1, 'registering after the timeout calls back at once');
  });

  it('times a waiter from when it got its slot, not from when it asked', async () => {
    const window = new RequestWindow({ size: 1, timeoutMs: 1_000 });
    const [first] = await fill(window, 1);
    const pending = window.acquire();
    await clock.tickAsync(600);
    first!.release();
    const second = await pending;
    await clock.tickAsync(999);
    assert.equal(second.timedOut, false);
    await clock.tickAsync(1);
    assert.equal(second.timedOut, true);
  });

  it('does not time out a released slot', async () => {
    const window = new RequestWindow({ size: 1, timeoutMs: 1_000 });
    const [slot] = await fill(window, 1);
    let calls = 0;
    slot!.onTimeout(() => calls++);
    slot!.release();
    await clock.tickAsync(5_000);
    assert.equal(calls, 0);
    assert.equal(clock.countTimers(), 0);
  });

  it('close rejects waiters, frees slots, stops timers and refuses new acquires', async () => {
    const window = new RequestWindow({ size: 1, timeoutMs: 1_000 });
    const [slot] = await fill(window, 1);
    let timeouts = 0;
    slot!.onTimeout(() => timeouts++);
    const waiter = window.acquire();
    const err = new Error('disconnected');

    window.close(err);
    await assert.rejects(waiter, err);
    assert.equal(window.outstanding, 0);
    assert.equal(window.waiting, 0);
    await assert.rejects(window.acquire(), err);
    await clock.tickAsync(5_000);
    assert.equal(timeouts, 0);
    assert.equal(clock.countTimers(), 0);
    slot!.release();
    assert.equal(window.outstanding, 0);
  });
});
