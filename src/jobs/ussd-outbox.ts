import type { Queue } from 'bullmq';
import type { MtJob } from '../queues';
import type { ReplyStore } from '../store/replies';
import { routeUssdReplies } from '../domain/ussd';
import { screenOp } from '../smpp/ussd';
import type { Reply } from '../domain/decision';
import type { ReplySink } from './payment-step';

export interface UssdScreenMt {
  /** Deterministic (`<mo id>.u`): a retried job enqueues the screen once. */
  id: string;
  to: string;
  text: string;
  op: number;
  /** its_session_info, hex of 2 octets (session number; sequence << 1 | end bit). */
  sessionInfo: string;
  kind: string;
}

/**
 * Enqueues USSD screens on the MT queue like any reply, but LIFO: a waiting session screen goes
 * ahead of queued SMS, because the network drops a session after a few seconds of silence.
 */
export class UssdScreens {
  constructor(
    private readonly mtQueue: Queue<MtJob>,
    private readonly replies: ReplyStore,
    /** A screen is worthless once the network has ended the session. */
    private readonly deadlineMs: number,
  ) {}

  async send(s: UssdScreenMt, now: number): Promise<void> {
    await this.replies.markQueued([{ id: s.id, to: s.to, kind: s.kind }], now);
    await this.mtQueue.add(
      'mt',
      { messages: [{ id: s.id, to: s.to, text: s.text, kind: s.kind, ussd: { op: s.op, sessionInfo: s.sessionInfo }, createdAt: now, deadline: now + this.deadlineMs }] },
      { jobId: s.id, lifo: true },
    );
  }
}

/**
 * The outbox a payment step uses when the main SIM's request came over USSD: the main SIM's reply
 * (the code, or a decline, a lock…) becomes the session's final screen (routeUssdReplies decides
 * which reply and what else still goes by SMS); the rest goes through the ordinary outbox. One per
 * step; the payment step itself does not know the channel.
 */
export class UssdSessionReplySink implements ReplySink {
  /** Whether the step had an answer for the main SIM (else the shell ends the session itself). */
  screenSent = false;

  constructor(
    private readonly outbox: ReplySink,
    private readonly screens: UssdScreens,
    private readonly session: { main: string; screenId: string; sessionInfo: string },
  ) {}

  async send(originId: string, list: Reply[], opts: { rateLimited: boolean; now: number }): Promise<number> {
    const { screen, sms } = routeUssdReplies(list, this.session.main);
    if (screen) {
      const { main, screenId, sessionInfo } = this.session;
      await this.screens.send({ id: screenId, to: main, text: screen.text, op: screenOp(screen), sessionInfo, kind: screen.kind }, opts.now);
      this.screenSent = true;
    }
    return (screen ? 1 : 0) + (sms.length ? await this.outbox.send(originId, sms, opts) : 0);
  }
}
