import type { Logger } from 'pino';
import { metrics } from '../metrics';
import { startPeriodic } from '../jobs/periodic';

/**
 * Intake back-pressure (README "Overload"): when the oldest MO waiting in the MO queue has waited
 * longer than the limit, the workers are behind and every MO taken now only makes each later one
 * slower (one subscriber's halves start to conflict, replies bunch up, the payment window runs out
 * while her MO waits). New MOs are then answered ESME_RTHROTTLED, a temporary error (SMPP 3.4
 * §5.1.3): the SMSC keeps them and redelivers later, so nothing is lost and nothing acknowledged
 * waits here. Intake resumes once the wait is back under half the limit, so the gateway does not
 * flap at the boundary. Delivery receipts are never refused: they do not go through the MO queue.
 */
export function nextAdmitting(admitting: boolean, oldestWaitingAt: number | null, now: number, limitMs: number): boolean {
  const waitedMs = oldestWaitingAt === null ? 0 : Math.max(0, now - oldestWaitingAt);
  return admitting ? waitedMs <= limitMs : waitedMs <= limitMs / 2;
}

export interface BacklogGuardOptions {
  /** When the oldest MO job still waiting for a worker was queued (ms), or null when none waits. */
  oldestWaitingAt(): Promise<number | null>;
  /** mo.maxBacklogSeconds in ms; 0 switches the guard off. */
  limitMs: number;
  /** How often the queue is looked at. */
  intervalMs: number;
  log: Logger;
}

export class BacklogGuard {
  private admittingNow = true;
  private stopChecks: (() => Promise<void>) | null = null;

  constructor(private readonly opts: BacklogGuardOptions) {}

  /** Whether a new MO may be taken now. */
  get admitting(): boolean {
    return this.admittingNow;
  }

  start(): void {
    if (this.opts.limitMs <= 0 || this.stopChecks) return;
    this.stopChecks = startPeriodic('mo-backlog-check', () => this.check(), this.opts.intervalMs, this.opts.log);
  }

  async stop(): Promise<void> {
    await this.stopChecks?.();
    this.stopChecks = null;
  }

  private async check(): Promise<void> {
    let oldest: number | null;
    try {
      oldest = await this.opts.oldestWaitingAt();
    } catch {
      return; // Redis unreachable: intake's own writes fail and answer ESME_RX_T_APPN meanwhile
    }
    const next = nextAdmitting(this.admittingNow, oldest, Date.now(), this.opts.limitMs);
    if (next === this.admittingNow) return;
    this.admittingNow = next;
    metrics.moIntakeThrottling.set(next ? 0 : 1);
    if (next) this.opts.log.warn('MO backlog back under half its limit: taking MOs again');
    else this.opts.log.warn({ waitedMs: oldest === null ? 0 : Date.now() - oldest, limitMs: this.opts.limitMs }, 'MO backlog past its limit: answering new MOs ESME_RTHROTTLED until the workers catch up');
  }
}
