import type { Logger } from 'pino';

/**
 * Runs `task` every `everyMs`, never two at once, logging failures; the returned stop function
 * waits for a run in progress. Used by the sweepers (payment expiries, USSD deadlines) and the gateway's MO backlog check.
 */
export function startPeriodic(name: string, task: () => Promise<void>, everyMs: number, log: Logger): () => Promise<void> {
  let running: Promise<void> | null = null;
  const tick = (): void => {
    if (running) return;
    running = task()
      .catch((err: Error) => log.warn({ task: name, err: err.message }, 'periodic task failed'))
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
