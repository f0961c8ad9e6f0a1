// Every Redis key simpair uses, in one place. Keys that belong to one main SIM share the hash tag
// {<main msisdn>} so that a Lua script touching them runs on one Redis Cluster slot; global indexes
// (confirmation code → main SIM, device → main SIM) are pointers only and are re-checked inside
// the subscriber's own keys by the scripts that decide.

/**
 * A ledger account: `subscriber:<msisdn>`, `merchant:<code>` or `float` (the operator's issuing
 * account). Each account's keys share one hash tag, so every ledger script touches one slot.
 */
export type Account = `subscriber:${string}` | `merchant:${string}` | 'float';

/** The hash holding an account's `balance` field (the subscriber or merchant hash, or the float); its other keys extend it. */
export function accountBalanceKey(keys: Pick<Keys, 'float' | 'subscriber' | 'merchant'>, a: Account): string {
  if (a === 'float') return keys.float();
  if (a.startsWith('subscriber:')) return keys.subscriber(a.slice('subscriber:'.length));
  return keys.merchant(a.slice('merchant:'.length));
}

export interface Keys {
  /** Hash: subscriber profile, balance, counters, version. */
  subscriber(main: string): string;
  /** Hash: device msisdn → JSON {imsi, label, active, boundAt}. */
  devices(main: string): string;
  /**
   * Hash: the devices' authentication state, per device msisdn `<d>:key` (a MAC device's sealed
   * verification key, store/device-keys.ts), `<d>:counter` (last accepted), `<d>:refusals` (ms,
   * space-separated), `<d>:suspended` ('1').
   */
  deviceAuth(main: string): string;
  /** Hash: payment id → JSON Payment (all payments of this main SIM). */
  payments(main: string): string;
  /**
   * Set: ids of the non-terminal payments of this main SIM, as written before they moved into the
   * subscriber hash's `open` field; still read and drained by the payment scripts.
   */
  openPayments(main: string): string;
  /** Sorted set: payment ids by creation time, for listing. */
  paymentIndex(main: string): string;
  /** String with TTL: the record of one MO (or expiry) applied to this main SIM, so a retried job applies once. */
  appliedMo(main: string, stepId: string): string;
  /** Hash: ledger transfers applied from this main SIM, id → JSON. */
  transfers(main: string): string;
  /** Hash: credit references applied to this main SIM (top-ups). */
  credits(main: string): string;
  /** String: device msisdn → main msisdn (pointer). */
  deviceOwner(device: string): string;
  /** String: confirmation code → main msisdn (pointer, TTL = payment window). */
  codeOwner(code: string): string;
  /** String: payment id → main msisdn (pointer, for GET /v1/payments/:id). */
  paymentOwner(paymentId: string): string;
  /** Hash: merchant profile and balance. */
  merchant(code: string): string;
  /** Hash: refunds of this merchant's payments (`ref:<payment>:<reference>` → JSON, `total:<payment>` → minor units). */
  merchantRefunds(code: string): string;
  /** List: the merchant's latest webhook attempts, newest first, capped (store/webhook-attempts.ts). */
  merchantWebhookAttempts(code: string): string;
  /** Sorted set of all subscriber msisdns (admin listing, ledger audit). */
  subscriberIndex(): string;
  /** Sorted set of all merchant codes. */
  merchantIndex(): string;
  /** Hash: the float (issuing) account: `balance` (the negative of all e-money issued). */
  float(): string;
  /** Stream: one account's journal lines, each written atomically with that account's balance (store/journal.ts). */
  accountJournal(account: Account): string;
  /** Hash: postings applied to an account from another account's outbox, transfer id → JSON, so each lands once. */
  accountPostings(account: Account): string;
  /** Stream: an account's ledger outbox — postings owed to other accounts and merchant events, written with the money. */
  accountOutbox(account: Account): string;
  /** Sorted set: accounts whose outbox holds records → when they are due for settlement (ms, a lease while claimed). */
  outboxDue(): string;
  /** Stream: the ledger's entry index, every journal entry once, oldest first (GET /v1/ledger/entries). */
  ledgerEntries(): string;
  /** Hash: transfer id → its id in ledgerEntries, so an entry is indexed once. */
  ledgerEntryIds(): string;
  /** Stream: the merchant outbox — payment.completed / payment.refunded events, relayed to the merchant's SMS and webhook. */
  merchantEvents(): string;
  /** String: merchant phone msisdn → merchant code (CHECK from the till). */
  merchantPhone(msisdn: string): string;
  /** Hash: reply (MT) id → JSON state record. */
  reply(id: string): string;
  /** String: normalised SMSC message id → reply id (for delivery receipts). */
  smscMessage(normalisedId: string): string;
  /** Sorted set: "<main>|<payment id>" → when that payment's window ends (ms); swept by workers. */
  expiries(): string;
  /** String with TTL: a delivery receipt that arrived before its submit_sm_resp was recorded. */
  orphanReceipt(normalisedId: string): string;
  /** Hash: gateway name → JSON status of its SMSC connections, with the time it is valid until. */
  gatewayStatus(): string;
  /** Hash with TTL: identity record of one inbound message's content or SMSC id (see message-identity.ts). */
  moIdentity(source: string, digest: string): string;
  /** Sorted set with TTL: MO ids of one sender's unknown or foreign code presentations → when (ms). */
  presenterFailures(sender: string): string;
  /** Sorted set: concatenated-MO parts key → when reassembly gives up on it (ms). */
  concatDeadlines(): string;
  /** Set with TTL: ids of the rate-limited replies (`<origin id>.<n>`) sent to an msisdn in one minute; its size is the count, so a retried step is not charged twice. */
  replyRate(msisdn: string, minute: number): string;
  /** Hash: credit reference → balance right after that credit (so a replayed top-up answers the same body). */
  creditResults(main: string): string;
  /** String with TTL (the session's overall deadline): JSON state of one USSD session of an msisdn. */
  ussdSession(msisdn: string, serviceCode: string, sessionNumber: number): string;
  /** String with TTL: key of the msisdn's open USSD session (a phone has one at a time). */
  ussdActive(msisdn: string): string;
  /** String with TTL: what one USSD MO did (its screen or payment), so a retried job re-sends it and advances nothing. */
  ussdStep(msisdn: string, moId: string): string;
  /** Sorted set: open USSD session key → deadline (ms), swept to count timed-out sessions. */
  ussdDeadlines(): string;
  /** Stream: the admin audit log, one entry per operator change, never trimmed or edited (store/audit.ts). */
  auditLog(): string;
  /** Hash with TTL: the token bucket of one SMSC account shared by all gateways (throughputScope per-account). */
  throughputBucket(account: string): string;
  /** String counter with TTL (one minute from the first failure): failed admin authentications from one client address. */
  authFailures(address: string): string;
}

