import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { EnrolmentStore } from '../../src/store/enrolment';
import { createKeys } from '../../src/store/keys';
import { freePort } from '../../src/store/redis-server';
import { registerScripts } from '../../src/store/scripts';
import { ROOT, startRedis } from '../support/processes';

// `npm run ledger:verify`, the operator's check (README "Money", "The check"): exit 0 when every
// balance equals its journal and all sum to zero, 1 naming each account that does not, 2 when it
// cannot look (no Redis configured, or none answering).

const SCRIPT = path.join(ROOT, 'scripts', 'ledger-verify.ts');

function verify(env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const { REDIS_URL: _ignored, ...inherited } = process.env;
    const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT], { cwd: ROOT, env: { ...inherited, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('npm run ledger:verify (integration, real redis)', function () {
  this.timeout(60_000);
  let redis: Awaited<ReturnType<typeof startRedis>>;

  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    await redis?.stop();
  });

  it('exit 0 on a balanced ledger, 1 naming the account whose balance is not its journal', async () => {
    const client = redis.client();
    try {
      const keys = createKeys('sp');
      const enrol = new EnrolmentStore(client, keys, registerScripts(client));
      const main = '254790000001';
      await enrol.createSubscriber({ msisdn: main, balanceMinor: 0 }, Date.now());
      await enrol.credit(main, 'topup-1', 5000);

      const balanced = await verify({ REDIS_URL: redis.url });
      assert.equal(balanced.status, 0, balanced.stderr);
      assert.match(balanced.stdout, /1 journal entries, 2 accounts, 0 postings in flight, sum 0 minor units: balanced/);

      // A balance changed behind the journal's back (not through a script).
      await client.hset(keys.subscriber(main), 'balance', '5001');
      const broken = await verify({ REDIS_URL: redis.url });
      assert.equal(broken.status, 1, broken.stderr);
      assert.match(broken.stdout, /NOT balanced/);
      assert.match(broken.stdout, new RegExp(`subscriber:${main}: journal 5000, stored 5001`));
    } finally {
      client.disconnect();
    }
  });

  it('exit 2 with a clear message when no Redis is configured or none answers', async () => {
    const unset = await verify({});
    assert.equal(unset.status, 2);
    assert.match(unset.stderr, /REDIS_URL \(redis\.url\) or REDIS_CLUSTER_NODES/);
    const down = await verify({ REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
    assert.equal(down.status, 2);
    assert.match(down.stderr, /did not answer within 5 s/);
  });
});
