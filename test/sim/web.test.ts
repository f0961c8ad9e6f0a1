import assert from 'node:assert/strict';
import { startSimulatorProcess, type SimulatorProcess } from '../../smsc-sim/harness';
import { bound, deadline, type Esme } from './support/esme';
import { http, httpAnswer, httpClient } from '../support/http';
import { waitFor } from '../support/wait';

// The web page's server side: its files (same-origin only) and the server-sent event stream.

interface SseEvent {
  event: string;
  data: any;
}

/** Reads GET /events; `next` waits (with a deadline) for an event matching the predicate. */
async function subscribe(baseUrl: string) {
  const abort = new AbortController();
  const res = await fetch(`${baseUrl}/events`, { signal: abort.signal });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
  const events: SseEvent[] = [];
  const listeners = new Set<() => void>();
  void (async () => {
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, end);
          buf = buf.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data !== undefined) events.push({ event, data: JSON.parse(data) });
          for (const wake of [...listeners]) wake();
        }
      }
    } catch {
      // aborted at the end of the test
    }
  })();
  return {
    events,
    next(what: string, pred: (e: SseEvent) => boolean, ms = 5000): Promise<SseEvent> {
      return deadline(what, ms, (done) => {
        const check = () => {
          const hit = events.find(pred);
          if (hit) done(hit);
        };
        listeners.add(check);
        setImmediate(check);
        return () => listeners.delete(check);
      });
    },
    close: () => abort.abort(),
  };
}

describe('smsc-sim: web page files and the event stream', function () {
  this.timeout(20000);
  let sim: SimulatorProcess;
  const open: Esme[] = [];
  const api = () => httpClient(sim.baseUrl);

  before(async () => {
    sim = await startSimulatorProcess({ env: { SIM_DELIVERY_RECEIPT_DELAY_MS: '20', SIM_DEMO_PHONE: '254799000001' } });
  });
  afterEach(async () => {
    for (const e of open.splice(0)) e.destroy();
    await waitFor('sessions to close', async () => ((await api().get('/sessions')).length === 0 ? true : undefined));
  });
  after(async () => {
    await sim?.stop();
  });

  it('serves the page and its files with a same-origin content policy, and nothing outside web/', async () => {
    const page = await httpAnswer('GET', `${sim.baseUrl}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers['content-type'] ?? '', /^text\/html/);
    assert.match(String(page.headers['content-security-policy'] ?? ''), /default-src 'self'/);
    const html = page.text;
    assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//, 'no external resources');
    for (const file of ['app.js', 'handsets.js', 'network.js', 'api.js', 'style.css']) {
      const res = await httpAnswer('GET', `${sim.baseUrl}/web/${file}`);
      assert.equal(res.status, 200, file);
      assert.doesNotMatch(res.text, /https?:\/\//, `${file} refers to no other origin`);
    }
    for (const p of ['/web/..%2Fmain.ts', '/web/%2e%2e%2fREADME.md', '/web/nope.js', '/web/README.md']) assert.equal((await http('GET', sim.baseUrl + p)).status, 404, p);
    assert.deepEqual((await api().get('/ui/config')).handsets.map((h: { msisdn: string; label: string }) => [h.msisdn, h.label]), [
      ['254799000001', 'Phone (main SIM)'],
      ['254700000002', 'Debit device (auxiliary SIM)'],
    ]);
  });

  it('streams binds, PDUs, inbox changes, USSD screens, faults, counters and resets', async () => {
    const stream = await subscribe(sim.baseUrl);
    try {
      await stream.next('initial counters', (e) => e.event === 'counters');
      const esme = await bound(sim.smppPort);
      open.push(esme);
      await stream.next('the bind', (e) => e.event === 'sessions' && e.data.length === 1 && e.data[0].systemId === 'simpair');
      await stream.next('the bind_transceiver in the PDU log', (e) => e.event === 'pdu' && e.data.command === 'bind_transceiver' && e.data.dir === 'in');

      await esme.request('submit_sm', { source_addr: '20555', destination_addr: '254799000001', registered_delivery: 1, data_coding: 0, short_message: Buffer.from('Paid 1.00') });
      await stream.next('the message landing', (e) => e.event === 'inbox' && e.data.text === 'Paid 1.00' && e.data.state === 'ENROUTE');
      await stream.next('its delivery', (e) => e.event === 'inbox' && e.data.text === 'Paid 1.00' && e.data.state === 'DELIVERED');
      await stream.next('the receipt in the PDU log', (e) => e.event === 'pdu' && e.data.note === 'delivery receipt' && e.data.dir === 'out');
      await stream.next('counters after the submit', (e) => e.event === 'counters' && e.data.submits_accepted === 1);

      const dial = await api().post('/ussd/sessions', { from: '254799000001', code: '*778#' });
      await stream.next('the USSD session', (e) => e.event === 'ussd' && e.data.id === dial.id && e.data.screens[0]?.text === '*778#');

      await api().put('/faults', { queueFull: true });
      await stream.next('the fault', (e) => e.event === 'faults' && e.data.queueFull === true);
      await api().post('/reset');
      await stream.next('the reset', (e) => e.event === 'reset');
    } finally {
      stream.close();
    }
  });
});
