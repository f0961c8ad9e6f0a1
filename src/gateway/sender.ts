import { randomInt } from 'node:crypto';
import { UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { EsmeSession } from '../smpp/esme-session';
import { SmppRequestError } from '../smpp/esme-session';
import { isTemporary, statusName } from '../smpp/status';
import { splitForSubmit, type SubmitSplit } from '../smpp/split';
import { chooseDataCoding, encodeText } from '../smpp/text';
import type { SegmentThrottle } from '../smpp/throttle';
import type { MtJob, MtMessage } from '../queues';
import type { ReplyStore } from '../store/replies';
import { metrics } from '../metrics';

export interface SenderOptions {
  session: () => EsmeSession | null;
  throttle: SegmentThrottle;
  replies: ReplyStore;
  serviceNumber: string;
  sourceTon: number;
  sourceNpi: number;
  destTon: number;
  destNpi: number;
  registeredDelivery: boolean;
  /** Attempts of one part on temporary SMSC statuses before the job itself is retried. */
  partAttempts: number;
  log: Logger;
}

/**
 * Sends the replies of one job in order, each as submit_sm segments through the window and the
 * segment throttle. A job that ran before (a retry, or recovered from a gateway that died) looks at
 * each reply's record first and skips what the SMSC already accepted; for multi-part messages the
 * accepted parts are written to the job after each part. A crash between the SMSC's answer and that
 * record can still repeat one part (replies are at least once, DESIGN §5).
 */
export function createSender(opts: SenderOptions): (job: Job<MtJob>) => Promise<void> {
  return async (job) => {
    const ranBefore = job.attemptsMade > 0 || job.stalledCounter > 0;
    for (const mt of job.data.messages) {
      if (ranBefore) {
        const record = await opts.replies.get(mt.id);
        if (record && record.state !== 'queued' && record.parts > 0 && record.smscIds.length >= record.parts) continue;
      }
      try {
        await sendMessage(job, mt);
      } catch (err) {
        // Refused for good (recorded as failed): the other replies of the step still go out.
        if (err instanceof UnrecoverableError) continue;
        throw err;
      }
    }
  };

  async function sendMessage(job: Job<MtJob>, mt: MtMessage): Promise<void> {
    const progress = job.data.progress?.[mt.id];
    const ref = progress?.ref ?? randomInt(0, 256);
    const { dataCoding, udhi, segments } = mt.ussd ? ussdScreen(mt.text) : splitForSubmit(mt.text, { ref });
    const sent = [...(progress?.sent ?? [])];
    const saveProgress = async (): Promise<void> => {
      // Progress matters only when a retry could resend earlier parts of the same message.
      if (segments.length > 1) await job.updateData({ ...job.data, progress: { ...job.data.progress, [mt.id]: { ref, sent } } });
    };
    if (!progress) await saveProgress();
    for (let i = sent.length; i < segments.length; i++) {
      const messageId = await submitPart(mt, segments[i], dataCoding, udhi);
      sent.push(messageId);
      await opts.replies.recordPart(mt.id, messageId, i + 1, segments.length, Date.now());
      await saveProgress();
    }
  }

  async function submitPart(mt: MtMessage, segment: Buffer, dataCoding: number, udhi: boolean): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      await opts.throttle.waitTurn(1);
      const session = opts.session();
      if (!session || !session.bound) throw new Error('no SMPP bind is up; the reply will be retried');
      try {
        const resp = await session.request('submit_sm', {
          service_type: mt.ussd ? 'USSD' : '',
          source_addr_ton: opts.sourceTon,
          source_addr_npi: opts.sourceNpi,
          source_addr: opts.serviceNumber,
          dest_addr_ton: opts.destTon,
          dest_addr_npi: opts.destNpi,
          destination_addr: mt.to,
          esm_class: udhi ? 0x40 : 0x00,
          // A USSD screen has no delivery receipt: the session itself is the feedback.
          registered_delivery: opts.registeredDelivery && !mt.ussd ? 0x01 : 0x00,
          data_coding: dataCoding,
          short_message: segment,
          ...(mt.ussd ? { ussd_service_op: mt.ussd.op, ...(mt.ussd.sessionInfo ? { its_session_info: Buffer.from(mt.ussd.sessionInfo, 'hex') } : {}) } : {}),
        });
        opts.throttle.onSuccess();
        metrics.mtSubmitted.inc();
        return String(resp.message_id ?? '');
      } catch (err) {
        if (err instanceof SmppRequestError) {
          if (isTemporary(err.status)) {
            metrics.mtThrottled.inc();
            opts.throttle.onThrottled(Date.now());
            if (attempt < opts.partAttempts) continue;
            throw err; // let BullMQ retry the job later with its own back-off
          }
          metrics.mtFailed.inc({ reason: statusName(err.status) });
          await opts.replies.markFailed(mt.id, statusName(err.status), Date.now());
          opts.log.warn({ reply: mt.id, status: statusName(err.status) }, 'reply refused permanently by the SMSC');
          throw new UnrecoverableError(`submit_sm refused: ${statusName(err.status)}`);
        }
        throw err;
      }
    }
  }
}

/**
 * A USSD screen is one submit_sm, never a concatenated SMS: up to 182 GSM characters (unpacked in
 * the PDU, so at most 182 octets of short_message), without UDH.
 */
function ussdScreen(text: string): SubmitSplit {
  const dataCoding = chooseDataCoding(text);
  return { dataCoding, udhi: false, segments: [encodeText(text, dataCoding)] };
}
