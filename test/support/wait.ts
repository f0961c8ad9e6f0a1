// Waiting for a condition with a deadline, for every kind of test (unit, simulator, integration,
// e2e, the browser): no sleeps standing in for conditions. Imports nothing, so the simulator's own
// tests use it without loading src/.

export interface WaitOptions<T> {
  /** When the value `probe` returned is the one waited for (by default: any truthy value). */
  accept?: (value: T) => boolean;
  timeoutMs?: number;
  everyMs?: number;
}

/**
 * Polls `probe` until it returns a truthy value (or one `accept` takes) or the deadline passes;
 * then throws naming `what`, with the last value seen or the last error (a probe that throws is
 * tried again until the deadline).
 */
export function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs?: number, everyMs?: number): Promise<T>;
export function waitFor<T>(what: string, probe: () => Promise<T>, options: WaitOptions<T>): Promise<T>;
export async function waitFor<T>(what: string, probe: () => Promise<T>, timeoutOrOptions: number | WaitOptions<T> = {}, every?: number): Promise<T> {
  const options: WaitOptions<T> = typeof timeoutOrOptions === 'number' ? { timeoutMs: timeoutOrOptions, everyMs: every } : timeoutOrOptions;
  const { accept = (v: T) => Boolean(v), timeoutMs = 15000, everyMs = 50 } = options;
  const deadline = Date.now() + timeoutMs;
  let seen = false;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await probe();
      seen = true;
      lastError = undefined;
      if (accept(last)) return last;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const lastSeen = lastError ? `last error: ${(lastError as Error).message}` : seen ? `last seen: ${JSON.stringify(last)?.slice(0, 500)}` : 'nothing seen';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${lastSeen})`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
