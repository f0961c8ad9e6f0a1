import type { Redis } from 'ioredis';
import type { Keys } from './keys';
import type { ScriptClient } from './scripts';
import type { ReplyState } from '../queues';
import { messageIdCandidates, normaliseMessageId } from '../smpp/receipt';

/** How long reply records and SMSC-id pointers are kept: long enough for late receipts (days). */
const REPLY_TTL_SECONDS = 3 * 24 * 3600;
/** How long a receipt that overtook its submit_sm_resp waits for it. */
const ORPHAN_TTL_SECONDS = 600;

export interface ReplyRecord {
  id: string;
  to: string;
  kind: string;
  state: ReplyState;
  parts: number;
  smscIds: string[];
  error?: string;
  createdAt: number;
  updatedAt: number;
}

export interface Receipt {
  smscMessageId: string;
  state: string;
  delivered: boolean;
  final: boolean;
}

/**
 * Reply (MT) state: queued → sent → delivered | failed, one hash per reply id, plus a pointer from
 * every form of each part's SMSC message id (hex and decimal: SMSCs differ) to the reply. A receipt
 * that arrives before its submit_sm_resp is recorded is kept as an orphan and applied when the
 * part is recorded, so no receipt is lost and none waits in a retry loop.
 */
export class ReplyStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly scripts: ScriptClient,
  ) {}

  /** One transaction for all replies of a step. HSETNX: a re-enqueued reply never goes back to queued. */
  async markQueued(replies: Array<{ id: string; to: string; kind: string }>, now: number): Promise<void> {
    if (!replies.length) return;
    const tx = this.redis.multi();
    for (const r of replies) {
      const key = this.keys.reply(r.id);
      tx.hsetnx(key, 'state', 'queued').hset(key, 'to', r.to, 'kind', r.kind).hsetnx(key, 'createdAt', now).expire(key, REPLY_TTL_SECONDS);
    }
    await tx.exec();
  }

  /**
   * Records one accepted part (and, with the last, the reply as sent) and the SMSC-id pointers, in
   * one round trip that also fetches receipts which arrived first; those are applied at once.
   */
  async recordPart(id: string, smscId: string, part: number, totalParts: number, now: number): Promise<void> {
    const forms = messageIdCandidates(smscId);
    const p = this.redis.pipeline();
    p.recordReplyPart(this.keys.reply(id), smscId, part, totalParts, now, REPLY_TTL_SECONDS);
    for (const n of forms) p.set(this.keys.smscMessage(n), id, 'EX', REPLY_TTL_SECONDS);
    p.mget(...forms.map((n) => this.keys.orphanReceipt(n)));
    const res = (await p.exec()) ?? [];
    for (const [err] of res) if (err) throw err;
    const orphans = (res[res.length - 1]?.[1] as Array<string | null>) ?? [];
    const found = orphans.filter((json): json is string => json !== null);
    if (!found.length) return;
    for (const json of found) await this.applyTo(id, JSON.parse(json) as Receipt, now);
    await this.redis.del(...forms.map((n) => this.keys.orphanReceipt(n)));
  }

  async markFailed(id: string, error: string, now: number): Promise<void> {
    await this.redis.hset(this.keys.reply(id), 'state', 'failed', 'error', error, 'updatedAt', now);
  }

  /**
   * Applies a delivery receipt to its reply: 'applied', or 'orphan' when its submit_sm_resp is not
   * recorded yet (kept for ORPHAN_TTL_SECONDS under its own id; recordPart picks it up).
   */
  async applyReceipt(r: Receipt, now: number): Promise<'applied' | 'orphan'> {
    const forms = messageIdCandidates(r.smscMessageId);
    const ids = await this.redis.mget(...forms.map((n) => this.keys.smscMessage(n)));
    const replyId = ids.find((x) => x !== null);
    if (!replyId) {
      await this.redis.set(this.keys.orphanReceipt(normaliseMessageId(r.smscMessageId)), JSON.stringify(r), 'EX', ORPHAN_TTL_SECONDS);
      // The part may have been recorded between our look-up and the orphan's write: look once more
      // (applying a receipt twice changes nothing).
      const again = (await this.redis.mget(...forms.map((n) => this.keys.smscMessage(n)))).find((x) => x !== null);
      if (!again) return 'orphan';
      await this.applyTo(again, r, now);
      return 'applied';
    }
    await this.applyTo(replyId, r, now);
    return 'applied';
  }

  private async applyTo(replyId: string, r: Receipt, now: number): Promise<void> {
    await this.scripts.run('applyReplyReceipt', [this.keys.reply(replyId)], [normaliseMessageId(r.smscMessageId), r.state, r.delivered ? 1 : 0, r.final ? 1 : 0, now]);
  }

  async get(id: string): Promise<ReplyRecord | null> {
    const h = await this.redis.hgetall(this.keys.reply(id));
    if (!h.state) return null;
    const smscIds = Object.keys(h)
      .filter((k) => k.startsWith('smsc:'))
      .sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)))
      .map((k) => h[k]);
    return {
      id,
      to: h.to,
      kind: h.kind,
      state: h.state as ReplyState,
      parts: Number(h.parts ?? 0),
      smscIds,
      error: h.error,
      createdAt: Number(h.createdAt ?? 0),
      updatedAt: Number(h.updatedAt ?? 0),
    };
  }
}

declare module 'ioredis' {
  interface ChainableCommander {
    recordReplyPart(key: string, smscId: string, part: number, total: number, now: number, ttl: number): this;
  }
}
