import assert from 'node:assert/strict';
import { waitFor } from '../support/wait';
import { E2E_TOKEN } from '../support/system';
import { PAGE_WAIT_MS } from './support/browser';
import { consoleRig, VIEWER_TOKEN } from './support/console-page';

// Issue 14: the operator's console in a real browser (Debian's Chromium), on the whole system —
// redis-server, the simulator over SMPP, simpair — with payments made by SMS: subscribers, payments
// and refunds, unlocking, merchants, the network and the audit log, and what a viewer sees. Each
// test has a tab of its own, signs in itself and changes only what it made (the MAC devices are in
// console-devices.test.ts); every wait is for a condition.

const XSS = '<img src=x onerror=alert(1)>';
/** The buttons that change something; a viewer must see none of them. */
const CHANGES = /^(Unlock|Refund|Credit|Bind device|Unbind|Suspend|Re-activate|New key|Enrol subscriber|Create merchant)\b/;

describe('the operator console in a real browser', function () {
  this.timeout(180_000);
  const rig = consoleRig();
  const { signIn, lookUp, confirm, notice, text, shot } = rig;
  const national = (msisdn: string) => `0${msisdn.slice(3)}`;
  /** A subscriber with one completed payment of 12.50 (87.50 left), which the tests only read. */
  let payer: { main: string; device: string };

  before(async () => {
    payer = await rig.paidOnce();
  });

  it('signs in, looks a subscriber up by her national number, and shows a completed payment with its history', async () => {
    const { page } = rig;
    await signIn(E2E_TOKEN);
    await waitFor('who is signed in', () => page.locator('#who').innerText(), { accept: (t) => /Signed in as admin \(admin\)/.test(t), timeoutMs: PAGE_WAIT_MS });
    const sub = await lookUp(national(payer.main));
    assert.match(await sub.innerText(), /KES\s87\.50/);
    assert.match(await sub.innerText(), /Active/);

    const payments = page.getByRole('table', { name: 'Payments' });
    assert.match(await payments.innerText(), /completed\s+KES\s12\.50\s+SHOP42\s+SMS/);
    await page.getByRole('button', { name: /^Payment P/ }).first().click();
    const detail = page.getByRole('region', { name: /^Payment P/ });
    const history = await waitFor('the state history', text(detail), { accept: (t) => /State history/.test(t), timeoutMs: PAGE_WAIT_MS });
    assert.match(history, /\(new\)\s+awaiting device\s+request received/);
    assert.match(history, /awaiting device\s+completed\s+matched/);
    assert.match(await page.getByRole('table', { name: 'Journal entries' }).innerText(), /payment/);
    await shot('subscriber');
    await page.setViewportSize({ width: 390, height: 844 });
    await shot('subscriber-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('refunds part of the payment and shows the new balance', async () => {
    const { page } = rig;
    const refunded = await rig.paidOnce();
    await signIn(E2E_TOKEN);
    await lookUp(refunded.main);
    await page.getByRole('button', { name: /^Payment P/ }).first().click();
    const detail = page.getByRole('region', { name: /^Payment P/ });
    await detail.getByLabel('Refund amount').fill('2.50');
    await detail.getByLabel('Refund reference').fill('console-refund-1');
    await detail.getByRole('button', { name: 'Refund' }).click();
    await confirm('Refund');
    await waitFor('the refund notice', notice, { accept: (t) => /Refunded 2\.50/.test(t), timeoutMs: PAGE_WAIT_MS });
    const sub = page.getByRole('region', { name: /^Subscriber \+/ });
    await waitFor('the balance after the refund', text(sub), { accept: (t) => /KES\s90\.00/.test(t), timeoutMs: PAGE_WAIT_MS });
    assert.equal(await rig.sys.balance(refunded.main), '90.00');
    await shot('refunded');
  });

  it('unlocks a locked subscriber with a reason, after a confirmation', async () => {
    const { page, sys } = rig;
    // A subscriber locked as a suspected SIM swap: her MO reports another IMSI than the enrolled one.
    const locked = '254733000001';
    assert.equal((await sys.admin('POST', '/v1/subscribers', { msisdn: locked, imsi: '639010000000001', balance: '5.00' })).status, 201);
    await sys.sendSms(locked, 'PAY 1.00 SHOP42', { imsi: '639010000000999' });
    await waitFor('the SIM-swap lock', async () => (await sys.admin<{ locked: boolean }>('GET', `/v1/subscribers/${locked}`)).body.locked);

    await signIn(E2E_TOKEN);
    const sub = await lookUp(locked);
    assert.match(await sub.innerText(), /Locked \(sim swap\)/);
    await sub.getByLabel('Reason for unlocking').fill('SIM swap verified at the shop');
    await sub.getByRole('button', { name: 'Unlock' }).click();
    await confirm('Unlock');
    await waitFor('the subscriber active again', text(page.getByRole('region', { name: /^Subscriber \+/ })), { accept: (t) => /State\s+Active/.test(t), timeoutMs: PAGE_WAIT_MS });
    assert.equal((await sys.admin<{ locked: boolean }>('GET', `/v1/subscribers/${locked}`)).body.locked, false);
    const audit = await sys.admin<{ entries: Array<{ action: string; target: string; details: { reason?: string } }> }>('GET', '/v1/audit?limit=500');
    assert.equal(audit.body.entries.find((e) => e.action === 'subscriber.unlock' && e.target === locked)?.details.reason, 'SIM swap verified at the shop');
  });

  it('creates a merchant named with an HTML payload and shows the name as text', async () => {
    const { page } = rig;
    await signIn(E2E_TOKEN);
    await page.getByRole('button', { name: 'Merchants' }).click();
    await page.getByLabel('Merchant code').fill('XSS1');
    await page.getByLabel('Merchant name').fill(XSS);
    await page.getByLabel('Webhook URL (optional)').fill('https://example.invalid/hook');
    await page.getByRole('button', { name: 'Create merchant' }).click();
    await waitFor('the creation notice', notice, { accept: (t) => t.includes('Merchant XSS1 created'), timeoutMs: PAGE_WAIT_MS });
    const list = page.getByRole('table', { name: 'Merchants' });
    await waitFor('the merchant in the list', text(list), { accept: (t) => t.includes(XSS), timeoutMs: PAGE_WAIT_MS });
    assert.ok(await page.getByRole('cell', { name: XSS, exact: true }).isVisible(), 'the payload is a visible text cell');
    const secret = page.getByRole('region', { name: 'Webhook secret' });
    assert.match(await secret.getByLabel('Webhook secret of XSS1').inputValue(), /^whsec_/);
    const merchant = page.getByRole('region', { name: 'Merchant XSS1' });
    await waitFor('the merchant detail', text(merchant), { accept: (t) => t.includes(XSS) && /Latest webhook attempts/.test(t), timeoutMs: PAGE_WAIT_MS });
    assert.equal(await page.locator('#view-merchants img').count(), 0, 'no element made of the payload');
    assert.deepEqual(rig.dialogs, [], 'no alert() ran');
    await shot('merchant-payload');
  });

  it('shows the network and health live, and the audit log', async () => {
    const { page, sys } = rig;
    // Changes of its own for the audit log to show: a refund, a merchant, an unlock with a reason.
    const refunded = await rig.paidOnce();
    assert.equal((await sys.admin('POST', `/v1/payments/${refunded.paymentId}/refunds`, { amount: '1.00', reference: 'console-audit' })).status, 201);
    assert.equal((await sys.admin('POST', '/v1/merchants', { code: 'AUDIT1', name: 'Audited shop' })).status, 201);
    assert.equal((await sys.admin('POST', `/v1/subscribers/${refunded.main}/unlock`, { reason: 'SIM swap verified at the shop' })).status, 200);

    await signIn(E2E_TOKEN);
    await page.getByRole('button', { name: 'Network and health' }).click();
    const connections = page.getByRole('table', { name: 'Connections' });
    await waitFor('a bound transceiver', text(connections), { accept: (t) => /transceiver\s+bound/.test(t), timeoutMs: PAGE_WAIT_MS });
    const readiness = page.getByRole('region', { name: 'Readiness' });
    const first = await waitFor('readiness', text(readiness), { accept: (t) => /Ready/.test(t), timeoutMs: PAGE_WAIT_MS });
    await waitFor('a later reading, without a reload', text(readiness), { accept: (t) => /Ready/.test(t) && t !== first, timeoutMs: 10_000 });
    assert.match(await page.getByRole('table', { name: 'Queue depths' }).innerText(), /mo\s+0/);
    await shot('network');

    await page.getByRole('button', { name: 'Audit log' }).click();
    const audit = page.getByRole('table', { name: 'Audit entries' });
    const entries = await waitFor('the audit entries', text(audit), { accept: (t) => /payment\.refund/.test(t) && /merchant\.create/.test(t), timeoutMs: PAGE_WAIT_MS });
    assert.match(entries, /subscriber\.unlock[\s\S]*reason=SIM swap verified/);
    await page.getByLabel('Entries per page').selectOption('20');
    await waitFor('the first page of 20', text(audit), { accept: (t) => /merchant\.create/.test(t), timeoutMs: PAGE_WAIT_MS });
  });

  it('signs out (the token is forgotten) and a viewer sees the data but no change buttons', async () => {
    const { page } = rig;
    // A MAC device as the binding test leaves one: "card reader", counter 0, active.
    const mac = await rig.withMacDevice(4);
    await signIn(E2E_TOKEN);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Admin token').waitFor();
    assert.equal(await page.evaluate('sessionStorage.length'), 0);

    await signIn(VIEWER_TOKEN);
    await waitFor('the viewer signed in', () => page.locator('#who').innerText(), { accept: (t) => /audit \(viewer\)/.test(t), timeoutMs: PAGE_WAIT_MS });
    const sub = await lookUp(payer.main);
    assert.match(await sub.innerText(), /KES\s87\.50/);
    await page.getByRole('button', { name: /^Payment P/ }).first().click();
    await page.getByRole('region', { name: /^Payment P/ }).waitFor();
    await page.getByRole('button', { name: 'Merchants' }).click();
    await waitFor('the merchant list', text(page.getByRole('table', { name: 'Merchants' })), { accept: (t) => t.includes('SHOP42'), timeoutMs: PAGE_WAIT_MS });
    await page.getByRole('button', { name: 'Subscribers' }).click();
    await lookUp(mac.main);
    assert.match(await page.getByRole('table', { name: 'Devices' }).innerText(), /card reader[\s\S]*yes\s+0\s+0\s+active/);
    const all = await page.getByRole('button').allInnerTexts();
    assert.deepEqual(all.filter((b) => CHANGES.test(b.trim())), [], `buttons: ${all.join(' | ')}`);
    assert.equal(await page.getByLabel('Reason for unlocking').count(), 0);
    assert.equal(await page.getByLabel(/PIN/).count(), 0, 'no PIN fields for a viewer');
    await shot('viewer');
    assert.ok(rig.urls.length > 10, 'requests were recorded');
  });
});
