import { z } from 'zod';
import { REASONS } from '../domain/payment';
import { PAYMENT_STATES } from './admin-schemas';

// The shapes of the admin API's answers (the bodies admin-views.ts builds), as zod schemas: for the
// OpenAPI document (each `id` becomes a component) and for the end-to-end check that real answers
// have these shapes (test/e2e/openapi.test.ts). Objects are loose: a client must ignore fields it
// does not know, so a new field is not a breaking change.

const ms = (what: string) => z.number().int().meta({ description: `${what}, milliseconds since the epoch` });
const iso = (what: string) => z.string().meta({ description: `${what}, ISO 8601 (UTC)` });
const msisdn = z.string().meta({ description: 'E.164 digits without +' });
const role = z.enum(['viewer', 'operator', 'admin']);
const state = z.enum(PAYMENT_STATES as [string, ...string[]]);
const reason = z.enum(Object.keys(REASONS) as [string, ...string[]]);

export const ErrorBody = z.looseObject({ error: z.string().meta({ description: 'what went wrong, in words; for a 400 it names the field' }) }).meta({ id: 'Error' });

export const Money = z.looseObject({ amount: z.string().meta({ description: 'decimal text, e.g. "12.50"' }), currency: z.string().meta({ description: 'ISO 4217' }) }).meta({ id: 'Money' });

export const Device = z
  .looseObject({
    msisdn,
    imsi: z.string().optional(),
    label: z.string().optional(),
    boundAt: ms('when it was bound'),
    mac: z.literal(true).optional().meta({ description: 'a MAC device: its payment messages carry <counter>:<mac> (README "Device MACs")' }),
    counter: z.number().int().optional().meta({ description: 'the last counter accepted from the device' }),
    refusals: z.number().int().optional().meta({ description: 'refused messages within devices.refusalWindowSeconds' }),
    ignoredUntil: z.number().int().optional().meta({ description: 'ms since the epoch: until then the device is ignored (too many refusals)' }),
    suspended: z.literal(true).optional().meta({ description: 'suspended by an operator' }),
  })
  .meta({ id: 'Device' });

/** A MAC device's answer when its key is made (binding, rotation): the only time deviceKey is shown. */
export const DeviceWithKey = Device.extend({ deviceKey: z.string().optional().meta({ description: '32 random bytes, base64url without padding; shown once, never stored' }) }).meta({ id: 'DeviceWithKey' });

export const Subscriber = z
  .looseObject({
    msisdn,
    imsi: z.string().optional(),
    name: z.string().optional(),
    balance: Money,
    locked: z.boolean(),
    lockReason: z.string().optional().meta({ description: 'why it is locked: failed_auth, sim_swap, …' }),
    failedAuth: z.number().int().meta({ description: 'consecutive failed authentications' }),
    devices: z.array(Device).meta({ description: 'actively bound devices' }),
    createdAt: ms('enrolment'),
  })
  .meta({ id: 'Subscriber' });

export const WebhookState = z
  .looseObject({
    lastOutcome: z.string().optional().meta({ description: 'delivered, failed:<status>, failed:no answer or gave_up' }),
    lastAt: z.number().int().optional(),
    lastTime: z.string().optional(),
    lastEvent: z.string().optional(),
    failures: z.number().int(),
    givenUp: z.number().int(),
  })
  .meta({ id: 'WebhookState' });

export const Merchant = z
  .looseObject({
    code: z.string(),
    name: z.string(),
    balance: Money,
    createdAt: ms('creation'),
    msisdn: msisdn.optional(),
    webhookUrl: z.string().optional(),
    webhookSecret: z.string().optional().meta({ description: 'only in the answer to the creation or a rotation' }),
    webhook: WebhookState.optional(),
  })
  .meta({ id: 'Merchant' });

export const MerchantPage = z.looseObject({ merchants: z.array(Merchant), next: z.string().nullable().meta({ description: 'the `after` of the next page; null on the last' }) }).meta({ id: 'MerchantPage' });

export const WebhookSecret = z.looseObject({ code: z.string(), webhookSecret: z.string() }).meta({ id: 'WebhookSecret' });

export const WebhookAttempt = z
  .looseObject({
    at: z.number().int(),
    time: z.string(),
    event: z.string(),
    type: z.string(),
    attempt: z.number().int().meta({ description: '1 for the first attempt of an event' }),
    outcome: z.enum(['delivered', 'failed', 'gave_up']),
    status: z.number().int().nullable().meta({ description: "the merchant's HTTP status; null without an answer" }),
  })
  .meta({ id: 'WebhookAttempt' });

export const WebhookAttempts = z.looseObject({ code: z.string(), attempts: z.array(WebhookAttempt).meta({ description: 'newest first, the last 20' }) }).meta({ id: 'WebhookAttempts' });

export const Credit = z.looseObject({ reference: z.string(), amount: Money, balance: Money }).meta({ id: 'Credit' });

