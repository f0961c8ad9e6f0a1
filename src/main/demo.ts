import type { Config } from '../config';
import type { Logger } from '../log';
import { createFailFastConnection, redisTarget } from '../store/redis';
import { createKeys } from '../store/keys';
import { registerScripts } from '../store/scripts';
import { EnrolmentError, EnrolmentStore } from '../store/enrolment';
import { MerchantStore } from '../store/merchants';
import { parseAmount } from '../domain/money';
import { STORE_REFUSAL_STATUS } from '../http/admin-errors';

/**
 * Enrols the demo subscriber, her device and the merchant of `embedded.demo`, once: a second start
 * on the same data finds them and changes nothing (balances included).
 */
export async function seedDemo(config: Config, log: Logger): Promise<void> {
  const demo = config.embedded.demo;
  const redis = createFailFastConnection(redisTarget(config.redis)!, 'simpair-demo-seed', config.redis.failFastTimeoutMs);
  await new Promise<void>((resolve, reject) => {
    redis.once('ready', resolve);
    redis.once('error', reject);
  });
  const keys = createKeys(config.redis.keyPrefix);
  const scripts = registerScripts(redis);
  const store = new EnrolmentStore(redis, keys, scripts);
  const balance = parseAmount(demo.balance, config.minorDigits, Number.MAX_SAFE_INTEGER);
  const now = Date.now();
  const ignoreExisting = (err: unknown): void => {
    if (!(err instanceof EnrolmentError && STORE_REFUSAL_STATUS[err.code] === 409)) throw err;
  };
  try {
    await store.createSubscriber({ msisdn: demo.subscriber, name: 'Demo subscriber', balanceMinor: balance.ok ? balance.minor : 0 }, now).catch(ignoreExisting);
    await store.bindDevice(demo.subscriber, { msisdn: demo.device, label: 'Demo debit device' }, now).catch(ignoreExisting);
    await new MerchantStore(redis, keys, scripts).create({ code: demo.merchant, name: demo.merchantName }, now).catch(ignoreExisting);
    log.info({ merchant: demo.merchant }, 'demo subscriber, device and merchant ready');
  } finally {
    redis.disconnect();
  }
}
