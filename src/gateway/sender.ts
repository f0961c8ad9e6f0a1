import { randomInt } from 'node:crypto';
import type { Job } from 'bullmq';
import { UnrecoverableError } from '../queues/job-errors';
import type { Logger } from 'pino';
import type { EsmeSession } from '../smpp/esme-session';
import { NotBoundError, SmppRequestError, SmppTimeoutError } from '../smpp/session-errors';
import type { smpp } from '../smpp/library';
import { isTemporary, statusName } from '../smpp/status';
import { outboundCoding, splitForSubmit, type SubmitSplit } from '../smpp/split';
import { validityPeriod } from '../smpp/validity';
import type { MtJob, MtMessage } from '../queues';
import { isFinalReplyState, type ReplyStore } from '../store/replies';
import { metrics } from '../metrics';
import type { SmscConnection } from './connection';
import { smscIdOf } from './receipt-intake';

export interface SenderOptions {
  /** The connection for a reply (see chooseConnection), or null when none can transmit now. */
  route: (mt: MtMessage) => SmscConnection | null;
  /** Resolves when some session binds, or after ms (whichever is first). */
  waitForBind: (ms: number) => Promise<void>;
  /** How long one attempt waits for a transmitting bind before the job is retried later. */
  linkWaitMs: number;
  replies: ReplyStore;
  registeredDelivery: boolean;
  /** Attempts of one part on temporary SMSC statuses before the job itself is retried. */
  partAttempts: number;
  log: Logger;
}

/** A job's multi-part progress, read and written one update at a time (its replies go side by side). */
interface ProgressUpdates {
  get(id: string): { ref: number; sent: string[] } | undefined;
  set(id: string, p: { ref: number; sent: string[] }): Promise<void>;
}

function serialUpdates(job: Job<MtJob>): ProgressUpdates {
  let chain: Promise<void> = Promise.resolve();
  return {
    get: (id) => job.data.progress?.[id],
    set: (id, p) => {
      chain = chain.then(() => job.updateData({ ...job.data, progress: { ...job.data.progress, [id]: p } }));
      return chain;
    },
  };
}

/** The reply's deadline passed before it could be sent: failed as expired, not retried. */
class ReplyExpiredError extends Error {}

export class NoLinkError extends Error {
  constructor() {
    super('no transmitting SMPP bind is up; the reply stays queued until one is, or until its deadline');
    this.name = 'NoLinkError';
  }
}

/**
 * Sends the replies of one job (each recipient's in order), each as submit_sm segments through a connection's window
 * and segment throttle. Replies wait for a link until their own deadline (then they are failed as
 * expired and counted), not for a fixed number of attempts. A job that ran before (a retry, or
 * recovered from a gateway that died) looks at each reply's record first and skips the parts the
 * SMSC already accepted, including those whose submit_sm_resp came after our timeout; a crash
 * between the SMSC's answer and that record can still repeat one part (replies are at least once).
 */
