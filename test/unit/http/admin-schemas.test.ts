import assert from 'node:assert/strict';
import { adminSchemas, parseOr400, ValidationError } from '../../../src/http/admin-schemas';
import { paymentJson } from '../../../src/http/admin-views';
import { startPayment } from '../../../src/domain/payment';

function error(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ValidationError);
    return err.message;
  }
  assert.fail('expected a ValidationError');
}

describe('admin API schemas', () => {
  it('reads amounts with the configured minor digits (0 and 3)', () => {
    const zero = adminSchemas({ countryCode: '256', minorDigits: 0 });
    assert.equal(parseOr400(zero.credit, { amount: '1200', reference: 'r' }, 'body').amount, 1200);
    assert.equal(error(() => parseOr400(zero.credit, { amount: '12.5', reference: 'r' }, 'body')), 'amount: must be a whole number');
    assert.equal(parseOr400(zero.createSubscriber, { msisdn: '0772000001', balance: '0' }, 'body').balance, 0);
    const three = adminSchemas({ countryCode: '973', minorDigits: 3 });
    assert.equal(parseOr400(three.credit, { amount: '1.005', reference: 'r' }, 'body').amount, 1005);
    assert.equal(error(() => parseOr400(three.credit, { amount: '1.0005', reference: 'r' }, 'body')), 'amount: at most 3 decimals');
    assert.equal(parseOr400(three.createSubscriber, { msisdn: '+97336000001', balance: '0.000' }, 'body').balance, 0);
    assert.equal(error(() => parseOr400(three.createSubscriber, { msisdn: '+97336000001', balance: '0.0000' }, 'body')), 'balance: at most 3 decimals');
  });

  it('normalises MSISDNs with the configured calling code', () => {
    const s = adminSchemas({ countryCode: '254', minorDigits: 2 });
    for (const m of ['+254700000001', '254700000001', '0700000001', '00254700000001', '+254 700 000 001']) {
      assert.equal(parseOr400(s.subscriberPath, { msisdn: m }, 'path').msisdn, '254700000001', m);
    }
    assert.match(error(() => parseOr400(s.subscriberPath, { msisdn: '' }, 'path')), /^msisdn: not a valid MSISDN/);
  });

  it('names the first bad field; a missing body is a 400 naming the body', () => {
    const s = adminSchemas({ countryCode: '254', minorDigits: 2 });
    assert.match(error(() => parseOr400(s.createMerchant, undefined, 'body')), /^body: must be a JSON object/);
    assert.equal(error(() => parseOr400(s.createMerchant, { code: 'AB', name: 'x', a: 1, b: 2 }, 'body')), 'a, b: unknown field');
    assert.equal(error(() => parseOr400(s.listPayments, { msisdn: '254700000001', x: '1' }, 'query')), 'x: unknown parameter');
  });
});

describe('admin API device bodies (MAC devices)', () => {
  const s = adminSchemas({ countryCode: '254', minorDigits: 2 });
  it('reads mac and a PIN of 4 to 8 digits', () => {
    assert.deepEqual(parseOr400(s.bindDevice, { msisdn: '0700000002', mac: true, pin: '4821' }, 'body'), { msisdn: '254700000002', mac: true, pin: '4821' });
    assert.deepEqual(parseOr400(s.bindDevice, { msisdn: '0700000002', mac: true }, 'body'), { msisdn: '254700000002', mac: true });
    assert.deepEqual(parseOr400(s.bindDevice, { msisdn: '0700000002', mac: false }, 'body'), { msisdn: '254700000002', mac: false });
    assert.deepEqual(parseOr400(s.deviceKey, { pin: '12345678' }, 'body'), { pin: '12345678' });
    assert.deepEqual(parseOr400(s.deviceKey, {}, 'body'), {});
  });
  it('names the bad field: mac not a boolean, a PIN of the wrong form, a PIN without mac', () => {
    assert.equal(error(() => parseOr400(s.bindDevice, { msisdn: '0700000002', mac: 'yes' }, 'body')), 'mac: must be true or false');
    for (const pin of ['482', '123456789', '48a1', ' 4821', '']) {
      assert.equal(error(() => parseOr400(s.bindDevice, { msisdn: '0700000002', mac: true, pin }, 'body')), 'pin: must be 4 to 8 digits', pin);
    }
    assert.equal(error(() => parseOr400(s.bindDevice, { msisdn: '0700000002', mac: true, pin: 4821 }, 'body')), 'pin: must be a string of 4 to 8 digits');
    assert.equal(error(() => parseOr400(s.bindDevice, { msisdn: '0700000002', pin: '4821' }, 'body')), 'pin: only for a MAC device ("mac": true)');
    assert.equal(error(() => parseOr400(s.bindDevice, { msisdn: '0700000002', mac: false, pin: '4821' }, 'body')), 'pin: only for a MAC device ("mac": true)');
    assert.equal(error(() => parseOr400(s.deviceKey, { pin: '12' }, 'body')), 'pin: must be 4 to 8 digits');
    assert.equal(error(() => parseOr400(s.deviceKey, { deviceKey: 'x' }, 'body')), 'deviceKey: unknown field');
  });
});

describe('admin API payment view', () => {
  it('turns every *Minor number into money and hides the code', () => {
    const p = startPayment(
      { id: 'P0123456789', main: '254700000001', amountMinor: 1250, merchant: 'SHOP42', code: 'ABCDEF', channel: 'sms', createdAt: 0, expiresAt: 120000 },
      'awaiting_device',
      'request_received',
      0,
    );
    const view = paymentJson({ ...p, ...({ feeMinor: 5 } as object) } as typeof p, { currency: 'UGX', minorDigits: 0 });
    assert.deepEqual(view.amount, { amount: '1250', currency: 'UGX' });
    assert.deepEqual(view.fee, { amount: '5', currency: 'UGX' });
    assert.equal(view.hasCode, true);
    assert.equal('code' in view, false);
    assert.equal(JSON.stringify(view).includes('ABCDEF'), false);
  });
});
