import assert from 'node:assert/strict';
import fc from 'fast-check';
import { http } from '../support/http';
import { waitFor } from '../support/wait';
import { startSystem, type System } from '../support/system';

// Issue 4, bad input: from the SMSC (crafted PDUs through the simulator's probe API) and in SMS text.
// Each is refused with a precise status or answered with help, counted, and never crashes anything
// or loses an acknowledged message.

const MAIN = '254781000001';
const DEVICE = '254781000002';

describe('bad input from the SMSC and in SMS text (end to end)', function () {
  this.timeout(180_000);
  let sys: System;
  const simUrl = () => sys.sim.baseUrl;
  const counters = async () => (await http<Record<string, number>>('GET', `${simUrl()}/counters`)).body;
  const probe = async (body: Record<string, unknown>) => (await http<{ status: number | null; statusName?: string; outcome?: string }>('POST', `${simUrl()}/pdu`, body)).body;
  const deliver = (fields: Record<string, unknown>, extra: Record<string, unknown> = {}) => probe({ kind: 'deliver_sm', fields, ...extra });
  const hex = (s: string) => Buffer.from(s, 'latin1').toString('hex');
  const refused = (reason: string) => sys.metric('simpair_smpp_pdu_refused_total', `reason="${reason}"`);
  const admin = (method: string, path: string, body?: unknown) => sys.admin(method, path, body);
  const inbox = (msisdn: string) => sys.inbox(msisdn);
  /** The system still works: a HELP from a fresh number comes back. */
  const stillServes = async (from: string) => {
    await sys.sendSms(from, 'HELP');
    await waitFor(`help reply to ${from}`, async () => (await inbox(from)).length === 1, 20_000);
  };

  before(async () => {
    sys = await startSystem();
    assert.equal((await admin('POST', '/v1/subscribers', { msisdn: MAIN, balance: '100.00' })).status, 201);
    assert.equal((await admin('POST', '/v1/subscribers/' + MAIN + '/devices', { msisdn: DEVICE })).status, 201);
  });

  after(async () => {
    await sys?.stop();
  });

  describe('deliver_sm the gateway must refuse with a precise status', () => {
    const cases: Array<[string, Record<string, unknown>, Record<string, unknown>, string, string]> = [
      ['a 10,000-byte message_payload', {}, { messagePayloadHex: '41'.repeat(10_000) }, 'ESME_RINVMSGLEN', 'message_too_long'],
      ['an empty source_addr', { source_addr: '' }, { shortMessageHex: hex('HELP') }, 'ESME_RINVSRCADR', 'empty_source'],
      ['an alphanumeric source_addr (TON 5)', { source_addr: 'BANK', source_addr_ton: 5, source_addr_npi: 0 }, { shortMessageHex: hex('HELP') }, 'ESME_RINVSRCADR', 'non_numeric_source'],
      ['an unsupported data_coding (0x04, 8-bit binary)', { data_coding: 4 }, { shortMessageHex: '0102030405' }, 'ESME_RINVDCS', 'unsupported_data_coding'],
      ['UCS2 with an odd number of octets', { data_coding: 8 }, { shortMessageHex: '00480045004c0050' + '00' }, 'ESME_RX_P_APPN', 'invalid_encoding'],
      ['a UDH that claims more octets than there are', { esm_class: 0x40 }, { shortMessageHex: '0b0003aa0201' }, 'ESME_RINVESMCLASS', 'invalid_udh'],
    ];
    for (const [what, fields, extra, status, reason] of cases) {
      it(`refuses ${what} with ${status} and counts it`, async () => {
        const before = await refused(reason);
        const r = await deliver(fields, extra);
        assert.equal(r.statusName, status);
        assert.equal(await refused(reason), before + 1);
      });
    }

    it('accepts an empty message and answers it with the help text', async () => {
      const r = await deliver({ source_addr: '254781000009' }, { shortMessageHex: '' });
      assert.equal(r.statusName, 'ESME_ROK');
      await waitFor('help reply to the empty MO', async () => /PAY <amount>/.test((await inbox('254781000009'))[0]?.text ?? ''));
    });

    it('survives a deliver_sm with an invalid TLV (length past the end of the PDU)', async () => {
      const r = await deliver({ source_addr: '254781000010' }, { shortMessageHex: hex('HELP'), tlvs: { '0x1500': '31323334' } });
      assert.ok(r.status !== null, 'answered');
      await stillServes('254781000011');
    });
  });

  describe('broken PDUs on the wire: the link is dropped and rebound, nothing else', () => {
    const raw = async (name: string, hexOctets: string) => {
      const binds = (await counters()).binds;
      assert.equal((await http('POST', `${simUrl()}/pdu`, { kind: 'raw', hex: hexOctets })).status, 200);
      return { binds, name };
    };

    it('answers an unknown command id with generic_nack and keeps the session', async () => {
      const before = (await counters()).generic_nacks_received ?? 0;
      await raw('unknown command', '00000010' + '00000999' + '00000000' + '7fff0001');
      await waitFor('generic_nack from the gateway', async () => ((await counters()).generic_nacks_received ?? 0) > before);
      await stillServes('254781000020');
    });

    for (const [name, octets] of [
      ['garbage bytes', 'deadbeef'.repeat(16)],
      ['a command_length over the limit', '00100000' + '00000004' + '00000000' + '7fff0002'],
      ['a truncated PDU (the rest never comes)', '00000064' + '00000005' + '00000000' + '7fff0003' + '00000000'],
    ] as const) {
      it(`drops the link on ${name}, rebinds and carries on`, async () => {
        const { binds } = await raw(name, octets);
        await waitFor(`rebind after ${name}`, async () => (await counters()).binds > binds, 30_000);
        await stillServes(`25478100003${name.length % 10}`);
      });
    }

    it('survives 100 random PDUs and garbage (property-based), still serving afterwards', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            source: fc.oneof(fc.constant('254781000050'), fc.stringMatching(/^[0-9A-Za-z+ ]{0,21}$/)),
            ton: fc.integer({ min: 0, max: 6 }),
            dataCoding: fc.constantFrom(0, 1, 3, 4, 8, 0xf0, 0xf4, 0x19),
            esmClass: fc.constantFrom(0, 0x04, 0x40, 0x44),
            body: fc.uint8Array({ maxLength: 200 }),
          }),
          async (p) => {
            const r = await deliver(
              { source_addr: p.source, source_addr_ton: p.ton, data_coding: p.dataCoding, esm_class: p.esmClass },
              { shortMessageHex: Buffer.from(p.body).toString('hex') },
            );
            // Answered, with ROK or a refusal; the link may not be killed by a well-formed PDU.
            return r.status !== null;
          },
        ),
        { numRuns: 100 },
      );
      await stillServes('254781000060');
    });
  });

  describe('SMS text a subscriber should never be able to pay with', () => {
    const texts = [
      'PAY -5 SHOP42',
      'PAY 0 SHOP42',
      'PAY 1.999 SHOP42',
      'PAY 1e9 SHOP42',
      'PAY 0x10 SHOP42',
      'PAY 12,50 SHOP42',
      'PAY 99999999999999999999999 SHOP42',
      'PAY 5 NOSUCHSHOP',
      'ПЛАТИТЬ 5 SHOP42',
      'PAY\u0000 5\u0007 SHOP42',
      'redis.call("FLUSHALL")',
      "PAY 5 SHOP42'; DROP TABLE payments; --",
      '{"cmd":"PAY","amount":5}',
    ];
    it('answers each with help or a decline, moves no money and opens no payment', async () => {
      const processed = () => sys.metric('simpair_mo_processed_total');
      const before = await processed();
      for (const text of texts) {
        const r = await http<{ status: number }>('POST', `${simUrl()}/mo`, { from: MAIN, text });
        assert.equal(r.body.status, 0, `acknowledged: ${JSON.stringify(text)}`);
      }
      await waitFor('every odd text processed', async () => (await processed()) >= before + texts.length, 30_000);
      await sys.repliesDrained();
      // Help replies are rate-limited (10 a minute); the decline for the unknown merchant is not.
      const replies = (await inbox(MAIN)).map((m) => m.text);
      assert.ok(replies.length >= 10, `${replies.length} replies`);
      assert.ok(replies.some((t) => /declined/i.test(t)), 'the unknown merchant was declined');
      const sub = (await admin('GET', `/v1/subscribers/${MAIN}`)).body as { balance: { amount: string } };
      assert.equal(sub.balance.amount, '100.00');
      const open = (await admin('GET', `/v1/payments?msisdn=${MAIN}&state=awaiting_device`)).body as { payments: unknown[] };
      assert.equal(open.payments.length, 0);
      const completed = (await admin('GET', `/v1/payments?msisdn=${MAIN}&state=completed`)).body as { payments: unknown[] };
      assert.equal(completed.payments.length, 0);
    });

    it('rate-limits replies to 1,000 HELPs from one MSISDN', async () => {
      const from = '254781000099';
      const suppressed = await sys.metric('simpair_replies_rate_limited_total');
      const batch = await http<{ results: Array<{ status: number }> }>('POST', `${simUrl()}/mo/batch`, {
        messages: Array.from({ length: 1000 }, (_, i) => ({ from, text: `HELP ${i}` })),
        wait: true,
      });
      assert.equal(batch.body.results.filter((r) => r.status === 0).length, 1000);
      await waitFor('990 replies suppressed', async () => (await sys.metric('simpair_replies_rate_limited_total')) >= suppressed + 990, 60_000, 200);
      await sys.repliesDrained();
      assert.equal((await inbox(from)).length, 10);
    });
  });
});
