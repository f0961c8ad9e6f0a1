// USSD sessions as a handset sees them, carried over SMPP the way SMSCs with a USSD gateway do it
// (SMPP 3.4 §5.3.2.44 ussd_service_op, §5.3.2.43 its_session_info): the handset dials, the ESME
// answers with submit_sm carrying a menu or a final message, the handset answers or hangs up.
// Octet 1 of its_session_info is the session number, octet 2 (sequence << 1) | end-of-session.
// Each deliver_sm is an MO (mo.ts), so USSD gets the same redelivery rules as SMS.
import { randomInt } from 'node:crypto';
import { encodeText } from './codec';
import type { SimConfig } from './config';
import type { Counters } from './counters';
import { normalizeMsisdn } from './faults';
import { log } from './log';
import type { MoService } from './mo';
import { TEMPORARY_STATUSES } from './protocol';

/** ussd_service_op values (§5.3.2.44) the simulator sends or acts on. */
export const USSD_OP = {
  PSSR_INDICATION: 1, // the handset dialled a code
  USSR_REQUEST: 2, // the network shows a menu and expects an answer
  PSSR_RESPONSE: 17, // the network's final message: the session ends
  USSR_CONFIRM: 18, // the handset's answer (or, with the end bit, its hang-up)
} as const;

export type UssdState = 'open' | 'ended' | 'aborted';

export interface UssdScreen {
  by: 'user' | 'network';
  text: string;
  op: number | null;
  at: string;
}

export interface UssdView {
  id: string;
  from: string;
  code: string;
  sessionNumber: number;
  state: UssdState;
  screens: UssdScreen[];
  lastScreen: UssdScreen | null;
}

interface Session {
  id: string;
  from: string;
  code: string;
  sessionNumber: number;
  state: UssdState;
  screens: UssdScreen[];
  nextSeq: number; // sequence number of the next message the handset sends (7 bits)
}

export interface UssdSendResult {
  status: number | null; // the ESME's deliver_sm_resp; null when it did not answer in time
  statusName: string | null;
  moId: string;
}

export interface NetworkMessage {
  to: string;
  text: string;
  op: number | null;
  sessionInfo: Buffer | null;
}

export class UssdError extends Error {
  constructor(
    readonly httpStatus: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
  }
}

const SESSION_LIMIT = 10_000;

export class UssdService {
  private readonly sessions = new Map<string, Session>();
  /** `${msisdn}|${sessionNumber}` → open session: where the network's answers are matched. */
  private readonly open = new Map<string, Session>();
  private nextId = 0;

  constructor(
    private readonly config: SimConfig,
    private readonly counters: Counters,
    private readonly mo: MoService,
    private readonly onChange: (view: UssdView) => void,
  ) {}

  async dial(from: string, code: string): Promise<UssdSendResult & { id: string; sessionNumber: number }> {
    oneMessage(code, 'code', true);
    const msisdn = normalizeMsisdn(from);
    const taken = new Set([...this.open.values()].filter((s) => s.from === msisdn).map((s) => s.sessionNumber));
    if (taken.size >= 256) throw new UssdError(409, `from: ${from} already has 256 open USSD sessions`);
    // The network picks the number; random rather than lowest-free so that two handsets often
    // share one, which an ESME keying sessions by number alone would get wrong.
    let sessionNumber: number;
    do sessionNumber = randomInt(0, 256);
    while (taken.has(sessionNumber));
    const session: Session = { id: `ussd-${++this.nextId}`, from: msisdn, code, sessionNumber, state: 'open', screens: [], nextSeq: 0 };
    this.sessions.set(session.id, session);
    this.open.set(key(msisdn, sessionNumber), session);
    this.evict();
    this.counters.ussd_dialled++;
    const result = await this.send(session, USSD_OP.PSSR_INDICATION, code, false);
    return { id: session.id, sessionNumber, ...result };
  }

  async answer(id: string, text: string): Promise<UssdSendResult> {
    const session = this.openSession(id);
    oneMessage(text, 'text', false);
    this.counters.ussd_answers_sent++;
    return this.send(session, USSD_OP.USSR_CONFIRM, text, false);
  }

  /** The user hangs up: the session is over at once, whatever the ESME answers. */
  async abort(id: string): Promise<UssdSendResult> {
    const session = this.openSession(id);
    this.close(session, 'aborted');
    this.counters.ussd_aborts_sent++;
    return this.send(session, USSD_OP.USSR_CONFIRM, '', true);
  }

