import type { Redis } from 'ioredis';

/**
 * What simpair needs from Redis to keep its promises (README "Redis durability"): no eviction (an evicted key is a
 * lost payment or a forgotten dedupe marker) and an append-only file. Returns warnings to log;
 * an empty list means all is as it should be. Managed services that forbid CONFIG GET yield one
 * warning saying the settings could not be checked.
 */
export async function redisDurabilityWarnings(redis: Redis): Promise<string[]> {
  const warnings: string[] = [];
  let policy: string | undefined;
  let aof: string | undefined;
  let fsync: string | undefined;
  try {
    policy = ((await redis.config('GET', 'maxmemory-policy')) as string[])[1];
    aof = ((await redis.config('GET', 'appendonly')) as string[])[1];
    fsync = ((await redis.config('GET', 'appendfsync')) as string[])[1];
  } catch (err) {
    return [`could not read Redis settings (${(err as Error).message}); make sure maxmemory-policy is noeviction and AOF is on`];
  }
  if (policy !== 'noeviction') warnings.push(`Redis maxmemory-policy is ${policy}, not noeviction: keys (payments, dedupe markers) could be evicted under memory pressure`);
  if (aof !== 'yes') warnings.push('Redis has no append-only file (appendonly no): acknowledged messages and payments are lost if Redis restarts');
  else if (fsync === 'no') warnings.push('Redis appendfsync is "no": the OS decides when the AOF reaches disk; use everysec or always');
  return warnings;
}
