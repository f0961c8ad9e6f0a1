/**
 * Outbound rate limit in segments (carriers count submit_sm PDUs, not messages:
 * README "Several binds", `segmentsPerSecond`),
 * plus a pause when the SMSC says we are too fast anyway (ESME_RTHROTTLED / ESME_RMSGQFUL).
 *
 * Token bucket: `burst` tokens, refilled at segmentsPerSecond. A request larger than the bucket
 * waits for a full bucket and then drives the balance negative, so the long-run rate still holds
 * and a 10-part message is never blocked forever by a burst of 5.
 *
 * The balance is kept in segment-milliseconds (1 segment = 1000) so that, with integer rates and
 * clock readings, refill and waits are exact integers: no 0.1 + 0.2 drift turning a 100 ms wait
 * into 101 ms.
 */
export const THROTTLE_BACKOFF = {
  initialMs: 250,
  factor: 2,
  maxMs: 10_000,
} as const;

const SEGMENT = 1000;

/** What the sender needs of a throttle: a turn for some segments, and the SMSC's own push-back. */
export interface Throttle {
  waitTurn(segments: number): Promise<void>;
  onThrottled(now: number): void;
  onSuccess(): void;
}

export class SegmentThrottle implements Throttle {
  /** Refill per ms in segment-milliseconds: numerically equal to segments per second. */
  private readonly refillPerMs: number;
  private readonly capacity: number;
  private readonly now: () => number;
  private tokens: number;
  private refilledAt: number;
  private nextBackoffMs: number = THROTTLE_BACKOFF.initialMs;
  private pausedUntilMs = 0;

  constructor(opts: { segmentsPerSecond: number; burst?: number; now?: () => number }) {
    if (!(opts.segmentsPerSecond > 0)) throw new RangeError('segmentsPerSecond must be positive');
    this.refillPerMs = opts.segmentsPerSecond;
    this.capacity = Math.max(1, opts.burst ?? Math.ceil(opts.segmentsPerSecond)) * SEGMENT;
    // Read the clock lazily so fake timers installed after construction still apply.
    this.now = opts.now ?? (() => Date.now());
    this.tokens = this.capacity;
    this.refilledAt = this.now();
  }

  /** Epoch ms until which the SMSC asked us to hold off; 0 or a past time when not paused. */
  get pausedUntil(): number {
    return this.pausedUntilMs;
  }

  /** Milliseconds to wait before sending `segments`; 0 when they may go now. */
  delayFor(segments: number): number {
    const now = this.now();
    this.refill(now);
    const needed = Math.min(segments * SEGMENT, this.capacity);
    const tokenWait = this.tokens >= needed ? 0 : Math.ceil((needed - this.tokens) / this.refillPerMs);
    return Math.max(tokenWait, this.pausedUntilMs - now, 0);
  }

  /** Spends tokens for segments about to be sent (call after delayFor returned 0). */
  take(segments: number): void {
    this.refill(this.now());
    this.tokens -= segments * SEGMENT;
  }

  /** The SMSC answered RTHROTTLED / RMSGQFUL: pause 250 ms, then 500, 1 s, … up to 10 s. */
  onThrottled(now: number = this.now()): void {
    // Answers to submits that were already in flight when the pause began say nothing new: with a
    // window of 10 they would otherwise double the back-off ten times for one event.
    if (now < this.pausedUntilMs) return;
    this.pausedUntilMs = now + this.nextBackoffMs;
    this.nextBackoffMs = Math.min(this.nextBackoffMs * THROTTLE_BACKOFF.factor, THROTTLE_BACKOFF.maxMs);
  }

  /** A submit was accepted: the next throttle answer starts the back-off from the beginning. */
  onSuccess(): void {
    this.nextBackoffMs = THROTTLE_BACKOFF.initialMs;
  }

  /** Sleeps (global setTimeout) until `segments` may be sent, then takes them. */
  async waitTurn(segments: number): Promise<void> {
    for (let delay = this.delayFor(segments); delay > 0; delay = this.delayFor(segments)) {
      await new Promise<void>((resolve) => setTimeout(resolve, delay));
    }
    this.take(segments);
  }

  private refill(now: number): void {
    const elapsed = now - this.refilledAt;
    if (elapsed > 0) {
      this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.refillPerMs);
      this.refilledAt = now;
    }
  }
}