export function createKeys(prefix: string): Keys {
  const p = prefix;
  const balanceKeys = { subscriber: (m: string) => `${p}:sub:{${m}}`, merchant: (c: string) => `${p}:merchant:{m:${c}}`, float: () => `${p}:{float}` };
  const accountBase = (a: Account) => accountBalanceKey(balanceKeys, a);
  return {
    subscriber: balanceKeys.subscriber,
    devices: (m) => `${p}:sub:{${m}}:devices`,
    deviceAuth: (m) => `${p}:sub:{${m}}:devauth`,
    payments: (m) => `${p}:sub:{${m}}:payments`,
    openPayments: (m) => `${p}:sub:{${m}}:open`,
    paymentIndex: (m) => `${p}:sub:{${m}}:pindex`,
    appliedMo: (m, id) => `${p}:sub:{${m}}:applied:${id}`,
    transfers: (m) => `${p}:sub:{${m}}:transfers`,
    credits: (m) => `${p}:sub:{${m}}:credits`,
    deviceOwner: (d) => `${p}:device:${d}`,
    codeOwner: (c) => `${p}:code:${c}`,
    paymentOwner: (id) => `${p}:payment:${id}`,
    merchant: balanceKeys.merchant,
    merchantRefunds: (c) => `${p}:merchant:{m:${c}}:refunds`,
    merchantWebhookAttempts: (c) => `${p}:merchant:{m:${c}}:webhook-attempts`,
    subscriberIndex: () => `${p}:subscribers`,
    merchantIndex: () => `${p}:merchants`,
    float: balanceKeys.float,
    accountJournal: (a) => `${accountBase(a)}:journal`,
    accountPostings: (a) => `${accountBase(a)}:postings`,
    accountOutbox: (a) => `${accountBase(a)}:outbox`,
    outboxDue: () => `${p}:{outbox}:due`,
    ledgerEntries: () => `${p}:{ledger}:entries`,
    ledgerEntryIds: () => `${p}:{ledger}:entry-ids`,
    merchantEvents: () => `${p}:merchant-events`,
    merchantPhone: (m) => `${p}:merchant-phone:${m}`,
    reply: (id) => `${p}:reply:${id}`,
    smscMessage: (id) => `${p}:smscid:${id}`,
    expiries: () => `${p}:expiries`,
    orphanReceipt: (id) => `${p}:receipt:orphan:${id}`,
    gatewayStatus: () => `${p}:gateways`,
    moIdentity: (source, digest) => `${p}:mo:{${source}}:${digest}`,
    concatDeadlines: () => `${p}:concat:deadlines`,
    presenterFailures: (sender) => `${p}:presenter:{${sender}}`,
    replyRate: (msisdn, minute) => `${p}:rate:reply:${msisdn}:${minute}`,
    creditResults: (m) => `${p}:sub:{${m}}:creditres`,
    ussdSession: (m, code, n) => `${p}:ussd:{${m}}:s:${code}:${n}`,
    ussdActive: (m) => `${p}:ussd:{${m}}:active`,
    ussdStep: (m, id) => `${p}:ussd:{${m}}:step:${id}`,
    ussdDeadlines: () => `${p}:ussd:deadlines`,
    auditLog: () => `${p}:audit`,
    throughputBucket: (account) => `${p}:throughput:{${account}}`,
    authFailures: (address) => `${p}:authfail:${address}`,
  };
}

/** Key of the parts of one concatenated MO (sender, service number, reference, total). */
export function concatKey(prefix: string, digest: string): string {
  return `${prefix}:concat:${digest}`;
}
