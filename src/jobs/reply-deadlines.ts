import type { Config } from '../config';

/** Reply kinds whose worth ends with the payment window: a code, or "your device is waiting". */
const WINDOW_BOUND_KINDS: ReadonlySet<string> = new Set(['code_issued', 'device_waiting']);

/**
 * How long a reply of a kind may wait for a link (ms): `replies.deadlineSeconds[kind]`, else the
 * payment window for the window-bound kinds, else `replies.deadlineSeconds.default`. A receipt
 * ("Paid …") is worth a day's wait; a confirmation code is worthless once its payment has expired.
 */
export function replyDeadlines(config: Config): (kind: string) => number {
  const table = config.replies.deadlineSeconds;
  return (kind) => {
    const configured = table[kind];
    if (configured !== undefined) return configured * 1000;
    if (WINDOW_BOUND_KINDS.has(kind)) return config.payments.windowSeconds * 1000;
    return table.default * 1000;
  };
}
