import assert from 'node:assert/strict';
import { startSimulatorProcess, type SimulatorProcess } from '../../smsc-sim/harness';
import { bound } from './support/esme';
import { http, httpClient } from '../support/http';

describe('smsc-sim: HTTP contract and process lifecycle', function () {
  this.timeout(20000);
  let sim: SimulatorProcess;
  const api = () => httpClient(sim.baseUrl);

  before(async () => {
    sim = await startSimulatorProcess();
  });
  after(async () => {
    await sim?.stop();
  });

  it('answers /healthz, 404 for unknown paths, 400 for bad JSON, 413 for bodies over 1 MiB', async () => {
    assert.deepEqual(await api().get('/healthz'), { ok: true });
    const missing = await api().send('GET', '/nope');
    assert.equal(missing.status, 404);
    assert.ok(missing.body.error);
    assert.equal((await api().send('GET', '/mo/mo-999')).status, 404);

    const badJson = await http('POST', `${sim.baseUrl}/mo`, '{"from":');
    assert.equal(badJson.status, 400);
    assert.deepEqual(badJson.body, { error: 'invalid JSON' });

    const huge = await http<{ error?: string }>('POST', `${sim.baseUrl}/mo`, { from: '1', text: 'x'.repeat(1024 * 1024) });
    assert.equal(huge.status, 413);
    assert.ok(huge.body.error);
  });

  it('validates and applies faults, and POST /reset clears faults and counters', async () => {
    const bad = await api().send('PUT', '/faults', { throttlePerSecond: 'fast' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /^throttlePerSecond:/);
    const state = await api().put('/faults', { throttlePerSecond: 10, slowResponseMs: 5 });
    assert.equal(state.throttlePerSecond, 10);
    assert.equal(state.slowResponseMs, 5);
    assert.equal(state.queueFull, false);
    assert.deepEqual(await api().get('/faults'), state);

    const esme = await bound(sim.smppPort);
    await esme.request('unbind'); // a clean goodbye, so nothing is counted after the reset
    await esme.waitClosed();
    assert.equal((await api().get('/counters')).binds, 1);
    await api().post('/reset');
    const counters = await api().get('/counters');
    assert.ok(Object.values(counters).every((v) => v === 0), JSON.stringify(counters));
    assert.equal((await api().get('/faults')).throttlePerSecond, null);
  });

  it('unbinds bound ESMEs on SIGTERM and exits 0', async () => {
    const own = await startSimulatorProcess();
    const esme = await bound(own.smppPort);
    const stopping = own.stop();
    const unbind = await esme.waitFor('unbind from the simulator', (p) => p.command === 'unbind');
    esme.session.send(unbind.response());
    await stopping;
    assert.equal(await own.exited, 0);
    await esme.waitClosed();
  });

  it('refuses to start with invalid configuration, naming the setting', async () => {
    await assert.rejects(startSimulatorProcess({ env: { SIM_SMPP_PORT: 'abc' } }), /exited with code 1[\s\S]*SIM_SMPP_PORT/);
    await assert.rejects(startSimulatorProcess({ env: { SIM_IMSI_TLV_TAG: '0x001e' } }), /SIM_IMSI_TLV_TAG/);
  });
});
