import type { Logger } from 'pino';
import type { ScriptClient } from './scripts';

/**
 * This instance's own bucket (the connection's SegmentThrottle in src/smpp): it keeps the SMSC's
 * push-back, and is the fallback while Redis cannot be asked. Named here so that the store does not
 * depend on the SMPP transport.
 */
export interface LocalThrottle {
  /** Epoch ms until which the SMSC asked this instance to hold off. */
  readonly pausedUntil: number;
  waitTurn(segments: number): Promise<void>;
  onThrottled(now: number): void;
  onSuccess(): void;
}

/**
 * The carrier's limit shared by every gateway bound with one SMSC account (throughputScope
 * "per-account"): the tokens live in Redis (takeTokens.lua), the SMSC's throttle answers still
 * pause this instance through its own bucket. While Redis cannot be asked, this instance falls back
 * to its own bucket at the full rate (no MT job can be taken from Redis then anyway).
 */
export class SharedThrottle {
  private warned = false;

  constructor(
    private readonly scripts: ScriptClient,
    private readonly key: string,
    private readonly local: LocalThrottle,
    private readonly segmentsPerSecond: number,
    private readonly log: Logger,
  ) {}

  async waitTurn(segments: number): Promise<void> {
    for (;;) {
      const paused = this.local.pausedUntil - Date.now();
      if (paused > 0) {
        await sleep(paused);
        continue;
      }
      let waitMs: number;
      try {
        waitMs = Number(await this.scripts.run('takeTokens', [this.key], [Date.now(), this.segmentsPerSecond, Math.max(1, Math.ceil(this.segmentsPerSecond)), segments]));
      } catch (err) {
        if (!this.warned) this.log.warn({ err: (err as Error).message }, 'shared throughput bucket unavailable: this gateway uses its own');
        this.warned = true;
        return this.local.waitTurn(segments);
      }
      this.warned = false;
      if (waitMs <= 0) return;
      await sleep(waitMs);
    }
  }

  onThrottled(now: number): void {
    this.local.onThrottled(now);
  }

  onSuccess(): void {
    this.local.onSuccess();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
