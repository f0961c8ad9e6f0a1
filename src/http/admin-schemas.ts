import { z } from 'zod';
import { parseAmount } from '../domain/money';
import { normaliseMsisdn } from '../domain/msisdn';
import { isPaymentId, TRANSITIONS, type PaymentState } from '../domain/payment';

// Request validation for the admin API: strict zod schemas (unknown fields are errors), and one
// formatter that turns the first problem into `{error: "<field>: <message>"}`.

/** Sanity bound for amounts in requests (credits, opening balances): 1e12 minor units. */
export const MAX_REQUEST_AMOUNT_MINOR = 1e12;

export const PAYMENT_STATES = Object.keys(TRANSITIONS) as PaymentState[];

/** A request that does not match its schema; answered 400 with `message` as the error. */
export class ValidationError extends Error {
  readonly httpStatus = 400;
  constructor(message: string) {
    super(message);
    this.name = 'ValidationError';
  }
}

export interface SchemaConfig {
  countryCode: string;
  minorDigits: number;
}

function text(what = 'a string') {
  return z.string({ error: (iss) => (iss.input === undefined ? 'required' : `must be ${what}`) });
}

const PRINTABLE = /^[^\u0000-\u001f\u007f]*$/;

/** All request schemas, bound to the configured calling code and currency digits. */
export function adminSchemas(cfg: SchemaConfig) {
  const msisdn = text().transform((s, ctx) => {
    const n = normaliseMsisdn(s, cfg.countryCode);
    if (n === null) {
      ctx.addIssue({ code: 'custom', message: 'not a valid MSISDN (expected +<country code><number>, <country code><number> or a national number)' });
      return z.NEVER;
    }
    return n;
  }).meta({ description: 'an MSISDN: +<country code><number>, <country code><number> or a national number', examples: ['254700000001'] });

  const amount = (allowZero: boolean) =>
    text('a decimal string such as "12.50"').transform((s, ctx) => {
      if (allowZero && /^0+(\.0+)?$/.test(s) && (s.split('.')[1] ?? '').length <= cfg.minorDigits) return 0;
      const r = parseAmount(s, cfg.minorDigits, MAX_REQUEST_AMOUNT_MINOR);
      if (r.ok) return r.minor;
      const message = {
        format: `must be a decimal amount such as "${cfg.minorDigits ? `12.${'5'.padEnd(cfg.minorDigits, '0')}` : '12'}"`,
        too_many_decimals: cfg.minorDigits ? `at most ${cfg.minorDigits} decimals` : 'must be a whole number',
        too_large: 'too large',
        zero: 'must be greater than 0',
      }[r.reason];
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }).meta({ description: `a decimal amount with at most ${cfg.minorDigits} decimals`, examples: [cfg.minorDigits ? `12.${'5'.padEnd(cfg.minorDigits, '0')}` : '12'] });

  const imsi = text().regex(/^[0-9]{6,15}$/, 'must be 6 to 15 digits');
  // Webhooks go to HTTP(S) URLs only (never file:, ftp:, …), without credentials in them.
  const webhookUrl = text().refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password && s.length <= 2000;
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// URL without credentials');
  const label = (max: number) =>
    text()
      .trim()
      .min(1, 'must not be empty')
      .max(max, `at most ${max} characters`)
      .regex(PRINTABLE, 'must not contain control characters');
  const limit = (max: number) =>
    text()
      .regex(/^[0-9]{1,3}$/, `must be an integer from 1 to ${max}`)
      .transform(Number)
      .refine((n) => n >= 1 && n <= max, `must be an integer from 1 to ${max}`)
      .optional();
  // A PIN is typed on the device's keypad; it never travels, only a MAC made with it does.
  const pin = text('a string of 4 to 8 digits').regex(/^[0-9]{4,8}$/, 'must be 4 to 8 digits');
  const merchantCode = text()
    .regex(/^[A-Za-z0-9]{2,20}$/, 'must be 2 to 20 ASCII letters or digits')
    .transform((s) => s.toUpperCase());

  return {
    createSubscriber: z.strictObject({ msisdn, imsi: imsi.optional(), name: label(100).optional(), balance: amount(true).optional() }),
    bindDevice: z
      .strictObject({ msisdn, imsi: imsi.optional(), label: label(64).optional(), mac: z.boolean({ error: 'must be true or false' }).optional(), pin: pin.optional() })
      .superRefine((b, ctx) => {
        if (b.pin !== undefined && b.mac !== true) ctx.addIssue({ code: 'custom', path: ['pin'], message: 'only for a MAC device ("mac": true)' });
      }),
    /** A new deviceKey for a bound device (rotation, or a new PIN; without pin: a device without PIN). */
    deviceKey: z.strictObject({ pin: pin.optional() }),
    credit: z.strictObject({
      amount: amount(false),
      reference: text().regex(/^[A-Za-z0-9._:/-]{1,64}$/, 'must be 1 to 64 characters: letters, digits and . _ : / -'),
    }),
    empty: z.strictObject({}),
    unlock: z.strictObject({ reason: label(200).optional().meta({ description: 'why the lock is cleared (kept in the audit log)' }) }),
    createMerchant: z.strictObject({ code: merchantCode, name: label(100), msisdn: msisdn.optional(), webhookUrl: webhookUrl.optional() }),
    subscriberPath: z.strictObject({ msisdn }),
    devicePath: z.strictObject({ msisdn, deviceMsisdn: msisdn }),
    merchantPath: z.strictObject({ code: merchantCode }),
    paymentPath: z.strictObject({ id: text().refine(isPaymentId, 'not a payment id').meta({ description: 'a payment id: P and 16 Crockford base32 characters' }) }),
    listPayments: z.strictObject({
      msisdn,
      state: z.enum(PAYMENT_STATES as [PaymentState, ...PaymentState[]], { error: () => `must be one of: ${PAYMENT_STATES.join(', ')}` }).optional(),
      limit: limit(100),
    }),
    merchantList: z.strictObject({ after: merchantCode.optional().meta({ description: 'the last code of the previous page' }), limit: limit(100) }),
    auditQuery: z.strictObject({
      after: text().regex(/^[0-9]{1,15}$/, 'must be an audit entry id (a whole number)').optional(),
      limit: limit(500),
    }),
  };
}

export type AdminSchemas = ReturnType<typeof adminSchemas>;

type Where = 'body' | 'query' | 'path';

/** Parses `value` or throws ValidationError naming the first bad field. */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, where: Where): z.output<S> {
  if (where === 'body' && value === undefined) throw new ValidationError('body: must be a JSON object (send content-type: application/json)');
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new ValidationError(describe(r.error.issues[0], where));
}

function describe(issue: z.core.$ZodIssue, where: Where): string {
  if (issue.code === 'unrecognized_keys') return `${issue.keys.join(', ')}: unknown ${where === 'body' ? 'field' : 'parameter'}`;
  if (issue.path.length === 0) return `${where}: ${issue.code === 'invalid_type' ? 'must be a JSON object' : issue.message}`;
  return `${issue.path.join('.')}: ${issue.message}`;
}
