import { sha1 } from './digest';
import type { Logger } from 'pino';
import type { smpp } from '../smpp/library';
import type { DeliverAnswer } from '../smpp/esme-session';
import { STATUS } from '../smpp/status';
import { concatOf } from '../smpp/concat';
import { withTimeout } from '../queues/with-timeout';
import type { ReassemblyStore } from '../store/reassembly';
import { metrics } from '../metrics';

export interface ConcatIntakeDeps {
  reassembly: ReassemblyStore;
  /** Upper bound on one Redis step (as for the MO's own write). */
  enqueueTimeoutMs: number;
  /** Counts and logs a refused deliver_sm, and gives its answer. */
  refuse(reason: string, status: number): DeliverAnswer;
  log: Logger;
}

/** Which subscriber message a part belongs to: its connection's id scope, its sender and its recipient. */
export interface PartOf {
  idScope: string;
  source: string;
  destination: string;
}

export interface ConcatIntake {
  /**
   * Hands the whole message to `deliver`: at once when it is not concatenated, else once its last
   * part is stored. Earlier parts are answered ESME_ROK as soon as they are durable.
   */
  join(pdu: smpp.PDU, esmClass: number, body: Buffer, message: PartOf, deliver: (payload: Buffer) => Promise<DeliverAnswer>): Promise<DeliverAnswer>;
}

/**
 * Concatenated MOs, by a UDH concatenation IE (esm_class UDHI, 3GPP TS 23.040 §9.2.3.24.1 / .8)
 * or by the SAR TLVs (SMPP 3.4 §5.3.2.22-24): each part is kept in the reassembly store
 * (store/reassembly.ts) until the last one arrives; the joined message is then delivered like a
 * single one.
 */
export function createConcatIntake(deps: ConcatIntakeDeps): ConcatIntake {
  return {
    async join(pdu, esmClass, body, message, deliver) {
      const concat = concatOf({
        esmClass,
        body,
        sarRef: numberField(pdu.sar_msg_ref_num),
        sarTotal: numberField(pdu.sar_total_segments),
        sarSeq: numberField(pdu.sar_segment_seqnum),
      });
      if (concat.kind === 'invalid') {
        deps.log.debug({ reason: concat.reason }, 'concatenation info refused');
        return esmClass & 0x40 ? deps.refuse('invalid_udh', STATUS.ESME_RINVESMCLASS) : deps.refuse('invalid_sar', STATUS.ESME_RINVOPTPARAMVAL);
      }
      if (concat.kind === 'single') return deliver(concat.payload);

      const digest = sha1(`${message.idScope}|${message.source}|${message.destination}|${concat.scheme}|${concat.ref}|${concat.total}`);
      const stored = await withTimeout(deps.reassembly.storePart(digest, concat.seq, concat.total, concat.payload, Date.now()), deps.enqueueTimeoutMs);
      metrics.moParts.inc();
      if (!stored.complete) return { status: STATUS.ESME_ROK }; // this part is durable; the rest will follow
      const answer = await deliver(Buffer.concat(stored.payloads));
      // Parts are deleted only once the joined MO is durable.
      if (answer.status === STATUS.ESME_ROK) await deps.reassembly.forget(stored.key).catch(() => undefined);
      return answer;
    },
  };
}

function numberField(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}
