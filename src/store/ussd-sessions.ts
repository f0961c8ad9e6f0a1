import type { Redis } from 'ioredis';
import type { Keys } from './keys';
import type { ScriptClient } from './scripts';
import type { UssdOutcome, UssdSession } from '../domain/ussd';

// USSD session state in Redis (README "USSD"). A session is one JSON string keyed by msisdn,
// service code and session number (its_session_info octet 1) that expires at the session's overall
// deadline; a pointer names the msisdn's open session (a phone has one at a time); a step record per
// MO keeps what that MO did so a retried job re-sends it. Steps change state only through
// ussdCommitStep.lua. A global sorted set of deadlines (a pointer only, outside the atomic step)
// lets workers count sessions that timed out.

export interface StoredUssdSession {
  /** Session number (its_session_info octet 1). */
  number: number;
  machine: UssdSession;
  /** Network screens sent so far: the sequence number of the last one. */
  seq: number;
  startedAt: number;
  /** startedAt + the session timeout: the key expires then. */
  deadline: number;
  /** Bumped by every step: the optimistic check of ussdCommitStep.lua. */
  v: number;
}

/** What one MO did, enough to repeat its effect exactly. */
export interface UssdStepRecord {
  outcome: UssdOutcome | 'not_registered';
  /** The network's answer as sent: re-sent unchanged (same MT id) on a retry. */
  screen?: { text: string; op: number; sessionInfo: string; kind: string };
  /** A payment request: re-run on a retry (the payment step is idempotent by the MO id). */
  pay?: { amountMinor: number; merchant: string; sessionInfo: string };
}

export interface UssdLoaded {
  key: string;
  session: StoredUssdSession | null;
  step: UssdStepRecord | null;
  /** Key of the msisdn's open session, if any. */
  active: string | null;
}

export type UssdCommitResult = { kind: 'ok'; replaced: string | null } | { kind: 'step'; record: UssdStepRecord } | { kind: 'conflict' };

export interface UssdCommit {
  msisdn: string;
  moId: string;
  loaded: UssdLoaded;
  /** 'open' for a dial (replaces the open session), 'update' for an answer or abort. */
  mode: 'open' | 'update';
  next: StoredUssdSession | null;
  deadline: number;
  record: UssdStepRecord;
}

/** Step records outlive any retry of their MO job (BullMQ back-off, stalled-job recovery). */
const STEP_TTL_SECONDS = 24 * 3600;
/** Timed-out sessions counted per sweep, at most. */
const SWEEP_BATCH = 500;

export class UssdSessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly scripts: ScriptClient,
  ) {}

  /** One round trip: the session, this MO's step record, and the msisdn's open-session pointer. */
  async load(msisdn: string, serviceCode: string, sessionNumber: number, moId: string): Promise<UssdLoaded> {
    const key = this.keys.ussdSession(msisdn, serviceCode, sessionNumber);
    const res = (await this.redis.pipeline().get(key).get(this.keys.ussdStep(msisdn, moId)).get(this.keys.ussdActive(msisdn)).exec()) ?? [];
    for (const [err] of res) if (err) throw err;
    const [session, step, active] = res.map(([, v]) => (v as string | null) ?? null);
    return {
      key,
      session: session ? (JSON.parse(session) as StoredUssdSession) : null,
      step: step ? (JSON.parse(step) as UssdStepRecord) : null,
      active,
    };
  }

  async commit(c: UssdCommit): Promise<UssdCommitResult> {
    const { loaded } = c;
    const res = (await this.scripts.run(
      'ussdCommitStep',
      [loaded.key, this.keys.ussdStep(c.msisdn, c.moId), this.keys.ussdActive(c.msisdn), loaded.active ?? loaded.key],
      [c.mode, loaded.session?.v ?? 0, loaded.active ?? '', c.next ? JSON.stringify(c.next) : '', c.deadline, JSON.stringify(c.record), STEP_TTL_SECONDS],
    )) as [string, string?];
    switch (res[0]) {
      case 'OK':
        return { kind: 'ok', replaced: res[1] ? res[1] : null };
      case 'STEP':
        return { kind: 'step', record: JSON.parse(String(res[1])) as UssdStepRecord };
      case 'CONFLICT':
        return { kind: 'conflict' };
      default:
        throw new Error(`ussdCommitStep: unexpected answer ${String(res[0])}`);
    }
  }

  /** Remembers an open session's deadline (ZADD updates it when a session key is reused). */
  async track(sessionKey: string, deadline: number): Promise<void> {
    await this.redis.zadd(this.keys.ussdDeadlines(), deadline, sessionKey);
  }

  /** The session ended before its deadline: it will not count as timed out. True if it was tracked. */
  async untrack(sessionKey: string): Promise<boolean> {
    return (await this.redis.zrem(this.keys.ussdDeadlines(), sessionKey)) === 1;
  }

  /**
   * Sessions whose deadline passed while still open: removed from the index (their keys have
   * expired) and counted. ZREM decides which worker counts each one, so none is counted twice.
   */
  async sweepTimedOut(now: number): Promise<number> {
    const due = await this.redis.zrangebyscore(this.keys.ussdDeadlines(), '-inf', now, 'LIMIT', 0, SWEEP_BATCH);
    // One ZREM of all of them: its count is what this worker removed, so none is counted twice.
    return due.length ? this.redis.zrem(this.keys.ussdDeadlines(), ...due) : 0;
  }
}
