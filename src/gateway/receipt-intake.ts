import type { Logger } from 'pino';
import type { SmppConnectionConfig } from '../config';
import type { smpp } from '../smpp/library';
import { STATUS } from '../smpp/status';
import { parseReceipt, receiptTextOf } from '../smpp/receipt';
import { canonicalMessageId } from '../smpp/message-id';
import type { ReplyStore, SmscId } from '../store/replies';
import { metrics } from '../metrics';

export interface ReceiptIntake {
  /** The deliver_sm_resp status for one delivery receipt, once it is applied (or kept as an orphan). */
  take(pdu: smpp.PDU, body: Buffer, conn: SmppConnectionConfig): Promise<number>;
}

/**
 * The SMSC id of a submitted part, in the form receipts are looked up by: canonical within the
 * connection's id space (its configured format, SMPP 3.4 §5.3.2.12; no guessing between bases).
 */
export function smscIdOf(raw: string, format: SmppConnectionConfig['messageIdFormat'], conn: SmppConnectionConfig): SmscId {
  const canonical = canonicalMessageId(raw, format) ?? `raw:${raw.trim()}`;
  return { key: `${conn.idScope}|${canonical}`, raw };
}

/**
 * Delivery receipts (SMPP 3.4 §2.11, Appendix B) are applied here, not queued: one look-up and one
 * script, durable before ESME_ROK like an MO. The id comes from receipted_message_id (read by its
 * TLV length: some SMSCs send no NUL) in the connection's messageIdFormat, else from the text, in
 * its receiptTextIdFormat; the text is decoded by its data_coding (UCS2 receipts exist).
 */
export function createReceiptIntake(deps: { replies: ReplyStore; log: Logger }): ReceiptIntake {
  return {
    async take(pdu, body, conn) {
      const tlvId = typeof pdu.receipted_message_id === 'string' ? pdu.receipted_message_id.replace(/\0+$/, '').trim() : '';
      const text = receiptTextOf(body, Number(pdu.data_coding ?? 0), conn.defaultAlphabet) ?? '';
      const parsed = parseReceipt({
        receiptedMessageId: tlvId || undefined,
        messageState: typeof pdu.message_state === 'number' ? pdu.message_state : undefined,
        text,
      });
      if (!parsed.ok) {
        metrics.pduRefused.inc({ reason: 'receipt_unparseable' });
        deps.log.warn({ connection: conn.name, reason: parsed.reason }, 'receipt unparseable; acknowledged (a retry would not help)');
        return STATUS.ESME_ROK;
      }
      metrics.dlrReceived.inc({ state: parsed.state });
      const smscId = smscIdOf(parsed.messageId, tlvId ? conn.messageIdFormat : conn.receiptTextIdFormat, conn);
      const outcome = await deps.replies.applyReceipt({ smscId, state: parsed.state, delivered: parsed.delivered, final: parsed.final }, Date.now());
      if (outcome === 'orphan') metrics.dlrOrphans.inc();
      return STATUS.ESME_ROK;
    },
  };
}
