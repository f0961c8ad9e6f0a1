import { createHash } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { PDU } from 'smpp';
import type { Logger } from 'pino';
import { STATUS } from '../smpp/status';
import { decodeText } from '../smpp/text';
import { parseUdh } from '../smpp/udh';
import { isDeliveryReceipt, parseReceipt } from '../smpp/receipt';
import type { MoMessage } from '../queues';
import type { ReplyStore } from '../store/replies';
import type { ScriptClient } from '../store/scripts';
import type { Redis } from '../store/redis';
import { concatKey } from '../store/keys';
import { metrics } from '../metrics';
import { maskMsisdn, TON } from '../domain/msisdn';

export interface IntakeOptions {
  gateway: string;
  moQueue: Queue<MoMessage>;
  replies: ReplyStore;
  scripts: ScriptClient;
  redis: Redis;
  keyPrefix: string;
  dedupeWindowMs: number;
  reassemblyTtlMs: number;
  maxMessageOctets: number;
  imsiTlvTag: number | null;
  messageIdTlvTag: number | null;
  /** Upper bound on one enqueue; past it the MO is answered ESME_RX_T_APPN and redelivered. */
  enqueueTimeoutMs: number;
  log: Logger;
}

/** Answers one inbound deliver_sm/data_sm: a status to send back, after the work is durable. */
export function createIntake(opts: IntakeOptions): (pdu: PDU) => Promise<number> {
  const refuse = (reason: string, status: number): number => {
    metrics.pduRefused.inc({ reason });
    opts.log.warn({ reason }, 'deliver_sm refused');
    return status;
  };

  return async (pdu) => {
    const esmClass = Number(pdu.esm_class ?? 0);
    const body = messageBytes(pdu);
    if (body.length > opts.maxMessageOctets) return refuse('message_too_long', STATUS.ESME_RINVMSGLEN);
    try {
      if (isDeliveryReceipt(esmClass)) return await takeReceipt(pdu, body);
      return await takeMo(pdu, esmClass, body);
    } catch (err) {
      metrics.moTempFail.inc();
      opts.log.warn({ err: (err as Error).message }, 'could not queue inbound message; answering ESME_RX_T_APPN');
      return STATUS.ESME_RX_T_APPN;
    }
  };

  async function takeReceipt(pdu: PDU, body: Buffer): Promise<number> {
    const parsed = parseReceipt({
      receiptedMessageId: typeof pdu.receipted_message_id === 'string' ? pdu.receipted_message_id : undefined,
      messageState: typeof pdu.message_state === 'number' ? pdu.message_state : undefined,
      text: body.toString('latin1'),
    });
    if (!parsed.ok) return refuse('receipt_unparseable', STATUS.ESME_ROK); // acknowledged: a retry would not help
    metrics.dlrReceived.inc({ state: parsed.state });
    // Applied here, not queued: one look-up and one script, durable before ESME_ROK like an MO.
    const outcome = await withTimeout(
      opts.replies.applyReceipt({ smscMessageId: parsed.messageId, state: parsed.state, delivered: parsed.delivered, final: parsed.final }, Date.now()),
      opts.enqueueTimeoutMs,
    );
    if (outcome === 'orphan') metrics.dlrOrphans.inc();
    return STATUS.ESME_ROK;
  }

  async function takeMo(pdu: PDU, esmClass: number, body: Buffer): Promise<number> {
    const source = String(pdu.source_addr ?? '').trim();
    const sourceTon = Number(pdu.source_addr_ton ?? 0);
    if (!source) return refuse('empty_source', STATUS.ESME_RINVSRCADR);
    if (sourceTon === TON.alphanumeric || !/^\+?[0-9]{1,20}$/.test(source)) return refuse('non_numeric_source', STATUS.ESME_RINVSRCADR);
    const dataCoding = Number(pdu.data_coding ?? 0);
    const destination = String(pdu.destination_addr ?? '');

    let payload = body;
    if (esmClass & 0x40) {
      const udh = parseUdh(body);
      if (!udh.ok) return refuse('invalid_udh', STATUS.ESME_RINVESMCLASS);
      payload = udh.payload;
      if (udh.concat && udh.concat.total > 1) {
        const digest = sha1(`${source}|${destination}|${udh.concat.ref}|${udh.concat.total}`);
        const key = concatKey(opts.keyPrefix, digest);
        const stored = (await withTimeout(
          opts.scripts.run('storeConcatPart', [key], [udh.concat.seq, payload.toString('hex'), udh.concat.total, opts.reassemblyTtlMs]),
          opts.enqueueTimeoutMs,
        )) as Array<number | string>;
        metrics.moParts.inc();
        if (Number(stored[0]) !== 1) return STATUS.ESME_ROK; // this part is durable; the rest will follow
        payload = Buffer.concat(stored.slice(1).map((hex) => Buffer.from(String(hex), 'hex')));
        const status = await enqueueMo(pdu, source, sourceTon, destination, payload, dataCoding);
        // Parts are deleted only once the joined MO is durable; a failed delete just waits for the TTL.
        if (status === STATUS.ESME_ROK) await opts.redis.del(key).catch(() => undefined);
        return status;
      }
    }
    return enqueueMo(pdu, source, sourceTon, destination, payload, dataCoding);
  }

  async function enqueueMo(pdu: PDU, source: string, sourceTon: number, destination: string, payload: Buffer, dataCoding: number): Promise<number> {
    const decoded = decodeText(payload, dataCoding);
    if (!decoded.ok) {
      // Unsupported coding scheme: ESME_RINVDCS. Bytes that are not valid in a supported scheme have
      // no status of their own in SMPP 3.4; a permanent application error tells the SMSC not to retry.
      return refuse(decoded.reason, decoded.reason === 'unsupported_data_coding' ? STATUS.ESME_RINVDCS : STATUS.ESME_RX_P_APPN);
    }
    const imsi = tlvText(pdu, opts.imsiTlvTag);
    const smscMessageId = tlvText(pdu, opts.messageIdTlvTag);
    const ussd = typeof pdu.ussd_service_op === 'number'
      ? { op: pdu.ussd_service_op, sessionInfo: Buffer.isBuffer(pdu.its_session_info) ? pdu.its_session_info.toString('hex') : undefined }
      : undefined;
    // A USSD dialogue repeats texts ("*778#" again, "1" in the next session): its operation and
    // session info are part of what makes one MO a redelivery of another.
    const ussdKey = ussd ? `|ussd|${ussd.op}|${ussd.sessionInfo ?? ''}` : '';
    const dedupeId = smscMessageId
      ? `smsc-${sha1(smscMessageId)}`
      : sha1(`${source}|${sourceTon}|${destination}|${imsi ?? ''}|${decoded.text}${ussdKey}`);
    const receivedAt = Date.now();
    const mo: MoMessage = {
      id: `${dedupeId.slice(0, 24)}-${receivedAt.toString(36)}`,
      source,
      sourceTon,
      sourceNpi: Number(pdu.source_addr_npi ?? 0),
      destination,
      text: decoded.text,
      dataCoding,
      imsi,
      smscMessageId,
      serviceType: pdu.service_type ? String(pdu.service_type) : undefined,
      ussd,
      receivedAt,
      gateway: opts.gateway,
    };
    const job = await withTimeout(
      opts.moQueue.add('mo', mo, { jobId: mo.id, deduplication: { id: dedupeId, ttl: opts.dedupeWindowMs } }),
      opts.enqueueTimeoutMs,
    );
    if (job.id !== mo.id) {
      metrics.moDuplicates.inc();
      opts.log.info({ from: maskMsisdn(source), original: job.id }, 'duplicate MO acknowledged, not queued again');
    } else {
      metrics.moEnqueued.inc();
      opts.log.debug({ from: maskMsisdn(source), mo: mo.id }, 'MO queued');
    }
    return STATUS.ESME_ROK;
  }
}

function messageBytes(pdu: PDU): Buffer {
  const sm = pdu.short_message;
  if (Buffer.isBuffer(sm) && sm.length > 0) return sm;
  const payload = pdu.message_payload;
  if (Buffer.isBuffer(payload)) return payload;
  return Buffer.alloc(0);
}

function tlvText(pdu: PDU, tag: number | null): string | undefined {
  if (tag === null) return undefined;
  const raw = pdu[String(tag)];
  if (!Buffer.isBuffer(raw)) return undefined;
  const text = raw.toString('latin1').replace(/\0+$/, '').trim();
  return text && /^[\x21-\x7e]{1,64}$/.test(text) ? text : undefined;
}

function sha1(s: string): string {
  return createHash('sha1').update(s).digest('hex');
}

export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}
