import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { http } from '../support/http';
import { waitFor } from '../support/wait';
import { makeSelfSignedCert } from '../support/tls-cert';
import { msisdn, startRig, type Rig } from './support/smpp-rig';

// README "Several binds, several carriers" and "TLS": several connections from one SMPP_URL, each
// listed in /readyz without its secret; when one dies the others carry everything; smpps://
// verifies the SMSC's certificate and never sends the password to one that does not verify.

const PASSWORD = 'Pw7xQz9k'; // distinctive, to be looked for where it must not be

describe('SMPP connections (integration)', function () {
  this.timeout(60_000);

  describe('two connections to two SMSC listeners', () => {
    let rig: Rig;
    let ports: number[];
    before(async () => {
      rig = await startRig({
        sims: [{ SIM_LISTENERS: '2', SIM_PASSWORD: PASSWORD }],
        env: (sims) => ({ SMPP_URL: sims[0].proc.smppPorts.map((p) => `smpp://127.0.0.1:${p}`).join(','), SMPP_PASSWORD: PASSWORD }),
      });
      ports = rig.sim.proc.smppPorts;
      assert.equal(ports.length, 2);
    });
    after(async () => rig?.stop());

    it('lists each connection in /readyz with its name, target and canTransmit, and never the password', async () => {
      const { sim, app } = rig;
      await waitFor('both connections bound', async () => (await sim.sessions()).length === 2);
      const ready = await waitFor('/readyz with both connections up', async () => {
        const r = await app.readyz();
        return r.status === 200 && r.body.connections.length === 2 && r.body.connections.every((c) => c.up) ? r : null;
      });
      assert.deepEqual(
        ready.body.connections.map((c) => [c.name, c.target, c.bindMode, c.canTransmit]).sort(),
        [
          ['smsc1', `smpp://127.0.0.1:${ports[0]} as simpair`, 'transceiver', true],
          ['smsc2', `smpp://127.0.0.1:${ports[1]} as simpair`, 'transceiver', true],
        ],
      );
      assert.equal(ready.body.binds, 2);
      assert.ok(!ready.raw.includes(PASSWORD), '/readyz does not contain the password');
      const metrics = (await http<string>('GET', `${app.proc.baseUrl}/metrics`)).body;
      assert.ok(!metrics.includes(PASSWORD), '/metrics does not contain the password');
      assert.ok(!app.proc.output().includes(PASSWORD), 'the log does not contain the password');
    });

    it('carries every MO and reply over the remaining connection when one listener goes down', async () => {
      const { sim, app } = rig;
      assert.deepEqual((await sim.sessions()).map((s) => s.listenerPort).sort(), [...ports].sort(), 'one session on each listener');
      const [live, dead] = ports;
      await sim.faults({ downListeners: [dead] });
      await waitFor('only the live listener has a session', async () => {
        const s = await sim.sessions();
        return s.length === 1 && s[0].listenerPort === live;
      });
      await waitFor('/readyz showing the dead connection down', async () => {
        const r = await app.readyz();
        const byName = Object.fromEntries(r.body.connections.map((c) => [c.name, c.up]));
        return r.status === 200 && byName.smsc1 === true && byName.smsc2 === false;
      });

      const senders = Array.from({ length: 20 }, () => msisdn());
      const batch = await http<{ results: Array<{ status: number | null }> }>('POST', `${sim.url}/mo/batch`, { messages: senders.map((from) => ({ from, text: 'HELP' })), wait: true });
      assert.deepEqual(batch.body.results.map((r) => r.status), senders.map(() => 0), 'every MO acknowledged');
      for (const from of senders) await sim.delivered(from);
      await app.drained();
      const counts = await Promise.all(senders.map(async (from) => (await sim.inbox(from)).length));
      assert.deepEqual(counts, senders.map(() => 1), 'exactly one reply each');
      const submits = (await sim.submits()).filter((s) => senders.includes(s.to));
      assert.equal(submits.length, 20);
      assert.deepEqual([...new Set(submits.map((s) => s.listenerPort))], [live], 'every reply carried by the live connection');

      const ready = await app.readyz();
      assert.equal(ready.status, 200, 'still ready with one connection');
      assert.deepEqual(ready.body.connections.map((c) => [c.name, c.up, c.canTransmit]).sort(), [['smsc1', true, true], ['smsc2', false, false]]);
      assert.ok((await sim.counters()).connections_refused > 0, 'simpair kept trying the dead listener');
    });
  });

  describe('SMPP over TLS', () => {
    let rig: Rig;
    let certFile: string;
    before(async () => {
      const cert = makeSelfSignedCert(mkdtempSync(path.join(os.tmpdir(), 'simpair-tls-')));
      certFile = cert.certFile;
      // First without SMPP_TLS_CA: the self-signed certificate is not among the system's CAs.
      rig = await startRig({
        sims: [{ SIM_TLS_CERT: cert.certFile, SIM_TLS_KEY: cert.keyFile }],
        env: (sims) => ({ SMPP_URL: `smpps://127.0.0.1:${sims[0].proc.smppsPort}`, SMPP_RECONNECT_BASE_MS: '100' }),
        waitReady: false,
      });
    });
    after(async () => rig?.stop());

    it('never binds to an SMSC whose certificate does not verify, and binds over TLS with SMPP_TLS_CA', async () => {
      const { sim } = rig;
      const untrusted = await waitFor('/readyz naming the certificate problem', async () => {
        const r = await rig.app.readyz();
        const err = r.body.connections[0]?.sessions[0]?.lastError;
        return err && /certificate/i.test(err) ? r : null;
      });
      assert.equal(untrusted.status, 503);
      await waitFor('a second failed attempt', async () => (rig.app.proc.output().match(/smpp session error/g) ?? []).length >= 2);
      assert.deepEqual(await sim.binds(), [], 'no bind attempt reached the SMSC: the password was never sent');
      assert.deepEqual(await sim.sessions(), []);
      assert.equal((await rig.app.readyz()).status, 503);

      const app = await rig.restartApp({ SMPP_TLS_CA: certFile });
      const sessions = await sim.sessions();
      assert.deepEqual(sessions.map((s) => [s.tls, s.listenerPort]), [[true, sim.proc.smppsPort]]);
      assert.deepEqual((await sim.binds()).map((b) => [b.tls, b.statusName]), [[true, 'ESME_ROK']], 'the only bind attempt ever came over TLS');
      const from = msisdn();
      assert.equal((await sim.mo({ from, text: 'HELP' })).statusName, 'ESME_ROK');
      const [reply] = await sim.delivered(from);
      assert.match(reply.text, /PAY <amount> <merchant>/);
      assert.equal((await app.readyz()).status, 200);
    });
  });
});
