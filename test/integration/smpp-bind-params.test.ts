import assert from 'node:assert/strict';
import { waitFor } from '../support/wait';
import { msisdn, startRig, type Rig } from './support/smpp-rig';

// README "Several binds, several carriers": the bind's system_type, addr_ton, addr_npi and
// address_range, and the sender of our submit_sm (here an alphanumeric name, TON 5), are what the
// connection says, as the carrier asked.

describe('SMPP bind parameters and sender (integration)', function () {
  this.timeout(60_000);
  let rig: Rig;
  before(async () => {
    rig = await startRig({
      config: (sims) => ({
        smpp: {
          connections: [
            {
              name: 'carrier',
              url: `smpp://127.0.0.1:${sims[0].proc.smppPort}`,
              systemType: 'VMA',
              addrTon: 1,
              addrNpi: 1,
              addressRange: '^20555$',
              sourceAddr: 'SIMPAIR',
              sourceTon: 5,
              sourceNpi: 0,
            },
          ],
        },
      }),
    });
  });
  after(async () => rig?.stop());

  it('binds with the configured system_type, addr_ton, addr_npi and address_range', async () => {
    const binds = await rig.sim.binds();
    const ok = binds.filter((b) => b.status === 0);
    assert.ok(ok.length >= 1, JSON.stringify(binds));
    assert.deepEqual(
      ok.map((b) => [b.command, b.systemType, b.addrTon, b.addrNpi, b.addressRange]),
      ok.map(() => ['bind_transceiver', 'VMA', 1, 1, '^20555$']),
    );
  });

  it('answers from the alphanumeric sender name with TON 5', async () => {
    const from = msisdn();
    assert.equal((await rig.sim.mo({ from, text: 'HELP' })).status, 0);
    await rig.sim.delivered(from);
    const submits = await waitFor('the help submit logged', async () => {
      const s = (await rig.sim.submits()).filter((x) => x.to === from);
      return s.length ? s : null;
    });
    assert.deepEqual(
      submits.map((s) => [s.from, s.sourceTon]),
      [['SIMPAIR', 5]],
    );
  });
});
