import assert from 'node:assert/strict';
import { startSimulatorProcess } from '../../smsc-sim/harness';
import { waitFor } from '../support/wait';
import { simulatorSuite } from './support/suite';

// The operator SIM-swap API (CAMARA "SIM Swap" style, base URL <http>/sim-swap) and its controls:
// the simulator's side of the contract in smsc-sim/README.md, over real HTTP.

const TOKEN = 'test-token.42';
const PHONE = '254712000001';
const E164 = `+${PHONE}`;
const HOUR = 3_600_000;

interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

/** A CAMARA call: POST <base>/sim-swap/<op> with a bearer token (none when `token` is null). */
async function camara(
  baseUrl: string,
  op: 'check' | 'retrieve-date',
  body: unknown,
  opts: { token?: string | null; raw?: string; headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<Answer> {
  const token = opts.token === undefined ? TOKEN : opts.token;
  const res = await fetch(`${baseUrl}/sim-swap/${op}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...opts.headers },
    body: opts.raw ?? JSON.stringify(body),
    signal: opts.signal,
  });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

describe('smsc-sim: operator SIM-swap API', function () {
  this.timeout(20000);
  const { api, sim } = simulatorSuite({ SIM_SIM_SWAP_TOKEN: TOKEN });
  const check = (body: unknown, opts?: Parameters<typeof camara>[3]) => camara(sim().baseUrl, 'check', body, opts);
  const retrieve = (body: unknown, opts?: Parameters<typeof camara>[3]) => camara(sim().baseUrl, 'retrieve-date', body, opts);
  const mark = (swappedAt: string | null, msisdn = PHONE) => api().put(`/handsets/${msisdn}/sim-swap`, { swappedAt });

  it('answers false for a handset never swapped, true once its SIM is marked swapped now, false again once cleared', async () => {
    assert.deepEqual(await api().get(`/handsets/${PHONE}/sim-swap`), { msisdn: PHONE, swappedAt: null });
    const never = await check({ phoneNumber: E164, maxAge: 240 });
    assert.deepEqual([never.status, never.body], [200, { swapped: false }]);
    assert.match(never.headers.get('content-type') ?? '', /^application\/json/);
    assert.deepEqual((await retrieve({ phoneNumber: E164 })).body, { latestSimChange: null });

    const before = Date.now();
    const marked = await mark('now');
    assert.equal(marked.msisdn, PHONE);
    const at = Date.parse(marked.swappedAt);
    assert.ok(at >= before && at <= Date.now(), marked.swappedAt);
    assert.deepEqual(await api().get(`/handsets/%2B${PHONE}/sim-swap`), marked, 'a leading + names the same handset');

    assert.deepEqual((await check({ phoneNumber: E164, maxAge: 240 })).body, { swapped: true });
    assert.deepEqual((await check({ phoneNumber: E164 })).body, { swapped: true }, 'maxAge defaults to 240');
    const date = await retrieve({ phoneNumber: E164 });
    assert.deepEqual([date.status, date.body], [200, { latestSimChange: marked.swappedAt }]);
    assert.deepEqual((await check({ phoneNumber: '+254712000002', maxAge: 240 })).body, { swapped: false }, 'another handset is untouched');

    assert.deepEqual(await mark(null), { msisdn: PHONE, swappedAt: null });
    assert.deepEqual((await check({ phoneNumber: E164, maxAge: 2400 })).body, { swapped: false });
    assert.deepEqual((await retrieve({ phoneNumber: E164 })).body, { latestSimChange: null });

    const counters = await api().get('/counters');
    assert.deepEqual([counters.sim_swap_checks, counters.sim_swap_swapped], [5, 2], 'retrieve-date is not a check');
  });

  it('counts a swap only within the last maxAge hours', async () => {
    const threeHoursAgo = new Date(Date.now() - 3 * HOUR).toISOString();
    assert.equal((await mark(threeHoursAgo)).swappedAt, threeHoursAgo);
    assert.deepEqual((await check({ phoneNumber: E164, maxAge: 2 })).body, { swapped: false });
    assert.deepEqual((await check({ phoneNumber: E164, maxAge: 4 })).body, { swapped: true });
    assert.deepEqual((await retrieve({ phoneNumber: E164 })).body, { latestSimChange: threeHoursAgo });

    // A time with an offset is the same instant; 300 hours ago is outside the default 240.
    const longAgo = Date.now() - 300 * HOUR;
    const withOffset = new Date(longAgo + 3 * HOUR).toISOString().replace('Z', '+03:00');
    assert.equal((await mark(withOffset)).swappedAt, new Date(longAgo).toISOString());
    assert.deepEqual((await check({ phoneNumber: E164 })).body, { swapped: false });
    assert.deepEqual((await check({ phoneNumber: E164, maxAge: 301 })).body, { swapped: true });

    const counters = await api().get('/counters');
    assert.deepEqual([counters.sim_swap_checks, counters.sim_swap_swapped], [4, 2]);
  });

  it('answers 401 UNAUTHENTICATED without the right bearer token, before looking at the body', async () => {
    await mark('now');
    for (const [what, opts] of [
      ['no Authorization', { token: null }],
      ['a wrong token', { token: 'sim-swap-token' }],
      ['another scheme', { token: null, headers: { authorization: `Basic ${TOKEN}` } }],
      ['a bad body too', { token: null, raw: '{"phoneNumber":' }],
    ] as const) {
      const r = await check({ phoneNumber: E164, maxAge: 240 }, opts);
      assert.equal(r.status, 401, what);
      assert.deepEqual([r.body.status, r.body.code, typeof r.body.message], [401, 'UNAUTHENTICATED', 'string'], what);
      assert.deepEqual(Object.keys(r.body).sort(), ['code', 'message', 'status'], what);
      assert.match(r.headers.get('www-authenticate') ?? '', /^Bearer/, what);
    }
    assert.equal((await retrieve({ phoneNumber: E164 }, { token: null })).status, 401);
    assert.deepEqual((await check({ phoneNumber: E164 }, { headers: { authorization: `bearer ${TOKEN}` } })).body, { swapped: true }, 'the scheme in any case');
    assert.equal((await api().get('/counters')).sim_swap_checks, 5, 'every check answered counts, refusals too');
  });

  it('answers 400 INVALID_ARGUMENT naming the field for bad bodies', async () => {
    const cases: Array<[string, unknown, string?]> = [
      ['body', ['+254712000001']],
      ['body', 'text'],
      ['body', undefined, '{"phoneNumber":'],
      ['body', undefined, ''],
      ['phoneNumber', {}],
      ['phoneNumber', { maxAge: 240 }],
      ['phoneNumber', { phoneNumber: PHONE }],
      ['phoneNumber', { phoneNumber: '+0712000001' }],
      ['phoneNumber', { phoneNumber: '+1234' }],
      ['phoneNumber', { phoneNumber: '+1234567890123456' }],
      ['phoneNumber', { phoneNumber: 254712000001 }],
      ['phoneNumber', { phoneNumber: '+25471200000a' }],
      ['maxAge', { phoneNumber: E164, maxAge: 0 }],
      ['maxAge', { phoneNumber: E164, maxAge: 2401 }],
      ['maxAge', { phoneNumber: E164, maxAge: 1.5 }],
      ['maxAge', { phoneNumber: E164, maxAge: '240' }],
      ['maxAge', { phoneNumber: E164, maxAge: null }],
      ['max_age', { phoneNumber: E164, max_age: 240 }],
    ];
    for (const [field, body, raw] of cases) {
      const r = await check(body, raw === undefined ? {} : { raw });
      const what = raw ?? JSON.stringify(body);
      assert.equal(r.status, 400, what);
      assert.deepEqual([r.body.status, r.body.code], [400, 'INVALID_ARGUMENT'], what);
      assert.ok(r.body.message.startsWith(`${field}: `), `${what} → ${r.body.message}`);
    }
    assert.deepEqual((await check({ phoneNumber: E164, maxAge: 1 })).body, { swapped: false }, 'the bounds are allowed');
    assert.deepEqual((await check({ phoneNumber: E164, maxAge: 2400 })).body, { swapped: false });

    const withMaxAge = await retrieve({ phoneNumber: E164, maxAge: 240 });
    assert.equal(withMaxAge.status, 400);
    assert.match(withMaxAge.body.message, /^maxAge: unknown field/);
    assert.match((await retrieve({ phoneNumber: '254712000001' })).body.message, /^phoneNumber: /);

    const badCorrelator = await check({ phoneNumber: E164 }, { headers: { 'x-correlator': 'no spaces allowed' } });
    assert.deepEqual([badCorrelator.status, badCorrelator.body.code], [400, 'INVALID_ARGUMENT']);
    assert.match(badCorrelator.body.message, /^x-correlator: /);
    const correlated = await check({ phoneNumber: E164 }, { headers: { 'x-correlator': 'b4333c46-49c0-4f62-80d7-f0ef930f1c46' } });
    assert.equal(correlated.headers.get('x-correlator'), 'b4333c46-49c0-4f62-80d7-f0ef930f1c46', 'echoed as CAMARA does');
    assert.equal((await api().get('/counters')).sim_swap_checks, cases.length + 4);
  });

  it('validates the control routes, naming the field', async () => {
    const future = new Date(Date.now() + HOUR).toISOString();
    for (const [field, body] of [
      ['swappedAt', { swappedAt: 'yesterday' }],
      ['swappedAt', { swappedAt: '2024-05-01T12:00:00' }],
      ['swappedAt', { swappedAt: '2024-02-30T12:00:00Z' }],
      ['swappedAt', { swappedAt: 1714564800000 }],
      ['swappedAt', { swappedAt: future }],
      ['swappedAt', {}],
      ['swapped', { swapped: true }],
      ['body', ['now']],
    ] as const) {
      const r = await api().send('PUT', `/handsets/${PHONE}/sim-swap`, body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.ok(r.body.error.startsWith(`${field}: `), `${JSON.stringify(body)} → ${r.body.error}`);
    }
    for (const msisdn of ['abc', '12', '%2B%2B254712000001']) {
      for (const [method, body] of [['GET', undefined], ['PUT', { swappedAt: 'now' }]] as const) {
        const r = await api().send(method, `/handsets/${msisdn}/sim-swap`, body);
        assert.equal(r.status, 400, `${method} ${msisdn}`);
        assert.match(r.body.error, /^msisdn: /);
      }
    }
    assert.deepEqual(await api().get(`/handsets/${PHONE}/sim-swap`), { msisdn: PHONE, swappedAt: null }, 'nothing was marked');
    assert.equal((await api().put(`/handsets/%2B${PHONE}/sim-swap`, { swappedAt: '2024-05-01T12:00:00.5Z' })).swappedAt, '2024-05-01T12:00:00.500Z');
    assert.equal((await api().get(`/handsets/${PHONE}/sim-swap`)).swappedAt, '2024-05-01T12:00:00.500Z');
  });

  it('fault simSwapApi "down": 503 UNAVAILABLE on both operations; "up" again answers', async () => {
    assert.equal((await api().get('/faults')).simSwapApi, 'up');
    const badFault = await api().send('PUT', '/faults', { simSwapApi: 'sideways' });
    assert.equal(badFault.status, 400);
    assert.match(badFault.body.error, /^simSwapApi: /);

    await mark('now');
    assert.equal((await api().put('/faults', { simSwapApi: 'down' })).simSwapApi, 'down');
    for (const r of [await check({ phoneNumber: E164, maxAge: 240 }), await retrieve({ phoneNumber: E164 }), await check({ phoneNumber: E164 }, { token: null })]) {
      assert.equal(r.status, 503);
      assert.deepEqual([r.body.status, r.body.code, typeof r.body.message], [503, 'UNAVAILABLE', 'string']);
    }
    await api().put('/faults', { simSwapApi: 'up' });
    assert.deepEqual((await check({ phoneNumber: E164, maxAge: 240 })).body, { swapped: true });
    const counters = await api().get('/counters');
    assert.deepEqual([counters.sim_swap_checks, counters.sim_swap_swapped], [3, 1]);
  });

  it('fault simSwapApi "slow": no answer within 2 s, so a client timeout fires', async () => {
    await mark('now');
    await api().put('/faults', { simSwapApi: 'slow' });
    const started = Date.now();
    const calls = [(signal: AbortSignal) => check({ phoneNumber: E164, maxAge: 240 }, { signal }), (signal: AbortSignal) => retrieve({ phoneNumber: E164 }, { signal })];
    for (const call of calls) {
      const aborted = new AbortController();
      const timer = setTimeout(() => aborted.abort(), 2000);
      await assert.rejects(call(aborted.signal), { name: 'AbortError' });
      clearTimeout(timer);
      assert.equal(aborted.signal.aborted, true);
    }
    assert.ok(Date.now() - started >= 3900, 'it was the client that gave up, twice');
  });

  it('fault simSwapApi "slow": the answer does come, after 10 s; a check whose client gave up is not counted', async function () {
    this.timeout(20000);
    await mark('now');
    await api().put('/faults', { simSwapApi: 'slow' });
    const abandoned = check({ phoneNumber: E164, maxAge: 240 }, { signal: AbortSignal.timeout(2000) }).then(
      () => null,
      (err: Error) => err,
    );
    const started = Date.now();
    const r = await check({ phoneNumber: E164, maxAge: 240 });
    const took = Date.now() - started;
    assert.deepEqual([r.status, r.body], [200, { swapped: true }]);
    assert.ok(took >= 9900 && took < 15000, `answered after ${took} ms`);
    assert.equal((await abandoned)?.name, 'TimeoutError');
    // The abandoned one's answer was due too (it may have reached the simulator after the other).
    const counters = await waitFor('the abandoned check due, its client gone', async () => {
      const c = await api().get('/counters');
      return c.sim_swap_checks_abandoned === 1 ? c : null;
    });
    assert.deepEqual([counters.sim_swap_checks, counters.sim_swap_swapped], [1, 1]);
  });

  it('POST /reset clears every SIM-swap mark, the fault and the counters', async () => {
    await mark('now');
    await mark(new Date(Date.now() - HOUR).toISOString(), '254712000002');
    await api().put('/faults', { simSwapApi: 'down' });
    await api().put('/faults', { simSwapApi: 'up' });
    assert.deepEqual((await check({ phoneNumber: E164 })).body, { swapped: true });
    await api().put('/faults', { simSwapApi: 'slow' });

    await api().post('/reset');
    assert.equal((await api().get('/faults')).simSwapApi, 'up');
    const counters = await api().get('/counters');
    assert.deepEqual([counters.sim_swap_checks, counters.sim_swap_swapped], [0, 0]);
    for (const msisdn of [PHONE, '254712000002']) {
      assert.deepEqual(await api().get(`/handsets/${msisdn}/sim-swap`), { msisdn, swappedAt: null });
      assert.deepEqual((await check({ phoneNumber: `+${msisdn}`, maxAge: 2400 })).body, { swapped: false });
      assert.deepEqual((await retrieve({ phoneNumber: `+${msisdn}` })).body, { latestSimChange: null });
    }
  });

  it('tells the web page of every mark with a "handset" server-sent event', async () => {
    const abort = new AbortController();
    const res = await fetch(`${sim().baseUrl}/events`, { signal: abort.signal });
    const seen: any[] = [];
    const reading = (async () => {
      const decoder = new TextDecoder();
      let buf = '';
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buf += decoder.decode(chunk, { stream: true });
          const blocks = buf.split('\n\n');
          buf = blocks.pop()!; // an event not complete yet
          for (const block of blocks) {
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (event === 'handset' && data) seen.push(JSON.parse(data));
          }
        }
      } catch {
        // aborted below
      }
    })();
    try {
      const marked = await mark('now', `%2B${PHONE}`);
      await mark(null);
      await waitFor('two handset events', async () => seen.length >= 2, 5000, 20);
      assert.deepEqual(seen, [marked, { msisdn: PHONE, swappedAt: null }]);
    } finally {
      abort.abort();
      await reading;
    }
  });
});

describe('smsc-sim: SIM-swap API token setting', function () {
  this.timeout(20000);
  const { sim } = simulatorSuite({});

  it('wants the bearer token "sim-swap-token" by default', async () => {
    assert.deepEqual((await camara(sim().baseUrl, 'check', { phoneNumber: E164 }, { token: 'sim-swap-token' })).body, { swapped: false });
    assert.equal((await camara(sim().baseUrl, 'check', { phoneNumber: E164 }, { token: TOKEN })).status, 401);
  });

  it('refuses to start with a token that cannot be sent as a bearer token, naming the setting', async () => {
    await assert.rejects(startSimulatorProcess({ env: { SIM_SIM_SWAP_TOKEN: 'two words' } }), /exited with code 1[\s\S]*simSwapToken \(SIM_SIM_SWAP_TOKEN\)/);
  });
});
