import type { Logger } from 'pino';
import type { UssdSessionStore } from '../store/ussd-sessions';
import { ussdMetrics } from './ussd-metrics';

/**
 * Counts USSD sessions that reached their deadline while open. Their Redis keys expire on their own
 * (that is the clean-up); this only moves them out of the deadline index and into the metric. Safe
 * with many workers: each session is counted by the one whose ZREM removed it.
 */
export function startUssdSweeper(sessions: UssdSessionStore, everyMs: number, log: Logger): () => Promise<void> {
  let running: Promise<void> | null = null;
  const tick = (): void => {
    if (running) return;
    running = sessions
      .sweepTimedOut(Date.now())
      .then((n) => {
        if (n > 0) ussdMetrics.sessionsEnded.inc({ reason: 'timed_out' }, n);
      })
      .catch((err: Error) => log.warn({ err: err.message }, 'USSD session sweep failed'))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
