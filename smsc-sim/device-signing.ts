// A debit device that signs its own payment messages (simpair README "Security", device MACs):
// provisioned with the deviceKey simpair returned at binding and the subscriber's PIN, the handset
// appends `<counter>:<mac>` to each `PAY <amount> <merchant> [<code>]` it sends, counting up. Two
// switches break it on purpose: `tamper` sends a wrong MAC, `replay` sends the last signed
// message again, unchanged. Settings come from PUT /handsets/:msisdn/signing (api-device.ts) or
// the web page; GET never shows the key or the PIN.
//
// The signing function below is the simulator's own copy of simpair's device side
// (src/domain/device-mac.ts): smsc-sim never imports src/, so this small duplication across the
// boundary is intended. Both are checked against the test vectors in simpair's README
// (test/unit/domain/device-mac.test.ts and test/sim/device-signing.test.ts).
import { createHmac } from 'node:crypto';
import { normalizeMsisdn } from './faults';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const MAC_LENGTH = 10;

/** RFC 4648 base32, upper case, no padding. */
export function base32NoPad(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(buffer << (5 - bits)) & 31];
  return out;
}

const hmac = (key: Uint8Array, message: string): Buffer => createHmac('sha256', key).update(message, 'utf8').digest();

/** `<counter>:<mac>` for one payment: K = HMAC(deviceKey, pin) (deviceKey without a PIN), mac over "<main>|<minor>|<MERCHANT>|<code>|<counter>". */
export function signToken(deviceKey: Uint8Array, pin: string | null, f: { main: string; amountMinor: number; merchant: string; code?: string; counter: number }): string {
  const k = pin ? hmac(deviceKey, pin) : deviceKey;
  const input = `${f.main}|${f.amountMinor}|${f.merchant.toUpperCase()}|${f.code ?? ''}|${f.counter}`;
  return `${f.counter}:${base32NoPad(hmac(k, input)).slice(0, MAC_LENGTH)}`;
}

interface Signer {
  deviceKey: Buffer;
  pin: string | null;
  main: string;
  minorDigits: number;
  counter: number;
  tamper: boolean;
  replay: boolean;
  lastText: string | null;
}

/** What GET shows: never the key or the PIN. */
export interface SignerView {
  msisdn: string;
  provisioned: boolean;
  main?: string;
  withPin?: boolean;
  minorDigits?: number;
  counter?: number;
  tamper?: boolean;
  replay?: boolean;
  lastText?: string | null;
}

const PAY = /^\s*PAY\s+(\S+)\s+(\S+)(?:\s+(\S+))?\s*$/i;
const PIN = /^[0-9]{4,8}$/;

export class DeviceSigners {
  private readonly signers = new Map<string, Signer>();

  /** `onChange` hears of every change of a handset's settings or counter (not of resets). */
  constructor(private readonly onChange: (view: SignerView) => void = () => {}) {}

  view(msisdn: string): SignerView {
    const key = normalizeMsisdn(msisdn);
    const s = this.signers.get(key);
    if (!s) return { msisdn: key, provisioned: false };
    return { msisdn: key, provisioned: true, main: s.main, withPin: s.pin !== null, minorDigits: s.minorDigits, counter: s.counter, tamper: s.tamper, replay: s.replay, lastText: s.lastText };
  }

