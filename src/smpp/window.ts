/**
 * Window of outstanding requests on one SMPP session (README "Links": `window`
 * outstanding requests, each with `smpp.responseTimeoutMs`).
 *
 * node-smpp never expires a response callback, so a lost submit_sm_resp would hold its slot
 * forever. Each slot therefore frees itself timeoutMs after it was granted and tells its owner,
 * who treats the request as lost. Timers are the global setTimeout/clearTimeout so
 * @sinonjs/fake-timers can drive them.
 *
 * One window per bound session: close() on disconnect is final, later acquire() calls reject.
 */
export interface WindowSlot {
  /** Frees the slot. Idempotent; a no-op after the slot timed out or the window closed. */
  release(): void;
  /** Called once when the slot times out (immediately if it already has). */
  onTimeout(callback: () => void): void;
  readonly timedOut: boolean;
}

interface Waiter {
  resolve: (slot: WindowSlot) => void;
  reject: (err: Error) => void;
}

export class RequestWindow {
  private readonly size: number;
  private readonly timeoutMs: number;
  private readonly active = new Set<Slot>();
  private readonly waiters: Waiter[] = [];
  private closedWith: Error | undefined;

  constructor(opts: { size: number; timeoutMs: number }) {
    if (!Number.isInteger(opts.size) || opts.size < 1) throw new RangeError('window size must be a positive integer');
    this.size = opts.size;
    this.timeoutMs = opts.timeoutMs;
  }

  get outstanding(): number {
    return this.active.size;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  /** Resolves when a slot is free; waiters are served first come, first served. */
  acquire(): Promise<WindowSlot> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    if (this.active.size < this.size && this.waiters.length === 0) return Promise.resolve(this.grant());
    return new Promise<WindowSlot>((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Rejects every waiter with err and frees every slot without calling timeout callbacks. */
  close(err: Error): void {
    if (this.closedWith) return;
    this.closedWith = err;
    for (const slot of this.active) slot.discard();
    this.active.clear();
    for (const waiter of this.waiters.splice(0)) waiter.reject(err);
  }

  private grant(): Slot {
    const slot = new Slot(this.timeoutMs, (freed) => this.free(freed));
    this.active.add(slot);
    return slot;
  }

  private free(slot: Slot): void {
    if (!this.active.delete(slot)) return;
    const next = this.waiters.shift();
    if (next) next.resolve(this.grant());
  }
}

class Slot implements WindowSlot {
  private state: 'held' | 'released' | 'timed_out' = 'held';
  private readonly timer: ReturnType<typeof setTimeout>;
  private readonly timeoutCallbacks: (() => void)[] = [];

  constructor(timeoutMs: number, private readonly onFree: (slot: Slot) => void) {
    this.timer = setTimeout(() => this.expire(), timeoutMs);
  }

  get timedOut(): boolean {
    return this.state === 'timed_out';
  }

  release(): void {
    if (this.state !== 'held') return;
    this.state = 'released';
    clearTimeout(this.timer);
    this.onFree(this);
  }

  onTimeout(callback: () => void): void {
    if (this.state === 'timed_out') callback();
    else this.timeoutCallbacks.push(callback);
  }

  /** Window closed: stop the timer; the session's own error handling reports the loss. */
  discard(): void {
    if (this.state !== 'held') return;
    this.state = 'released';
    clearTimeout(this.timer);
    this.timeoutCallbacks.length = 0;
  }

  private expire(): void {
    if (this.state !== 'held') return;
    this.state = 'timed_out';
    this.onFree(this);
    for (const callback of this.timeoutCallbacks.splice(0)) callback();
  }
}
