// Mobile-originated messages: a handset texts the service number; the SMSC delivers deliver_sm to
// the ESME and keeps redelivering until it is accepted, refused for good, or attempts run out.
import { randomInt } from 'node:crypto';
import type { PDUFields } from 'smpp';
import { encodeText } from './codec';
import type { SimConfig } from './config';
import type { Counters } from './counters';
import type { DeliveryEngine, DeliveryJob, Outcome } from './delivery';
import type { Faults } from './faults';
import { formatId } from './message-id';
import { ConcatRefs, moPartFields } from './mo-parts';
import type { MoRequest } from './mo-request';
import { statusName, TEMPORARY_STATUSES } from './protocol';

type PartState = 'pending' | 'acked' | 'failed';

interface StatusEvent {
  part: number;
  attempt: number;
  duplicate: boolean;
  outcome: Outcome['kind'];
  status: number | null;
  statusName: string | null;
  session: number;
  at: string;
}

export interface MoRecord {
  id: string;
  from: string;
  to: string;
  text: string;
  encoding: string;
  dataCoding: number;
  parts: number;
  imsi: string | null;
  serviceType: string;
  /** The SMSC message id of each part (moMessageIdTlvTag), null when that setting is off. */
  messageIds: string[] | null;
  createdAt: string;
  attempts: number;
  statuses: StatusEvent[];
  partStates: PartState[];
  firstStatuses: (number | null)[]; // first answer of each part (duplicates excluded)
  finalStatus: number | null;
  state: PartState;
}

export interface MoSummary {
  id: string;
  parts: number;
  status: number | null;
  statusName: string | null;
  attempts: number;
  queued: boolean;
}

const RECORD_LIMIT = 100_000;
const STATUS_EVENTS_LIMIT = 1000;

export class MoService {
  private readonly records = new Map<string, MoRecord>();
  private readonly waiters = new Map<string, Set<() => void>>();
  private nextId = 0;
  private readonly refs = new ConcatRefs();
  // The SMSC's own MO ids start at a random point, apart from the submit_sm ids (submit.ts).
  private nextSmscId = randomInt(0x80000000, 0xe0000000);

  constructor(
    private readonly config: SimConfig,
    private readonly counters: Counters,
    private readonly faults: Faults,
    private readonly engine: DeliveryEngine,
  ) {}

  /** Builds the parts and queues them; throws nothing for a valid request (encoding is checked). */
  inject(req: MoRequest): MoRecord | { error: string } {
    const encoded = encodeText(req.text, req.encoding);
    if ('error' in encoded) return encoded;
    const total = encoded.parts.length;
    if (total > 255) return { error: 'text: longer than 255 parts' };
    const to = req.to ?? this.config.serviceNumber;
    const messageIds = this.config.moMessageIdTlvTag === null ? null : encoded.parts.map((_, i) => this.smscId(req, i, total));
    const record: MoRecord = {
      id: `mo-${++this.nextId}`,
      from: req.from,
      to,
      text: req.text,
      encoding: encoded.encoding,
      dataCoding: encoded.dataCoding,
      parts: total,
      imsi: req.imsi ?? null,
      serviceType: req.serviceType ?? '',
      messageIds,
      createdAt: new Date().toISOString(),
      attempts: 0,
      statuses: [],
      partStates: encoded.parts.map(() => 'pending'),
      firstStatuses: encoded.parts.map(() => null),
      finalStatus: null,
      state: 'pending',
    };
    this.records.set(record.id, record);
    if (this.records.size > RECORD_LIMIT) this.records.delete(this.records.keys().next().value as string);

    const parts = moPartFields({ req, to, serviceType: record.serviceType, encoded, ref: this.refs.next(req.sar === true), messageIds });
    const jobs = parts.map((fields, i) => this.job(record, i, false, fields));
    if (this.faults.state.duplicateMo) {
      jobs.push(...encoded.parts.map((_, i) => this.job(record, i, true, jobs[i].fields())));
    }
    for (const job of jobs) this.engine.enqueue(job);
    return record;
  }

