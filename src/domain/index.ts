// The pure payment domain: import from here. Nothing below does I/O or reads the clock.
export * from './money';
export * from './msisdn';
export * from './code';
export * from './grammar';
export * from './payment';
export * from './ids';
export * from './replies';
export * from './decision';
export * from './view';
export * from './base32';
export * from './device-mac';
export { deviceBlockedUntil, recentRefusals, type DeviceAuthRules } from './device-auth';
export { decide, EXPIRY_EARLY_TOLERANCE_MS, type DecideContext, type PaymentEvent } from './decide';
export type { SettleContext, SecondHalf } from './settle';
