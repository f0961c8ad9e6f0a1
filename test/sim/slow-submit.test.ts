import assert from 'node:assert/strict';
import { simulatorSuite } from './support/suite';

// slowSubmitResponseMs: submit_sm_resp comes late while enquire_link is answered at once, so an
// ESME's request timeout can fire on a link that is healthy; the late answer still arrives.

describe('smsc-sim: slow submit_sm_resp only (slowSubmitResponseMs)', function () {
  this.timeout(20000);
  const { api, connect } = simulatorSuite({ SIM_DELIVERY_RECEIPT_DELAY_MS: '20' });

  it('delays submit_sm_resp, not enquire_link_resp, and still sends the late answer', async () => {
    const esme = await connect();
    const state = await api().put('/faults', { slowSubmitResponseMs: 800 });
    assert.deepEqual([state.slowSubmitResponseMs, state.slowResponseMs], [800, 0]);

    const sentAt = Date.now();
    const submit = esme.request('submit_sm', { destination_addr: '254700000001', short_message: Buffer.from('late'), registered_delivery: 1 }, 300);
    await assert.rejects(submit, /timed out/, "the ESME's own 300 ms timeout fires");

    const linkAt = Date.now();
    assert.equal((await esme.request('enquire_link', {}, 300)).command_status, 0, 'the link is answered meanwhile');
    assert.ok(Date.now() - linkAt < 200, 'enquire_link_resp is not delayed');

    const late = await esme.waitForRaw('the late submit_sm_resp', (p) => p.commandId === 0x80000004, 3000);
    assert.equal(late.status, 0);
    assert.ok(Date.now() - sentAt >= 750, `answered after ${Date.now() - sentAt} ms`);
    // The receipt follows the late answer, never before it.
    const receipt = await esme.waitForRaw('the receipt', (p) => !!p.deliver && (p.deliver.esmClass & 0x04) !== 0);
    assert.ok(esme.raw.indexOf(receipt) > esme.raw.indexOf(late));
    assert.equal((await api().get('/submits'))[0].statusName, 'ESME_ROK');
  });

  it('adds to slowResponseMs, and POST /reset clears it', async () => {
    const esme = await connect();
    await api().put('/faults', { slowResponseMs: 150, slowSubmitResponseMs: 250 });
    const t0 = Date.now();
    await esme.request('submit_sm', { destination_addr: '254700000001', short_message: Buffer.from('x') }, 3000);
    assert.ok(Date.now() - t0 >= 380, `submit_sm_resp after ${Date.now() - t0} ms`);
    const t1 = Date.now();
    await esme.request('enquire_link', {}, 3000);
    const link = Date.now() - t1;
    assert.ok(link >= 130 && link < 380, `enquire_link_resp after ${link} ms: slowResponseMs only`);

    await api().post('/reset');
    assert.equal((await api().get('/faults')).slowSubmitResponseMs, 0);
    for (const bad of [-1, 600_001, '100']) {
      const r = await api().send('PUT', '/faults', { slowSubmitResponseMs: bad });
      assert.equal(r.status, 400);
      assert.match(r.body.error, /^slowSubmitResponseMs:/);
    }
  });
});
