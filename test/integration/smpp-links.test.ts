import assert from 'node:assert/strict';
import { waitFor } from '../support/wait';
import { msisdn, startRig, type BindEntry, type Rig } from './support/smpp-rig';

// README "Links" and "Health": a well-framed PDU that cannot be decoded is answered on the same
// link and the session goes on, only broken framing drops the link; reconnects back off
// exponentially, starting again from the base only after a link stayed bound for
// smpp.stableAfterMs; a bind refused for its credentials is retried only every
// smpp.credentialRetryMs and /readyz names the refusal; /readyz is 200 only while something that
// can transmit is bound (a receiver alone answers nobody).

const ESME_RINVPARLEN = 0xc2;
const ESME_RINVPASWD = 14;
const CREDENTIAL_RETRY_MS = 3000;

interface ProbeResult {
  status: number | null;
  command?: string;
  session: number;
}

const hexOf = (text: string) => Buffer.from(text, 'latin1').toString('hex');
const successfulBinds = (binds: BindEntry[]) => binds.filter((b) => b.status === 0);

describe('SMPP links (integration)', function () {
  this.timeout(60_000);

  describe('undecodable PDUs and broken framing', () => {
    let rig: Rig;
    before(async () => {
      rig = await startRig({ env: () => ({ SMPP_RECONNECT_BASE_MS: '100', SMPP_RESPONSE_TIMEOUT_MS: '1000' }) });
    });
    after(async () => rig?.stop());

    it('answers a deliver_sm with a wrong TLV length with ESME_RINVPARLEN on the same link every time, keeps the session, and drops the link only on broken framing', async () => {
      const { sim, app } = rig;
      const [session, ...others] = await sim.sessions();
      assert.equal(others.length, 0, 'one transceiver bound');
      const bindsBefore = (await sim.binds()).length;
      const refusedBefore = await app.metric('simpair_smpp_pdu_refused_total', /reason="tlv_length/);

      // message_state (0x0427) is one octet; its length field says 3. The SMSC "redelivers" it
      // twice more, back to back, as a network does with a message it could not get answered.
      const prober = msisdn();
      const { results } = await sim.pdu<{ results: ProbeResult[] }>({
        kind: 'deliver_sm',
        fields: { source_addr: prober },
        shortMessageHex: hexOf('HELP'),
        rawTlvs: [{ tag: '0x0427', length: 3, hex: '020000' }],
        repeat: 3,
      });
      assert.deepEqual(
        results.map((r) => [r.command, r.status, r.session]),
        [0, 1, 2].map(() => ['deliver_sm_resp', ESME_RINVPARLEN, session.id]),
        `each copy answered ESME_RINVPARLEN on the same session\n${rig.output()}`,
      );
      await waitFor('three tlv_length refusals counted', async () => (await app.metric('simpair_smpp_pdu_refused_total', /reason="tlv_length/)) === refusedBefore + 3);

      // The link goes on: the same session carries the next MO and its reply.
      const helper = msisdn();
      assert.equal((await sim.mo({ from: helper, text: 'HELP' })).statusName, 'ESME_ROK');
      await sim.delivered(helper);
      await app.drained();
      assert.deepEqual((await sim.sessions()).map((s) => s.id), [session.id], 'still the one session: not rebound');
      assert.equal((await sim.binds()).length, bindsBefore, 'no bind attempt since');
      assert.deepEqual(await sim.inbox(prober), [], 'the refused PDU was never taken as an MO');

      // command_length 4 (under the 16-octet header): the framing is lost, so the link is dropped
      // and bound again.
      const raw = await sim.pdu<{ sessions: number }>({ kind: 'raw', hex: '00000004000000050000000000000001' });
      assert.equal(raw.sessions, 1);
      const rebound = await waitFor('a new session bound after the framing error', async () => {
        const now = await sim.sessions();
        return now.length === 1 && now[0].id !== session.id ? now[0] : null;
      });
      const binds = await sim.binds();
      assert.equal(binds.length, bindsBefore + 1, 'exactly one new bind attempt');
      assert.equal(binds[binds.length - 1].session, rebound.id);
      assert.match(app.proc.output(), /command_length 4 is outside/, 'simpair logged why it dropped the link');
      const after = msisdn();
      assert.equal((await sim.mo({ from: after, text: 'HELP' })).statusName, 'ESME_ROK');
      await sim.delivered(after);
    });
  });

  describe('reconnect back-off', () => {
    const BASE_MS = 100;
    let rig: Rig;
    before(async () => {
      // stableAfterMs far beyond the test: no bind may reset the back-off.
      rig = await startRig({ env: () => ({ SMPP_RECONNECT_BASE_MS: String(BASE_MS), SMPP_STABLE_AFTER_MS: '60000' }) });
    });
    after(async () => rig?.stop());

    it('backs off further on every drop that follows a bind at once, instead of starting over from the base', async () => {
      const { sim } = rig;
      const DROPS = 7;
      // Drop each new link as soon as its bind shows in the bind log, and time the next bind from
      // the drop (the simulator and this test share the machine's clock).
      const gaps: number[] = [];
      let droppedAt = 0;
      for (let i = 0; i <= DROPS; i++) {
        const bound = await waitFor(
          `bind ${i + 1}`,
          async () => {
            const ok = successfulBinds(await sim.binds());
            return ok.length === i + 1 ? ok[i] : null;
          },
          15_000,
          5,
        );
        if (i > 0) gaps.push(bound.atMs - droppedAt);
        if (i === DROPS) break;
        droppedAt = Date.now();
        assert.equal(await sim.drop({ session: bound.session }), 1, `bind ${i + 1} dropped`);
      }
      assert.equal((await sim.binds()).length, DROPS + 1, 'no bind attempt was refused or repeated');

      // Delays are drawn in [base/2, base * 2^attempt] (full jitter with a floor). Every gap is at
      // least the floor; the first rebind comes soon; and had each bind reset the back-off, every
      // gap would stay under the base plus the time a bind takes. Gaps 4-7 have ceilings of 0.8,
      // 1.6, 3.2 and 6.4 s: the chance that all four draw under 3 × base is below 2 in 10,000.
      const detail = `from each drop to the next bind: ${gaps.join(', ')} ms`;
      for (const g of gaps) assert.ok(g >= BASE_MS / 2, `no reconnect before base/2 (${detail})`);
      assert.ok(gaps[0] < 1500, `the first rebind comes after a short delay (${detail})`);
      assert.ok(Math.max(...gaps.slice(3)) > 3 * BASE_MS, `the back-off grew although every link had bound (${detail})`);
    });
  });

  describe('a bind refused for its credentials', () => {
    let rig: Rig;
    before(async () => {
      rig = await startRig({
        // The SMSC refuses the account before simpair ever connects.
        beforeApp: (sims) => sims[0].faults({ refuseBinds: ESME_RINVPASWD }),
        env: () => ({ SMPP_CREDENTIAL_RETRY_MS: String(CREDENTIAL_RETRY_MS), SMPP_RECONNECT_BASE_MS: '100' }),
        waitReady: false,
      });
    });
    after(async () => rig?.stop());

    it('is retried only every credentialRetryMs, named in /readyz, and binds at the next attempt once the account is accepted', async () => {
      const { sim, app } = rig;
      const refused = await waitFor('two refused bind attempts', async () => {
        const b = await sim.binds();
        return b.length >= 2 ? b : null;
      }, 10_000);
      assert.deepEqual(refused.map((b) => b.statusName), refused.map(() => 'ESME_RINVPASWD'));

      const ready = await waitFor('/readyz naming the refusal', async () => {
        const r = await app.readyz();
        return r.status === 503 && r.body.reasons?.some((x) => x.includes('ESME_RINVPASWD')) ? r : null;
      });
      const [conn] = ready.body.connections;
      assert.equal(conn.up, false);
      assert.equal(conn.canTransmit, false);
      assert.equal(conn.sessions[0].refused?.status, 'ESME_RINVPASWD', JSON.stringify(ready.body));
      assert.match(conn.sessions[0].lastError ?? '', /ESME_RINVPASWD/);
      assert.ok((await app.metric('simpair_smpp_bind_refused_total', 'status="ESME_RINVPASWD"')) >= 2);

      await sim.faults({ refuseBinds: null });
      await waitFor('a bind accepted after the fault was cleared', async () => (await sim.binds()).some((b) => b.status === 0), CREDENTIAL_RETRY_MS + 3000);
      await waitFor('readiness 200', async () => (await app.readyz()).status === 200);

      const attempts = await sim.binds();
      const gaps = attempts.slice(1).map((b, i) => b.atMs - attempts[i].atMs);
      assert.ok(gaps.every((g) => g >= CREDENTIAL_RETRY_MS - 500), `attempts ${CREDENTIAL_RETRY_MS} ms apart, not hammered: gaps ${gaps.join(', ')} ms`);
      assert.equal(attempts[attempts.length - 1].status, 0, 'the last attempt is the accepted one');
      assert.equal(attempts.filter((b) => b.status === 0).length, 1);
      const after = (await app.readyz()).body.connections[0].sessions[0];
      assert.deepEqual([after.state, after.refused, after.lastError], ['bound', null, null]);
    });
  });

  describe('a receiver and a transmitter', () => {
    let rig: Rig;
    before(async () => {
      rig = await startRig({ env: () => ({ SMPP_BIND_MODE: 'receiver+transmitter', SMPP_CREDENTIAL_RETRY_MS: String(CREDENTIAL_RETRY_MS) }) });
    });
    after(async () => rig?.stop());

    it('is ready only while the transmitter is bound; MOs taken by the receiver alone are answered once it returns', async () => {
      const { sim, app } = rig;
      const ready = await app.readyz();
      const [conn] = ready.body.connections;
      assert.equal(conn.bindMode, 'receiver+transmitter');
      assert.equal(conn.canTransmit, true);
      assert.deepEqual(conn.sessions.map((s) => [s.bind, s.state]).sort(), [['bind_receiver', 'bound'], ['bind_transmitter', 'bound']]);
      const sessions = await sim.sessions();
      assert.deepEqual(sessions.map((s) => s.mode).sort(), ['receiver', 'transmitter']);
      const rx = sessions.find((s) => s.mode === 'receiver')!;
      const tx = sessions.find((s) => s.mode === 'transmitter')!;

      // Keep the transmitter out: new binds are refused (for the credentials, so it is retried only
      // every credentialRetryMs), and only the transmitter's connection is cut.
      await sim.faults({ refuseBinds: ESME_RINVPASWD });
      assert.equal(await sim.drop({ session: tx.id }), 1);
      const alone = await waitFor('/readyz 503 with the receiver alone', async () => {
        const r = await app.readyz();
        const c = r.body.connections[0];
        const state = (bind: string) => c?.sessions.find((s) => s.bind === bind)?.state;
        return r.status === 503 && c.up && !c.canTransmit && state('bind_receiver') === 'bound' && state('bind_transmitter') === 'refused' ? r : null;
      });
      assert.ok(alone.body.reasons?.some((x) => /no SMPP bind is up that can send replies/.test(x)), JSON.stringify(alone.body.reasons));
      assert.equal(await app.metric('simpair_smpp_connection_up', 'connection="smsc"'), 0.5);

      const from = msisdn();
      assert.equal((await sim.mo({ from, text: 'HELP' })).statusName, 'ESME_ROK', 'the receiver still takes MOs');
      assert.deepEqual((await sim.sessions()).map((s) => s.id), [rx.id], 'the receiver was never dropped');

      await sim.faults({ refuseBinds: null });
      await waitFor('readiness 200 with the transmitter back', async () => (await app.readyz()).status === 200, CREDENTIAL_RETRY_MS + 5000);
      await sim.delivered(from);
      const newTx = (await sim.sessions()).find((s) => s.mode === 'transmitter');
      const submits = (await sim.submits()).filter((s) => s.to === from);
      assert.equal(submits.length, 1);
      assert.equal(submits[0].session, newTx?.id, 'the reply went out over the new transmitter');
    });
  });
});
