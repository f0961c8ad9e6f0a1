import { decision, type Decision, type DeviceChange } from './decision';
import { paymentMac, sameMac, type HmacSha256 } from './device-mac';
import type { DeviceAuth } from './grammar';
import { deviceMessageRefusedText, deviceRefusalAlertText, deviceSuspendedText, tooManyAttemptsText } from './replies';
import type { Device, DeviceMac } from './view';

// The gate in front of a device's payment message (README "Security", device MACs). A suspended
// device is ignored. A MAC device's message must carry `<counter>:<mac>` with a counter above the
// last accepted and the MAC of exactly this payer, amount, merchant, code and counter; anything
// else is refused — no money, a brief answer that never says which part failed, an alert to the
// owner — and counts against the device, never the owner. Past `deviceRefusalLimit` refusals within
// `deviceRefusalWindowMs` the device is ignored until they leave the window, so a stolen device
// cannot guess a PIN faster than that, and a forger cannot switch it off for good (ignored messages
// do not count). The counter and the refusals are written with the decision, in the subscriber's
// slot, under its version check: two workers can never both accept one counter.

export interface DeviceAuthRules {
  /** Refusals within the window after which the device's messages are ignored. */
  deviceRefusalLimit: number;
  deviceRefusalWindowMs: number;
  hmac: HmacSha256;
}

/** What the gate looks at in a device's message. */
export interface DeviceMessage {
  amountMinor: number;
  merchant: string;
  code?: string;
  auth?: DeviceAuth;
}

export type DeviceGate = { pass: true; change?: DeviceChange } | { pass: false; decision: Decision };

/** The device's refusals that still count at `now`, oldest first. */
export function recentRefusals(mac: Pick<DeviceMac, 'refusals'>, now: number, windowMs: number): number[] {
  return mac.refusals.filter((at) => at > now - windowMs).sort((a, b) => a - b);
}

/** Until when (ms) the device's messages are ignored, or null when they are not. */
export function deviceBlockedUntil(mac: Pick<DeviceMac, 'refusals'>, now: number, rules: Pick<DeviceAuthRules, 'deviceRefusalLimit' | 'deviceRefusalWindowMs'>): number | null {
  const recent = recentRefusals(mac, now, rules.deviceRefusalWindowMs);
  if (recent.length < rules.deviceRefusalLimit) return null;
  return recent[recent.length - rules.deviceRefusalLimit] + rules.deviceRefusalWindowMs;
}

export function deviceGate(main: string, device: Device, msg: DeviceMessage, ctx: DeviceAuthRules & { now: number }): DeviceGate {
  if (device.suspended) return ignored(device.msisdn, deviceSuspendedText(), 'device_suspended', 'device_suspended');
  const mac = device.mac;
  if (!mac) return { pass: true };
  if (deviceBlockedUntil(mac, ctx.now, ctx) !== null) return ignored(device.msisdn, tooManyAttemptsText(), 'too_many_attempts', 'device_blocked');
  const auth = msg.auth;
  if (auth && auth.counter > mac.counter) {
    const expected = paymentMac(mac.key, { main, amountMinor: msg.amountMinor, merchant: msg.merchant, code: msg.code, counter: auth.counter }, ctx.hmac);
    if (sameMac(expected, auth.mac)) return { pass: true, change: { msisdn: device.msisdn, counter: auth.counter } };
  }
  const refusals = [...recentRefusals(mac, ctx.now, ctx.deviceRefusalWindowMs), ctx.now];
  return {
    pass: false,
    decision: decision('refused', {
      replies: [
        { to: device.msisdn, text: deviceMessageRefusedText(), kind: 'device_refused' },
        { to: main, text: deviceRefusalAlertText(), kind: 'device_alert' },
      ],
      devices: [{ msisdn: device.msisdn, refusals }],
      reason: 'device_mac_refused',
    }),
  };
}

/** No effect at all; the answer obeys the per-MSISDN reply limit. */
function ignored(to: string, text: string, kind: 'device_suspended' | 'too_many_attempts', reason: 'device_suspended' | 'device_blocked'): DeviceGate {
  return { pass: false, decision: decision('refused', { replies: [{ to, text, kind, limited: true }], reason }) };
}

/** The accepted counter goes with whatever the message then decided. */
export function withDeviceChange(d: Decision, change: DeviceChange | undefined): Decision {
  return change ? { ...d, devices: [...d.devices, change] } : d;
}
