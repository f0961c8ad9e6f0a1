// Store-and-forward of deliver_sm (MOs and receipts) to bound ESMEs, the way an SMSC does it:
// hold while no receiver is bound, a window of outstanding PDUs per session, a response deadline,
// and redelivery after temporary errors, timeouts and lost connections, up to a limit.
import * as smpp from 'smpp';
import type { PDUFields } from 'smpp';
import { log } from './log';
import type { EsmeSession } from './esme-session';

export type Outcome = { kind: 'response'; status: number } | { kind: 'timeout' } | { kind: 'closed' };

export interface DeliveryJob {
  readonly label: string;
  /** Only sessions bound with this system_id may take it (receipts go back to their sender). */
  readonly systemId: string | null;
  /** Fresh fields per attempt: the library mutates the PDU object it encodes. */
  fields(): PDUFields;
  attempts: number;
  cancelled: boolean;
  onSent(esme: EsmeSession): void;
  /** 'retry' puts the job back after the redelivery delay while attempts remain. */
  onOutcome(outcome: Outcome, esme: EsmeSession): 'done' | 'retry';
  onGiveUp(): void;
}

export interface DeliverySettings {
  responseTimeoutMs: number;
  redeliveryDelayMs: number;
  maxAttempts: number;
  window: number;
}

interface Inflight {
  job: DeliveryJob;
  esme: EsmeSession;
  seq: number;
  timer: NodeJS.Timeout;
  settled: boolean;
}

export class DeliveryEngine {
  private waiting: DeliveryJob[] = [];
  private readonly inflight = new Set<Inflight>();
  private readonly retries = new Map<NodeJS.Timeout, DeliveryJob>();
  private rr = 0;
  private pumping = false;
  private pumpAgain = false;

  constructor(
    private readonly settings: DeliverySettings,
    private readonly receivers: () => EsmeSession[],
    /** Fault: true when this answer is to be lost with its link (the ESME answered; we never saw it). */
    private readonly loseAnswer: (job: DeliveryJob) => boolean = () => false,
  ) {}

  enqueue(job: DeliveryJob): void {
    this.waiting.push(job);
    this.pump();
  }

  /** Jobs held because nothing could take them (no receiver bound, or every window full). */
  get held(): number {
    return this.waiting.length;
  }

  pump(): void {
    if (this.pumping) {
      this.pumpAgain = true; // a send that fails synchronously re-enters through settle()
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        const free = this.receivers().filter((s) => s.inflight < this.settings.window);
        if (free.length === 0) break;
        const queue = this.waiting;
        this.waiting = [];
        for (const job of queue) {
          if (job.cancelled) continue;
          const esme = this.pick(job);
          if (esme) this.send(job, esme);
          else this.waiting.push(job);
        }
      } while (this.pumpAgain);
    } finally {
      this.pumping = false;
    }
  }

  sessionClosed(esme: EsmeSession): void {
    for (const entry of [...this.inflight]) if (entry.esme === esme) this.settle(entry, { kind: 'closed' });
  }

  /** Forgets every job: held, waiting for redelivery, or in flight (late answers are ignored). */
  reset(): void {
    for (const job of this.waiting) job.cancelled = true;
    this.waiting = [];
    for (const [timer, job] of this.retries) {
      clearTimeout(timer);
      job.cancelled = true;
    }
    this.retries.clear();
    for (const entry of this.inflight) entry.job.cancelled = true;
  }

  private pick(job: DeliveryJob): EsmeSession | null {
    const candidates = this.receivers().filter(
      (s) => s.inflight < this.settings.window && (job.systemId === null || s.systemId === job.systemId),
    );
    if (candidates.length === 0) return null;
    return candidates[this.rr++ % candidates.length];
  }

  private send(job: DeliveryJob, esme: EsmeSession): void {
    job.attempts++;
    const pdu = new smpp.PDU('deliver_sm', job.fields());
    const entry: Inflight = {
      job,
      esme,
      seq: 0,
      settled: false,
      timer: setTimeout(() => this.settle(entry, { kind: 'timeout' }), this.settings.responseTimeoutMs),
    };
    esme.inflight++;
    this.inflight.add(entry);
    const written = esme.link.send(
      pdu,
      (resp) => {
        if (this.loseAnswer(job)) {
          // The link dies with the ESME's answer in flight: to the SMSC it is unanswered, and it
          // redelivers over the next bind (SMPP 3.4 §4.6.2), although the ESME did answer.
          this.settle(entry, { kind: 'closed' });
          esme.link.destroy();
          return;
        }
        this.settle(entry, { kind: 'response', status: resp.command_status });
      },
      undefined,
      () => this.settle(entry, { kind: 'closed' }),
    );
    entry.seq = pdu.sequence_number;
    if (written) {
      esme.counters.deliverSent++;
      job.onSent(esme);
      log.debug('deliver_sm out', { job: job.label, session: esme.id, seq: entry.seq, attempt: job.attempts });
    }
  }

  private settle(entry: Inflight, outcome: Outcome): void {
    if (entry.settled) return;
    entry.settled = true;
    clearTimeout(entry.timer);
    this.inflight.delete(entry);
    entry.esme.inflight--;
    // The library keeps response callbacks forever; drop ours so a late answer finds nothing.
    if (outcome.kind !== 'response') delete (entry.esme.link as unknown as { _callbacks: Record<number, unknown> })._callbacks[entry.seq];
    if (outcome.kind === 'response' && outcome.status === 0) entry.esme.counters.deliverAcked++;
    const { job } = entry;
    if (!job.cancelled) {
      log.debug('deliver_sm outcome', { job: job.label, session: entry.esme.id, ...outcome });
      if (job.onOutcome(outcome, entry.esme) === 'retry') this.retryLater(job);
    }
    this.pump();
  }

  private retryLater(job: DeliveryJob): void {
    if (job.attempts >= this.settings.maxAttempts) {
      log.warn('giving up delivery', { job: job.label, attempts: job.attempts });
      job.onGiveUp();
      return;
    }
    const timer = setTimeout(() => {
      this.retries.delete(timer);
      if (!job.cancelled) this.enqueue(job);
    }, this.settings.redeliveryDelayMs);
    this.retries.set(timer, job);
  }
}
