// The run's console: timestamped progress lines, and the rounding every phase reports with.
import type { Proc } from './rig';

export const say = (s: string): void => {
  process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${s}\n`);
};

export const round = (x: number, d = 0): number => Math.round(x * 10 ** d) / 10 ** d;

export const mib = (kib: number | null): number | null => (kib === null ? null : round(kib / 1024, 1));

/** BullMQ attempts that failed, as the roles logged them. */
export function countFailed(procs: Proc[]): number {
  let n = 0;
  for (const p of procs) n += (p.log().match(/attempt failed/g) ?? []).length;
  return n;
}
