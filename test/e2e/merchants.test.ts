import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import { createKeys } from '../../src/store/keys';
import { waitFor } from '../support/wait';
import { codeOf, startSystem, type System } from '../support/system';

// Merchants who are told (README "Merchants"), end to end: an SMS to the merchant's phone and a
// signed webhook for each payment and refund, retried until it is accepted, from a durable outbox
// that a crash does not lose; CHECK from the till; refunds bounded and idempotent.

interface Delivery {
  body: string;
  signature: string;
  event: string;
  attempt: string;
}

/** A merchant's webhook endpoint that answers 500 to the first `failFirst` attempts of each event. */
class Receiver {
  readonly deliveries: Delivery[] = [];
  private readonly attempts = new Map<string, number>();
  failFirst = 2;
  down = false;
  private server!: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const id = (JSON.parse(body) as { id: string }).id;
        const n = (this.attempts.get(id) ?? 0) + 1;
        this.attempts.set(id, n);
        this.deliveries.push({ body, signature: String(req.headers['x-simpair-signature']), event: String(req.headers['x-simpair-event']), attempt: String(req.headers['x-simpair-delivery']) });
        res.writeHead(this.down || n <= this.failFirst ? 500 : 204).end();
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/simpair`;
  }

  of(id: string): Delivery[] {
    return this.deliveries.filter((d) => (JSON.parse(d.body) as { id: string }).id === id);
  }

  stop(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}

const sign = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe('merchants who are told, end to end', function () {
  this.timeout(120_000);
  let sys: System;
  const receiver = new Receiver();
  let url: string;
  let secret: string;
  const shopPhone = '254560000001';

  before(async () => {
    url = await receiver.start();
    // A webhook attempt in flight when the worker is killed is handed over once its lock lapses: a
    // short lock and stalled check (as in the fault tests) keep the crash test within its deadline.
    sys = await startSystem({ numberPrefix: '2546', env: { WORKER_LOCK_DURATION_MS: '3000', WORKER_STALLED_INTERVAL_MS: '1000' } });
    const created = await sys.admin<{ webhookSecret: string; webhookUrl: string; msisdn: string }>('POST', '/v1/merchants', { code: 'SHOPW', name: 'Webhook Shop', msisdn: shopPhone, webhookUrl: url });
    assert.equal(created.status, 201);
    secret = created.body.webhookSecret;
    assert.match(secret, /^whsec_[A-Za-z0-9_-]{43}$/);
  });
  after(async () => {
    await sys?.stop();
    await receiver.stop();
  });

  async function pay(amount: string, shop = 'SHOPW'): Promise<{ main: string; paymentId: string }> {
    const { main, device } = await sys.enrol('100.00');
    await sys.sendSms(main, `PAY ${amount} ${shop}`);
    const code = codeOf(await sys.nthMessage(main, 1, /code/));
    await sys.sendSms(device, `PAY ${amount} ${shop} ${code}`);
    const paid = await sys.nthMessage(main, 2, /Paid/);
    return { main, paymentId: /(P[0-9A-Z]{16})/.exec(paid)![1] };
  }

  it('the secret is shown once; a merchant never gets a webhook to a non-HTTP URL', async () => {
    const read = await sys.admin<Record<string, unknown>>('GET', '/v1/merchants/SHOPW');
    assert.equal(read.body.webhookSecret, undefined);
    assert.equal(read.body.webhookUrl, url);
    for (const bad of ['file:///etc/passwd', 'ftp://x/y', 'http://user:pw@host/x', 'not a url']) {
      const r = await sys.admin<{ error: string }>('POST', '/v1/merchants', { code: 'SHOPX', name: 'X', webhookUrl: bad });
      assert.equal(r.status, 400, bad);
      assert.match(r.body.error, /webhookUrl/);
    }
  });

  it('a payment: SMS to the merchant’s phone with the payer masked, and a signed webhook retried until accepted (same id and body)', async () => {
    const { main, paymentId } = await pay('5.00');
    assert.match(await sys.nthMessage(shopPhone, 1, /Received/), new RegExp(`^Received 5\\.00 KES from ${main.slice(0, 4)}\\*+${main.slice(-4)}\\. Payment ${paymentId}\\.$`));
    const id = `evt-${paymentId}`;
    const tries = await waitFor('three webhook attempts', async () => (receiver.of(id).length >= 3 ? receiver.of(id) : null), 30_000);
    assert.equal(new Set(tries.map((t) => t.body)).size, 1, 'the same body every time');
    for (const t of tries) assert.equal(t.signature, sign(secret, t.body));
    assert.deepEqual(tries.map((t) => t.attempt), ['1', '2', '3']);
    const body = JSON.parse(tries[0].body) as { id: string; type: string; createdAt: string; payment: { id: string; amount: { amount: string }; payer: string } };
    assert.equal(body.type, 'payment.completed');
    assert.equal(body.payment.id, paymentId);
    assert.equal(body.payment.amount.amount, '5.00');
    assert.ok(!body.payment.payer.includes(main), 'the payer is masked');
    await waitFor('delivery recorded', async () => (await sys.admin<{ webhook: { lastOutcome: string } }>('GET', '/v1/merchants/SHOPW')).body.webhook?.lastOutcome === 'delivered');
    // The latest attempts in detail, newest first: two refused with the merchant's status, then delivered.
    const attempts = (await sys.admin<{ attempts: Array<{ event: string; attempt: number; outcome: string; status: number | null }> }>('GET', '/v1/merchants/SHOPW/webhook-attempts')).body.attempts.filter((a) => a.event === id);
    assert.deepEqual(
      attempts.map((a) => [a.attempt, a.outcome, a.status]),
      [
        [3, 'delivered', 204],
        [2, 'failed', 500],
        [1, 'failed', 500],
      ],
    );
  });

  it('a merchant with neither phone nor webhook: the event is relayed, and no notice job is made for it', async () => {
    assert.equal((await sys.admin('POST', '/v1/merchants', { code: 'SHOPQ', name: 'Quiet Shop' })).status, 201);
    const { main, device } = await sys.enrol('100.00');
    await sys.sendSms(main, 'PAY 3.00 SHOPQ');
    const code = codeOf(await sys.nthMessage(main, 1, /code/));
    await sys.sendSms(device, `PAY 3.00 SHOPQ ${code}`);
    const paymentId = /(P[0-9A-Z]{16})/.exec(await sys.nthMessage(main, 2, /Paid/))![1];
    const client = sys.redis.client();
    const queue = new Queue('merchant', { connection: client, prefix: '{simpair}' });
    try {
      const keys = createKeys('sp');
      await waitFor('the merchant relay to have read the event', async () => {
        const entries = await client.xrange(keys.merchantEvents(), '-', '+');
        const entry = entries.find(([, f]) => f.includes(`evt-${paymentId}`));
        if (!entry) return false;
        const groups = (await client.xinfo('GROUPS', keys.merchantEvents())) as unknown[][];
        const g = Object.fromEntries(Array.from({ length: groups[0].length / 2 }, (_, i) => [groups[0][2 * i], groups[0][2 * i + 1]])) as { pending: number; 'last-delivered-id': string };
        return g.pending === 0 && g['last-delivered-id'] >= entry[0];
      });
      assert.equal(await queue.getJob(`evt-${paymentId}.sms`), undefined);
      assert.equal(await queue.getJob(`evt-${paymentId}.hook`), undefined);
    } finally {
      await queue.close();
      client.disconnect();
    }
  });

  it('CHECK from the till: its own payment in full; another shop’s or an unknown id reveals nothing; from another phone: help', async () => {
    // A shop of its own, so that the till's inbox holds this test's messages only.
    const till = '254560000002';
    assert.equal((await sys.admin('POST', '/v1/merchants', { code: 'SHOPC', name: 'Check Shop', msisdn: till })).status, 201);
    const { paymentId } = await pay('6.00', 'SHOPC');
    await sys.nthMessage(till, 1, /Received 6\.00/);
    await sys.sendSms(till, `CHECK ${paymentId}`);
    assert.match(await sys.nthMessage(till, 2, /Payment P/), new RegExp(`^Payment ${paymentId}: completed, 6\\.00 KES, \\d\\d:\\d\\d \\d\\d/\\d\\d/\\d{4}\\.$`));
    // A SHOP42 payment (another shop) and an id nobody has: the same answer.
    const other = await sys.enrol('10.00');
    await sys.sendSms(other.main, 'PAY 1.00 SHOP42');
    const code = codeOf(await sys.nthMessage(other.main, 1, /code/));
    await sys.sendSms(other.device, `PAY 1.00 SHOP42 ${code}`);
    const otherId = /(P[0-9A-Z]{16})/.exec(await sys.nthMessage(other.main, 2, /Paid/))![1];
    await sys.sendSms(till, `CHECK ${otherId}`);
    assert.equal(await sys.nthMessage(till, 3, /./), `No payment ${otherId} to your shop.`);
    await sys.sendSms(till, 'CHECK P0000000000000000');
    assert.equal(await sys.nthMessage(till, 4, /./), 'No payment P0000000000000000 to your shop.');
    await sys.sendSms(other.main, `CHECK ${otherId}`);
    assert.match(await sys.nthMessage(other.main, 3, /./), /PAY <amount> <merchant>/, 'not a merchant phone: help');
  });

  it('refunds: full or partial, never more than what is left, idempotent by reference; the subscriber told, the merchant’s webhook too', async () => {
    const { main, paymentId } = await pay('10.00');
    const first = await sys.admin<{ id: string; amount: { amount: string } }>('POST', `/v1/payments/${paymentId}/refunds`, { amount: '4.00', reference: 'rf-1' });
    assert.equal(first.status, 201);
    assert.match(await sys.nthMessage(main, 3, /Refund/), new RegExp(`^Refund 4\\.00 KES from SHOPW for payment ${paymentId}\\. New balance 94\\.00 KES\\.$`));
    const again = await sys.admin('POST', `/v1/payments/${paymentId}/refunds`, { amount: '4.00', reference: 'rf-1' });
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, first.body, 'the same refund');
    assert.equal((await sys.admin('POST', `/v1/payments/${paymentId}/refunds`, { amount: '3.00', reference: 'rf-1' })).status, 409);
    assert.equal((await sys.admin('POST', `/v1/payments/${paymentId}/refunds`, { amount: '6.01', reference: 'rf-2' })).status, 409);
    assert.equal((await sys.admin('POST', `/v1/payments/${paymentId}/refunds`, { amount: '6.00', reference: 'rf-2' })).status, 201);
    assert.equal(await sys.balance(main), '100.00');
    const p = await sys.admin<{ state: string; refunded: { amount: string }; history: Array<{ reason: string }> }>('GET', `/v1/payments/${paymentId}`);
    assert.equal(p.body.state, 'completed');
    assert.equal(p.body.refunded.amount, '10.00');
    assert.equal(p.body.history.filter((h) => h.reason === 'refunded').length, 2);
    const hooks = await waitFor('the refund webhooks', async () => {
      const r = receiver.deliveries.filter((d) => d.event === 'payment.refunded' && JSON.parse(d.body).payment.id === paymentId);
      return new Set(r.map((d) => JSON.parse(d.body).id)).size === 2 ? r : null;
    }, 30_000);
    for (const h of hooks) assert.equal(h.signature, sign(secret, h.body));
    const verify = await sys.admin<{ ok: boolean }>('GET', '/v1/ledger/verify');
    assert.equal(verify.status, 200);
    assert.equal(verify.body.ok, true);
  });

  it('a crash right after the payment loses no webhook: delivered after the restart', async () => {
    receiver.down = true;
    const { paymentId } = await pay('7.00');
    const id = `evt-${paymentId}`;
    await waitFor('a first attempt failed', async () => receiver.of(id).length >= 1, 20_000);
    await sys.crashAndRestart();
    receiver.down = false;
    receiver.failFirst = 0;
    await waitFor('delivered after the restart', async () => {
      const tries = receiver.of(id);
      return tries.length >= 2 && tries.every((t) => t.body === tries[0].body) ? tries : null;
    }, 60_000);
  });
});
