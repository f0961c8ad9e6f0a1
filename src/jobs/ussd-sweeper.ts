import type { Logger } from 'pino';
import type { UssdSessionStore } from '../store/ussd-sessions';
import { ussdMetrics } from './ussd-metrics';
import { startPeriodic } from './periodic';

/**
 * Counts USSD sessions that reached their deadline while open. Their Redis keys expire on their own
 * (that is the clean-up); this only moves them out of the deadline index and into the metric. Safe
 * with many workers: each session is counted by the one whose ZREM removed it.
 */
export function startUssdSweeper(sessions: UssdSessionStore, everyMs: number, log: Logger): () => Promise<void> {
  return startPeriodic(
    'ussd-sweep',
    async () => {
      const n = await sessions.sweepTimedOut(Date.now());
      if (n > 0) ussdMetrics.sessionsEnded.inc({ reason: 'timed_out' }, n);
    },
    everyMs,
    log,
  );
}
