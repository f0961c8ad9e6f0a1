/**
 * Which inbound message is which (README "Message identity"): a pure rule, no I/O.
 *
 * A subscriber who sends the same text twice means it twice; an SMSC that delivers the same
 * deliver_sm twice does so only when it believes our deliver_sm_resp did not reach it (SMPP 3.4
 * §2.8, §4.6.2: it retries after a timeout, an error or a lost link). So a repeat of the same
 * content is a redelivery only with evidence that our answer to the first copy may not have
 * arrived; every other repeat is a new message. Where the SMSC sends its own message id with each
 * MO, that id is the identity and content does not matter (decided by the caller, not here).
 */

import type { FirstAnswer, FirstCopy } from '../store/mo-identity';

// The record of a first copy lives with its store (the identity hash claimMoIdentity.lua writes).
export type { FirstAnswer, FirstCopy } from '../store/mo-identity';

export interface Repeat {
  link: string;
  /** When the link carrying the repeat was bound. */
  linkBoundAt: number;
  at: number;
}

export interface IdentityContext {
  /** How long after the first copy a repeat can still be its redelivery (mo.dedupeWindowSeconds). */
  windowMs: number;
  /** How long the SMSC waits for deliver_sm_resp before it redelivers (mo.smscResponseTimeoutMs). */
  smscResponseTimeoutMs: number;
  /** Whether a bind incarnation is still up (ours exactly; other gateways' by heartbeat). */
  linkAlive(link: string): boolean;
}

export type Verdict =
  | { kind: 'new' }
  /**
   * The same message again: it gets the first copy's id. `durable` says the first copy was
   * certainly queued (answered ESME_ROK), so nothing needs queuing again; otherwise the caller
   * queues it again under the same id (idempotent: the job id and the worker's applied marker).
   */
  | { kind: 'redelivery'; id: string; durable: boolean; evidence: Evidence };

export type Evidence = 'smsc_message_id' | 'answered_error' | 'answered_late' | 'unanswered_on_lost_link' | 'unanswered_past_smsc_timeout' | 'link_lost' | 'rebound_since';

/** The evidence rules, in the order they are tried; the first that holds decides. */
const RULES: ReadonlyArray<{ evidence: Evidence; durable: boolean; holds(f: FirstCopy, r: Repeat, ctx: IdentityContext): boolean }> = [
  // We answered with an error (e.g. ESME_RX_T_APPN when Redis was slow): the SMSC retries.
  { evidence: 'answered_error', durable: false, holds: (f) => f.answer === 'error' },
  // We answered ESME_ROK, but after the SMSC had given up waiting: it retries.
  { evidence: 'answered_late', durable: true, holds: (f) => f.answer === 'late' },
  // No answer recorded and the repeat comes over another link: the first link died (or our
  // process did) before the answer went out.
  { evidence: 'unanswered_on_lost_link', durable: false, holds: (f, r) => f.answer === 'pending' && f.link !== r.link },
  // Still unanswered on the same link past the SMSC's deadline: it timed us out.
  { evidence: 'unanswered_past_smsc_timeout', durable: false, holds: (f, r, ctx) => f.answer === 'pending' && r.at - f.at >= ctx.smscResponseTimeoutMs },
  // Answered, but the link that carried the answer is gone: it may have died with the answer.
  { evidence: 'link_lost', durable: true, holds: (f, r, ctx) => f.answer === 'ok' && f.link !== r.link && !ctx.linkAlive(f.link) },
  // Answered, and the repeat comes over a bind made after the first copy: the SMSC reconnected,
  // which it does after losing a link (a crashed gateway's heartbeat can outlive it by seconds).
  { evidence: 'rebound_since', durable: true, holds: (f, r) => f.answer === 'ok' && f.link !== r.link && r.linkBoundAt > f.at },
];

export function judgeRepeat(first: FirstCopy | null, repeat: Repeat, ctx: IdentityContext): Verdict {
  if (!first || repeat.at - first.at > ctx.windowMs || repeat.at < first.at) return { kind: 'new' };
  for (const rule of RULES) {
    if (rule.holds(first, repeat, ctx)) return { kind: 'redelivery', id: first.id, durable: rule.durable, evidence: rule.evidence };
  }
  return { kind: 'new' };
}

/** The answer to record once deliver_sm_resp is written (or could not be). */
export function answerOf(status: number, sent: boolean, latencyMs: number, smscResponseTimeoutMs: number): Exclude<FirstAnswer, 'pending'> {
  if (!sent || status !== 0) return 'error';
  return latencyMs >= smscResponseTimeoutMs ? 'late' : 'ok';
}