  /** A USSD submit_sm the SMSC accepted. False when it names no open session of that handset. */
  onNetworkMessage(m: NetworkMessage): boolean {
    const msisdn = normalizeMsisdn(m.to);
    const session = m.sessionInfo && m.sessionInfo.length >= 1 ? this.open.get(key(msisdn, m.sessionInfo[0])) : undefined;
    if (!session) {
      this.counters.ussd_unmatched++;
      log.warn('USSD submit_sm for no open session', { to: msisdn, sessionInfo: m.sessionInfo?.toString('hex') ?? null, op: m.op });
      return false;
    }
    session.screens.push({ by: 'network', text: m.text, op: m.op, at: new Date().toISOString() });
    const endBit = m.sessionInfo!.length >= 2 && (m.sessionInfo![1] & 0x01) === 1;
    if (m.op === USSD_OP.PSSR_RESPONSE || endBit) this.close(session, 'ended');
    else this.changed(session);
    return true;
  }

  get(id: string): UssdView | undefined {
    const s = this.sessions.get(id);
    return s && view(s);
  }

  list(from?: string): UssdView[] {
    const all = [...this.sessions.values()];
    return (from === undefined ? all : all.filter((s) => s.from === normalizeMsisdn(from))).map(view);
  }

  reset(): void {
    this.sessions.clear();
    this.open.clear();
  }

  private openSession(id: string): Session {
    const session = this.sessions.get(id);
    if (!session) throw new UssdError(404, `no USSD session ${id}`);
    if (session.state !== 'open') throw new UssdError(409, `USSD session ${id} is ${session.state}`);
    return session;
  }

  private async send(session: Session, op: number, text: string, end: boolean): Promise<UssdSendResult> {
    const seq = session.nextSeq;
    session.nextSeq = (seq + 1) & 0x7f; // seven bits of octet 2
    const info = Buffer.from([session.sessionNumber, (seq << 1) | (end ? 1 : 0)]);
    if (!end) session.screens.push({ by: 'user', text, op, at: new Date().toISOString() });
    this.changed(session);
    const record = this.mo.inject({
      from: session.from,
      text,
      // §5.3.2.44 dialling strings are GSM 03.38; an answer may need UCS2
      encoding: op === USSD_OP.PSSR_INDICATION ? 'gsm' : undefined,
      serviceType: 'USSD',
      tlvs: { ussd_service_op: op, its_session_info: info.toString('hex') },
      wait: true,
    });
    if ('error' in record) throw new UssdError(400, record.error); // oneMessage() checked already
    await this.mo.waitFirstResponses(record, this.config.moResponseTimeoutMs);
    const { status, statusName } = this.mo.summary(record);
    // A permanent refusal is the network giving up on the session; temporary ones are redelivered.
    if (status !== null && status !== 0 && !TEMPORARY_STATUSES.has(status) && session.state === 'open') this.close(session, 'ended');
    return { status, statusName, moId: record.id };
  }

  private close(session: Session, state: 'ended' | 'aborted'): void {
    session.state = state;
    this.open.delete(key(session.from, session.sessionNumber));
    this.changed(session);
  }

  private changed(session: Session): void {
    this.onChange(view(session));
  }

  private evict(): void {
    while (this.sessions.size > SESSION_LIMIT) {
      const oldest = this.sessions.values().next().value as Session;
      this.sessions.delete(oldest.id);
      if (this.open.get(key(oldest.from, oldest.sessionNumber)) === oldest) this.open.delete(key(oldest.from, oldest.sessionNumber));
    }
  }
}

const key = (msisdn: string, sessionNumber: number) => `${msisdn}|${sessionNumber}`;

function view(s: Session): UssdView {
  return {
    id: s.id,
    from: s.from,
    code: s.code,
    sessionNumber: s.sessionNumber,
    state: s.state,
    screens: s.screens.map((x) => ({ ...x })),
    lastScreen: s.screens.length ? { ...s.screens[s.screens.length - 1] } : null,
  };
}

/** USSD has no concatenation: the text must fit one short_message (160 GSM / 70 UCS2 characters). */
function oneMessage(text: unknown, field: string, gsmOnly: boolean): asserts text is string {
  if (typeof text !== 'string') throw new UssdError(400, `${field}: expected a string`);
  if (field === 'code' && text.length === 0) throw new UssdError(400, 'code: expected a non-empty string');
  const encoded = encodeText(text, gsmOnly ? 'gsm' : undefined);
  if ('error' in encoded) throw new UssdError(400, `${field}: not representable in the GSM 03.38 alphabet`);
  if (encoded.parts.length > 1) throw new UssdError(400, `${field}: longer than one USSD message (160 GSM or 70 UCS2 characters)`);
}
