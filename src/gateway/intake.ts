import type { SmppConnectionConfig } from '../config';
import type { smpp } from '../smpp/library';
import type { DeliverAnswer, LinkInfo } from '../smpp/esme-session';
import { STATUS } from '../smpp/status';
import { esmMessageType } from '../smpp/esm-class';
import { withTimeout } from '../queues/with-timeout';
import type { ReassemblyStore } from '../store/reassembly';
import { metrics } from '../metrics';
import type { ReceiptIntake } from './receipt-intake';
import { createMoIntake, type MoIntakeOptions } from './mo-intake';
import { createConcatIntake } from './concat-intake';

export interface IntakeOptions extends MoIntakeOptions {
  receipts: ReceiptIntake;
  reassembly: ReassemblyStore;
  maxMessageOctets: number;
}

type Handler = (pdu: smpp.PDU, link: LinkInfo, conn: SmppConnectionConfig) => Promise<DeliverAnswer>;

/**
 * Answers one inbound deliver_sm/data_sm: a status to send back once the work is durable. Receipts
 * go to the reply they belong to; notifications that are not subscriber messages (SME acks,
 * intermediate notifications, SMPP 3.4 §5.2.12) are acknowledged and counted, never answered with
 * an SMS; subscriber messages are joined when concatenated (concat-intake.ts), given their
 * identity (a new message or a redelivery, message-identity.ts) and queued (mo-intake.ts). Any step
 * that fails or runs past enqueueTimeoutMs is answered ESME_RX_T_APPN: the SMSC redelivers.
 */
export function createIntake(opts: IntakeOptions): Handler {
  const refuse = (reason: string, status: number): DeliverAnswer => {
    metrics.pduRefused.inc({ reason });
    opts.log.warn({ reason }, 'deliver_sm refused');
    return { status };
  };
  const mo = createMoIntake(opts, { refuse, concat: createConcatIntake({ reassembly: opts.reassembly, enqueueTimeoutMs: opts.enqueueTimeoutMs, refuse, log: opts.log }) });

  return async (pdu, link, conn) => {
    const esmClass = Number(pdu.esm_class ?? 0);
    const body = messageBytes(pdu);
    if (body.length > opts.maxMessageOctets) return refuse('message_too_long', STATUS.ESME_RINVMSGLEN);
    const type = esmMessageType(esmClass);
    try {
      if (type.isReceipt) return { status: await withTimeout(opts.receipts.take(pdu, body, conn), opts.enqueueTimeoutMs) };
      if (!type.isSubscriberMessage) {
        metrics.notifications.inc({ type: type.name });
        opts.log.debug({ type: type.name, connection: conn.name }, 'notification acknowledged');
        return { status: STATUS.ESME_ROK };
      }
      return await mo.take(pdu, esmClass, body, link, conn);
    } catch (err) {
      metrics.moTempFail.inc();
      opts.log.warn({ err: (err as Error).message }, 'could not queue inbound message; answering ESME_RX_T_APPN');
      return { status: STATUS.ESME_RX_T_APPN };
    }
  };
}

function messageBytes(pdu: smpp.PDU): Buffer {
  const sm = pdu.short_message;
  if (Buffer.isBuffer(sm) && sm.length > 0) return sm;
  const payload = pdu.message_payload;
  if (Buffer.isBuffer(payload)) return payload;
  return Buffer.alloc(0);
}