  /** PUT body → the new settings, or an error naming the field. A first PUT needs deviceKey and main; a new deviceKey starts the counter at 0. */
  set(msisdn: string, body: unknown): SignerView | { error: string } {
    if (!body || typeof body !== 'object' || Array.isArray(body)) return { error: 'body: expected a JSON object {deviceKey, pin?, main, counter?, minorDigits?, tamper?, replay?}' };
    const b = body as Record<string, unknown>;
    const allowed = ['deviceKey', 'pin', 'main', 'counter', 'minorDigits', 'tamper', 'replay'];
    for (const k of Object.keys(b)) if (!allowed.includes(k)) return { error: `${k}: unknown field (expected ${allowed.join(', ')})` };
    const key = normalizeMsisdn(msisdn);
    const old = this.signers.get(key);
    let deviceKey = old?.deviceKey;
    if (b.deviceKey !== undefined) {
      const raw = typeof b.deviceKey === 'string' && /^[A-Za-z0-9_-]{43}$/.test(b.deviceKey) ? Buffer.from(b.deviceKey, 'base64url') : null;
      if (!raw || raw.length !== 32) return { error: 'deviceKey: expected 32 bytes as base64url without padding (43 characters), as simpair returned it' };
      deviceKey = raw;
    }
    if (!deviceKey) return { error: 'deviceKey: required to provision this handset' };
    if (b.pin !== undefined && b.pin !== null && (typeof b.pin !== 'string' || !PIN.test(b.pin))) return { error: 'pin: expected 4 to 8 digits, or null for none' };
    if (b.main !== undefined && (typeof b.main !== 'string' || !/^\+?[0-9]{3,20}$/.test(b.main))) return { error: 'main: expected the main SIM MSISDN (3-20 digits)' };
    const main = b.main !== undefined ? normalizeMsisdn(b.main as string) : old?.main;
    if (!main) return { error: 'main: required (the main SIM the device is bound to)' };
    if (b.counter !== undefined && !(Number.isSafeInteger(b.counter) && (b.counter as number) >= 0 && String(b.counter).length <= 15)) return { error: 'counter: expected an integer 0-999999999999999 (the next message uses counter + 1)' };
    if (b.minorDigits !== undefined && !(Number.isInteger(b.minorDigits) && (b.minorDigits as number) >= 0 && (b.minorDigits as number) <= 4)) return { error: 'minorDigits: expected an integer 0-4' };
    for (const f of ['tamper', 'replay']) if (b[f] !== undefined && typeof b[f] !== 'boolean') return { error: `${f}: expected a boolean` };
    const newKey = b.deviceKey !== undefined && (!old || !old.deviceKey.equals(deviceKey));
    this.signers.set(key, {
      deviceKey,
      pin: b.pin !== undefined ? ((b.pin as string | null) ?? null) : (old?.pin ?? null),
      main,
      minorDigits: (b.minorDigits as number | undefined) ?? old?.minorDigits ?? 2,
      counter: (b.counter as number | undefined) ?? (newKey ? 0 : (old?.counter ?? 0)),
      tamper: (b.tamper as boolean | undefined) ?? old?.tamper ?? false,
      replay: (b.replay as boolean | undefined) ?? old?.replay ?? false,
      lastText: newKey ? null : (old?.lastText ?? null),
    });
    return this.changed(key);
  }

  clear(msisdn: string): SignerView {
    this.signers.delete(normalizeMsisdn(msisdn));
    return this.changed(msisdn);
  }

  private changed(msisdn: string): SignerView {
    const view = this.view(msisdn);
    this.onChange(view);
    return view;
  }

  /**
   * The text a handset actually sends for `text`: unchanged unless it is provisioned and the text
   * is a PAY without a token; `pin` is the PIN typed for this message (default: the provisioned
   * one). With `replay` on, the last signed message again, whatever was typed.
   */
  prepare(msisdn: string, text: string, pin?: string): { text: string } | { error: string } {
    const s = this.signers.get(normalizeMsisdn(msisdn));
    if (!s) return pin === undefined ? { text } : { error: 'pin: this handset has no device key (PUT /handsets/:msisdn/signing)' };
    if (s.replay && s.lastText !== null) return { text: s.lastText };
    const m = PAY.exec(text);
    const amountMinor = m ? minorUnits(m[1], s.minorDigits) : null;
    if (!m || amountMinor === null || (m[3] !== undefined && m[3].includes(':'))) return { text };
    s.counter += 1;
    let token = signToken(s.deviceKey, pin ?? s.pin, { main: s.main, amountMinor, merchant: m[2], code: m[3]?.toUpperCase(), counter: s.counter });
    if (s.tamper) token = tampered(token);
    s.lastText = `${text.trim()} ${token}`;
    this.changed(msisdn);
    return { text: s.lastText };
  }

  reset(): void {
    this.signers.clear();
  }
}

/** "12.50" → 1250 with 2 minor digits; null when it is not such an amount. */
function minorUnits(text: string, digits: number): number | null {
  const m = /^([0-9]{1,12})(?:\.([0-9]+))?$/.exec(text);
  if (!m || (m[2] ?? '').length > digits) return null;
  return Number(m[1]) * 10 ** digits + Number((m[2] ?? '').padEnd(digits, '0') || 0);
}

/** The same token with the MAC's last character changed. */
function tampered(token: string): string {
  const last = token.at(-1)!;
  return token.slice(0, -1) + BASE32[(BASE32.indexOf(last) + 1) % BASE32.length];
}
