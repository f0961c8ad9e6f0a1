/**
 * Delay before reconnect attempt `attempt` (0 = first retry after a disconnect).
 *
 * "Full jitter" (AWS Architecture Blog, "Exponential Backoff and Jitter"): uniform in
 * [0, min(maxMs, baseMs * 2^attempt)] so many gateways restarting together spread out.
 * Pure full jitter can return ~0 ms, which against a flapping SMSC (accepts the TCP connection,
 * drops it at bind) means hammering it; so the lower bound is raised to baseMs / 2 and the
 * draw is uniform in [baseMs / 2, ceiling] (spread, not clamped, so there is no spike at the floor).
 */
export function reconnectDelay(
  attempt: number,
  opts: { baseMs: number; maxMs: number; random?: () => number },
): number {
  const random = opts.random ?? Math.random;
  const exponent = Math.max(0, Math.floor(attempt));
  const ceiling = Math.min(opts.maxMs, opts.baseMs * 2 ** exponent); // 2**1100 = Infinity, min() copes
  const floor = Math.min(opts.baseMs / 2, ceiling);
  return floor + random() * (ceiling - floor);
}
