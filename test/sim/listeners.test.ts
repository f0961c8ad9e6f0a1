import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { startSimulatorProcess } from '../../smsc-sim/harness';
import { makeSelfSignedCert } from '../support/tls-cert';
import { bound, connect, type Esme } from './support/esme';
import { waitFor } from '../support/wait';
import { simulatorSuite } from './support/suite';

// Several SMPP front ends and SMPP over TLS, and faults that hit one connection or one listener.

interface SessionView {
  id: number;
  remoteAddress: string;
  systemId: string;
  listenerPort: number;
  tls: boolean;
}

describe('smsc-sim: several listeners, TLS, per-connection and per-listener faults', function () {
  this.timeout(20000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'smsc-sim-tls-'));
  const cert = makeSelfSignedCert(dir);
  const { api, connect: bind, sim, track } = simulatorSuite({ SIM_LISTENERS: '3', SIM_TLS_CERT: cert.certFile, SIM_TLS_KEY: cert.keyFile });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const sessions = async (): Promise<SessionView[]> => api().get('/sessions');

  it('reads every listener from the ready line: three plain ports, smppPort first, and the TLS port', () => {
    const { smppPort, smppPorts, smppsPort } = sim();
    assert.equal(smppPorts.length, 3);
    assert.equal(smppPorts[0], smppPort);
    assert.equal(new Set([...smppPorts, smppsPort]).size, 4, `ports ${smppPorts} and ${smppsPort}`);
    assert.ok(smppsPort && smppsPort > 0);
  });

  it('binds on every plain listener and over verified TLS; GET /sessions names listenerPort and tls', async () => {
    const { smppPorts, smppsPort } = sim();
    for (const port of smppPorts) await bind({ port });
    const secure = await bind({ port: smppsPort, tls: true, ca: cert.certPem });
    const socket = secure.session.socket as TLSSocket;
    assert.equal(socket.encrypted, true);
    assert.equal(socket.authorized, true, 'the certificate verified against the test CA');
    assert.equal(socket.getPeerCertificate().subject.CN, 'localhost');
    assert.equal((await secure.request('enquire_link')).command_status, 0);

    const views = await sessions();
    assert.ok(views.every((s) => s.remoteAddress === '127.0.0.1'), JSON.stringify(views));
    assert.deepEqual(
      views.map((s) => [s.listenerPort, s.tls]).sort((a, b) => Number(a[0]) - Number(b[0])),
      [...smppPorts.map((p) => [p, false]), [smppsPort, true]].sort((a, b) => Number(a[0]) - Number(b[0])),
    );
  });

  it('does not speak plain SMPP on the TLS port', async () => {
    const plain = track(await connect(sim().smppsPort!));
    await assert.rejects(plain.request('bind_transceiver', { system_id: 'simpair', password: 'secret' }, 1500));
  });

  it('drops one session by id, or the sessions of one listener, and answers {dropped}', async () => {
    const [p1, p2] = sim().smppPorts;
    const a = await bind({ port: p1 });
    const b = await bind({ port: p2 });
    const c = await bind({ port: p2 });
    const idOf = async (port: number) => (await sessions()).filter((s) => s.listenerPort === port).map((s) => s.id);
    const [aId] = await idOf(p1);

    assert.deepEqual(await api().post('/faults/drop', { session: aId }), { dropped: 1 });
    await a.waitClosed();
    assert.equal(b.closed() || c.closed(), false);

    assert.deepEqual(await api().post('/faults/drop', { session: 999999 }), { dropped: 0 });
    assert.deepEqual(await api().post('/faults/drop', { port: p2 }), { dropped: 2 });
    await b.waitClosed();
    await c.waitClosed();

    const d = await bind({ port: p1 });
    await bind({ port: sim().smppsPort, tls: true });
    assert.deepEqual(await api().post('/faults/drop', {}), { dropped: 2 }, 'an empty body still drops everything');
    await d.waitClosed();
  });

  it('downListeners: cuts that listener at once, closes new connections right after accept, leaves the others, and reset reopens it', async () => {
    const [p1, p2] = sim().smppPorts;
    const keep = await bind({ port: p1 });
    const lost = await bind({ port: p2 });
    const state = await api().put('/faults', { downListeners: [p2] });
    assert.deepEqual(state.downListeners, [p2]);
    await lost.waitClosed();

    const again: Esme = track(await connect(p2)); // the port still accepts the TCP connection
    await again.waitClosed();
    assert.equal(keep.closed(), false);
    assert.equal((await keep.request('enquire_link')).command_status, 0);
    await waitFor('connections_refused', async () => ((await api().get('/counters')).connections_refused >= 1 ? true : undefined));

    await api().post('/reset');
    assert.deepEqual((await api().get('/faults')).downListeners, []);
    await bind({ port: p2 });
  });

  it('downListeners can take the TLS listener down too', async () => {
    const smpps = sim().smppsPort!;
    const secure = await bind({ port: smpps, tls: true });
    await api().put('/faults', { downListeners: [smpps] });
    await secure.waitClosed();
    await api().put('/faults', { downListeners: [] });
    await bind({ port: smpps, tls: true });
  });

  it('answers 400 naming the field for bad drop bodies and bad downListeners', async () => {
    const cases: Array<[string, string, unknown, RegExp]> = [
      ['POST', '/faults/drop', { session: 'one' }, /^session:/],
      ['POST', '/faults/drop', { port: 70000 }, /^port:/],
      ['POST', '/faults/drop', { session: 1, port: 2 }, /^port:/],
      ['POST', '/faults/drop', { listener: 1 }, /^listener:/],
      ['POST', '/faults/drop', [1], /^body:/],
      ['PUT', '/faults', { downListeners: 2775 }, /^downListeners:/],
      ['PUT', '/faults', { downListeners: [0] }, /^downListeners:/],
      ['PUT', '/faults', { downListeners: ['2775'] }, /^downListeners:/],
    ];
    for (const [method, url, body, error] of cases) {
      const r = await api().send(method, url, body);
      assert.equal(r.status, 400, `${method} ${url} ${JSON.stringify(body)}`);
      assert.match(r.body.error, error);
    }
  });
});

describe('smsc-sim: the ready line with one listener and no TLS', function () {
  this.timeout(20000);

  it('gives smppPorts [smppPort] and no smppsPort, and binds there', async () => {
    const sim = await startSimulatorProcess();
    try {
      assert.deepEqual(sim.smppPorts, [sim.smppPort]);
      assert.equal(sim.smppsPort, undefined);
      assert.doesNotMatch(sim.output(), /listeners=|smpps=/, 'the ready line has no optional tokens');
      const esme = await bound(sim.smppPort);
      esme.destroy();
    } finally {
      await sim.stop();
    }
  });

  it('refuses TLS half-configured or with unreadable files, naming the setting', async () => {
    await assert.rejects(startSimulatorProcess({ env: { SIM_TLS_CERT: '/nonexistent/cert.pem' } }), /SIM_TLS_KEY/);
    await assert.rejects(startSimulatorProcess({ env: { SIM_TLS_CERT: '/nonexistent/cert.pem', SIM_TLS_KEY: '/nonexistent/key.pem' } }), /SIM_TLS_CERT[\s\S]*cannot read/);
    await assert.rejects(startSimulatorProcess({ env: { SIM_LISTENERS: '9' } }), /SIM_LISTENERS/);
  });
});
