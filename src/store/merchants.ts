import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Keys } from './keys';
import type { ScriptClient } from './scripts';
import { EnrolmentError, refusal, type ScriptAnswer } from './enrolment';

// Merchants: creation (with the phone pointer and the index, three slots), the webhook secret,
// reads and the list. Refusals are EnrolmentErrors, mapped in enrolment.ts (ENROLMENT_ERRORS).

export interface MerchantRecord {
  code: string;
  name: string;
  balanceMinor: number;
  createdAt: number;
  /** The merchant's phone (payment notices by SMS, CHECK from the till). */
  msisdn?: string;
  webhookUrl?: string;
  /** Only in the answer to the creation (or a rotation): the secret that signs webhooks. */
  webhookSecret?: string;
  /** Delivery state of the webhook, for operators. */
  webhook?: { lastOutcome?: string; lastAt?: number; lastEvent?: string; failures: number; givenUp: number };
}

export class MerchantStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly scripts: ScriptClient,
  ) {}

  async create(m: { code: string; name: string; msisdn?: string; webhookUrl?: string }, now: number): Promise<MerchantRecord> {
    const k = this.keys;
    const secret = m.webhookUrl ? newWebhookSecret() : '';
    // The phone pointer (global), the merchant hash ({m:CODE}) and the merchant index (global) are in
    // three hash slots (Redis Cluster), so three one-slot steps, in an order that a crash between any
    // two leaves repairable by repeating the creation:
    // 1. claim the phone pointer (SET NX GET, atomic): another merchant's phone → PHONE_TAKEN; one
    //    already naming this code is left over from an earlier attempt and is taken over;
    // 2. createMerchant.lua creates the hash: of concurrent creations of one code exactly one passes;
    // 3. ZADD NX to the index. A repeated creation that gets MERCHANT_EXISTS re-adds the entry (with
    //    the merchant's createdAt) before answering 409, and releases the phone pointer it claimed in
    //    step 1 when that phone is not the merchant's.
    const phone = m.msisdn ? k.merchantPhone(m.msisdn) : null;
    if (phone) {
      const owner = await this.redis.set(phone, m.code, 'NX', 'GET');
      if (owner !== null && owner !== m.code) throw new EnrolmentError('PHONE_TAKEN');
    }
    const res = (await this.scripts.run('createMerchant', [k.merchant(m.code)], [m.code, m.name, now, m.msisdn ?? '', m.webhookUrl ?? '', secret])) as ScriptAnswer;
    if (res[0] === 'MERCHANT_EXISTS') {
      const [, createdAt, merchantPhone] = res;
      if (phone && String(merchantPhone) !== m.msisdn) await this.scripts.run('releasePointer', [phone], [m.code]);
      if (String(createdAt) !== '') await this.redis.zadd(k.merchantIndex(), 'NX', String(createdAt), m.code);
    }
    if (res[0] !== 'OK') refusal(res);
    await this.redis.zadd(k.merchantIndex(), 'NX', now, m.code);
    return { code: m.code, name: m.name, balanceMinor: 0, createdAt: now, ...(m.msisdn ? { msisdn: m.msisdn } : {}), ...(m.webhookUrl ? { webhookUrl: m.webhookUrl, webhookSecret: secret } : {}) };
  }

  /** A new webhook secret; the old one stops signing at once. Null when the merchant has no webhook. */
  async rotateWebhookSecret(code: string): Promise<string | null> {
    const key = this.keys.merchant(code);
    if (!(await this.redis.hget(key, 'webhookUrl'))) {
      if ((await this.redis.exists(key)) === 0) throw new EnrolmentError('NO_MERCHANT');
      return null;
    }
    const secret = newWebhookSecret();
    await this.redis.hset(key, 'webhookSecret', secret);
    return secret;
  }

  async get(code: string): Promise<MerchantRecord | null> {
    const h = await this.redis.hgetall(this.keys.merchant(code));
    if (!h || Object.keys(h).length === 0) return null;
    return {
      code: h.code || code,
      name: h.name ?? '',
      balanceMinor: Number(h.balance ?? 0),
      createdAt: Number(h.createdAt ?? 0),
      ...(h.msisdn ? { msisdn: h.msisdn } : {}),
      ...(h.webhookUrl
        ? {
            webhookUrl: h.webhookUrl,
            webhook: {
              ...(h.webhookLastOutcome ? { lastOutcome: h.webhookLastOutcome, lastAt: Number(h.webhookLastAt), lastEvent: h.webhookLastEvent } : {}),
              failures: Number(h.webhookFailures ?? 0),
              givenUp: Number(h.webhookGivenUp ?? 0),
            },
          }
        : {}),
    };
  }

  /**
   * Merchants in the order they were created, `limit` after the merchant `after` (exclusive);
   * `next` is the last code of the page when more follow. The cursor is a rank lookup
   * (ZRANK), so a page costs O(log N + limit) wherever it starts.
   */
  async list(opts: { after?: string; limit: number }): Promise<{ merchants: MerchantRecord[]; next: string | null }> {
    const index = this.keys.merchantIndex();
    const rank = opts.after === undefined ? -1 : await this.redis.zrank(index, opts.after);
    if (rank === null) throw new EnrolmentError('NO_MERCHANT');
    const codes = await this.redis.zrange(index, rank + 1, rank + opts.limit + 1);
    const page = codes.slice(0, opts.limit);
    const merchants = (await Promise.all(page.map((c) => this.get(c)))).filter((m): m is MerchantRecord => m !== null);
    return { merchants, next: codes.length > opts.limit ? page[page.length - 1] : null };
  }
}

/** 32 random bytes, base64url: the merchant's HMAC key for webhook signatures. */
function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}
