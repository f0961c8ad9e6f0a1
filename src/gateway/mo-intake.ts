import { randomBytes } from 'node:crypto';
import { sha1 } from './digest';
import type { Logger } from 'pino';
import type { SmppConnectionConfig } from '../config';
import type { smpp } from '../smpp/library';
import type { DeliverAnswer, LinkInfo } from '../smpp/esme-session';
import { STATUS } from '../smpp/status';
import { decodeText } from '../smpp/text';
import { decodeImsi } from '../smpp/imsi';
import type { MoMessage } from '../queues';
import type { GroupCommit } from '../queues/group-commit';
import { withTimeout } from '../queues/with-timeout';
import type { MoIdentityStore } from '../store/mo-identity';
import type { Keys } from '../store/keys';
import { metrics } from '../metrics';
import { maskMsisdn } from '../domain/msisdn';
import { TON } from '../smpp/address';
import { answerOf, judgeRepeat, type Verdict } from './message-identity';
import type { ConcatIntake } from './concat-intake';

export interface MoIntakeOptions {
  gateway: string;
  /** Durable MO writes, grouped (mo-group-commit.ts). */
  moWriter: Pick<GroupCommit<MoMessage>, 'add'>;
  identities: MoIdentityStore;
  keys: Keys;
  /** mo.dedupeWindowSeconds, in ms. */
  windowMs: number;
  smscResponseTimeoutMs: number;
  messageIdRetentionMs: number;
  /** Upper bound on one Redis step; past it the MO is answered ESME_RX_T_APPN and redelivered. */
  enqueueTimeoutMs: number;
  linkAlive(linkId: string): boolean;
  /** False while the MO backlog is past its limit (backlog-guard.ts): new MOs are then refused for now. */
  admitting(): boolean;
  /** Remembers the connection an MSISDN last wrote over, so its replies prefer it. */
  rememberVia(source: string, connection: string): void;
  log: Logger;
}

/** What the dispatch (intake.ts) hands the MO intake: the shared refusal and the joining of parts. */
export interface MoIntakeParts {
  /** Counts and logs a refused deliver_sm, and gives its answer. */
  refuse(reason: string, status: number): DeliverAnswer;
  concat: ConcatIntake;
}

export interface MoIntake {
  /** The answer to one subscriber message (or one part of it), once it is durable. */
  take(pdu: smpp.PDU, esmClass: number, body: Buffer, link: LinkInfo, conn: SmppConnectionConfig): Promise<DeliverAnswer>;
}

/**
 * Subscriber messages: the sender checked, the parts joined (concat-intake.ts), the text decoded,
 * the identity found (a new message or a redelivery, message-identity.ts), the MO queued durably,
 * and the answer that went out recorded against the identity once deliver_sm_resp is written.
 */
