// Queue names and the plain-JSON messages that cross them. The SMPP transport and the payment
// workers meet only here: nothing in these types knows about SMPP sessions or payments.

export const QUEUE = {
  /** Mobile-originated messages, enqueued by a gateway before it answers deliver_sm. */
  mo: 'mo',
  /** Mobile-terminated replies, sent by whichever gateway holds a transmitting bind. */
  mt: 'mt',
  /** Merchant notices (SMS to the merchant's phone, signed webhooks), relayed from the merchant outbox. */
  merchant: 'merchant',
} as const;

export interface MoMessage {
  /** Unique id of this MO (dedupe key plus first-seen time), stable across job retries. */
  id: string;
  source: string;
  sourceTon: number;
  sourceNpi: number;
  destination: string;
  text: string;
  dataCoding: number;
  /** IMSI reported by the network in the configured vendor TLV, when present. */
  imsi?: string;
  /** The IMSI TLV was there but could not be read (never silently the same as "no IMSI"). */
  imsiUnreadable?: boolean;
  /** SMSC message id for the MO, when the carrier supplies one. */
  smscMessageId?: string;
  serviceType?: string;
  ussd?: { op: number; sessionInfo?: string };
  receivedAt: number;
  gateway: string;
  /** The SMSC connection (config name) and bind incarnation that carried it. */
  connection?: string;
  link?: string;
}

/** One MO job of a group commit at intake (job name `mos`): MOs written together, processed one by one. */
export interface MoBatch {
  mos: MoMessage[];
}

/**
 * One MT job: the replies of one step (e.g. "Paid" to the main SIM and the confirmation to the
 * device), or of the steps whose replies were group-committed together (jobs/outbox.ts); each
 * recipient's replies are sent in order.
 */
export interface MtJob {
  messages: MtMessage[];
  /** Multi-part messages only: the parts the SMSC accepted, so a retry resends none of them. */
  progress?: Record<string, { ref: number; sent: string[] }>;
}

export interface MtMessage {
  /**
   * Deterministic reply id, `<origin id>.<n>` (jobs/outbox.ts; a USSD screen: `<mo id>.u`), so a
   * retried job enqueues the reply once. Jobs written before issue 16 also carry an unread
   * `correlationId` (the origin id again).
   */
  id: string;
  to: string;
  text: string;
  kind: string;
  ussd?: { op: number; sessionInfo?: string };
  createdAt: number;
  /**
   * Until when the reply is worth sending (ms): a confirmation code is useless after the payment
   * window, a receipt is not. Past it the reply is failed ("expired"); it also sets validity_period.
   */
  deadline?: number;
  /**
   * Its record existed before this job was written (a retried step queued it again, maybe in another
   * job): the sender reads the record first and skips what was sent.
   */
  recheck?: boolean;
}

export type ReplyState = 'queued' | 'sent' | 'delivered' | 'failed';
