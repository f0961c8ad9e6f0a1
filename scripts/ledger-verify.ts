// `npm run ledger:verify`: proves, account by account, that the journal sums to the stored balances
// (every subscriber, every merchant and the float account) and that all accounts sum to zero.
// Reads REDIS_URL (and SIMPAIR_CONFIG for the key prefix); exits 0 when the ledger balances, 1 when
// it does not (printing each mismatch), 2 on bad configuration.
import { createFailFastConnection, describeTarget, redisTarget } from '../src/store/redis';
import { ConfigError, loadConfig } from '../src/config';
import { createKeys } from '../src/store/keys';
import { Journal } from '../src/store/journal';
import { registerScripts } from '../src/store/scripts';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`ledger:verify: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const target = redisTarget(config.redis);
  if (!target) {
    process.stderr.write('ledger:verify: REDIS_URL (redis.url) or REDIS_CLUSTER_NODES (redis.clusterNodes) is not set\n');
    process.exit(2);
  }
  const redis = createFailFastConnection(target, 'simpair-ledger-verify', config.redis.failFastTimeoutMs);
  redis.on('error', () => undefined);
  try {
    await new Promise<void>((resolve, reject) => {
      redis.once('ready', resolve);
      setTimeout(() => reject(new Error(`Redis (${describeTarget(target)}) did not answer within 5 s`)), 5000).unref();
    });
    const check = await new Journal(redis, createKeys(config.redis.keyPrefix), registerScripts(redis)).verify();
    process.stdout.write(
      `${check.entries} journal entries, ${check.accounts} accounts, ${check.pending} postings in flight, sum ${check.sumMinor} minor units: ${check.ok ? 'balanced' : 'NOT balanced'}\n`,
    );
    for (const m of check.mismatches) process.stdout.write(`  ${m.account}: journal ${m.journalMinor}, stored ${m.storedMinor}\n`);
    for (const t of check.unpaired) process.stdout.write(`  transfer ${t}: one side journaled, the other neither applied nor owed\n`);
    process.exitCode = check.ok ? 0 : 1;
  } finally {
    redis.disconnect();
  }
}

main().catch((err: Error) => {
  process.stderr.write(`ledger:verify: ${err.message}\n`);
  process.exit(2);
});
