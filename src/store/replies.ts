import type { Redis } from 'ioredis';
import type { Keys } from './keys';
import type { ScriptClient } from './scripts';
import type { ReplyState } from '../queues';

/** How long reply records and SMSC-id pointers are kept: long enough for late receipts (days). */
const REPLY_TTL_SECONDS = 3 * 24 * 3600;

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

/** Reply (MT) state: queued → sent → delivered | failed, kept per reply id. */
export class ReplyStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly scripts: ScriptClient,
  ) {}

  async markQueued(id: string, to: string, kind: string, now: number): Promise<void> {
    const key = this.keys.reply(id);
    // HSETNX on state: a re-enqueued reply never moves a sent or delivered one back to queued.
    await this.redis.multi().hsetnx(key, 'state', 'queued').hset(key, 'to', to, 'kind', kind).hsetnx(key, 'createdAt', now).expire(key, REPLY_TTL_SECONDS).exec();
  }

  /** Records one accepted part; the reply counts as sent once its last part is accepted. */
  async markPartSent(id: string, normalisedSmscIds: string[], smscId: string, totalParts: number, now: number): Promise<void> {
    const key = this.keys.reply(id);
    const tx = this.redis.multi().hset(key, 'parts', totalParts, 'updatedAt', now).rpush(`${key}:smscids`, smscId).expire(`${key}:smscids`, REPLY_TTL_SECONDS);
    for (const n of normalisedSmscIds) tx.set(this.keys.smscMessage(n), id, 'EX', REPLY_TTL_SECONDS);
    await tx.exec();
  }

  async markSent(id: string, now: number): Promise<void> {
    const key = this.keys.reply(id);
    // Only queued → sent: a receipt that raced ahead may already have finished the reply.
    await this.scripts.run('markReplySent', [key], [now]);
  }

  async markFailed(id: string, error: string, now: number): Promise<void> {
    await this.redis.hset(this.keys.reply(id), 'state', 'failed', 'error', error, 'updatedAt', now);
  }

  /** Resolves the reply a receipt belongs to, trying every id form (hex/decimal) the SMSC may use. */
  async replyIdForSmscId(candidates: string[]): Promise<string | null> {
    for (const c of candidates) {
      const id = await this.redis.get(this.keys.smscMessage(c));
      if (id) return id;
    }
    return null;
  }

  async applyReceipt(replyId: string, normalisedSmscId: string, state: string, delivered: boolean, final: boolean, now: number): Promise<string | null> {
    const r = await this.scripts.run('applyReplyReceipt', [this.keys.reply(replyId)], [normalisedSmscId, state, delivered ? 1 : 0, final ? 1 : 0, now]);
    return typeof r === 'string' ? r : null;
  }

  async get(id: string): Promise<ReplyRecord | null> {
    const h = await this.redis.hgetall(this.keys.reply(id));
    if (!h.state) return null;
    const smscIds = await this.redis.lrange(`${this.keys.reply(id)}:smscids`, 0, -1);
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
