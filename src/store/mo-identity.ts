import type { ScriptClient } from './scripts';

/** What we told the SMSC about the first copy: nothing yet, ESME_ROK in time, an error, or ROK too late. */
export type FirstAnswer = 'pending' | 'ok' | 'error' | 'late';

export interface FirstCopy {
  /** The MO id the first copy was queued under. */
  id: string;
  /** The bind incarnation that carried it (see LinkInfo.id). */
  link: string;
  at: number;
  answer: FirstAnswer;
}

export type ClaimResult = { claimed: true } | { claimed: false; current: FirstCopy | null };

/**
 * Identity records of inbound messages (claimMoIdentity.lua, recordMoAnswer.lua): one small hash per
 * recent content or SMSC message id, under the sender's hash tag, living for the redelivery window.
 */
export class MoIdentityStore {
  constructor(private readonly scripts: ScriptClient) {}

  /** Claims `key` for `id` if it holds `expected` (null: no record); else returns what it holds. */
  async claim(key: string, expected: string | null, id: string, link: string, now: number, ttlMs: number): Promise<ClaimResult> {
    const r = (await this.scripts.run('claimMoIdentity', [key], [expected ?? '', id, link, now, ttlMs])) as Array<string | number>;
    if (Number(r[0]) === 1) return { claimed: true };
    const currentId = String(r[1]);
    if (!currentId) return { claimed: false, current: null };
    return { claimed: false, current: { id: currentId, link: String(r[2]), at: Number(r[3]), answer: String(r[4]) as FirstAnswer } };
  }

  async recordAnswer(key: string, id: string, answer: Exclude<FirstAnswer, 'pending'>, now: number): Promise<void> {
    await this.scripts.run('recordMoAnswer', [key], [id, answer, now]);
  }
}
