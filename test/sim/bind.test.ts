import assert from 'node:assert/strict';
import { startSimulatorProcess, type SimulatorProcess } from '../../smsc-sim/harness';
import { bound, connect, type Esme } from './support/esme';
import { httpClient } from '../support/http';

describe('smsc-sim: binds and session commands', function () {
  this.timeout(20000);
  let sim: SimulatorProcess;
  const open: Esme[] = [];
  const track = (e: Esme) => (open.push(e), e);

  before(async () => {
    sim = await startSimulatorProcess({ env: { SIM_SYSTEM_ID: 'gw1', SIM_PASSWORD: 'pw1' } });
  });
  afterEach(() => {
    for (const e of open.splice(0)) e.destroy();
  });
  after(async () => {
    await sim?.stop();
  });

  it('refuses a wrong password with ESME_RINVPASWD', async () => {
    const esme = track(await connect(sim.smppPort));
    const resp = await esme.request('bind_transceiver', { system_id: 'gw1', password: 'nope' });
    assert.equal(resp.command_status, 0x0e);
  });

  it('refuses an unknown system_id with ESME_RINVSYSID', async () => {
    const esme = track(await connect(sim.smppPort));
    const resp = await esme.request('bind_transmitter', { system_id: 'stranger', password: 'pw1' });
    assert.equal(resp.command_status, 0x0f);
  });

  it('binds with the configured credentials, lists the session, refuses a second bind', async () => {
    const esme = track(await connect(sim.smppPort));
    const resp = await esme.request('bind_transceiver', { system_id: 'gw1', password: 'pw1' });
    assert.equal(resp.command_status, 0);
    assert.equal(resp.system_id, 'smsc-sim');
    const again = await esme.request('bind_receiver', { system_id: 'gw1', password: 'pw1' });
    assert.equal(again.command_status, 0x05); // ESME_RALYBND
    const sessions = await httpClient(sim.baseUrl).get('/sessions');
    assert.ok(sessions.some((s: { systemId: string; mode: string }) => s.systemId === 'gw1' && s.mode === 'transceiver'));
  });

  it('answers requests before bind with ESME_RINVBNDSTS', async () => {
    const esme = track(await connect(sim.smppPort));
    const resp = await esme.request('submit_sm', { destination_addr: '254700000001', short_message: Buffer.from('hi') });
    assert.equal(resp.command, 'submit_sm_resp');
    assert.equal(resp.command_status, 0x04);
  });

  it('refuses submit_sm on a receiver bind', async () => {
    const esme = track(await bound(sim.smppPort, { systemId: 'gw1', password: 'pw1', command: 'bind_receiver' }));
    const resp = await esme.request('submit_sm', { destination_addr: '254700000001', short_message: Buffer.from('hi') });
    assert.equal(resp.command_status, 0x04);
  });

  it('answers enquire_link, and unbind with unbind_resp and a close', async () => {
    const esme = track(await bound(sim.smppPort, { systemId: 'gw1', password: 'pw1' }));
    const link = await esme.request('enquire_link');
    assert.equal(link.command, 'enquire_link_resp');
    assert.equal(link.command_status, 0);
    const unbind = await esme.request('unbind');
    assert.equal(unbind.command, 'unbind_resp');
    await esme.waitClosed();
  });

  it('answers an unknown command_id with generic_nack ESME_RINVCMDID', async () => {
    const esme = track(await bound(sim.smppPort, { systemId: 'gw1', password: 'pw1' }));
    // A header-only PDU with command_id 0x00000099, which SMPP 3.4 does not define.
    esme.session.socket.write(Buffer.from([0, 0, 0, 16, 0, 0, 0, 0x99, 0, 0, 0, 0, 0, 0, 0, 42]));
    const nack = await esme.waitForRaw('generic_nack', (p) => p.commandId === 0x80000000);
    assert.equal(nack.status, 0x03);
    assert.equal(nack.seq, 42);
    const link = await esme.request('enquire_link');
    assert.equal(link.command_status, 0, 'the session keeps working after the nack');
    const counters = await httpClient(sim.baseUrl).get('/counters');
    assert.ok(counters.generic_nacks >= 1);
  });
});
