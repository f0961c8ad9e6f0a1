import assert from 'node:assert/strict';
import type { PDUFields } from 'smpp';
import { waitFor } from '../support/wait';
import { simulatorSuite } from './support/suite';
import type { RawPdu } from './support/wire';

// validity_period (SMPP 3.4 §5.2.16, §7.1.1): a message whose validity has run out when the SMSC
// would deliver it is not delivered; the receipt says EXPIRED. And what the submit log records.

const PHONE = '254700000003';

/** §7.1.1 absolute time in UTC ("00+"), `offsetMs` from now. */
function absolute(offsetMs: number): string {
  const d = new Date(Date.now() + offsetMs);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}000+`;
}

describe('smsc-sim: validity periods and the submit log', function () {
  this.timeout(20000);
  const { api, connect, sim } = simulatorSuite({ SIM_DELIVERY_RECEIPT_DELAY_MS: '40', SIM_LISTENERS: '2' });

  const receiptFor = (id: string) => (p: RawPdu) =>
    !!p.deliver && (p.deliver.esmClass & 0x04) !== 0 && p.deliver.tlvs.get(0x001e)?.toString('latin1') === `${id}\0`;

  async function submitted(esme: Awaited<ReturnType<typeof connect>>, fields: PDUFields) {
    const resp = await esme.request('submit_sm', { source_addr: '20555', destination_addr: PHONE, short_message: Buffer.from('code 1234'), ...fields });
    return resp;
  }

  async function finalState(id: string): Promise<string> {
    return waitFor(`a final state for ${id}`, async () => {
      const entry = (await api().get(`/handsets/${PHONE}/inbox`)).messages.find((m: { id: string }) => m.id === id);
      return entry && entry.state !== 'ENROUTE' ? entry.state : undefined;
    });
  }

  it('marks a message with an absolute validity already past EXPIRED and sends stat:EXPIRED, message_state 3', async () => {
    const esme = await connect();
    const validity = absolute(-3600_000);
    const resp = await submitted(esme, { validity_period: validity, registered_delivery: 1 });
    assert.equal(resp.command_status, 0, 'accepted: the SMSC only finds out when it tries to deliver');
    const id = String(resp.message_id);
    assert.equal(await finalState(id), 'EXPIRED');
    const receipt = (await esme.waitForRaw('the receipt', receiptFor(id))).deliver!;
    assert.match(receipt.shortMessage.toString('latin1'), / dlvrd:000 .* stat:EXPIRED err:000 /);
    assert.deepEqual([...receipt.tlvs.get(0x0427)!], [3]);
    const [entry] = await api().get('/submits');
    assert.equal(entry.validityPeriod, validity);
    assert.equal(Date.parse(entry.expiresAt) <= Date.now() - 3500_000, true);
    assert.equal((await api().get('/counters')).submits_expired, 1);
  });

  it('expires a relative validity that ends before delivery, and a failure-only receipt still comes', async () => {
    const esme = await connect();
    const resp = await submitted(esme, { validity_period: '000000000000000R', registered_delivery: 2 });
    const id = String(resp.message_id);
    assert.equal(await finalState(id), 'EXPIRED');
    await esme.waitForRaw('the failure receipt', receiptFor(id));
  });

  it('delivers within the validity period: relative one day, absolute one hour ahead, none at all', async () => {
    const esme = await connect();
    for (const validity_period of ['000001000000000R', absolute(3600_000), '']) {
      const resp = await submitted(esme, { validity_period, registered_delivery: 1 });
      const id = String(resp.message_id);
      assert.equal(await finalState(id), 'DELIVERED', validity_period);
      assert.match((await esme.waitForRaw('the receipt', receiptFor(id))).deliver!.shortMessage.toString('latin1'), /stat:DELIVRD/);
    }
    const log = await api().get('/submits');
    assert.deepEqual(
      log.map((e: { validityPeriod: string; expiresAt: string | null }) => [e.validityPeriod === '', e.expiresAt === null]),
      [
        [false, false],
        [false, false],
        [true, true],
      ],
    );
  });

  it('refuses a validity_period that is not a §7.1.1 time with ESME_RINVEXPIRY', async () => {
    const esme = await connect();
    // 16 characters, so the test ESME's library sends it as it is (it pads 12 or fewer into a relative time)
    const resp = await submitted(esme, { validity_period: '250132030405000+' }); // 32 January
    assert.equal(resp.command_status, 0x62);
    const [entry] = await api().get('/submits');
    assert.deepEqual([entry.statusName, entry.messageId, entry.validityPeriod], ['ESME_RINVEXPIRY', null, '250132030405000+']);
    assert.equal((await api().get(`/handsets/${PHONE}/inbox`)).messages.length, 0);
  });

  it('logs the source TON/NPI and the listener port of each submit', async () => {
    const second = sim().smppPorts[1];
    const esme = await connect({ port: second });
    await submitted(esme, { source_addr: 'PAYSHOP', source_addr_ton: 5, source_addr_npi: 0 });
    await submitted(esme, { source_addr: '254700000009', source_addr_ton: 1, source_addr_npi: 1 });
    const log = await api().get('/submits');
    assert.deepEqual(
      log.map((e: { from: string; sourceTon: number; sourceNpi: number; listenerPort: number }) => [e.from, e.sourceTon, e.sourceNpi, e.listenerPort]),
      [
        ['PAYSHOP', 5, 0, second],
        ['254700000009', 1, 1, second],
      ],
    );
  });
});
