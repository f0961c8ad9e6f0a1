import assert from 'node:assert/strict';
import { adminRig } from './support/admin-rig';

// Crediting money through the admin API (in-process, real redis), and the ledger invariant over it:
// Σ balances = Σ credits. Each test credits subscribers it enrolled itself.

describe('admin API: credits and the ledger (in-process, real redis)', function () {
  this.timeout(10000);
  const rig = adminRig();
  const { api } = rig;
  const credit = (m: string, amount: string, reference: string) => api('POST', `/v1/subscribers/${m}/credits`, { amount, reference });
  const balanceOf = async (m: string): Promise<string> => (await api('GET', `/v1/subscribers/${m}`)).body.balance.amount as string;

  describe('POST /v1/subscribers/:msisdn/credits', () => {
    it('credits once per reference: 201, then 200 with the same body; the ledger stays balanced', async () => {
      const A = await rig.enrol('100.00');
      const first = await credit(A, '12.50', 'topup-1');
      assert.equal(first.status, 201);
      assert.deepEqual(first.body, { reference: 'topup-1', amount: { amount: '12.50', currency: 'KES' }, balance: { amount: '112.50', currency: 'KES' } });
      await credit(A, '1', 'topup-2');
      const replay = await credit(A, '12.50', 'topup-1');
      assert.equal(replay.status, 200);
      assert.deepEqual(replay.body, first.body);
      assert.equal(await balanceOf(A), '113.50');
      await rig.assertLedgerBalanced();
    });

    it('409 for the same reference with a different amount (also the opening credit)', async () => {
      const A = await rig.enrol('100.00');
      assert.equal((await credit(A, '12.50', 'topup-1')).status, 201);
      const v = await rig.version(A);
      const res = await credit(A, '12.51', 'topup-1');
      assert.equal(res.status, 409);
      assert.match(res.body.error, /^reference: /);
      assert.equal((await credit(A, '5.00', 'opening')).status, 409);
      assert.equal(await rig.version(A), v);
      assert.equal(await balanceOf(A), '112.50');
      await rig.assertLedgerBalanced();
    });

    it('20 concurrent credits with one reference apply once', async () => {
      const B = await rig.enrol();
      assert.equal(await balanceOf(B), '0.00');
      const results = await Promise.all(Array.from({ length: 20 }, () => credit(B, '7.25', 'race')));
      assert.deepEqual(results.map((r) => r.status).sort(), [...Array<number>(19).fill(200), 201]);
      for (const r of results) assert.equal(r.body.balance.amount, '7.25');
      assert.equal(await balanceOf(B), '7.25');
      await rig.assertLedgerBalanced();
    });

    it('404 for an unknown subscriber; 400 for bad amounts and references', async () => {
      const A = await rig.enrol('100.00');
      assert.equal((await credit('254799999999', '1.00', 'x')).status, 404);
      const cases: Array<[unknown, RegExp]> = [
        [{ amount: '0.00', reference: 'z1' }, /^amount: must be greater than 0$/],
        [{ amount: '1.005', reference: 'z1' }, /^amount: at most 2 decimals$/],
        [{ amount: 5, reference: 'z1' }, /^amount: must be a decimal string/],
        [{ amount: '5.00' }, /^reference: required$/],
        [{ reference: 'z1' }, /^amount: required$/],
        [{ amount: '5.00', reference: 'has space' }, /^reference: /],
        [{ amount: '5.00', reference: 'z1', note: 'hi' }, /^note: unknown field$/],
      ];
      const credits = (await rig.ledger()).credits;
      for (const [body, error] of cases) {
        const res = await api('POST', `/v1/subscribers/${A}/credits`, body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.match(res.body.error, error);
      }
      assert.equal((await rig.ledger()).credits, credits);
    });
  });

  describe('the ledger', () => {
    it('the ledger invariant holds over opening balances, credits, replays and a race', async () => {
      const before = (await rig.ledger()).credits;
      const A = await rig.enrol('100.00');
      assert.equal((await credit(A, '12.50', 'topup-1')).status, 201);
      assert.equal((await credit(A, '12.50', 'topup-1')).status, 200);
      assert.equal((await credit(A, '1', 'topup-2')).status, 201);
      const B = await rig.enrol();
      await Promise.all(Array.from({ length: 20 }, () => credit(B, '7.25', 'race')));
      await rig.assertLedgerBalanced();
      const { credits } = await rig.ledger();
      assert.equal(credits - before, 10000 + 1250 + 100 + 725);
    });
  });
});
