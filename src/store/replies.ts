import type { Redis } from 'ioredis';
import type { Keys } from './keys';
import type { ScriptClient } from './scripts';

/**
 * A reply's states, the words kept in its hash's `state` field. The scripts that move it
 * (recordReplyPart.lua, applyReplyReceipt.lua) are handed these words, so they are written here once.
 */
export const REPLY_STATE = { queued: 'queued', sent: 'sent', delivered: 'delivered', failed: 'failed' } as const;
export type ReplyState = (typeof REPLY_STATE)[keyof typeof REPLY_STATE];

/** A final reply never changes again: receipts and retried jobs leave it as it is. */
export function isFinalReplyState(state: ReplyState | null): boolean {
  return state === REPLY_STATE.delivered || state === REPLY_STATE.failed;
}

/** How long a receipt that overtook its submit_sm_resp waits for it. */
const ORPHAN_TTL_SECONDS = 600;

export interface ReplyRecord {
  id: string;
  to: string;
  kind: string;
  state: ReplyState;
  parts: number;
  smscIds: string[];
  /** Numbers of the parts whose submit_sm_resp was recorded. */
  acceptedParts: number[];
  error?: string;
  createdAt: number;
  updatedAt: number;
}

/**
 * A part's SMSC message id: `key` is its canonical form within the SMSC's id space (the gateway
 * derives it from the connection's configured id format and scope, so a receipt finds it without
 * guessing bases); `raw` is the id as the SMSC wrote it, for the record.
 */
export interface SmscId {
  key: string;
  raw: string;
}

export interface Receipt {
  smscId: SmscId;
  state: string;
  delivered: boolean;
  final: boolean;
}

/**
 * Reply (MT) state: queued → sent → delivered | failed, one hash per reply id, plus a pointer from
 * each part's canonical SMSC message id to the reply. A receipt
 * that arrives before its submit_sm_resp is recorded is kept as an orphan and applied when the
 * part is recorded, so no receipt is lost and none waits in a retry loop.
 */
export class ReplyStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly scripts: ScriptClient,
    /** How long reply records and SMSC-id pointers are kept (retention.replySeconds: late receipts come days later). */
    private readonly retentionSeconds: number,
  ) {}

  /**
   * HSETNX: a re-enqueued reply never goes back to queued. One transaction per reply (each is one
   * key, so one slot), all issued together. Answers, per reply, whether its record is new (false:
   * a retried step queues it again).
   */
  async markQueued(replies: Array<{ id: string; to: string; kind: string }>, now: number): Promise<boolean[]> {
    return Promise.all(
      replies.map(async (r) => {
        const key = this.keys.reply(r.id);
        const res = await this.redis.multi().hsetnx(key, 'state', REPLY_STATE.queued).hset(key, 'to', r.to, 'kind', r.kind).hsetnx(key, 'createdAt', now).expire(key, this.retentionSeconds).exec();
        return Number(res?.[0]?.[1] ?? 0) === 1;
      }),
    );
  }

  /**
   * Records one accepted part (and, with the last, the reply as sent) and the SMSC-id pointers, in
   * one round trip that also fetches receipts which arrived first; those are applied at once.
   */
  async recordPart(id: string, smscId: SmscId, part: number, totalParts: number, now: number): Promise<void> {
    // Three slots: issued together (one write with auto-pipelining), not as one pipeline.
    const [, , orphan] = await Promise.all([
      this.scripts.run('recordReplyPart', [this.keys.reply(id)], [smscId.raw, part, totalParts, now, this.retentionSeconds, REPLY_STATE.queued, REPLY_STATE.sent, REPLY_STATE.delivered, REPLY_STATE.failed]),
      this.redis.set(this.keys.smscMessage(smscId.key), id, 'EX', this.retentionSeconds),
      this.redis.get(this.keys.orphanReceipt(smscId.key)),
    ]);
    if (!orphan) return;
    await this.applyTo(id, JSON.parse(orphan) as Receipt, now);
    await this.redis.del(this.keys.orphanReceipt(smscId.key));
  }

  async markFailed(id: string, error: string, now: number): Promise<void> {
    await this.redis.hset(this.keys.reply(id), 'state', REPLY_STATE.failed, 'error', error, 'updatedAt', now);
  }

  /** The part numbers (1-based) of a reply that the SMSC accepted, from its record. */
  async acceptedParts(id: string): Promise<{ parts: number; accepted: Set<number>; state: ReplyState | null }> {
    const record = await this.get(id);
    if (!record) return { parts: 0, accepted: new Set(), state: null };
    return { parts: record.parts, accepted: new Set(record.acceptedParts), state: record.state };
  }

  /**
   * Applies a delivery receipt to its reply: 'applied', or 'orphan' when its submit_sm_resp is not
   * recorded yet (kept for ORPHAN_TTL_SECONDS under its own id; recordPart picks it up).
   */
  async applyReceipt(r: Receipt, now: number): Promise<'applied' | 'orphan'> {
    const pointer = this.keys.smscMessage(r.smscId.key);
    const replyId = await this.redis.get(pointer);
    if (!replyId) {
      await this.redis.set(this.keys.orphanReceipt(r.smscId.key), JSON.stringify(r), 'EX', ORPHAN_TTL_SECONDS);
      // The part may have been recorded between our look-up and the orphan's write: look once more
      // (applying a receipt twice changes nothing).
      const again = await this.redis.get(pointer);
      if (!again) return 'orphan';
      await this.applyTo(again, r, now);
      return 'applied';
    }
    await this.applyTo(replyId, r, now);
    return 'applied';
  }

  private async applyTo(replyId: string, r: Receipt, now: number): Promise<void> {
    await this.scripts.run('applyReplyReceipt', [this.keys.reply(replyId)], [r.smscId.key, r.state, r.delivered ? 1 : 0, r.final ? 1 : 0, now, REPLY_STATE.delivered, REPLY_STATE.failed]);
  }

  async get(id: string): Promise<ReplyRecord | null> {
    const h = await this.redis.hgetall(this.keys.reply(id));
    if (!h.state) return null;
    const partKeys = Object.keys(h)
      .filter((k) => k.startsWith('smsc:'))
      .sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
    const smscIds = partKeys.map((k) => h[k]);
    return {
      id,
      to: h.to,
      kind: h.kind,
      state: h.state as ReplyState,
      parts: Number(h.parts ?? 0),
      smscIds,
      acceptedParts: partKeys.map((k) => Number(k.slice(5))),
      error: h.error,
      createdAt: Number(h.createdAt ?? 0),
      updatedAt: Number(h.updatedAt ?? 0),
    };
  }
}