export function createSender(opts: SenderOptions): (job: Job<MtJob>) => Promise<void> {
  return async (job) => {
    const ranBefore = job.attemptsMade > 0 || job.stalledCounter > 0;
    // A job may carry the replies of several steps (a group commit): each recipient's in order,
    // different recipients side by side through the window. A failure stops that recipient's later
    // replies (they keep their order on the retry) and fails the job once the others are done.
    const byRecipient = new Map<string, MtMessage[]>();
    for (const mt of job.data.messages) byRecipient.set(mt.to, [...(byRecipient.get(mt.to) ?? []), mt]);
    const progress = serialUpdates(job);
    const failures: unknown[] = [];
    await Promise.all(
      [...byRecipient.values()].map(async (list) => {
        for (const mt of list) {
          try {
            await deliver(mt, ranBefore || mt.recheck === true, progress);
          } catch (err) {
            failures.push(err);
            break;
          }
        }
      }),
    );
    if (failures.length) throw failures[0];
  };

  async function deliver(mt: MtMessage, checkRecord: boolean, progress: ProgressUpdates): Promise<void> {
    let accepted = new Set<number>();
    if (checkRecord) {
      const record = await opts.replies.acceptedParts(mt.id);
      if (isFinalReplyState(record.state)) return;
      if (record.parts > 0 && record.accepted.size >= record.parts) return;
      accepted = record.accepted;
    }
    try {
      if (mt.deadline !== undefined && Date.now() > mt.deadline) throw new ReplyExpiredError();
      await sendMessage(progress, mt, accepted);
    } catch (err) {
      if (err instanceof ReplyExpiredError) {
        metrics.mtExpired.inc({ kind: mt.kind });
        await opts.replies.markFailed(mt.id, 'expired', Date.now());
        opts.log.warn({ reply: mt.id, kind: mt.kind }, 'reply expired before a link could carry it');
        return;
      }
      // Refused for good (recorded as failed): the other replies still go out.
      if (err instanceof UnrecoverableError) return;
      throw err;
    }
  }

  async function sendMessage(updates: ProgressUpdates, mt: MtMessage, accepted: Set<number>): Promise<void> {
    const progress = updates.get(mt.id);
    const ref = progress?.ref ?? randomInt(0, 256);
    // The coding of data_coding 0 is a property of the SMSC; the route taken now decides it.
    const alphabet = opts.route(mt)?.config.defaultAlphabet ?? 'gsm7';
    const { dataCoding, udhi, segments } = mt.ussd ? ussdScreen(mt.text, alphabet) : splitForSubmit(mt.text, { ref, defaultAlphabet: alphabet });
    // Progress (the UDH reference) matters only when a retry could resend some parts of a message.
    if (!progress && segments.length > 1) await updates.set(mt.id, { ref, sent: [] });
    for (let i = 0; i < segments.length; i++) {
      if (accepted.has(i + 1)) continue;
      await submitPart(mt, segments[i], dataCoding, udhi, i + 1, segments.length);
    }
  }

  async function connectionFor(mt: MtMessage): Promise<{ conn: SmscConnection; session: EsmeSession }> {
    const until = Date.now() + opts.linkWaitMs;
    for (;;) {
      const conn = opts.route(mt);
      const session = conn?.transmitter();
      if (conn && session) return { conn, session };
      const left = until - Date.now();
      if (left <= 0 || (mt.deadline !== undefined && Date.now() > mt.deadline)) throw new NoLinkError();
      await opts.waitForBind(Math.min(left, 500));
    }
  }

  async function submitPart(mt: MtMessage, segment: Buffer, dataCoding: number, udhi: boolean, part: number, total: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const { conn, session } = await connectionFor(mt);
      await conn.throttle.waitTurn(1);
      // The link may have come back, or the throttle let us wait, past the reply's deadline.
      if (mt.deadline !== undefined && Date.now() > mt.deadline) throw new ReplyExpiredError();
      const c = conn.config;
      const fields: smpp.PDUFields = {
        service_type: mt.ussd ? 'USSD' : '',
        source_addr_ton: c.sourceTon,
        source_addr_npi: c.sourceNpi,
        source_addr: c.sourceAddr,
        dest_addr_ton: c.destTon,
        dest_addr_npi: c.destNpi,
        destination_addr: mt.to,
        esm_class: udhi ? 0x40 : 0x00,
        // A USSD screen has no delivery receipt: the session itself is the feedback.
        registered_delivery: c.registeredDelivery && !mt.ussd ? 0x01 : 0x00,
        // A code the SMSC delivers hours late is worse than none (README "Replies").
        validity_period: mt.deadline !== undefined ? validityPeriod(mt.deadline, Date.now(), c.validityPeriod) : '',
        data_coding: dataCoding,
        short_message: segment,
        ...(mt.ussd ? { ussd_service_op: mt.ussd.op, ...(mt.ussd.sessionInfo ? { its_session_info: Buffer.from(mt.ussd.sessionInfo, 'hex') } : {}) } : {}),
      };
      let resp: smpp.PDU;
      try {
        resp = await session.request('submit_sm', fields);
      } catch (err) {
        const late = err instanceof SmppTimeoutError ? await err.late : null;
        if (late && late.command_status === 0 && late.command !== 'generic_nack') {
          // The SMSC accepted it after all: record it, do not send the SMS a second time.
          metrics.mtLateResponses.inc();
          resp = late;
        } else {
          const status = late ? late.command_status : err instanceof SmppRequestError ? err.status : null;
          // The link went before the answer: another connection (or the same, rebound) carries it.
          if (err instanceof NotBoundError && attempt < opts.partAttempts) continue;
          if (status === null) throw err; // timeout without an answer: the job is retried
          if (isTemporary(status)) {
            metrics.mtThrottled.inc();
            conn.throttle.onThrottled(Date.now());
            if (attempt < opts.partAttempts) continue;
            throw new SmppRequestError('submit_sm', status); // BullMQ retries the job later
          }
          metrics.mtFailed.inc({ reason: statusName(status) });
          await opts.replies.markFailed(mt.id, statusName(status), Date.now());
          opts.log.warn({ reply: mt.id, status: statusName(status), connection: c.name }, 'reply refused permanently by the SMSC');
          throw new UnrecoverableError(`submit_sm refused: ${statusName(status)}`);
        }
      }
      conn.throttle.onSuccess();
      conn.recordSubmitted();
      metrics.mtSubmitted.inc();
      await opts.replies.recordPart(mt.id, smscIdOf(String(resp.message_id ?? ''), c.messageIdFormat, c), part, total, Date.now());
      return;
    }
  }
}

/**
 * A USSD screen is one submit_sm, never a concatenated SMS: up to 182 GSM characters (unpacked in
 * the PDU, so at most 182 octets of short_message), without UDH.
 */
function ussdScreen(text: string, alphabet: 'gsm7' | 'latin1'): SubmitSplit {
  const { dataCoding, encode } = outboundCoding(text, alphabet);
  return { dataCoding, udhi: false, segments: [encode(text)] };
}
