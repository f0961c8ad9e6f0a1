import assert from 'node:assert/strict';
import * as R from '../../../src/domain/replies';
import { gsmSafe, isGsm7Basic, SMS_SINGLE_PART } from '../../../src/domain';

// Worst realistic values: 14-digit amounts, 20-character merchant code and name, 11-character ids.
const big = { amount: '99999999999.99', currency: 'KES' };
const merchant = 'ABCDEFGHIJ0123456789';
const id = 'P0123456789';

const texts: [string, string, RegExp?][] = [
  ['code issued', R.codeIssuedText(big, merchant, '4KX9QM', 120), /code 4KX9QM/],
  ['paid', R.paidText(big, merchant, 'Some Long Shop Name Ltd', id, big), /^Paid /],
  ['device confirmed', R.deviceConfirmedText(big, merchant, id), new RegExp(id)],
  ['device waiting', R.deviceWaitingText(big, merchant, 90)],
  ['rejected', R.rejectedText(big, merchant, id), /rejected/],
  ['device rejected', R.deviceRejectedText(), /rejected/],
  ['expired', R.expiredText(big, merchant, id), /expired/],
  ['declined', R.declinedText(big, merchant, 'over_payment_limit', id), /declined/],
  ['locked', R.lockedText(), /locked/],
  ['cancelled', R.cancelledText(big, merchant, id), /cancelled/],
  ['no pending', R.noPendingPaymentText()],
  ['code required', R.codeRequiredText(), /code/],
  ['not linked', R.notLinkedText()],
  ['help', R.helpText('123456789012345'), /PAY/],
  ['balance', R.balanceText(big), /balance/i],
  ['not registered', R.notRegisteredText()],
];

describe('domain/replies', () => {
  for (const [name, text, must] of texts) {
    it(`${name}: one GSM 03.38 part${must ? `, contains ${must}` : ''}`, () => {
      assert.ok(isGsm7Basic(text), text);
      assert.ok(text.length <= SMS_SINGLE_PART, `${text.length}: ${text}`);
      if (must) assert.match(text, must);
    });
  }
  it('every decline reason reads "declined"', () => {
    for (const why of ['insufficient_funds', 'over_payment_limit', 'over_daily_limit', 'unknown_merchant'] as const) {
      const t = R.declinedText({ amount: '1.00', currency: 'KES' }, 'SHOP42', why);
      assert.match(t, /declined/);
      assert.ok(t.length <= SMS_SINGLE_PART);
    }
  });
  it('merchant names are cut to 20 GSM characters', () => {
    assert.equal(gsmSafe('Café {Ünïcode} 😀 shop with a long name'), 'Café ?Ün?code? ? sho');
    assert.ok(isGsm7Basic(R.paidText(big, merchant, '商店\n[x]', id, big)));
    assert.match(R.paidText(big, 'SHOP42', 'SHOP42', id, big), /to SHOP42\. /, 'no "(SHOP42)" repetition');
  });
});
