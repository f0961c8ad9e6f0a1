/**
 * submit_sm validity_period (SMPP 3.4 §7.1.1): "YYMMDDhhmmsstnnp". `p` is '+'/'-' for an absolute
 * time with `nn` quarter hours from UTC, or 'R' for a time relative to when the SMSC receives it
 * (then the fields are a duration: years, months, days, hours, minutes, seconds). Relative needs no
 * agreement on clocks, so it is the default; some SMSCs accept only absolute times.
 */
export type ValidityMode = 'relative' | 'absolute' | 'none';

const pad = (n: number): string => String(n).padStart(2, '0');

/** '' (no validity: the SMSC's default) for 'none'; at least one second from now otherwise. */
export function validityPeriod(deadlineMs: number, nowMs: number, mode: ValidityMode): string {
  if (mode === 'none') return '';
  if (mode === 'absolute') {
    const d = new Date(Math.max(deadlineMs, nowMs + 1000));
    return `${pad(d.getUTCFullYear() % 100)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}000+`;
  }
  let s = Math.max(1, Math.ceil((deadlineMs - nowMs) / 1000));
  // Relative durations count days up to 99 here rather than months (a month has no fixed length);
  // no reply of ours waits longer.
  const days = Math.min(99, Math.floor(s / 86400));
  s = days === 99 ? Math.min(s - days * 86400, 86399) : s - days * 86400;
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = s % 60;
  return `0000${pad(days)}${pad(hours)}${pad(minutes)}${pad(seconds)}000R`;
}