export const HistoryEntry = z
  .looseObject({ at: z.number().int(), time: z.string(), from: state.nullable(), to: state, reason: z.string().meta({ description: `one of ${Object.keys(REASONS).join(', ')}, or refunded` }) })
  .meta({ id: 'HistoryEntry' });

export const Refund = z
  .looseObject({ id: z.string(), paymentId: z.string(), reference: z.string(), amount: Money, merchant: z.string(), at: ms('when it was refunded'), time: iso('the same') })
  .meta({ id: 'Refund' });

export const Payment = z
  .looseObject({
    id: z.string(),
    main: msisdn,
    state,
    amount: Money,
    merchant: z.string(),
    channel: z.enum(['sms', 'ussd']),
    createdAt: ms('creation'),
    expiresAt: ms('end of the payment window'),
    device: msisdn.optional(),
    completedAt: z.number().int().optional(),
    reason: reason.optional(),
    hasCode: z.boolean().meta({ description: 'a confirmation code was issued (the code itself is never shown)' }),
    history: z.array(HistoryEntry).meta({ description: 'every transition, oldest first; refunds included' }),
    refunded: Money.optional().meta({ description: 'on a completed payment: how much was refunded' }),
    refunds: z.array(Refund).optional(),
  })
  .meta({ id: 'Payment' });

export const PaymentList = z.looseObject({ payments: z.array(Payment).meta({ description: 'newest first' }) }).meta({ id: 'PaymentList' });

export const JournalEntry = z
  .looseObject({ id: z.string(), at: iso('when'), kind: z.enum(['credit', 'payment', 'refund']), transferId: z.string(), debit: z.string(), credit: z.string(), amount: Money })
  .meta({ id: 'JournalEntry' });

export const JournalPage = z.looseObject({ entries: z.array(JournalEntry), next: z.string().nullable() }).meta({ id: 'JournalPage' });

export const LedgerCheck = z
  .looseObject({
    ok: z.boolean(),
    entries: z.number().int(),
    accounts: z.number().int(),
    sum: Money,
    pending: z.number().int(),
    unpaired: z.array(z.string()),
    mismatches: z.array(z.looseObject({ account: z.string(), journal: Money, stored: Money })),
  })
  .meta({ id: 'LedgerCheck' });

export const AuditEntry = z
  .looseObject({ id: z.string(), at: iso('when'), operator: z.string(), role, action: z.string(), target: z.string(), requestId: z.string(), details: z.record(z.string(), z.unknown()) })
  .meta({ id: 'AuditEntry' });

export const AuditPage = z.looseObject({ entries: z.array(AuditEntry), next: z.string().nullable() }).meta({ id: 'AuditPage' });

export const Whoami = z.looseObject({ name: z.string().meta({ description: "the token's name" }), role }).meta({ id: 'Whoami' });

export const ConsoleSettings = z
  .looseObject({
    timeZone: z.string().meta({ description: 'IANA zone the console shows times in' }),
    locale: z.string().meta({ description: 'BCP 47 locale for numbers and dates' }),
    currency: z.string(),
    minorDigits: z.number().int(),
    countryCode: z.string(),
    reasons: z.record(z.string(), z.string()).meta({ description: 'payment reason codes in words' }),
  })
  .meta({ id: 'ConsoleSettings' });

const Session = z.looseObject({
  bind: z.string(),
  state: z.string(),
  since: iso('since when in this state'),
  outstanding: z.number().int().meta({ description: 'requests awaiting a response (window in use)' }),
  lastError: z.string().nullable(),
  refused: z.looseObject({ status: z.string(), retryAt: z.string() }).nullable(),
});

export const Connection = z
  .looseObject({
    gateway: z.string(),
    name: z.string(),
    target: z.string(),
    bindMode: z.string(),
    up: z.boolean(),
    canTransmit: z.boolean(),
    window: z.number().int().optional().meta({ description: 'outstanding requests allowed per session' }),
    throughput: z.number().optional().meta({ description: 'configured segments per second' }),
    submitted: z.number().int().optional().meta({ description: 'segments submitted since the gateway started (a rate from two readings)' }),
    sessions: z.array(Session),
  })
  .meta({ id: 'Connection' });

export const Readiness = z
  .looseObject({ status: z.enum(['ready', 'unavailable']), binds: z.number().int(), reasons: z.array(z.string()).optional(), connections: z.array(Connection) })
  .meta({ id: 'Readiness' });

export const QueueDepth = z
  .looseObject({ waiting: z.number().int(), active: z.number().int(), delayed: z.number().int(), prioritized: z.number().int(), failed: z.number().int() })
  .meta({ id: 'QueueDepth' });

export const Network = z
  .looseObject({ at: iso('when this was read'), readiness: Readiness, queues: z.record(z.string(), QueueDepth).meta({ description: 'jobs by state, per queue (mo, mt, merchant)' }) })
  .meta({ id: 'Network' });

export const Health = z.looseObject({ status: z.literal('ok') }).meta({ id: 'Health' });
