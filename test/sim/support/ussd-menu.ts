// A USSD menu service the way an ESME would run one over plain node-smpp, for the simulator's USSD
// tests: *778# opens a menu (USSR request, op 2), "2" ends with the balance (PSSR response, op 17,
// end bit), a one-shot *778*amount*merchant# ends at once. The session number is echoed from
// its_session_info; everything it answers is kept for assertions.
import type { PDU } from 'smpp';
import type { Esme } from './esme';

export const MENU = '1 Pay\n2 Balance\n0 Exit';

export interface MenuReply {
  to: string;
  text: string;
  op: number;
  sessionInfo: Buffer;
  status: number;
}

function dialled(pdu: PDU): string {
  const sm = pdu.short_message as { message?: unknown } | Buffer | undefined;
  if (Buffer.isBuffer(sm)) return sm.toString('latin1');
  return typeof sm?.message === 'string' ? sm.message : '';
}

/** Answers USSD deliver_sm on `esme` (all of them ESME_ROK, or `status(pdu)` when given). */
export function runMenu(esme: Esme, opts: { status?: (pdu: PDU) => number | null; registeredDelivery?: number } = {}): MenuReply[] {
  const replies: MenuReply[] = [];
  esme.deliverStatus = (pdu) => {
    const status = opts.status ? opts.status(pdu) : 0;
    if (status !== 0 || pdu.service_type !== 'USSD') return status;
    const info = pdu.its_session_info as Buffer;
    if (info[1] & 0x01) return status; // the user hung up: nothing to say
    const input = dialled(pdu);
    let answer: { text: string; op: number } | null = null;
    if (pdu.ussd_service_op === 1 && input === '*778#') answer = { text: MENU, op: 2 };
    else if (pdu.ussd_service_op === 1) answer = { text: `One-shot ${input}`, op: 17 };
    else if (pdu.ussd_service_op === 18 && input === '2') answer = { text: 'Balance 100.00', op: 17 };
    else if (pdu.ussd_service_op === 18) answer = { text: `Invalid ${input}. ${MENU}`, op: 2 };
    if (answer) {
      const reply = answer;
      const to = String(pdu.source_addr);
      const sessionInfo = Buffer.from([info[0], reply.op === 17 ? 0x01 : 0x00]);
      // after the deliver_sm_resp, as a service that queues its answer would send it
      setImmediate(() => {
        void esme
          .request('submit_sm', {
            service_type: 'USSD',
            source_addr: '20555',
            destination_addr: to,
            data_coding: 0,
            registered_delivery: opts.registeredDelivery ?? 0,
            short_message: Buffer.from(reply.text, 'latin1'),
            ussd_service_op: reply.op,
            its_session_info: sessionInfo,
          })
          .then((resp) => replies.push({ to, ...reply, sessionInfo, status: resp.command_status }));
      });
    }
    return status;
  };
  return replies;
}