  /** The request's id (with "-<part>" when there are several parts), or one of the SMSC's own. */
  private smscId(req: MoRequest, part: number, total: number): string {
    if (req.messageId !== undefined) return total > 1 ? `${req.messageId}-${part + 1}` : req.messageId;
    return formatId(this.nextSmscId++, this.config.messageIdFormat);
  }

  get(id: string): MoRecord | undefined {
    return this.records.get(id);
  }

  list(state?: string): MoRecord[] {
    const all = [...this.records.values()];
    return state ? all.filter((r) => r.state === state) : all;
  }

  reset(): void {
    this.records.clear();
    for (const set of this.waiters.values()) for (const wake of set) wake();
    this.waiters.clear();
  }

  summary(record: MoRecord): MoSummary {
    const answered = record.firstStatuses.every((s) => s !== null);
    const status = answered ? (record.firstStatuses.find((s) => s !== 0) ?? 0) : null;
    return {
      id: record.id,
      parts: record.parts,
      status,
      statusName: status === null ? null : statusName(status),
      attempts: record.attempts,
      queued: status === null,
    };
  }

  /** Resolves when every part has had its first answer, or at the deadline. */
  waitFirstResponses(record: MoRecord, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const set = this.waiters.get(record.id) ?? new Set<() => void>();
      this.waiters.set(record.id, set);
      const done = () => {
        clearTimeout(timer);
        set.delete(check);
        if (set.size === 0 && this.waiters.get(record.id) === set) this.waiters.delete(record.id);
        resolve();
      };
      const check = () => {
        if (record.firstStatuses.every((s) => s !== null) || !this.records.has(record.id)) done();
      };
      const timer = setTimeout(done, timeoutMs);
      set.add(check);
      check();
    });
  }

  private notify(record: MoRecord): void {
    for (const wake of [...(this.waiters.get(record.id) ?? [])]) wake();
  }

  private job(record: MoRecord, part: number, duplicate: boolean, fields: PDUFields): DeliveryJob {
    const self = this;
    const counters = this.counters;
    return {
      label: `${record.id}/${part + 1}${duplicate ? '/dup' : ''}`,
      systemId: null,
      attempts: 0,
      cancelled: false,
      fields: () => ({ ...fields }),
      onSent() {
        record.attempts++;
        counters.mo_sent++;
        if (this.attempts > 1) counters.mo_redelivered++;
      },
      onOutcome(outcome, esme) {
        const status = outcome.kind === 'response' ? outcome.status : null;
        if (record.statuses.length < STATUS_EVENTS_LIMIT) {
          record.statuses.push({
            part: part + 1,
            attempt: this.attempts,
            duplicate,
            outcome: outcome.kind,
            status,
            statusName: status === null ? null : statusName(status),
            session: esme.id,
            at: new Date().toISOString(),
          });
        }
        if (!duplicate && status !== null && record.firstStatuses[part] === null) record.firstStatuses[part] = status;
        let decision: 'done' | 'retry' = 'retry';
        if (outcome.kind === 'timeout') counters.mo_timeouts++;
        else if (outcome.kind === 'closed') counters.mo_connection_lost++;
        else if (status === 0) {
          counters.mo_acked++;
          decision = 'done';
        } else if (TEMPORARY_STATUSES.has(status!)) counters.mo_temp_errors++;
        else {
          counters.mo_perm_errors++;
          decision = 'done';
        }
        if (!duplicate && decision === 'done') self.finishPart(record, part, status === 0 ? 'acked' : 'failed', status);
        self.notify(record);
        return decision;
      },
      onGiveUp() {
        const last = [...record.statuses].reverse().find((e) => e.part === part + 1 && !e.duplicate && e.status !== null);
        if (!duplicate) self.finishPart(record, part, 'failed', last?.status ?? null);
        self.notify(record);
      },
    };
  }

  private finishPart(record: MoRecord, part: number, state: PartState, status: number | null): void {
    record.partStates[part] = state;
    if (state === 'failed') {
      record.state = 'failed';
      record.finalStatus = status;
    } else if (record.partStates.every((s) => s === 'acked')) {
      record.state = 'acked';
      record.finalStatus = 0;
    }
  }
}
