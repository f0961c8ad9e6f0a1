import assert from 'node:assert/strict';
import { assertNothingLost, FaultRig, figuresTable, type Figures, type StreamOptions } from '../support/fault-rig';
import { http } from '../support/http';
import { waitFor } from '../support/wait';

// The same code on Redis Cluster (README "Redis Cluster"): a local 3-master cluster, two gateways
// (each its own bind to the SMSC), four workers and an API, all separate processes. A stream of
// payment pairs completes with full accounting, also when one gateway is killed -9 mid-stream and
// not restarted: the SMSC redelivers what it had not acknowledged over the other gateway's bind,
// and the dead gateway's reply jobs are taken over by the live one; and when a master is killed -9
// and its replica takes over.

const STREAM: StreamOptions = { pairs: 60, unmatched: 10, ratePerSecond: 40 };
const TOKEN = 'cluster-test-admin-token';

describe('Redis Cluster: two gateways, four workers, three masters with a replica each (end to end, separate processes)', function () {
  this.timeout(600_000);
  const rig = new FaultRig();
  const results: Figures[] = [];

  before(async () => {
    await rig.start({ ADMIN_TOKEN: TOKEN }, { cluster: { masters: 3, replicasPerMaster: 1 }, gateways: 2, workers: 4 });
  });

  after(async () => {
    if (results.length) console.log(`\n${figuresTable(results)}\n`);
    await rig.stop();
  });

  async function check(name: string, fault: () => Promise<void>): Promise<Figures> {
    const f = await rig.scenario(name, STREAM, fault);
    results.push(f);
    assertNothingLost(f);
    return f;
  }

  it('a stream of pairs over both gateways: every pair completed once, the ledger balanced, the data on all three masters', async () => {
    await check('cluster, steady', async () => undefined);
    const perMaster = [...(await rig.cluster!.keysPerMaster()).values()];
    assert.equal(perMaster.length, 3);
    for (const n of perMaster) assert.ok(n > 50, `every master holds part of the data (${perMaster.join(', ')} keys)`);
  });

  it('kill -9 of one gateway mid-stream, not restarted: the other carries on, nothing lost or paid twice', async () => {
    await check('cluster, gateway kill -9', async () => {
      await rig.processes.get('gateway-2')!.kill();
      await waitFor('readiness to show one gateway left', async () => {
        const r = await http<{ connections?: Array<{ gateway: string; canTransmit: boolean }> }>('GET', `${rig.baseUrl}/readyz`);
        return r.status === 200 && new Set((r.body.connections ?? []).filter((c) => c.canTransmit).map((c) => c.gateway)).size === 1;
      }, 20_000);
    });
  });

  it('the money side through the API: enrolment with an opening balance, a credit, a refund, the ledger check and its entries, the audit log', async () => {
    const api = <T>(method: string, path: string, body?: unknown) => http<T>(method, `${rig.baseUrl}${path}`, body, { authorization: `Bearer ${TOKEN}` });
    // A payment of its own to refund, whatever ran before: one pair through the simulator.
    const [payer] = await rig.enrol(1);
    for (const from of [payer.main, payer.device]) assert.equal((await http('POST', `${rig.sim.baseUrl}/mo`, { from, text: 'PAY 2.00 SHOP42' })).status, 200);
    const main = '254899000001';
    assert.equal((await api('POST', '/v1/subscribers', { msisdn: main, balance: '50.00' })).status, 201);
    assert.equal((await api('POST', `/v1/subscribers/${main}/credits`, { amount: '25.00', reference: 'c-1' })).status, 201);
    const paid = await waitFor('the pair completed', async () => (await api<{ payments: Array<{ id: string; state: string }> }>('GET', `/v1/payments?msisdn=${payer.main}&state=completed`)).body.payments[0]);
    // The refund is taken from the merchant's balance: its side of the payment must have landed.
    await waitFor('the payment settled on the merchant side', async () => (await api<{ pending: number }>('GET', '/v1/ledger/verify')).body.pending === 0);
    const refund = await api<{ amount: { amount: string } }>('POST', `/v1/payments/${paid.id}/refunds`, { amount: '1.00', reference: 'rf-cluster' });
    assert.equal(refund.status, 201, JSON.stringify(refund.body));
    assert.equal((await api('POST', `/v1/payments/${paid.id}/refunds`, { amount: '1.00', reference: 'rf-cluster' })).status, 200, 'a replay answers the same refund');
    const check = await waitFor('the ledger relay to settle', async () => {
      const r = await api<{ ok: boolean; pending: number; mismatches: unknown[]; unpaired: string[] }>('GET', '/v1/ledger/verify');
      return r.status === 200 && r.body.pending === 0 ? r.body : null;
    });
    assert.deepEqual([check.ok, check.mismatches, check.unpaired], [true, [], []]);
    const entries = await api<{ entries: Array<{ kind: string; transferId: string }> }>('GET', `/v1/ledger/entries?account=subscriber:${main}&limit=10`);
    assert.deepEqual(entries.body.entries.map((e) => e.kind), ['credit', 'credit']);
    const audit = await api<{ entries: Array<{ action: string }> }>('GET', '/v1/audit?limit=100');
    for (const action of ['subscriber.enrol', 'subscriber.credit', 'payment.refund']) assert.ok(audit.body.entries.some((e) => e.action === action), action);
  });

  it('kill -9 of a master mid-stream: its replica takes over, every role follows, nothing lost or paid twice', async () => {
    await check('cluster, master kill -9 (failover)', async () => {
      await rig.cluster!.killMasterAndAwaitFailover();
    });
  });
});
