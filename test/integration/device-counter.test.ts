import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { deviceToken } from '../../src/domain/device-mac';
import { runPaymentStep, type PaymentRules } from '../../src/jobs/payment-step';
import { hmacSha256, DeviceKeySealer, provisionDeviceKey } from '../../src/store/device-keys';
import { EnrolmentStore } from '../../src/store/enrolment';
import { MerchantStore } from '../../src/store/merchants';
import { ExpiryStore } from '../../src/store/expiries';
import { createKeys } from '../../src/store/keys';
import { PaymentStore } from '../../src/store/payments';
import { registerScripts } from '../../src/store/scripts';
import { startRedis } from '../support/processes';

// A MAC device's counter and refusals are written with the decision, in the subscriber's slot,
// under her version check (applyPaymentDecision.lua): the same signed message processed by eight
// workers at the same instant is accepted exactly once; the others are refused (and, past the
// limit, ignored), each counted once. Real redis-server, eight connections.

const MAIN = '254771000001';
const DEVICE = '254772000001';
const WORKERS = 8;

const rules: PaymentRules = {
  windowMs: 120_000,
  strict: false,
  maxPaymentMinor: 500_000,
  dailyMaxMinor: 2_000_000,
  maxFailedAuth: 5,
  failedAuthDecayMs: 86_400_000,
  missingImsiPolicy: 'refuse',
  timeZone: 'UTC',
  currency: 'KES',
  minorDigits: 2,
  deviceRefusalLimit: 3,
  deviceRefusalWindowMs: 3_600_000,
};

describe('a MAC device’s counter under concurrent workers (integration)', function () {
  this.timeout(60_000);
  let redis: Awaited<ReturnType<typeof startRedis>>;
  const clients: Redis[] = [];

  before(async () => {
    redis = await startRedis();
    for (let i = 0; i < WORKERS; i++) clients.push(redis.client());
  });
  after(async () => {
    for (const c of clients) c.disconnect();
    await redis?.stop();
  });

  it('one signed message, eight workers at once: accepted once, the counter stored once, the rest refused or ignored', async () => {
    const keys = createKeys('sp');
    const sealer = DeviceKeySealer.fromConfig('ab'.repeat(32));
    const enrol = new EnrolmentStore(clients[0], keys, registerScripts(clients[0]));
    const now = Date.now();
    await new MerchantStore(clients[0], keys, registerScripts(clients[0])).create({ code: 'SHOP42', name: 'Corner Shop' }, now);
    await enrol.createSubscriber({ msisdn: MAIN, balanceMinor: 10_000 }, now);
    const key = provisionDeviceKey(sealer, MAIN, DEVICE, '4821');
    await enrol.bindDevice(MAIN, { msisdn: DEVICE, sealedKey: key.sealedKey }, now);

    const token = deviceToken(Buffer.from(key.deviceKey, 'base64url'), '4821', { main: MAIN, amountMinor: 1250, merchant: 'SHOP42', counter: 1 }, hmacSha256);
    const [counter, mac] = token.split(':');
    const sent: Array<{ kind: string }> = [];
    const outcomes = await Promise.all(
      clients.map((client, i) => {
        const scripts = registerScripts(client);
        const deps = {
          store: new PaymentStore(client, keys, scripts, 3600, sealer),
          outbox: { send: async (_id: string, replies: Array<{ kind: string }>) => (sent.push(...replies), replies.length) },
          expiries: new ExpiryStore(client, keys, scripts),
          rules,
          log: pino({ level: 'silent' }),
        };
        const event = { type: 'device' as const, moId: `mo-copy-${i}`, device: DEVICE, amountMinor: 1250, merchant: 'SHOP42', auth: { counter: Number(counter), mac } };
        let reason = '';
        return runPaymentStep(deps, MAIN, `mo-copy-${i}`, event, { exists: true, name: 'Corner Shop' }, (r) => (reason = r.reason ?? '')).then((outcome) => `${outcome}:${reason}`);
      }),
    );
    const tally = (what: string) => outcomes.filter((o) => o === what).length;
    assert.equal(tally('awaiting_request:device_waiting'), 1, outcomes.join(', '));
    assert.equal(tally('refused:device_mac_refused'), rules.deviceRefusalLimit, outcomes.join(', '));
    assert.equal(tally('refused:device_blocked'), WORKERS - 1 - rules.deviceRefusalLimit, outcomes.join(', '));
    const auth = await clients[0].hgetall(keys.deviceAuth(MAIN));
    assert.equal(auth[`${DEVICE}:counter`], '1');
    assert.equal(auth[`${DEVICE}:refusals`].split(' ').length, rules.deviceRefusalLimit);
    assert.equal(sent.filter((r) => r.kind === 'device_alert').length, rules.deviceRefusalLimit, 'one alert per refusal, none for ignored copies');
    const payments = await clients[0].hlen(keys.payments(MAIN));
    assert.equal(payments, 1, 'one waiting half');
  });

  it('opens only the sending device’s key: another MAC device whose key cannot be opened does not stop the subscriber paying', async () => {
    const keys = createKeys('sp');
    const sealer = DeviceKeySealer.fromConfig('ab'.repeat(32));
    const client = clients[0];
    const scripts = registerScripts(client);
    const enrol = new EnrolmentStore(client, keys, scripts);
    const main = '254771000002';
    const [good, broken] = ['254772000002', '254772000003'];
    const now = Date.now();
    await enrol.createSubscriber({ msisdn: main, balanceMinor: 10_000 }, now);
    const key = provisionDeviceKey(sealer, main, good, '4821');
    await enrol.bindDevice(main, { msisdn: good, sealedKey: key.sealedKey }, now);
    // Sealed under another key-encryption key (a misconfigured process): opening it throws.
    const foreign = provisionDeviceKey(DeviceKeySealer.fromConfig('cd'.repeat(32)), main, broken, '1234');
    await enrol.bindDevice(main, { msisdn: broken, sealedKey: foreign.sealedKey }, now);
    assert.throws(() => sealer.open(foreign.sealedKey, main, broken), 'the broken device’s key really cannot be opened');

    const deps = {
      store: new PaymentStore(client, keys, scripts, 3600, sealer),
      outbox: { send: async (_id: string, replies: Array<{ kind: string }>) => replies.length },
      expiries: new ExpiryStore(client, keys, scripts),
      rules,
      log: pino({ level: 'silent' }),
    };
    const merchant = { exists: true, name: 'Corner Shop' };
    const request = { type: 'request' as const, moId: 'mo-lazy-req', amountMinor: 700, merchant: 'SHOP42', channel: 'sms' as const };
    assert.equal(await runPaymentStep(deps, main, 'mo-lazy-req', request, merchant), 'awaiting_device');
    const [counter, mac] = deviceToken(Buffer.from(key.deviceKey, 'base64url'), '4821', { main, amountMinor: 700, merchant: 'SHOP42', counter: 1 }, hmacSha256).split(':');
    const half = { type: 'device' as const, moId: 'mo-lazy-dev', device: good, amountMinor: 700, merchant: 'SHOP42', auth: { counter: Number(counter), mac } };
    assert.equal(await runPaymentStep(deps, main, 'mo-lazy-dev', half, merchant), 'completed');
    assert.equal(Number(await client.hget(keys.subscriber(main), 'balance')), 10_000 - 700);
  });
});
