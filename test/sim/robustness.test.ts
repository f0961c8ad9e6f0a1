import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startSimulatorProcess, type SimulatorProcess } from '../../smsc-sim/harness';
import { bound, connect, type Esme } from './support/esme';
import { httpClient } from '../support/http';
import { waitFor } from '../support/wait';

describe('smsc-sim: malformed input and connection faults', function () {
  this.timeout(20000);
  let sim: SimulatorProcess;
  const open: Esme[] = [];
  const track = (e: Esme) => (open.push(e), e);

  before(async () => {
    sim = await startSimulatorProcess({ env: { SIM_MAX_PDU_LENGTH: '4096' } });
  });
  beforeEach(async () => {
    await httpClient(sim.baseUrl).post('/reset');
  });
  afterEach(async () => {
    for (const e of open.splice(0)) e.destroy();
    // Counters are per test: wait until the simulator has seen these connections go.
    await waitFor('sessions to close', async () => ((await httpClient(sim.baseUrl).get('/sessions')).length === 0 ? true : undefined));
  });
  after(async () => {
    await sim?.stop();
  });

  /** The bystander still answers, and a newcomer can bind: the simulator is unharmed. */
  async function assertOthersServed(bystander: Esme): Promise<void> {
    const link = await bystander.request('enquire_link');
    assert.equal(link.command_status, 0);
    track(await bound(sim.smppPort));
  }

  const cases: Array<[string, Buffer]> = [
    ['random garbage bytes', Buffer.concat([Buffer.from([0xde, 0xad, 0xbe, 0xef]), randomBytes(60)])],
    ['command_length above maxPduLength', Buffer.from([0, 0, 0x20, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 1])],
    ['command_length below the 16-octet header', Buffer.from([0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8])],
    ['command_length zero', Buffer.from([0, 0, 0, 0, 0, 0, 0, 0x15, 0, 0, 0, 0, 0, 0, 0, 1])],
    ['a truncated submit_sm body', Buffer.from([0, 0, 0, 20, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 7, 0, 1, 1, 0x37])],
  ];

  for (const [name, bytes] of cases) {
    it(`closes only the connection that sent ${name}`, async () => {
      const bystander = track(await bound(sim.smppPort));
      const offender = track(await bound(sim.smppPort));
      offender.session.socket.write(bytes);
      await offender.waitClosed();
      await assertOthersServed(bystander);
      const counters = await httpClient(sim.baseUrl).get('/counters');
      assert.equal(counters.pdu_errors, 1);
      assert.equal(counters.sessions_dropped, 1);
    });
  }

  it('POST /faults/garbage makes every ESME see unparseable octets', async () => {
    const esme = track(await bound(sim.smppPort));
    const errors: Error[] = [];
    esme.session.on('error', (e: Error) => errors.push(e));
    const { sessions } = await httpClient(sim.baseUrl).post('/faults/garbage');
    assert.equal(sessions, 1);
    await waitFor('the client library to reject the garbage', async () => (errors.length ? true : undefined));
    assert.match(errors[0].message, /PDU length was too large/);
  });

  it('POST /faults/drop cuts every connection and new binds still work', async () => {
    const a = track(await bound(sim.smppPort));
    const b = track(await connect(sim.smppPort));
    const { dropped } = await httpClient(sim.baseUrl).post('/faults/drop');
    assert.equal(dropped, 2);
    await Promise.all([a.waitClosed(), b.waitClosed()]);
    track(await bound(sim.smppPort));
    const counters = await waitFor('sessions_dropped', async () => {
      const c = await httpClient(sim.baseUrl).get('/counters');
      return c.sessions_dropped >= 1 ? c : undefined;
    });
    assert.equal(counters.sessions_dropped, 1, 'only the bound session counts as dropped');
  });

  it('leaves enquire_link unanswered while ignoreEnquireLink is on, and delays it with slowResponseMs', async () => {
    const api = httpClient(sim.baseUrl);
    const esme = track(await bound(sim.smppPort));
    await api.put('/faults', { ignoreEnquireLink: true });
    await assert.rejects(esme.request('enquire_link', {}, 300), /timed out/);
    await api.put('/faults', { ignoreEnquireLink: false, slowResponseMs: 250 });
    const started = Date.now();
    await esme.request('enquire_link');
    assert.ok(Date.now() - started >= 240, 'the answer waited for slowResponseMs');
  });
});
