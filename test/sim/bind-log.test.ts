import assert from 'node:assert/strict';
import { connect } from './support/esme';
import { simulatorSuite } from './support/suite';
import type { BindLogEntry } from '../../smsc-sim/binds';

// The refuseBinds fault and GET /binds, the log of every bind attempt.

type BindEntry = BindLogEntry;

describe('smsc-sim: refused binds and the bind log', function () {
  this.timeout(20000);
  const { api, connect: bind, sim, track } = simulatorSuite({ SIM_LISTENERS: '2' });

  it('logs each attempt with what the ESME presented, on which listener, and the answer; reset clears it', async () => {
    const before = Date.now();
    await bind({ fields: { system_type: 'PAY', addr_ton: 1, addr_npi: 1, address_range: '^2547' } });
    const wrong = track(await connect(sim().smppPorts[1]));
    assert.equal((await wrong.request('bind_receiver', { system_id: 'simpair', password: 'nope' })).command_status, 0x0e);

    const log: BindEntry[] = await api().get('/binds');
    assert.equal(log.length, 2);
    const [ok, refused] = log;
    assert.deepEqual(
      [ok.command, ok.systemId, ok.systemType, ok.addrTon, ok.addrNpi, ok.addressRange, ok.status, ok.statusName, ok.listenerPort, ok.tls],
      ['bind_transceiver', 'simpair', 'PAY', 1, 1, '^2547', 0, 'ESME_ROK', sim().smppPort, false],
    );
    assert.deepEqual(
      [refused.command, refused.status, refused.statusName, refused.listenerPort],
      ['bind_receiver', 0x0e, 'ESME_RINVPASWD', sim().smppPorts[1]],
    );
    assert.ok(ok.atMs >= before && refused.atMs >= ok.atMs);
    assert.equal(new Date(ok.at).getTime(), ok.atMs);
    assert.notEqual(ok.session, refused.session);

    await api().post('/reset');
    assert.deepEqual(await api().get('/binds'), []);
  });

  it('refuseBinds: every bind gets that status, good credentials or not, until it is cleared', async () => {
    await api().put('/faults', { refuseBinds: 14 });
    for (const command of ['bind_transceiver', 'bind_transmitter', 'bind_receiver']) {
      const esme = track(await connect(sim().smppPort));
      const resp = await esme.request(command, { system_id: 'simpair', password: 'secret' });
      assert.equal(resp.command, `${command}_resp`);
      assert.equal(resp.command_status, 14, command);
    }
    await api().put('/faults', { refuseBinds: 0x0d }); // ESME_RBINDFAIL
    const other = track(await connect(sim().smppPort));
    assert.equal((await other.request('bind_transceiver', { system_id: 'simpair', password: 'secret' })).command_status, 0x0d);
    assert.deepEqual(await api().get('/sessions'), []);

    const log: BindEntry[] = await api().get('/binds');
    assert.deepEqual(
      log.map((e) => e.statusName),
      ['ESME_RINVPASWD', 'ESME_RINVPASWD', 'ESME_RINVPASWD', 'ESME_RBINDFAIL'],
    );
    assert.equal((await api().get('/counters')).bind_failures, 4);

    await api().put('/faults', { refuseBinds: null });
    await bind();
  });

  it('answers 400 naming the field for a bad refuseBinds', async () => {
    for (const value of [0, -1, 'ESME_RINVPASWD', 2 ** 32, 1.5]) {
      const r = await api().send('PUT', '/faults', { refuseBinds: value });
      assert.equal(r.status, 400, JSON.stringify(value));
      assert.match(r.body.error, /^refuseBinds:/);
    }
  });
});
