import { createHash } from 'node:crypto';
import { z } from 'zod';

// One schema for the whole configuration: config/default.json, an optional JSON file named by
// SIMPAIR_CONFIG, then the environment variables listed in ENV_OVERRIDES. Errors name the setting.

const port = z.number().int().min(0).max(65535);
const positiveInt = z.number().int().positive();
const decimalAmount = z.string().regex(/^\d+(\.\d+)?$/, 'must be a decimal amount such as "5000.00"');
const smppUrl = /^smpps?:\/\/[^:/,\s]+:\d+\/?$/;
const messageIdFormat = z.enum(['hex', 'decimal', 'string']);

/** Roles of admin API tokens, weakest first (README "Admin API"). */
export const ADMIN_ROLES = ['viewer', 'operator', 'admin'] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];

/**
 * A named admin API token as it is kept after config load: only the SHA-256 of the token (hex),
 * never the token itself. `ADMIN_TOKEN` is one of these named `admin` with role admin.
 */
export interface AdminTokenDigest {
  name: string;
  role: AdminRole;
  tokenSha256: string;
}

export const ADMIN_TOKEN_NAME = /^[A-Za-z0-9_.-]{1,32}$/;

/** SHA-256 of a token, lower-case hex: the form tokens are kept and compared in (see http/auth.ts). */
export function tokenSha256(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

const bearerToken = z
  .string()
  .min(16, 'must be at least 16 characters')
  .regex(/^\S+$/, 'must not contain spaces');

/**
 * One `name=role:token` item of ADMIN_TOKENS, as an object; null when it has not that shape. The
 * name cannot hold `=` and the role cannot hold `:`, so a token may contain both (base64 padding).
 */
export function parseAdminTokenItem(item: string): { name: string; role: string; token: string } | null {
  const eq = item.indexOf('=');
  if (eq < 0) return null;
  const colon = item.indexOf(':', eq + 1);
  if (colon < 0) return null;
  return { name: item.slice(0, eq).trim(), role: item.slice(eq + 1, colon).trim(), token: item.slice(colon + 1).trim() };
}

/**
 * An entry of `adminTokens`: {name, role, token} or {name, role, tokenSha256} (so a config file
 * need not hold the token), or the text `name=role:token` (each item of ADMIN_TOKENS). Messages
 * never quote the value: it may be a token.
 */
const adminTokenEntry = z
  .unknown()
  .transform((v, ctx) => {
    if (typeof v !== 'string') return v;
    const parsed = parseAdminTokenItem(v);
    if (parsed) return parsed;
    ctx.addIssue({ code: 'custom', message: 'must be name=role:token' });
    return z.NEVER;
  })
  .pipe(
    z
      .strictObject(
        {
          name: z.string({ error: 'required' }).regex(ADMIN_TOKEN_NAME, 'must be 1-32 letters, digits, _ . -'),
          role: z.enum(ADMIN_ROLES, { error: () => `must be one of ${ADMIN_ROLES.join(', ')}` }),
          token: z
            .string({ error: 'must be a string' })
            .min(16, 'must be at least 16 characters')
            .regex(/^\S+$/, 'must not contain spaces')
            .optional(),
          tokenSha256: z
            .string({ error: 'must be a string' })
            .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex digits (the SHA-256 of the token, e.g. `printf %s "$TOKEN" | sha256sum`)')
            .optional(),
        },
        { error: (iss) => (iss.code === 'unrecognized_keys' ? `unknown field ${iss.keys.join(', ')} (expected name, role, token or tokenSha256)` : 'must be an object {name, role, token} or {name, role, tokenSha256}') },
      )
      .superRefine((e, ctx) => {
        if ((e.token === undefined) === (e.tokenSha256 === undefined)) ctx.addIssue({ code: 'custom', message: 'needs exactly one of token and tokenSha256' });
      })
      .transform((e): AdminTokenDigest => ({ name: e.name, role: e.role, tokenSha256: e.token !== undefined ? tokenSha256(e.token) : e.tokenSha256!.toLowerCase() })),
  );

const throughputScope = z.enum(['per-bind', 'per-account'], { error: 'must be per-bind or per-account' });

/**
 * What one SMSC connection may say for itself; anything left out comes from the `smpp` defaults.
 * A carrier hands out two to four binds and an operator may connect to several carriers, so every
 * carrier-specific habit (credentials, bind mode, coding, id format, IMSI TLV) is per connection.
 */
export const connectionSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_.-]{1,32}$/, 'must be 1-32 letters, digits, _ . -'),
    url: z.string().regex(smppUrl, 'must look like smpp://host:port or smpps://host:port'),
    systemId: z.string().min(1).max(15, 'SMPP 3.4 system_id is at most 15 characters'),
    password: z.string().max(8, 'SMPP 3.4 password is at most 8 characters'),
    systemType: z.string().max(12),
    bindMode: z.enum(['transceiver', 'receiver+transmitter']),
    window: z.number().int().min(1).max(1000),
    segmentsPerSecond: z.number().positive(),
    throughputScope: throughputScope,
    addrTon: z.number().int().min(0).max(6),
    addrNpi: z.number().int().min(0).max(18),
    addressRange: z.string().max(40),
    /** The sender of our submit_sm: the service number, or an alphanumeric name with sourceTon 5. */
    sourceAddr: z.string().min(1).max(20).nullable(),
    sourceTon: z.number().int().min(0).max(6),
    sourceNpi: z.number().int().min(0).max(18),
    /** Destination prefixes (E.164 digits) this connection carries MT for; empty = any. */
    routes: z.array(z.string().regex(/^[0-9]{1,15}$/, 'must be digits')),
    /** What data_coding 0 ("SMSC default alphabet", SMPP 3.4 §5.2.19) means on this SMSC. */
    defaultAlphabet: z.enum(['gsm7', 'latin1']),
    /** How this SMSC writes message ids in submit_sm_resp (and receipted_message_id, §5.3.2.12). */
    messageIdFormat,
    /** How it writes the id in the receipt text (Appendix B is vendor-specific). */
    receiptTextIdFormat: messageIdFormat,
    imsiTlvTag: z.number().int().min(0x1400).max(0x3fff).nullable(),
    imsiEncoding: z.enum(['ascii', 'tbcd']),
    messageIdTlvTag: z.number().int().min(0x0001).max(0xffff).nullable(),
    tlsCaFile: z.string().min(1).nullable(),
    /** Connections that share one message-id space (binds of one SMSC account); default system id + host. */
    idScope: z.string().min(1).max(64).nullable(),
    validityPeriod: z.enum(['relative', 'absolute', 'none']),
    registeredDelivery: z.boolean(),
  })
  .partial()
  .extend({ url: z.string().regex(smppUrl, 'must look like smpp://host:port or smpps://host:port') });

const timeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as Africa/Nairobi');

export const configSchema = z.object({
  serviceNumber: z.string().regex(/^[0-9]{3,15}$/, 'must be 3 to 15 digits'),
  countryCode: z.string().regex(/^[1-9][0-9]{0,2}$/, 'must be a country calling code such as 254'),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as KES'),
  minorDigits: z.number().int().min(0).max(4),
  /** IANA time zone of the operator: the daily limit counts its calendar day. */
  timezone: timeZone,
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  /** The operator's console (/console): times in `timeZone` (null: `timezone`), numbers in `locale`. */
  console: z.object({
    timeZone: timeZone.nullable(),
    locale: z.string().refine((l) => {
      try {
        return Intl.NumberFormat.supportedLocalesOf([l]).length > 0;
      } catch {
        return false;
      }
    }, 'must be a BCP 47 locale such as en-KE'),
  }),
  http: z.object({
    port,
    host: z.string().min(1),
    bodyLimit: z.string().min(1),
    /** Where a process without the api role serves /metrics and /healthz (null: nowhere). */
    metricsPort: port.nullable(),
    /** Failed admin authentications one client address may make per minute before it gets 429. */
    authFailuresPerMinute: positiveInt,
  }),
  redis: z.object({
    url: z.string().regex(/^rediss?:\/\/.+/, 'must look like redis://host:port').nullable(),
    /** Redis Cluster seed nodes, host:port (REDIS_CLUSTER_NODES); when given, `url` must be null. */
    clusterNodes: z.array(z.string().regex(/^[A-Za-z0-9.\-\[\]:]+:\d{1,5}$/, 'must be host:port')),
    queuePrefix: z.string().regex(/^\{[^{}]+\}$/, 'must be a Redis hash tag such as {simpair}'),
    keyPrefix: z.string().min(1),
    /**
     * Connect and command timeout of the connections that must fail fast while Redis is down (MO
     * intake, the API): past it a command fails, and intake answers ESME_RX_T_APPN (the SMSC
     * redelivers), HTTP 503. The workers' connections wait through an outage instead.
     */
    failFastTimeoutMs: z.number().int().min(100).max(60_000),
  }),
  smpp: z.object({
    /** One SMSC URL, or several separated by commas (each a connection with the settings below). */
    url: z
      .string()
      .refine((v) => v.split(',').every((u) => smppUrl.test(u.trim())), 'must look like smpp://host:port (several separated by commas; smpps:// for TLS)')
      .nullable(),
    /** Connections described one by one (they replace `url` when given). */
    connections: z.array(connectionSchema),
    systemId: z.string().min(1).max(15, 'SMPP 3.4 system_id is at most 15 characters'),
    password: z.string().max(8, 'SMPP 3.4 password is at most 8 characters'),
    systemType: z.string().max(12),
    bindMode: z.enum(['transceiver', 'receiver+transmitter']),
    enquireLinkMs: positiveInt,
    enquireLinkTimeoutMs: positiveInt,
    responseTimeoutMs: positiveInt,
    connectTimeoutMs: positiveInt,
    window: z.number().int().min(1).max(1000),
    segmentsPerSecond: z.number().positive(),
    /** per-bind: each gateway's connection has the whole limit; per-account: all gateways share it (Redis). */
    throughputScope,
    reconnectBaseMs: positiveInt,
    reconnectMaxMs: positiveInt,
    imsiTlvTag: z.number().int().min(0x1400).max(0x3fff).nullable(),
    imsiEncoding: z.enum(['ascii', 'tbcd']),
    messageIdTlvTag: z.number().int().min(0x0001).max(0xffff).nullable(),
    addrTon: z.number().int().min(0).max(6),
    addrNpi: z.number().int().min(0).max(18),
    addressRange: z.string().max(40),
    sourceAddr: z.string().min(1).max(20).nullable(),
    defaultAlphabet: z.enum(['gsm7', 'latin1']),
    messageIdFormat,
    receiptTextIdFormat: messageIdFormat,
    /** CA bundle (PEM) that smpps:// certificates must chain to; null = the system's CAs. */
    tlsCaFile: z.string().min(1).nullable(),
    validityPeriod: z.enum(['relative', 'absolute', 'none']),
    /** A link must stay bound this long before the reconnect back-off starts again from its base. */
    stableAfterMs: positiveInt,
    /** Retry interval after a bind refused for its credentials (carriers bar accounts that hammer). */
    credentialRetryMs: positiveInt,
    /** How long a submit_sm_resp that missed responseTimeoutMs is still awaited before a resend. */
    lateResponseGraceMs: z.number().int().min(0),
    /** How long a reply waits for a transmitting bind before its job is retried (it stays queued). */
    linkWaitMs: positiveInt,
    reassemblyTtlMs: positiveInt,
    maxMessageOctets: positiveInt,
    sourceTon: z.number().int().min(0).max(6),
    sourceNpi: z.number().int().min(0).max(18),
    destTon: z.number().int().min(0).max(6),
    destNpi: z.number().int().min(0).max(18),
    registeredDelivery: z.boolean(),
    mtConcurrency: positiveInt,
    mtMaxAttempts: positiveInt,
    /** Tries of one part of a reply on temporary SMSC statuses (or a lost bind) before its job is retried later. */
    partAttempts: positiveInt,
  }),
  mo: z.object({
    /**
     * How long after a first copy a repeat can still be its redelivery; within it a repeat is one only
     * with evidence (see README "message identity"), otherwise it is a new message.
     */
    dedupeWindowSeconds: positiveInt,
    /** The most MOs one group commit at intake writes as one job (1: a job per MO, as before). */
    groupCommitMax: positiveInt,
    /** How long the SMSC waits for our deliver_sm_resp before it redelivers (an answer later is "late"). */
    smscResponseTimeoutMs: positiveInt,
    /**
     * Back-pressure: while the oldest MO waiting for a worker has waited longer than this, new MOs
     * are answered ESME_RTHROTTLED (the SMSC redelivers them) until the wait is under half of it
     * (gateway/backlog-guard.ts). 0 switches it off.
     */
    maxBacklogSeconds: z.number().int().min(0).max(86400),
    /** How long an SMSC message id (smpp.messageIdTlvTag) is remembered. */
    messageIdRetentionSeconds: positiveInt,
    repliesPerMsisdnPerMinute: positiveInt,
    /** A durable write at intake that takes longer is answered ESME_RX_T_APPN (the SMSC redelivers). */
    enqueueTimeoutMs: positiveInt,
  }),
  /** The gateway role's own timers and memory (src/gateway/gateway.ts). */
  gateway: z.object({
    /**
     * How often a gateway publishes its links to the status board; a status counts as current for
     * three of these, so a crashed gateway's links count as gone about that long after it died.
     */
    statusIntervalMs: z.number().int().min(100).max(10_000),
    /** How often concatenated MOs whose parts stopped arriving (smpp.reassemblyTtlMs) are given up. */
    reassemblySweepMs: positiveInt,
    /** How often the age of the oldest waiting MO is read for back-pressure (mo.maxBacklogSeconds). */
    backlogCheckMs: positiveInt,
    /** How many senders' last connection a gateway remembers, to answer on the connection they came in on. */
    routeMemory: z.number().int().min(0),
  }),
  replies: z.object({
    /**
     * Reply kind → seconds a reply may wait for a link before it is failed (and validity_period on
     * submit_sm). `default` for kinds not listed; kinds tied to the payment window (the code, the
     * device's "waiting") default to the window, USSD screens to the session timeout.
     */
    deadlineSeconds: z.record(z.string(), positiveInt).refine((r) => typeof r.default === 'number', 'must have a default'),
    /** The most steps whose replies one group commit writes as one reply job (1: a job per step). */
    groupCommitMax: positiveInt,
    /** A reply job that takes longer to be written fails its step, which is retried (its replies are idempotent). */
    enqueueTimeoutMs: positiveInt,
  }),
  payments: z.object({
    windowSeconds: z.number().int().min(2).max(3600),
    strict: z.boolean(),
    maxPayment: decimalAmount,
    dailyMax: decimalAmount,
    maxFailedAuth: z.number().int().min(1).max(100),
    /** The owner's failed authentications older than this no longer count toward her lockout. */
    failedAuthDecaySeconds: positiveInt,
    /** An IMSI-enrolled SIM whose MO has no readable IMSI: `refuse` (no code) or `allow`. */
    missingImsiPolicy: z.enum(['refuse', 'allow']),
    /** Unknown or foreign codes one sender may present within presenterWindowSeconds before it is ignored. */
    presenterMaxFailures: z.number().int().min(1).max(1000),
    presenterWindowSeconds: positiveInt,
  }),
  /** MAC devices (README "Security", device MACs). */
  devices: z.object({
    /** Refused messages of one MAC device within refusalWindowSeconds after which its messages are ignored. */
    refusalLimit: z.number().int().min(1).max(100),
    /** The window the refusals count in; an ignored device works again once they leave it. */
    refusalWindowSeconds: z.number().int().min(1).max(7 * 24 * 3600),
    /**
     * Seals the devices' verification keys at rest (AES-256-GCM): 32 bytes as 64 hex digits or
     * base64. null = kept unsealed in Redis (still never returned or logged); set it in production.
     */
    keyEncryptionKey: z
      .string()
      .refine((v) => /^[0-9a-fA-F]{64}$/.test(v) || Buffer.from(v, 'base64').length === 32, 'must be 32 bytes: 64 hex digits or base64')
      .nullable(),
  }),
  /**
   * The operator's SIM-swap check (GSMA Open Gateway / CAMARA SIM Swap style: POST {url}/check
   * {phoneNumber, maxAge} → {swapped}); null url = not used.
   */
  simSwap: z.object({
    url: z.string().regex(/^https?:\/\/.+/, 'must be an http(s) URL').nullable(),
    token: z.string().min(1).nullable(),
    maxAgeHours: z.number().int().min(1).max(2400),
    timeoutMs: positiveInt,
    /** When the check does not answer in time: `refuse` the request (default) or `allow` it. */
    onUnavailable: z.enum(['refuse', 'allow']),
  }),
  /**
   * How long records that only guard against what can still arrive are kept (README "Deploying":
   * Redis is sized by bytes per pair × rate × these). Payments, journal lines and transfer ids are
   * kept for good; these expire.
   */
  retention: z.object({
    /**
     * An applied-MO marker (with the replies of its step, re-sent by a retried job): as long as the
     * same MO can be processed again — a BullMQ retry, a stalled job, a redelivery requeued under its
     * first id. At least mo.dedupeWindowSeconds (checked in loadConfig).
     */
    appliedMoSeconds: positiveInt,
    /**
     * A reply's record and its parts' SMSC-id pointers: as long as a delivery receipt can still come
     * (the longest reply deadline, which is also its validity_period, plus the SMSC's own delay).
     * At least the longest replies.deadlineSeconds (checked in loadConfig).
     */
    replySeconds: positiveInt,
  }),
  /** Merchant webhooks: one attempt's time limit, and how long an event is retried. */
  webhooks: z.object({
    timeoutMs: positiveInt,
    deadlineSeconds: positiveInt,
    /** Merchant notices (SMS and webhooks) one worker process delivers at a time. */
    concurrency: z.number().int().min(1).max(1000),
    /** Merchant-outbox entries a relay has held this long unacknowledged (it died) are taken over by another. */
    relayLeaseMs: z.number().int().min(1000),
    /** How long the relay's read of new outbox entries blocks in Redis (also its pause after a Redis error). */
    relayReadBlockMs: z.number().int().min(10).max(60_000),
    /** How often, when nothing new came, the relay looks for entries a dead relay left behind. */
    relayClaimIntervalMs: z.number().int().min(1000),
  }),
  worker: z.object({
    concurrency: z.number().int().min(1).max(1000),
    /** How long a job's lock lasts; a worker that dies holds its jobs this long at most. */
    lockDurationMs: z.number().int().min(1000),
    /** How often workers look for jobs whose worker died (BullMQ stalled-job recovery). */
    stalledIntervalMs: z.number().int().min(500),
    /** How often a job may be recovered from a dead worker before it is failed (it may be what kills them). */
    maxStalledCount: z.number().int().min(1).max(1000),
    /** A claimed payment expiry not finished within this time is taken up by another worker. */
    expiryLeaseMs: z.number().int().min(1000),
    /** How often the expiry set is swept for payment windows that ended: expiry is exact to about this. */
    expirySweepMs: positiveInt,
    /** How long a ledger relay holds a claimed account before another may take it (it died). */
    ledgerLeaseMs: z.number().int().min(1000),
    /** Pause of the ledger relay between looks at the due set when it was empty. */
    ledgerIdleMs: positiveInt,
    /** How often USSD sessions past their lifetime are looked for and ended. */
    ussdSweepMs: positiveInt,
    /**
     * How long a graceful shutdown may take before the process exits anyway (exit code 1): a Redis
     * command that never returns must not keep a stopping process alive; what it held is recovered
     * like a crash's (stalled jobs, unacknowledged MOs, leased claims).
     */
    shutdownGraceMs: positiveInt,
  }),
  ussd: z.object({
    /** The code subscribers dial; one-shot strings extend it (*778*12.50*SHOP42#). */
    serviceCode: z.string().regex(/^\*[0-9]{2,6}#$/, 'must be a USSD service code such as *778#'),
    /** Overall lifetime of a session from the dial; networks end idle sessions sooner. */
    sessionTimeoutSeconds: z.number().int().min(2).max(3600),
  }),
  /** ADMIN_TOKEN: one token named `admin` with role admin; kept as its SHA-256 only. */
  adminToken: bearerToken.nullable().transform((t): AdminTokenDigest | null => (t === null ? null : { name: 'admin', role: 'admin', tokenSha256: tokenSha256(t) })),
  /** ADMIN_TOKENS / adminTokens: named tokens with roles; names and tokens unique (checked in loadConfig). */
  adminTokens: z.array(adminTokenEntry),
  embedded: z.object({
    dataDir: z.string().min(1),
    redisPort: port,
    adminToken: z.string().min(16),
    demo: z.object({
      subscriber: z.string(),
      device: z.string(),
      balance: decimalAmount,
      merchant: z.string(),
      merchantName: z.string(),
    }),
  }),
});

export type Config = z.infer<typeof configSchema>;

type Parse = (raw: string) => unknown;
const asString: Parse = (raw) => raw;
const asInt: Parse = (raw) => (/^-?\d+$/.test(raw.trim()) ? Number(raw) : raw);
/** Comma-separated items (ADMIN_TOKENS="treasury=admin:<token>,audit=viewer:<token>"); empty items are skipped. */
const asList: Parse = (raw) =>
  raw
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');
const asBool: Parse = (raw) => (raw === 'true' || raw === '1' ? true : raw === 'false' || raw === '0' ? false : raw);

/** Environment variable → config path, with how to read its text. */
export const ENV_OVERRIDES: ReadonlyArray<{ env: string; path: string; parse: Parse }> = [
  { env: 'REDIS_URL', path: 'redis.url', parse: asString },
  { env: 'REDIS_CLUSTER_NODES', path: 'redis.clusterNodes', parse: asList },
  { env: 'SMPP_URL', path: 'smpp.url', parse: asString },
  { env: 'SMPP_SYSTEM_ID', path: 'smpp.systemId', parse: asString },
  { env: 'SMPP_PASSWORD', path: 'smpp.password', parse: asString },
  { env: 'SERVICE_NUMBER', path: 'serviceNumber', parse: asString },
  { env: 'HTTP_PORT', path: 'http.port', parse: asInt },
  { env: 'RETENTION_APPLIED_MO_SECONDS', path: 'retention.appliedMoSeconds', parse: asInt },
  { env: 'RETENTION_REPLY_SECONDS', path: 'retention.replySeconds', parse: asInt },
  { env: 'HTTP_HOST', path: 'http.host', parse: asString },
  { env: 'METRICS_PORT', path: 'http.metricsPort', parse: asInt },
  { env: 'ADMIN_TOKEN', path: 'adminToken', parse: asString },
  { env: 'ADMIN_TOKENS', path: 'adminTokens', parse: asList },
  { env: 'HTTP_AUTH_FAILURES_PER_MINUTE', path: 'http.authFailuresPerMinute', parse: asInt },
  { env: 'LOG_LEVEL', path: 'logLevel', parse: asString },
  { env: 'TIMEZONE', path: 'timezone', parse: asString },
  { env: 'CONSOLE_TIME_ZONE', path: 'console.timeZone', parse: asString },
  { env: 'CONSOLE_LOCALE', path: 'console.locale', parse: asString },
  { env: 'PAYMENT_WINDOW_SECONDS', path: 'payments.windowSeconds', parse: asInt },
  { env: 'PAYMENT_STRICT', path: 'payments.strict', parse: asBool },
  { env: 'PAYMENT_MISSING_IMSI_POLICY', path: 'payments.missingImsiPolicy', parse: asString },
  { env: 'PAYMENT_MAX_FAILED_AUTH', path: 'payments.maxFailedAuth', parse: asInt },
  { env: 'PAYMENT_FAILED_AUTH_DECAY_SECONDS', path: 'payments.failedAuthDecaySeconds', parse: asInt },
  { env: 'PRESENTER_MAX_FAILURES', path: 'payments.presenterMaxFailures', parse: asInt },
  { env: 'PRESENTER_WINDOW_SECONDS', path: 'payments.presenterWindowSeconds', parse: asInt },
  { env: 'DEVICE_REFUSAL_LIMIT', path: 'devices.refusalLimit', parse: asInt },
  { env: 'DEVICE_REFUSAL_WINDOW_SECONDS', path: 'devices.refusalWindowSeconds', parse: asInt },
  { env: 'DEVICE_KEY_ENCRYPTION_KEY', path: 'devices.keyEncryptionKey', parse: asString },
  { env: 'SIM_SWAP_URL', path: 'simSwap.url', parse: asString },
  { env: 'SIM_SWAP_TOKEN', path: 'simSwap.token', parse: asString },
  { env: 'SIM_SWAP_MAX_AGE_HOURS', path: 'simSwap.maxAgeHours', parse: asInt },
  { env: 'SIM_SWAP_TIMEOUT_MS', path: 'simSwap.timeoutMs', parse: asInt },
  { env: 'SIM_SWAP_ON_UNAVAILABLE', path: 'simSwap.onUnavailable', parse: asString },
  { env: 'WORKER_CONCURRENCY', path: 'worker.concurrency', parse: asInt },
  { env: 'WORKER_LOCK_DURATION_MS', path: 'worker.lockDurationMs', parse: asInt },
  { env: 'SHUTDOWN_GRACE_MS', path: 'worker.shutdownGraceMs', parse: asInt },
  { env: 'WORKER_STALLED_INTERVAL_MS', path: 'worker.stalledIntervalMs', parse: asInt },
  { env: 'SMPP_ENQUIRE_LINK_MS', path: 'smpp.enquireLinkMs', parse: asInt },
  { env: 'SMPP_ENQUIRE_LINK_TIMEOUT_MS', path: 'smpp.enquireLinkTimeoutMs', parse: asInt },
  { env: 'SMPP_RESPONSE_TIMEOUT_MS', path: 'smpp.responseTimeoutMs', parse: asInt },
  { env: 'SMPP_RECONNECT_BASE_MS', path: 'smpp.reconnectBaseMs', parse: asInt },
  { env: 'SMPP_SEGMENTS_PER_SECOND', path: 'smpp.segmentsPerSecond', parse: asInt },
  { env: 'SMPP_THROUGHPUT_SCOPE', path: 'smpp.throughputScope', parse: asString },
  { env: 'SMPP_BIND_MODE', path: 'smpp.bindMode', parse: asString },
  { env: 'SMPP_TLS_CA', path: 'smpp.tlsCaFile', parse: asString },
  { env: 'SMPP_STABLE_AFTER_MS', path: 'smpp.stableAfterMs', parse: asInt },
  { env: 'SMPP_CREDENTIAL_RETRY_MS', path: 'smpp.credentialRetryMs', parse: asInt },
  { env: 'SMPP_MESSAGE_ID_TLV_TAG', path: 'smpp.messageIdTlvTag', parse: asInt },
  { env: 'SMPP_REASSEMBLY_TTL_MS', path: 'smpp.reassemblyTtlMs', parse: asInt },
  { env: 'SMPP_LINK_WAIT_MS', path: 'smpp.linkWaitMs', parse: asInt },
  { env: 'SMPP_LATE_RESPONSE_GRACE_MS', path: 'smpp.lateResponseGraceMs', parse: asInt },
  { env: 'MO_SMSC_RESPONSE_TIMEOUT_MS', path: 'mo.smscResponseTimeoutMs', parse: asInt },
  { env: 'MO_DEDUPE_WINDOW_SECONDS', path: 'mo.dedupeWindowSeconds', parse: asInt },
  { env: 'MO_MAX_BACKLOG_SECONDS', path: 'mo.maxBacklogSeconds', parse: asInt },
  { env: 'MO_GROUP_COMMIT_MAX', path: 'mo.groupCommitMax', parse: asInt },
  { env: 'REPLIES_PER_MSISDN_PER_MINUTE', path: 'mo.repliesPerMsisdnPerMinute', parse: asInt },
  { env: 'EMBEDDED_DATA_DIR', path: 'embedded.dataDir', parse: asString },
  { env: 'EMBEDDED_REDIS_PORT', path: 'embedded.redisPort', parse: asInt },
  { env: 'USSD_SERVICE_CODE', path: 'ussd.serviceCode', parse: asString },
  { env: 'USSD_SESSION_TIMEOUT_SECONDS', path: 'ussd.sessionTimeoutSeconds', parse: asInt },
];
