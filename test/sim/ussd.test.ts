import assert from 'node:assert/strict';
import type { Esme } from './support/esme';
import { simulatorSuite } from './support/suite';
import { waitFor } from '../support/wait';
import { MENU, runMenu } from './support/ussd-menu';
import type { RawDeliverSm, RawPdu } from './support/wire';

// USSD sessions: the simulator's side of the contract in smsc-sim/README.md, against a plain
// node-smpp ESME running a small menu.

const PHONE = '254711000001';
const OTHER = '254711000002';

interface Screen {
  by: string;
  text: string;
  op: number | null;
}
interface Session {
  id: string;
  from: string;
  code: string;
  sessionNumber: number;
  state: string;
  screens: Screen[];
  lastScreen: Screen | null;
}

describe('smsc-sim: USSD sessions', function () {
  this.timeout(20000);
  const { api, connect } = simulatorSuite({ SIM_REDELIVERY_DELAY_MS: '20', SIM_DELIVERY_RECEIPT_DELAY_MS: '20' });
  const ussdDelivers = (e: Esme): RawDeliverSm[] => e.raw.filter((p: RawPdu) => p.deliver?.serviceType === 'USSD').map((p) => p.deliver!);
  const session = (id: string): Promise<Session> => api().get(`/ussd/sessions/${id}`);
  const until = (what: string, id: string, pred: (s: Session) => boolean) =>
    waitFor(what, async () => {
      const s = await session(id);
      return pred(s) ? s : undefined;
    });
  const ops = (d: RawDeliverSm) => [d.tlvs.get(0x0501)?.[0], d.tlvs.get(0x1383)?.toString('hex')];


  it('dials, shows the menu, answers, and ends on the final message, outside the SMS inbox', async () => {
    const esme = await connect();
    const replies = runMenu(esme, { registeredDelivery: 1 });
    const dial = await api().post('/ussd/sessions', { from: PHONE, code: '*778#' });
    assert.deepEqual([dial.status, dial.statusName, typeof dial.id], [0, 'ESME_ROK', 'string']);
    const n = dial.sessionNumber as number;
    assert.ok(Number.isInteger(n) && n >= 0 && n <= 255);

    const [d0] = ussdDelivers(esme);
    assert.deepEqual([d0.source, d0.sourceTon, d0.dest, d0.dataCoding, d0.shortMessage.toString()], [PHONE, 1, '20555', 0, '*778#']);
    assert.deepEqual(ops(d0), [1, Buffer.from([n, 0x00]).toString('hex')]);

    const menu = await until('the menu', dial.id, (s) => s.lastScreen?.by === 'network');
    assert.deepEqual([menu.state, menu.lastScreen!.text, menu.lastScreen!.op], ['open', MENU, 2]);

    const answer = await api().post(`/ussd/sessions/${dial.id}/answer`, { text: '2' });
    assert.deepEqual([answer.status, answer.statusName], [0, 'ESME_ROK']);
    const d1 = ussdDelivers(esme)[1];
    assert.deepEqual([d1.shortMessage.toString(), d1.serviceType], ['2', 'USSD']);
    assert.deepEqual(ops(d1), [18, Buffer.from([n, 1 << 1]).toString('hex')], 'sequence 1, end bit 0');

    const ended = await until('the final screen', dial.id, (s) => s.state !== 'open');
    assert.equal(ended.state, 'ended');
    assert.deepEqual(
      ended.screens.map((s) => [s.by, s.text, s.op]),
      [
        ['user', '*778#', 1],
        ['network', MENU, 2],
        ['user', '2', 18],
        ['network', 'Balance 100.00', 17],
      ],
    );
    assert.deepEqual(await api().get(`/ussd/sessions?from=${PHONE}`), [ended]);
    assert.equal((await api().send('POST', `/ussd/sessions/${dial.id}/answer`, { text: '1' })).status, 409);

    // Both screens got a message id; neither landed in the inbox nor earns a receipt. An SMS
    // asking for one after them gets its receipt: had the USSD screens been given receipts (same
    // delay, scheduled earlier), they would have come first.
    await waitFor('both screens answered', async () => (replies.length === 2 ? true : undefined));
    assert.deepEqual(replies.map((r) => r.status), [0, 0]);
    assert.deepEqual((await api().get(`/handsets/${PHONE}/inbox`)).messages, []);
    await esme.request('submit_sm', { source_addr: '20555', destination_addr: PHONE, data_coding: 0, registered_delivery: 1, short_message: Buffer.from('sms') });
    await esme.waitForRaw('the SMS receipt', (p) => !!p.deliver && (p.deliver.esmClass & 0x04) !== 0);
    assert.equal(esme.raw.filter((p) => !!p.deliver && (p.deliver.esmClass & 0x04) !== 0).length, 1);
    const counters = await api().get('/counters');
    assert.deepEqual([counters.ussd_dialled, counters.ussd_answers_sent, counters.ussd_network_messages, counters.ussd_unmatched], [1, 1, 2, 0]);
  });

  it('ends at once on a one-shot string', async () => {
    const esme = await connect();
    runMenu(esme);
    const dial = await api().post('/ussd/sessions', { from: PHONE, code: '*778*12.50*SHOP42#' });
    const s = await until('the final screen', dial.id, (x) => x.state === 'ended');
    assert.deepEqual(s.lastScreen && [s.lastScreen.text, s.lastScreen.op], ['One-shot *778*12.50*SHOP42#', 17]);
  });

  it('hangs up with the end bit and an empty message; late answers from the ESME change nothing', async () => {
    const esme = await connect();
    runMenu(esme);
    const dial = await api().post('/ussd/sessions', { from: PHONE, code: '*778#' });
    await until('the menu', dial.id, (s) => s.lastScreen?.by === 'network');
    const abort = await api().post(`/ussd/sessions/${dial.id}/abort`);
    assert.deepEqual([abort.status, abort.statusName], [0, 'ESME_ROK']);
    const d = ussdDelivers(esme)[1];
    assert.deepEqual([d.shortMessage.length, ...ops(d)], [0, 18, Buffer.from([dial.sessionNumber, (1 << 1) | 1]).toString('hex')]);
    const aborted = await session(dial.id);
    assert.equal(aborted.state, 'aborted');
    assert.equal((await api().send('POST', `/ussd/sessions/${dial.id}/answer`, { text: '1' })).status, 409);
    assert.equal((await api().send('POST', `/ussd/sessions/${dial.id}/abort`)).status, 409);

    const late = await esme.request('submit_sm', {
      service_type: 'USSD',
      source_addr: '20555',
      destination_addr: PHONE,
      data_coding: 0,
      short_message: Buffer.from('too late'),
      ussd_service_op: 2,
      its_session_info: Buffer.from([dial.sessionNumber, 0x02]),
    });
    assert.equal(late.command_status, 0, 'a normal submit_sm_resp');
    assert.equal((await api().get('/counters')).ussd_unmatched, 1);
    assert.deepEqual((await session(dial.id)).screens.length, aborted.screens.length);
  });

  it('keeps sessions of two handsets, and two of one handset, apart by MSISDN and session number', async () => {
    const esme = await connect();
    runMenu(esme);
    const a1 = await api().post('/ussd/sessions', { from: PHONE, code: '*778#' });
    const b = await api().post('/ussd/sessions', { from: OTHER, code: '*778#' });
    const a2 = await api().post('/ussd/sessions', { from: PHONE, code: '*778#' });
    assert.notEqual(a1.sessionNumber, a2.sessionNumber, 'unique among the open sessions of one handset');
    for (const s of [a1, b, a2]) await until(`menu of ${s.id}`, s.id, (x) => x.lastScreen?.by === 'network');
    // answers interleaved across the three sessions
    await api().post(`/ussd/sessions/${a2.id}/answer`, { text: '9' });
    await api().post(`/ussd/sessions/${b.id}/answer`, { text: '2' });
    await api().post(`/ussd/sessions/${a1.id}/answer`, { text: '2' });
    const [s1, sb, s2] = await Promise.all([
      until('a1 ends', a1.id, (x) => x.state === 'ended'),
      until('b ends', b.id, (x) => x.state === 'ended'),
      until('a2 re-asks', a2.id, (x) => x.screens.length === 4),
    ]);
    assert.equal(s1.lastScreen!.text, 'Balance 100.00');
    assert.equal(sb.lastScreen!.text, 'Balance 100.00');
    assert.deepEqual([s2.state, s2.lastScreen!.text], ['open', `Invalid 9. ${MENU}`]);
    const mine: Session[] = await api().get(`/ussd/sessions?from=%2B${PHONE}`);
    assert.deepEqual(mine.map((s) => s.id).sort(), [a1.id, a2.id].sort());
  });

  it('redelivers after a temporary error with the same session info, and ends on a permanent one', async () => {
    const esme = await connect();
    const first = [0x58];
    runMenu(esme, { status: () => first.shift() ?? 0 });
    const dial = await api().post('/ussd/sessions', { from: PHONE, code: '*778#' });
    assert.deepEqual([dial.status, dial.statusName], [0x58, 'ESME_RTHROTTLED']);
    await until('the menu after redelivery', dial.id, (s) => s.lastScreen?.by === 'network');
    const [x, y] = ussdDelivers(esme);
    assert.deepEqual(ops(y), ops(x));
    assert.deepEqual(y.shortMessage, x.shortMessage);

    esme.deliverStatus = () => 0x0b; // ESME_RINVDSTADR: permanent
    const answer = await api().post(`/ussd/sessions/${dial.id}/answer`, { text: '1' });
    assert.equal(answer.statusName, 'ESME_RINVDSTADR');
    assert.equal((await session(dial.id)).state, 'ended');
  });

  it('refuses bad requests: 400 naming the field, 404 for unknown sessions', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ code: '*778#' }, /^from:/],
      [{ from: 'abc', code: '*778#' }, /^from:/],
      [{ from: PHONE }, /^code:/],
      [{ from: PHONE, code: '' }, /^code:/],
      [{ from: PHONE, code: '*778*ж#' }, /^code:/],
      [{ from: PHONE, code: '*'.repeat(161) }, /^code:/],
    ];
    for (const [body, error] of cases) {
      const r = await api().send('POST', '/ussd/sessions', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.match(r.body.error, error);
    }
    assert.equal((await api().send('GET', '/ussd/sessions/ussd-999')).status, 404);
    assert.equal((await api().send('POST', '/ussd/sessions/ussd-999/answer', { text: '1' })).status, 404);
  });
});
