// `npm run ledger:verify`: proves, account by account, that the journal sums to the stored balances
// (every subscriber, every merchant and the float account) and that all accounts sum to zero.
// Reads REDIS_URL (and SIMPAIR_CONFIG for the key prefix); exits 0 when the ledger balances, 1 when
// it does not (printing each mismatch), 2 on bad configuration.
import { Redis } from 'ioredis';
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
  if (!config.redis.url) {
    process.stderr.write('ledger:verify: REDIS_URL (redis.url) is not set\n');
    process.exit(2);
  }
  const redis = new Redis(config.redis.url, { maxRetriesPerRequest: 3, lazyConnect: true });
  try {
    await redis.connect();
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
