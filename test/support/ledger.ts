import type { Redis } from 'ioredis';
import type { Account, Keys } from '../../src/store/keys';
import { Journal, type LedgerCheck } from '../../src/store/journal';
import { LedgerOutbox, NO_NOTICE } from '../../src/store/ledger-outbox';
import { registerScripts } from '../../src/store/scripts';
import { waitFor } from './wait';

/**
 * The ledger check once every transfer has both sides: for tests that apply payments without a
 * worker, settles every account's outbox itself (what the ledger relay does for due accounts); the
 * notices postings imply are not sent.
 */
export async function settleAndCheck(redis: Redis, keys: Keys): Promise<LedgerCheck> {
  const scripts = registerScripts(redis);
  const ledger = new LedgerOutbox(redis, keys, scripts);
  const accounts = [
    ...(await redis.zrange(keys.outboxDue(), 0, -1)),
    ...(await redis.zrange(keys.subscriberIndex(), 0, -1)).map((m) => `subscriber:${m}`),
    ...(await redis.zrange(keys.merchantIndex(), 0, -1)).map((c) => `merchant:${c}`),
  ];
  for (const a of new Set(accounts)) await ledger.settle(a as Account, NO_NOTICE);
  return new Journal(redis, keys, scripts).verify();
}

/** The ledger check once a running worker's ledger relay has settled everything (or the deadline). */
export async function settledCheck(redis: Redis, keys: Keys, timeoutMs = 15_000): Promise<LedgerCheck> {
  const journal = new Journal(redis, keys, registerScripts(redis));
  return waitFor('the ledger relay to settle every outbox', async () => {
    if ((await redis.zcard(keys.outboxDue())) > 0) return null;
    const check = await journal.verify();
    return check.pending === 0 ? check : null;
  }, timeoutMs);
}