export function createMoIntake(opts: MoIntakeOptions, { refuse, concat }: MoIntakeParts): MoIntake {
  return { take: takeMo };

  async function takeMo(pdu: smpp.PDU, esmClass: number, body: Buffer, link: LinkInfo, conn: SmppConnectionConfig): Promise<DeliverAnswer> {
    if (!opts.admitting()) {
      // Before any record is written: the redelivery is a first copy as far as identity goes.
      metrics.moThrottled.inc();
      return { status: STATUS.ESME_RTHROTTLED };
    }
    const source = String(pdu.source_addr ?? '').trim();
    const sourceTon = Number(pdu.source_addr_ton ?? 0);
    if (!source) return refuse('empty_source', STATUS.ESME_RINVSRCADR);
    if (sourceTon === TON.alphanumeric || !/^\+?[0-9]{1,20}$/.test(source)) return refuse('non_numeric_source', STATUS.ESME_RINVSRCADR);
    const dataCoding = Number(pdu.data_coding ?? 0);
    const destination = String(pdu.destination_addr ?? '');

    return concat.join(pdu, esmClass, body, { idScope: conn.idScope, source, destination }, (payload) =>
      enqueueMo(pdu, source, sourceTon, destination, payload, dataCoding, link, conn),
    );
  }

  async function enqueueMo(
    pdu: smpp.PDU,
    source: string,
    sourceTon: number,
    destination: string,
    payload: Buffer,
    dataCoding: number,
    link: LinkInfo,
    conn: SmppConnectionConfig,
  ): Promise<DeliverAnswer> {
    const decoded = decodeText(payload, dataCoding, { defaultAlphabet: conn.defaultAlphabet });
    if (!decoded.ok) {
      // Unsupported coding scheme: ESME_RINVDCS. Bytes that are not valid in a supported scheme have
      // no status of their own in SMPP 3.4; a permanent application error tells the SMSC not to retry.
      return refuse(decoded.reason, decoded.reason === 'unsupported_data_coding' ? STATUS.ESME_RINVDCS : STATUS.ESME_RX_P_APPN);
    }
    const imsi = readImsi(pdu, conn, source);
    const smscMessageId = tlvText(pdu, conn.messageIdTlvTag);
    const ussd = typeof pdu.ussd_service_op === 'number'
      ? { op: pdu.ussd_service_op, sessionInfo: Buffer.isBuffer(pdu.its_session_info) ? pdu.its_session_info.toString('hex') : undefined }
      : undefined;
    const now = Date.now();

    // Identity (README "Message identity"): the SMSC's own message id where it sends one, else the
    // content. A USSD dialogue repeats texts ("*778#" again, "1" in the next session): its operation
    // and session info are part of the content.
    const content = smscMessageId
      ? `id|${conn.idScope}|${smscMessageId}`
      : `${source}|${sourceTon}|${destination}|${imsi.value ?? ''}|${dataCoding}|${decoded.text}${ussd ? `|ussd|${ussd.op}|${ussd.sessionInfo ?? ''}` : ''}`;
    const digest = sha1(content);
    const key = opts.keys.moIdentity(source, digest);
    const freshId = smscMessageId ? `smsc-${digest.slice(0, 32)}` : `${digest.slice(0, 16)}-${now.toString(36)}-${randomBytes(4).toString('hex')}`;
    const ttlMs = smscMessageId ? opts.messageIdRetentionMs : opts.windowMs;
    const verdict = await withTimeout(identify(key, freshId, smscMessageId !== undefined, link, now, ttlMs), opts.enqueueTimeoutMs);
    const id = verdict.kind === 'new' ? freshId : verdict.id;
    opts.rememberVia(source, conn.name);

    if (verdict.kind === 'redelivery') {
      metrics.moDuplicates.inc({ evidence: verdict.evidence });
      opts.log.info({ from: maskMsisdn(source), original: id, evidence: verdict.evidence, requeued: !verdict.durable }, 'redelivered MO recognised');
      if (verdict.durable) return { status: STATUS.ESME_ROK };
    }
    const mo: MoMessage = {
      id,
      source,
      sourceTon,
      sourceNpi: Number(pdu.source_addr_npi ?? 0),
      destination,
      text: decoded.text,
      dataCoding,
      imsi: imsi.value,
      ...(imsi.unreadable ? { imsiUnreadable: true } : {}),
      smscMessageId,
      serviceType: pdu.service_type ? String(pdu.service_type) : undefined,
      ussd,
      receivedAt: now,
      gateway: opts.gateway,
      connection: conn.name,
      link: link.id,
    };
    // The same id again (a redelivery that may not have been queued) adds nothing: the job id is
    // the MO id, and a job that already ran finds the worker's applied marker.
    let queued = false;
    try {
      await opts.moWriter.add(mo);
      queued = true;
    } catch (err) {
      metrics.moTempFail.inc();
      opts.log.warn({ err: (err as Error).message }, 'could not queue MO; answering ESME_RX_T_APPN');
    }
    if (queued && verdict.kind === 'new') {
      metrics.moEnqueued.inc();
      opts.log.debug({ from: maskMsisdn(source), mo: id }, 'MO queued');
    }
    const status = queued ? STATUS.ESME_ROK : STATUS.ESME_RX_T_APPN;
    return {
      status,
      answered: (sent, latencyMs) => {
        if (verdict.kind !== 'new') return;
        const answer = answerOf(status, sent, latencyMs, opts.smscResponseTimeoutMs);
        opts.identities.recordAnswer(key, id, answer, Date.now()).catch((err: Error) => opts.log.warn({ err: err.message }, 'could not record the MO answer'));
      },
    };
  }

  /** Claims the identity record for a new MO, or recognises the repeat of a recent one. */
  async function identify(key: string, freshId: string, bySmscId: boolean, link: LinkInfo, now: number, ttlMs: number): Promise<Verdict> {
    let expected: string | null = null;
    for (let attempt = 0; attempt < 3; attempt++) {
      const claim = await opts.identities.claim(key, expected, freshId, link.id, now, ttlMs);
      if (claim.claimed) return { kind: 'new' };
      const first = claim.current;
      if (!first) {
        expected = null;
        continue;
      }
      // With an SMSC message id, the id is the identity: any copy is the same message.
      const verdict: Verdict = bySmscId
        ? { kind: 'redelivery', id: first.id, durable: first.answer === 'ok' || first.answer === 'late', evidence: 'smsc_message_id' }
        : judgeRepeat(first, { link: link.id, linkBoundAt: link.boundAt, at: now }, { windowMs: opts.windowMs, smscResponseTimeoutMs: opts.smscResponseTimeoutMs, linkAlive: opts.linkAlive });
      if (verdict.kind === 'redelivery') return verdict;
      metrics.moRepeatsNew.inc();
      expected = first.id; // a genuine repeat: it takes the record over
    }
    throw new Error('identity record contended; answering ESME_RX_T_APPN');
  }

  function readImsi(pdu: smpp.PDU, conn: SmppConnectionConfig, source: string): { value?: string; unreadable: boolean } {
    if (conn.imsiTlvTag === null) return { unreadable: false };
    const raw = pdu[String(conn.imsiTlvTag)];
    if (raw === undefined) return { unreadable: false };
    const decoded = Buffer.isBuffer(raw) ? decodeImsi(raw, conn.imsiEncoding) : ({ ok: false, reason: 'not_digits' } as const);
    if (decoded.ok) return { value: decoded.imsi, unreadable: false };
    metrics.imsiUnreadable.inc({ reason: decoded.reason });
    opts.log.warn({ from: maskMsisdn(source), connection: conn.name, encoding: conn.imsiEncoding, reason: decoded.reason }, 'IMSI TLV present but unreadable');
    return { unreadable: true };
  }
}

function tlvText(pdu: smpp.PDU, tag: number | null): string | undefined {
  if (tag === null) return undefined;
  const raw = pdu[String(tag)];
  if (!Buffer.isBuffer(raw)) return undefined;
  const text = raw.toString('latin1').replace(/\0+$/, '').trim();
  return text && /^[\x21-\x7e]{1,64}$/.test(text) ? text : undefined;
}
