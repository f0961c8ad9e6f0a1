import type { Decision } from './decision';
import { isTerminal, type Payment } from './payment';

// The slice of one subscriber's state that a decision needs. The store loads it from the subscriber's
// own hash-tagged keys, and applies the decision only if `version` is unchanged (optimistic check).

export interface Device {
  msisdn: string;
  imsi?: string;
  /** false once unbound: its later halves are refused, and its waiting halves no longer match. */
  active: boolean;
  /** Set for a device bound with a MAC key: its payment messages must carry `<counter>:<mac>`. */
  mac?: DeviceMac;
  /** Suspended by an operator: its messages have no effect until it is re-activated. */
  suspended?: boolean;
}

/** A MAC device's verification state, from the subscriber's own keys. */
export interface DeviceMac {
  /** K (device-mac.ts); never logged, never shown. */
  key: Uint8Array;
  /** The last counter accepted (0: none yet). */
  counter: number;
  /** When its recent refused messages came (ms), oldest first; only those within the refusal window. */
  refusals: number[];
}

export interface SubscriberView {
  msisdn: string;
  imsi?: string;
  locked: boolean;
  lockReason?: string;
  balanceMinor: number;
  /** Consecutive failed authentications; reset by a completed payment, and by time (failedAuthDecayMs). */
  failedAuth: number;
  /** When the last failed authentication was counted (ms), if known. */
  failedAuthAt?: number;
  dailySpentMinor: number;
  /** YYYY-MM-DD (UTC) that dailySpentMinor belongs to. */
  dailyDate: string;
  devices: Device[];
  /** Non-terminal payments of this main SIM. */
  open: Payment[];
  /** A recent ended payment of this main SIM that holds the code a device presented (late confirmations). */
  endedWithCode?: Payment;
  version: number;
}

/** The UTC calendar day of a timestamp (YYYY-MM-DD). */
export function utcDate(now: number): string {
  return new Date(now).toISOString().slice(0, 10);
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();
const timeFormats = new Map<string, Intl.DateTimeFormat>();

/** "21:04 01/12/2026": a time people read on a phone, in the operator's zone. */
export function localTime(at: number, timeZone: string): string {
  let f = timeFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', day: '2-digit', month: '2-digit', year: 'numeric', hourCycle: 'h23' });
    timeFormats.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(at).map((p) => [p.type, p.value]));
  return `${parts.hour}:${parts.minute} ${parts.day}/${parts.month}/${parts.year}`;
}

/**
 * The calendar day (YYYY-MM-DD) of a timestamp in an IANA time zone: the daily limit counts the
 * operator's day (config `timezone`), not UTC's. Deterministic for a given zone database.
 */
export function localDate(now: number, timeZone: string): string {
  let f = dayFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(timeZone, f);
  }
  return f.format(now);
}

/**
 * The view after a decision is stored: the same merge the Redis script performs, for tests and for
 * callers that decide several events in a row.
 */
export function applyDecisionToView(view: SubscriberView, d: Decision): SubscriberView {
  const changed = d.payments.length > 0 || Object.keys(d.subscriber).length > 0 || d.devices.length > 0;
  if (!changed) return view;
  const devices = view.devices.map((dev) => {
    const change = d.devices.find((c) => c.msisdn === dev.msisdn);
    if (!change || !dev.mac) return dev;
    return { ...dev, mac: { ...dev.mac, ...(change.counter !== undefined ? { counter: change.counter } : {}), ...(change.refusals ? { refusals: change.refusals } : {}) } };
  });
  const byId = new Map(view.open.map((p) => [p.id, p]));
  for (const p of d.payments) byId.set(p.id, p);
  const defined = Object.fromEntries(Object.entries(d.subscriber).filter(([, v]) => v !== undefined));
  return {
    ...view,
    ...defined,
    devices,
    open: [...byId.values()].filter((p) => !isTerminal(p.state)),
    version: view.version + 1,
  };
}
