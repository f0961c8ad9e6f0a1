import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { Queue } from 'bullmq';
import { http } from '../support/http';
import { waitFor } from '../support/wait';
import { codeOf, startSystem, type System } from '../support/system';

// The USSD channel end to end: sessions dialled, answered and aborted through the simulator's USSD
// API, carried over SMPP (deliver_sm / submit_sm with service_type USSD, ussd_service_op,
// its_session_info), the menu and payments in simpair, receipts by SMS to the handsets' inboxes.

interface Screen {
  by: 'user' | 'network';
  text: string;
  op: number | null;
}
interface UssdSession {
  id: string;
  sessionNumber: number;
  state: 'open' | 'ended' | 'aborted';
  screens: Screen[];
}
interface SubmitLogEntry {
  to: string;
  serviceType: string;
  textPart: string;
}

const TIMEOUT_SECONDS = 4;
const MENU_OP = 2;
const FINAL_OP = 17;

describe('USSD channel end to end over SMPP', function () {
  this.timeout(120_000);
  let sys: System;
  /** Milliseconds from POSTing a user step to the network's screen appearing in the simulator. */
  const latencies: { dial: number[]; answer: number[] } = { dial: [], answer: [] };
  const admin = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) => sys.admin<T>(method, path, body);
  const inbox = (msisdn: string) => sys.inbox(msisdn);
  const sendSms = (from: string, text: string) => sys.sendSms(from, text);
  const nthMessage = (msisdn: string, n: number, pattern: RegExp) => sys.nthMessage(msisdn, n, pattern);
  const balance = (msisdn: string) => sys.balance(msisdn);
  const metric = (name: string, labels = '') => sys.metric(name, labels);
  const enrol = (amount?: string) => sys.enrol(amount);
  const session = async (id: string) => (await http<UssdSession>('GET', `${sys.sim.baseUrl}/ussd/sessions/${id}`)).body;
  const networkScreens = (s: UssdSession) => s.screens.filter((x) => x.by === 'network');

  /** Waits for the n-th network screen of a session (polling fast, so the latency figure is honest). */
  async function networkScreen(id: string, n: number): Promise<Screen> {
    return waitFor(`network screen ${n} of ${id}`, async () => networkScreens(await session(id))[n - 1], 15000, 5);
  }

  async function dial(from: string, code = '*778#'): Promise<{ id: string; sessionNumber: number; screen: Screen }> {
    const t0 = performance.now();
    const r = await http<{ id: string; sessionNumber: number; statusName: string }>('POST', `${sys.sim.baseUrl}/ussd/sessions`, { from, code });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.statusName, 'ESME_ROK');
    const screen = await networkScreen(r.body.id, 1);
    latencies.dial.push(performance.now() - t0);
    return { id: r.body.id, sessionNumber: r.body.sessionNumber, screen };
  }

  async function answer(id: string, text: string): Promise<Screen> {
    const before = networkScreens(await session(id)).length;
    const t0 = performance.now();
    const r = await http<{ statusName: string }>('POST', `${sys.sim.baseUrl}/ussd/sessions/${id}/answer`, { text });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.statusName, 'ESME_ROK');
    const screen = await networkScreen(id, before + 1);
    latencies.answer.push(performance.now() - t0);
    return screen;
  }

  before(async () => {
    sys = await startSystem({ env: { USSD_SERVICE_CODE: '*778#', USSD_SESSION_TIMEOUT_SECONDS: String(TIMEOUT_SECONDS) }, numberPrefix: '2548' });
  });

  after(async () => {
    const summary = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
      return s.length ? `n=${s.length} min=${s[0].toFixed(1)} p50=${at(0.5).toFixed(1)} p95=${at(0.95).toFixed(1)} max=${s[s.length - 1].toFixed(1)} ms` : 'n=0';
    };
    // Reported, not asserted: the figures depend on the machine.
    console.log(`      USSD step latency (POST to the network screen in the simulator): dial ${summary(latencies.dial)}; answer ${summary(latencies.answer)}`);
    if (sys) {
      // Inside the simulator: a user message sent → the network's screen accepted (timestamps of its session log).
      const all = (await http<Array<{ screens: Array<Screen & { at: string }> }>>('GET', `${sys.sim.baseUrl}/ussd/sessions`)).body;
      const gaps: number[] = [];
      for (const s of all) {
        for (let i = 0; i + 1 < s.screens.length; i++) {
          if (s.screens[i].by === 'user' && s.screens[i + 1].by === 'network') gaps.push(Date.parse(s.screens[i + 1].at) - Date.parse(s.screens[i].at));
        }
      }
      console.log(`      simulator side (user message sent → network screen accepted): ${summary(gaps)}`);
    }
    if (sys) {
      const [sum, count] = await Promise.all([metric('simpair_ussd_step_seconds_sum'), metric('simpair_ussd_step_seconds_count')]);
      const under = await metric('simpair_ussd_step_seconds_bucket', '{le="0.025"}');
      console.log(`      simpair side (MO at the gateway → screen queued): n=${count} mean=${((sum / Math.max(1, count)) * 1000).toFixed(1)} ms, ${under}/${count} under 25 ms`);
    }
    await sys?.stop();
  });

  it('menu pay: 1 → amount → merchant → final screen with the code; the device confirms by SMS → Paid by SMS', async () => {
    const { main, device } = await enrol('100.00');
    const { id, screen: menu } = await dial(main);
    assert.equal(menu.op, MENU_OP);
    for (const entry of ['1 Pay', '2 Balance', '3 Last payments', '0 Exit']) assert.ok(menu.text.includes(entry), menu.text);
    const amount = await answer(id, '1');
    assert.equal(amount.op, MENU_OP);
    assert.match(amount.text, /Amount/);
    const merchant = await answer(id, '12.50');
    assert.equal(merchant.op, MENU_OP);
    assert.match(merchant.text, /12\.50 KES/);
    const done = await answer(id, 'shop42');
    assert.equal(done.op, FINAL_OP);
    assert.match(done.text, /on your payment device/);
    assert.match(done.text, /12\.50 KES to SHOP42/);
    const code = codeOf(done.text);
    assert.equal((await session(id)).state, 'ended');
    assert.ok(done.text.length <= 182);

    // The code came on the screen, not by SMS; the request is pending exactly as if sent by SMS.
    assert.equal((await inbox(main)).length, 0);
    await sendSms(device, `PAY 12.50 SHOP42 ${code}`);
    const paid = await nthMessage(main, 1, /^Paid/);
    assert.match(paid, /87\.50/);
    assert.equal(await balance(main), '87.50');
    const paymentId = /(P[0-9A-Z]{16})/.exec(paid)![1];
    const payment = await admin<{ state: string; channel: string }>('GET', `/v1/payments/${paymentId}`);
    assert.equal(payment.body.state, 'completed');
    assert.equal(payment.body.channel, 'ussd');
    await nthMessage(device, 1, new RegExp(paymentId));

    // 3 Last payments (the *778*3# shortcut) shows it.
    const last = await dial(main, '*778*3#');
    assert.equal(last.screen.op, FINAL_OP);
    assert.match(last.screen.text, /Last payments:\n\d\d\/\d\d 12\.50 SHOP42 paid/);
  });

  it('one-shot *778*amount*merchant# skips the menu; an invalid one-shot ends with a hint and creates nothing', async () => {
    const { main, device } = await enrol('50.00');
    const { id, screen } = await dial(main, '*778*20*SHOP42#');
    assert.equal(screen.op, FINAL_OP);
    assert.equal((await session(id)).state, 'ended');
    const code = codeOf(screen.text);
    await sendSms(device, `PAY 20 SHOP42 ${code}`);
    assert.match(await nthMessage(main, 1, /^Paid/), /30\.00/);
    assert.equal(await balance(main), '30.00');

    const bad = await dial(main, '*778*20*SHOP-42#');
    assert.equal(bad.screen.op, FINAL_OP);
    assert.match(bad.screen.text, /Invalid request/);
    assert.equal((await session(bad.id)).state, 'ended');
    const open = await admin<{ payments: unknown[] }>('GET', `/v1/payments?msisdn=${main}&state=awaiting_device`);
    assert.equal(open.body.payments.length, 0);
  });

  it('balance: 2 ends the session with the balance', async () => {
    const { main } = await enrol('42.00');
    const { id } = await dial(main);
    const screen = await answer(id, '2');
    assert.equal(screen.op, FINAL_OP);
    assert.equal(screen.text, 'Your balance is 42.00 KES.');
    assert.equal((await session(id)).state, 'ended');
  });

  it('invalid answers re-ask with a hint; the third ends the session; nothing is paid', async () => {
    const { main } = await enrol('100.00');
    const { id } = await dial(main);
    const first = await answer(id, '9');
    assert.equal(first.op, MENU_OP);
    assert.match(first.text, /Invalid choice/);
    assert.match(first.text, /1 Pay/);
    assert.equal((await answer(id, '1')).op, MENU_OP);
    // the same wrong text twice in one session: two answers, not one redelivered MO
    const second = await answer(id, 'abc');
    assert.match(second.text, /Invalid amount/);
    assert.equal(second.op, MENU_OP);
    const third = await answer(id, 'abc');
    assert.equal(third.op, FINAL_OP);
    assert.match(third.text, /Too many invalid answers/);
    assert.equal((await session(id)).state, 'ended');
    assert.equal(await balance(main), '100.00');
  });

  it('timeout: a late answer gets "Session ended" and changes nothing; the session counts as timed out', async () => {
    const { main } = await enrol('100.00');
    const timedOut = await metric('simpair_ussd_sessions_ended_total', '{reason="timed_out"}');
    const { id } = await dial(main);
    await answer(id, '1');
    await waitFor('timed-out session counted', async () => (await metric('simpair_ussd_sessions_ended_total', '{reason="timed_out"}')) > timedOut, TIMEOUT_SECONDS * 1000 + 10_000);
    const late = await answer(id, '5');
    assert.equal(late.op, FINAL_OP);
    assert.equal(late.text, 'Session ended. Dial *778# to start again.');
    assert.equal((await session(id)).state, 'ended');
    const open = await admin<{ payments: unknown[] }>('GET', `/v1/payments?msisdn=${main}`);
    assert.equal(open.body.payments.length, 0);
  });

  it('abort: the user hangs up; no reply, the session is gone (a late answer on it gets "Session ended")', async () => {
    const { main } = await enrol('100.00');
    const aborted = await metric('simpair_ussd_sessions_ended_total', '{reason="aborted"}');
    const { id, sessionNumber } = await dial(main);
    await answer(id, '1');
    const r = await http<{ statusName: string }>('POST', `${sys.sim.baseUrl}/ussd/sessions/${id}/abort`);
    assert.equal(r.body.statusName, 'ESME_ROK');
    await waitFor('abort counted', async () => (await metric('simpair_ussd_sessions_ended_total', '{reason="aborted"}')) > aborted);
    await sys.repliesDrained();
    const s = await session(id);
    assert.equal(s.state, 'aborted');
    assert.equal(networkScreens(s).length, 2, 'no screen after the abort');
    // An answer with that session number after the abort (a raw deliver_sm: the handset's session is
    // closed) finds no session: the graceful notice, not the merchant prompt.
    const submitsBefore = (await http<SubmitLogEntry[]>('GET', `${sys.sim.baseUrl}/submits`)).body.length;
    const info = Buffer.from([sessionNumber, 3 << 1]).toString('hex');
    const raw = await http<{ statusName: string }>('POST', `${sys.sim.baseUrl}/mo`, { from: main, text: '5', serviceType: 'USSD', tlvs: { ussd_service_op: 18, its_session_info: info } });
    assert.equal(raw.body.statusName, 'ESME_ROK');
    const notice = await waitFor('answer to the aborted session', async () =>
      (await http<SubmitLogEntry[]>('GET', `${sys.sim.baseUrl}/submits`)).body.slice(submitsBefore).find((e) => e.to === main && e.serviceType === 'USSD'),
    );
    assert.equal(notice.textPart, 'Session ended. Dial *778# to start again.');
    assert.equal(await balance(main), '100.00');
  });

  it('two subscribers interleaved: each session keeps its own state', async () => {
    const alice = await enrol('100.00');
    const bob = await enrol('60.00');
    const a = await dial(alice.main);
    const b = await dial(bob.main);
    assert.match((await answer(a.id, '1')).text, /Amount/);
    assert.match((await answer(b.id, '1')).text, /Amount/);
    assert.match((await answer(b.id, '7')).text, /7\.00 KES/);
    assert.match((await answer(a.id, '3')).text, /3\.00 KES/);
    const aDone = await answer(a.id, 'SHOP42');
    const bDone = await answer(b.id, 'SHOP42');
    assert.match(aDone.text, /3\.00 KES to SHOP42/);
    assert.match(bDone.text, /7\.00 KES to SHOP42/);
    await sendSms(bob.device, `PAY 7 SHOP42 ${codeOf(bDone.text)}`);
    await sendSms(alice.device, `PAY 3 SHOP42 ${codeOf(aDone.text)}`);
    assert.match(await nthMessage(alice.main, 1, /^Paid/), /97\.00/);
    assert.match(await nthMessage(bob.main, 1, /^Paid/), /53\.00/);
  });

  it('the same MSISDN dialling again while a session is open starts a fresh session; the old one is over', async () => {
    const { main } = await enrol('100.00');
    const replaced = await metric('simpair_ussd_sessions_ended_total', '{reason="replaced"}');
    const first = await dial(main);
    await answer(first.id, '1');
    const second = await dial(main);
    assert.notEqual(second.sessionNumber, first.sessionNumber);
    assert.equal(second.screen.op, MENU_OP);
    assert.match(second.screen.text, /1 Pay/);
    assert.equal((await answer(second.id, '2')).text, 'Your balance is 100.00 KES.');
    // the first session (still open on the handset) was ended by the new dial
    const late = await answer(first.id, '5');
    assert.equal(late.op, FINAL_OP);
    assert.equal(late.text, 'Session ended. Dial *778# to start again.');
    await waitFor('replaced session counted', async () => (await metric('simpair_ussd_sessions_ended_total', '{reason="replaced"}')) > replaced);
    const payments = await admin<{ payments: unknown[] }>('GET', `/v1/payments?msisdn=${main}`);
    assert.equal(payments.body.payments.length, 0);
  });

  it('a retried MO job re-sends its step and advances nothing: not the menu, not the payment', async () => {
    const { main, device } = await enrol('100.00');
    const moQueue = new Queue('mo', { connection: sys.redis.client(), prefix: '{simpair}' });
    try {
      /** Runs the MO job of `text` in session `id` once more, with the same MO (same id), as BullMQ does on a retry. */
      const rerun = async (id: string, text: string): Promise<unknown> => {
        const { sessionNumber } = await session(id);
        const jobs = await moQueue.getJobs(['completed'], 0, 1000);
        const original = jobs.find((j) => j.data.text === text && j.data.ussd && parseInt(String(j.data.ussd.sessionInfo).slice(0, 2), 16) === sessionNumber && String(j.data.source).endsWith(main.slice(-7)));
        assert.ok(original, `completed MO job for "${text}"`);
        const again = await moQueue.add('mo', original.data, { jobId: `${original.id}-again` });
        return waitFor('the re-run to finish', async () => (await moQueue.getJob(again.id!))?.returnvalue);
      };
      const { id } = await dial(main);
      await answer(id, '1');
      assert.equal(await rerun(id, '1'), 'ussd_prompt');
      assert.match((await answer(id, '12.50')).text, /Pay 12\.50 KES/, 'still one step further, not two');
      const done = await answer(id, 'SHOP42');
      const code = codeOf(done.text);
      assert.equal(await rerun(id, 'SHOP42'), 'ussd_pay');
      await sys.repliesDrained();
      assert.equal(networkScreens(await session(id)).length, 4, 'the same screen is not shown twice');
      const pending = await admin<{ payments: Array<{ state: string; channel: string }> }>('GET', `/v1/payments?msisdn=${main}`);
      assert.equal(pending.body.payments.length, 1, 'one payment request');
      assert.equal(pending.body.payments[0].state, 'awaiting_device');
      assert.equal(pending.body.payments[0].channel, 'ussd');
      // and the code on the screen is that request's code: the device completes it
      await sendSms(device, `PAY 12.50 SHOP42 ${code}`);
      assert.match(await nthMessage(main, 1, /^Paid/), /87\.50/);
    } finally {
      await moQueue.close();
    }
  });

  it('device half first, then the USSD request: Paid on the final screen, and the receipt by SMS', async () => {
    const { main, device } = await enrol('100.00');
    await sendSms(device, 'PAY 15 SHOP42');
    await nthMessage(device, 1, /waiting/);
    const { screen } = await dial(main, '*778*15*SHOP42#');
    assert.equal(screen.op, FINAL_OP);
    assert.match(screen.text, /^Paid 15\.00 KES/);
    assert.match(await nthMessage(main, 1, /^Paid/), /85\.00/);
    assert.equal(await balance(main), '85.00');
  });

  it('a number that is not a subscriber gets a final "not registered" screen', async () => {
    const { screen, id } = await dial('254769999999');
    assert.equal(screen.op, FINAL_OP);
    assert.match(screen.text, /not registered/);
    assert.equal((await session(id)).state, 'ended');
  });
});
