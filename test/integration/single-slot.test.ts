import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { createKeys } from '../../src/store/keys';
import { registerScripts } from '../../src/store/scripts';
import { EnrolmentError, EnrolmentStore } from '../../src/store/enrolment';
import { MerchantStore } from '../../src/store/merchants';
import { ReassemblyStore } from '../../src/store/reassembly';
import { freePort } from '../../src/store/redis-server';
import { startRedis } from '../support/processes';
import { waitFor } from '../support/wait';

// Device binding, merchant creation and concatenated-MO reassembly against a real redis-server in
// cluster mode (one node owning all 16384 slots): a script or MULTI whose keys are in more than one
// hash slot is refused there with CROSSSLOT, exactly as on a real Redis Cluster. Each test also
// checks the order of the one-slot steps that replaced the multi-slot scripts.

// Not startSystem: these tests need only a redis-server (in cluster mode), no simulator or simpair.
type ClusterNode = Awaited<ReturnType<typeof startRedis>>;

/** A one-node cluster: a private redis-server in cluster mode that owns every slot itself. */
async function startClusterNode(): Promise<ClusterNode> {
  // The bus port named, not port + 10000: that is out of range for a free port above 55535.
  const busPort = await freePort();
  const node = await startRedis({ extraArgs: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-port', String(busPort)] });
  const c = node.client();
  try {
    await c.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
    await waitFor('cluster state ok', async () => String(await c.call('CLUSTER', 'INFO')).includes('cluster_state:ok'), 10_000);
  } finally {
    c.disconnect();
  }
  return node;
}

async function refusedWith(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => err instanceof EnrolmentError && err.code === code);
}

describe('single-slot scripts and their step order (redis-server in cluster mode)', function () {
  this.timeout(30_000);
  let node: ClusterNode;
  let redis: Redis;
  const keys = createKeys('sp');
  let store: EnrolmentStore;
  let merchants: MerchantStore;
  const A = '254700000101';
  const B = '254700000102';
  const C = '254700000103';
  const version = async (m: string) => Number(await redis.hget(keys.subscriber(m), 'version'));

  before(async () => {
    node = await startClusterNode();
    redis = node.client();
    store = new EnrolmentStore(redis, keys, registerScripts(redis));
    merchants = new MerchantStore(redis, keys, registerScripts(redis));
    for (const m of [A, B, C]) await store.createSubscriber({ msisdn: m, balanceMinor: 0 }, Date.now());
  });
  after(async () => {
    redis?.disconnect();
    await node?.stop();
  });

  it('the server refuses a script over two hash slots (CROSSSLOT), so the tests below prove single-slot', async () => {
    await assert.rejects(redis.eval("return redis.call('GET', KEYS[1])", 2, keys.subscriber(A), keys.deviceOwner('254711000100')), /CROSSSLOT/);
  });

  describe('bindDevice / unbindDevice', () => {
    it('binds: pointer, devices hash and version; 20 concurrent bindings of one SIM to three main SIMs: exactly one wins', async () => {
      const dev = '254711000101';
      const results = await Promise.allSettled(Array.from({ length: 21 }, (_, i) => store.bindDevice([A, B, C][i % 3], { msisdn: dev }, Date.now())));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as EnrolmentError).code, 'DEVICE_BOUND');
      const owner = (await redis.get(keys.deviceOwner(dev)))!;
      assert.ok([A, B, C].includes(owner));
      for (const m of [A, B, C]) assert.equal(await redis.hexists(keys.devices(m), dev), m === owner ? 1 : 0);
      await store.unbindDevice(owner, dev);
      assert.equal(await redis.exists(keys.deviceOwner(dev)), 0);
    });

    it('a dangling pointer naming the same main SIM (crash between claim and script) does not block its binding', async () => {
      const dev = '254711000102';
      await redis.set(keys.deviceOwner(dev), A);
      const v = await version(A);
      const rec = await store.bindDevice(A, { msisdn: dev, label: 'till' }, 1234);
      assert.deepEqual(rec, { msisdn: dev, label: 'till', active: true, boundAt: 1234 });
      assert.equal(await redis.get(keys.deviceOwner(dev)), A);
      assert.equal(await redis.hexists(keys.devices(A), dev), 1);
      assert.equal(await version(A), v + 1);
      // A second binding to the same main SIM is refused in its slot and keeps the pointer.
      await refusedWith(store.bindDevice(A, { msisdn: dev }, Date.now()), 'DEVICE_BOUND');
      assert.equal(await redis.get(keys.deviceOwner(dev)), A);
      assert.equal(await version(A), v + 1);
      // Another main SIM is refused at the pointer and changes nothing.
      await refusedWith(store.bindDevice(B, { msisdn: dev }, Date.now()), 'DEVICE_BOUND');
      assert.equal(await redis.hexists(keys.devices(B), dev), 0);
      await store.unbindDevice(A, dev);
    });

    it('a pointer naming another main SIM blocks the binding, even when dangling', async () => {
      const dev = '254711000103';
      await redis.set(keys.deviceOwner(dev), B);
      const v = await version(A);
      await refusedWith(store.bindDevice(A, { msisdn: dev }, Date.now()), 'DEVICE_BOUND');
      assert.equal(await redis.get(keys.deviceOwner(dev)), B);
      assert.equal(await redis.hexists(keys.devices(A), dev), 0);
      assert.equal(await version(A), v);
      await redis.del(keys.deviceOwner(dev));
    });

    it('a failed binding leaves no pointer (unknown main SIM, device SIM is a subscriber), also one left over by a crash', async () => {
      const dev = '254711000104';
      const unknown = '254799999991';
      await refusedWith(store.bindDevice(unknown, { msisdn: dev }, Date.now()), 'NO_SUBSCRIBER');
      assert.equal(await redis.exists(keys.deviceOwner(dev)), 0);
      await redis.set(keys.deviceOwner(dev), unknown); // leftover naming the same (unknown) main SIM
      await refusedWith(store.bindDevice(unknown, { msisdn: dev }, Date.now()), 'NO_SUBSCRIBER');
      assert.equal(await redis.exists(keys.deviceOwner(dev)), 0);
      await refusedWith(store.bindDevice(A, { msisdn: B }, Date.now()), 'DEVICE_IS_SUBSCRIBER');
      assert.equal(await redis.exists(keys.deviceOwner(B)), 0);
      assert.equal(await redis.hexists(keys.devices(A), B), 0);
    });

    it('unbinds in the main SIM slot, then drops the pointer only if it names this main SIM; a leftover pointer is cleaned by an unbind', async () => {
      const dev = '254711000105';
      await store.bindDevice(A, { msisdn: dev }, Date.now());
      const v = await version(A);
      await refusedWith(store.unbindDevice(B, dev), 'NOT_BOUND');
      assert.equal(await redis.get(keys.deviceOwner(dev)), A, "another main SIM's unbind leaves the pointer");
      await store.unbindDevice(A, dev);
      assert.equal(await version(A), v + 1);
      assert.equal(await redis.exists(keys.deviceOwner(dev)), 0);
      assert.equal(await redis.hexists(keys.devices(A), dev), 0);
      // A crash between the two steps of an unbind leaves the pointer naming A: A can bind again,
      // B cannot until it is cleaned, and a repeated unbind by A cleans it.
      await redis.set(keys.deviceOwner(dev), A);
      await refusedWith(store.bindDevice(B, { msisdn: dev }, Date.now()), 'DEVICE_BOUND');
      await refusedWith(store.unbindDevice(A, dev), 'NOT_BOUND');
      assert.equal(await redis.exists(keys.deviceOwner(dev)), 0);
      await store.bindDevice(B, { msisdn: dev }, Date.now());
      assert.equal(await redis.get(keys.deviceOwner(dev)), B);
      await store.unbindDevice(B, dev);
    });

    it('concurrent bindings and unbindings by one main SIM end with pointer and devices hash agreeing', async () => {
      const dev = '254711000106';
      for (let round = 0; round < 10; round++) {
        await Promise.allSettled([
          store.bindDevice(A, { msisdn: dev }, Date.now()),
          store.unbindDevice(A, dev),
          store.bindDevice(A, { msisdn: dev }, Date.now()),
          store.bindDevice(B, { msisdn: dev }, Date.now()),
        ]);
        const owner = await redis.get(keys.deviceOwner(dev));
        const inA = await redis.hexists(keys.devices(A), dev);
        const inB = await redis.hexists(keys.devices(B), dev);
        assert.ok(inA + inB <= 1, 'never bound to two main SIMs');
        if (inA) assert.equal(owner, A);
        if (inB) assert.equal(owner, B);
        if (inA) await store.unbindDevice(A, dev);
        if (inB) await store.unbindDevice(B, dev);
        await redis.del(keys.deviceOwner(dev)); // a pointer left by an unbind racing a bind of A is a harmless leftover
      }
    });
  });

  describe('createMerchant', () => {
    it('creates hash, phone pointer and index entry; PHONE_TAKEN for another merchant’s phone, without writing anything', async () => {
      const m = await merchants.create({ code: 'SLOT1', name: 'One', msisdn: '254722000001' }, 5000);
      assert.equal(m.msisdn, '254722000001');
      assert.equal(await redis.get(keys.merchantPhone('254722000001')), 'SLOT1');
      assert.equal(await redis.zscore(keys.merchantIndex(), 'SLOT1'), '5000');
      await refusedWith(merchants.create({ code: 'SLOT2', name: 'Two', msisdn: '254722000001' }, 6000), 'PHONE_TAKEN');
      assert.equal(await redis.exists(keys.merchant('SLOT2')), 0);
      assert.equal(await redis.zscore(keys.merchantIndex(), 'SLOT2'), null);
      assert.equal(await redis.get(keys.merchantPhone('254722000001')), 'SLOT1');
    });

    it('MERCHANT_EXISTS releases the phone pointer it claimed when the phone is not the merchant’s, and keeps the merchant’s own', async () => {
      await merchants.create({ code: 'SLOT6', name: 'Six', msisdn: '254722000006' }, 6500);
      await refusedWith(merchants.create({ code: 'SLOT6', name: 'Again', msisdn: '254722000002' }, 7000), 'MERCHANT_EXISTS');
      assert.equal(await redis.exists(keys.merchantPhone('254722000002')), 0);
      await refusedWith(merchants.create({ code: 'SLOT6', name: 'Again', msisdn: '254722000006' }, 7000), 'MERCHANT_EXISTS');
      assert.equal(await redis.get(keys.merchantPhone('254722000006')), 'SLOT6');
      assert.equal((await merchants.get('SLOT6'))?.name, 'Six');
    });

    it('a merchant missing from the index (crash between create and ZADD) is re-indexed, with its createdAt, by a repeated create', async () => {
      await merchants.create({ code: 'SLOT3', name: 'Three' }, 8000);
      await redis.zrem(keys.merchantIndex(), 'SLOT3');
      await refusedWith(merchants.create({ code: 'SLOT3', name: 'Three' }, 9999), 'MERCHANT_EXISTS');
      assert.equal(await redis.zscore(keys.merchantIndex(), 'SLOT3'), '8000');
    });

    it('a phone pointer left by a crashed attempt of the same code does not block it', async () => {
      await redis.set(keys.merchantPhone('254722000004'), 'SLOT4');
      const m = await merchants.create({ code: 'SLOT4', name: 'Four', msisdn: '254722000004', webhookUrl: 'https://example.com/hook' }, 10_000);
      assert.ok(m.webhookSecret?.startsWith('whsec_'));
      assert.equal(await redis.get(keys.merchantPhone('254722000004')), 'SLOT4');
      assert.equal(await redis.zscore(keys.merchantIndex(), 'SLOT4'), '10000');
    });

    it('concurrent creations of one code with different phones: exactly one wins, only its phone stays pointed', async () => {
      const phones = Array.from({ length: 10 }, (_, i) => `2547230000${String(i).padStart(2, '0')}`);
      const results = await Promise.allSettled(phones.map((msisdn) => merchants.create({ code: 'SLOT5', name: 'Five', msisdn }, 11_000)));
      const won = results.findIndex((r) => r.status === 'fulfilled');
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as EnrolmentError).code, 'MERCHANT_EXISTS');
      for (const [i, p] of phones.entries()) assert.equal(await redis.get(keys.merchantPhone(p)), i === won ? 'SLOT5' : null);
      assert.equal((await merchants.get('SLOT5'))?.msisdn, phones[won]);
    });
  });

  describe('reassembly', () => {
    it('every stored part has its deadline (set by the first part, kept by later ones); forget drops both', async () => {
      const r = new ReassemblyStore(redis, keys, 'sp', registerScripts(redis), 5000);
      const t0 = 2_000_000;
      assert.deepEqual(await r.storePart('s1', 2, 3, Buffer.from('b'), t0), { complete: false, stored: 1 });
      assert.equal(await redis.zscore(keys.concatDeadlines(), 'sp:concat:s1'), String(t0 + 5000));
      await r.storePart('s1', 1, 3, Buffer.from('a'), t0 + 100);
      assert.equal(await redis.zscore(keys.concatDeadlines(), 'sp:concat:s1'), String(t0 + 5000), 'NX: the first part’s deadline stays');
      const done = await r.storePart('s1', 3, 3, Buffer.from('c'), t0 + 200);
      assert.ok(done.complete);
      assert.equal(Buffer.concat(done.payloads).toString(), 'abc');
      await r.forget(done.key);
      assert.equal(await redis.exists(done.key), 0);
      assert.equal(await redis.zscore(keys.concatDeadlines(), done.key), null);
    });

    it('a deadline without parts (crash between the two commands) is skipped by the sweep; an incomplete message is counted once', async () => {
      const r = new ReassemblyStore(redis, keys, 'sp', registerScripts(redis), 5000);
      const t0 = 3_000_000;
      await redis.zadd(keys.concatDeadlines(), 'NX', t0 + 5000, 'sp:concat:crashed');
      await r.storePart('s2', 1, 2, Buffer.from('x'), t0);
      assert.deepEqual(await r.sweepExpired(t0 + 5001), [1]);
      assert.equal(await redis.zscore(keys.concatDeadlines(), 'sp:concat:crashed'), null);
      assert.deepEqual(await r.sweepExpired(t0 + 6000), []);
      assert.equal(await redis.exists('sp:concat:s2'), 0);
    });
  });
});
