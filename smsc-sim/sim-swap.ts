// The SIM records behind the operator's SIM-swap check (api-sim-swap.ts): for each handset, when
// its SIM was last changed, if ever. Handsets are keyed without a leading '+', like the inboxes; a
// handset never marked has never been swapped. POST /reset forgets every mark.
import { normalizeMsisdn } from './faults';

export interface SimSwapView {
  msisdn: string; // without a leading '+'
  swappedAt: string | null; // ISO time of the latest SIM change, null = never swapped
}

const HOUR_MS = 3_600_000;

export class SimSwapStore {
  private readonly swappedAt = new Map<string, number>(); // msisdn → epoch ms

  /** `onChange` hears of every PUT /handsets/:msisdn/sim-swap (not of resets: those have their own event). */
  constructor(private readonly onChange: (view: SimSwapView) => void = () => {}) {}

  view(msisdn: string): SimSwapView {
    const key = normalizeMsisdn(msisdn);
    const at = this.swappedAt.get(key);
    return { msisdn: key, swappedAt: at === undefined ? null : new Date(at).toISOString() };
  }

  /** Marks (epoch ms) or clears (null) the handset's latest SIM change. */
  set(msisdn: string, at: number | null): SimSwapView {
    const key = normalizeMsisdn(msisdn);
    if (at === null) this.swappedAt.delete(key);
    else this.swappedAt.set(key, at);
    const view = this.view(key);
    this.onChange(view);
    return view;
  }

  /** CAMARA check: swapped within the last `maxAgeHours` hours (up to now, both ends included). */
  swappedWithin(msisdn: string, maxAgeHours: number, now = Date.now()): boolean {
    const at = this.swappedAt.get(normalizeMsisdn(msisdn));
    return at !== undefined && at <= now && now - at <= maxAgeHours * HOUR_MS;
  }

  reset(): void {
    this.swappedAt.clear();
  }
}

// RFC 3339 date-time with a zone (the form CAMARA uses): a time without a zone would mean a
// different instant on every machine.
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/i;
const MSISDN = /^\+?\d{3,20}$/;

export function checkMsisdn(msisdn: string): string | null {
  return MSISDN.test(msisdn) ? null : 'msisdn: expected an MSISDN of 3-20 digits (a leading + is ignored)';
}

/** Date.parse rolls 2024-02-30 over into March; a mark must name a day and a time that exist. */
function realDate(iso: string): boolean {
  const [y, m, d, hh, mm, ss = 0] = (/^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(iso) ?? []).slice(1).filter(Boolean).map(Number);
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate(); // day 0 of the next month = the last of this one
  return m >= 1 && m <= 12 && d >= 1 && d <= days && hh <= 23 && mm <= 59 && ss <= 59;
}

/** PUT /handsets/:msisdn/sim-swap body → epoch ms, null (clear), or an error naming the field. */
export function parseSwapMark(body: unknown, now = Date.now()): { at: number | null } | { error: string } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { error: 'body: expected a JSON object {"swappedAt": "<ISO time>" | "now" | null}' };
  const b = body as Record<string, unknown>;
  for (const key of Object.keys(b)) if (key !== 'swappedAt') return { error: `${key}: unknown field (expected swappedAt)` };
  const expected = 'swappedAt: expected an ISO time with a zone (e.g. "2024-05-01T12:00:00Z"), "now" or null';
  if (!Object.hasOwn(b, 'swappedAt')) return { error: expected };
  const v = b.swappedAt;
  if (v === null) return { at: null };
  if (v === 'now') return { at: now };
  if (typeof v !== 'string' || !RFC3339.test(v)) return { error: expected };
  const at = Date.parse(v);
  if (Number.isNaN(at) || !realDate(v)) return { error: expected };
  if (at > now) return { error: 'swappedAt: must not be in the future' };
  return { at };
}
