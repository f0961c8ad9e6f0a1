import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { http } from '../support/http';
import { ROOT } from '../support/processes';
import { waitFor } from '../support/wait';
import { codeOf, E2E_TOKEN, startSystem, type System } from '../support/system';
import { launchBrowser, PAGE_WAIT_MS, type Browser } from './support/browser';

// Issue 14: the operator's console in a real browser (Debian's Chromium), on the whole system —
// redis-server, the simulator over SMPP, simpair — with payments made by SMS. Controls are found by
// their label and role, as a person using a screen reader would; every wait is for a condition.

const VIEWER_TOKEN = 'console-viewer-token-0123456789';
const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const XSS = '<img src=x onerror=alert(1)>';
/** The buttons that change something; a viewer must see none of them. */
const CHANGES = /^(Unlock|Refund|Credit|Bind device|Unbind|Suspend|Re-activate|New key|Enrol subscriber|Create merchant)\b/;

describe('the operator console in a real browser', function () {
  this.timeout(180_000);
  let browser: Browser;
  let sys: System;
  let page: Page;
  let payer: { main: string; device: string };
  let locked: string;
  // A subscriber whose device signs its messages (README "Device MACs"), bound from the console.
  const mac = { main: '254733000002', device: '254734000002', pin: '4821' };
  const dialogs: string[] = [];
  const failures: string[] = [];
  const urls: string[] = [];

  const national = (msisdn: string) => `0${msisdn.slice(3)}`;
  const text = (locator: ReturnType<Page['getByRole']>) => () => locator.innerText();
  const notice = () => page.getByRole('status').first().innerText();
  const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `console-${name}.png`), fullPage: true });

  async function signIn(token: string): Promise<void> {
    await page.goto(`${sys.app.baseUrl}/console/`);
    await page.getByLabel('Admin token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Sections' }).waitFor();
  }

  async function lookUp(msisdn: string): Promise<ReturnType<Page['getByRole']>> {
    await page.getByRole('button', { name: 'Subscribers' }).click();
    await page.getByLabel('Subscriber MSISDN').fill(msisdn);
    await page.getByRole('button', { name: 'Look up' }).click();
    const region = page.getByRole('region', { name: /^Subscriber \+/ });
    await waitFor(`subscriber ${msisdn} shown`, () => region.innerText(), { accept: (t) => t.includes(msisdn.slice(-7)), timeoutMs: PAGE_WAIT_MS });
    return region;
  }

  async function confirm(action: string): Promise<void> {
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: action }).click();
  }

  before(async () => {
    browser = await launchBrowser();
    sys = await startSystem({ env: { ADMIN_TOKENS: `audit=viewer:${VIEWER_TOKEN}` }, numberPrefix: '2547' });
    payer = await sys.enrol('100.00');
    await sys.sendSms(payer.main, 'PAY 12.50 SHOP42');
    await sys.sendSms(payer.device, `PAY 12.50 SHOP42 ${codeOf(await sys.nthMessage(payer.main, 1, /code/))}`);
    await sys.nthMessage(payer.main, 2, /Paid 12\.50/);
    // A subscriber locked as a suspected SIM swap: her MO reports another IMSI than the enrolled one.
    locked = '254733000001';
    assert.equal((await sys.admin('POST', '/v1/subscribers', { msisdn: locked, imsi: '639010000000001', balance: '5.00' })).status, 201);
    await sys.sendSms(locked, 'PAY 1.00 SHOP42', { imsi: '639010000000999' });
    await waitFor('the SIM-swap lock', async () => (await sys.admin<{ locked: boolean }>('GET', `/v1/subscribers/${locked}`)).body.locked);

    page = await browser.context.newPage();
    page.on('dialog', (d) => {
      dialogs.push(`${d.type()}: ${d.message()}`);
      void d.dismiss();
    });
    page.on('pageerror', (err) => failures.push(err.message));
    page.on('console', (m) => {
      if (m.type() === 'error') failures.push(`console: ${m.text()}`);
    });
    page.on('request', (r) => urls.push(r.url()));
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await sys?.stop();
  });

  it('signs in, looks a subscriber up by her national number, and shows a completed payment with its history', async () => {
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
    const detail = page.getByRole('region', { name: /^Payment P/ });
    await detail.getByLabel('Refund amount').fill('2.50');
    await detail.getByLabel('Refund reference').fill('console-refund-1');
    await detail.getByRole('button', { name: 'Refund' }).click();
    await confirm('Refund');
    await waitFor('the refund notice', notice, { accept: (t) => /Refunded 2\.50/.test(t), timeoutMs: PAGE_WAIT_MS });
    const sub = page.getByRole('region', { name: /^Subscriber \+/ });
    await waitFor('the balance after the refund', text(sub), { accept: (t) => /KES\s90\.00/.test(t), timeoutMs: PAGE_WAIT_MS });
    assert.equal(await sys.balance(payer.main), '90.00');
    await shot('refunded');
  });

  it('unlocks a locked subscriber with a reason, after a confirmation', async () => {
    const sub = await lookUp(locked);
    assert.match(await sub.innerText(), /Locked \(sim swap\)/);
    await sub.getByLabel('Reason for unlocking').fill('SIM swap verified at the shop');
    await sub.getByRole('button', { name: 'Unlock' }).click();
    await confirm('Unlock');
    await waitFor('the subscriber active again', text(page.getByRole('region', { name: /^Subscriber \+/ })), { accept: (t) => /State\s+Active/.test(t), timeoutMs: PAGE_WAIT_MS });
    assert.equal((await sys.admin<{ locked: boolean }>('GET', `/v1/subscribers/${locked}`)).body.locked, false);
    const audit = await sys.admin<{ entries: Array<{ action: string; details: { reason?: string } }> }>('GET', '/v1/audit');
    assert.equal(audit.body.entries.find((e) => e.action === 'subscriber.unlock')?.details.reason, 'SIM swap verified at the shop');
  });

  it('binds a MAC device with a PIN, shows its deviceKey once, and the key signs a payment', async () => {
    assert.equal((await sys.admin('POST', '/v1/subscribers', { msisdn: mac.main, balance: '50.00' })).status, 201);
    await lookUp(mac.main);
    const devices = page.getByRole('region', { name: 'Devices' });
    const pin = devices.getByLabel('Device PIN (optional)');
    assert.equal(await pin.isVisible(), false, 'no PIN field before "MAC device" is ticked');
    // Ticked from the keyboard; the PIN field appears, a password field for digits.
    await devices.getByLabel('Signs its messages (MAC device)').focus();
    await page.keyboard.press('Space');
    assert.equal(await pin.isVisible(), true);
    assert.equal(await pin.isEnabled(), true);
    assert.equal(await pin.getAttribute('type'), 'password');
    assert.equal(await pin.getAttribute('inputmode'), 'numeric');
    await pin.fill(mac.pin);
    // A refusal is said in words, and the form keeps what was typed.
    await devices.getByLabel('Device MSISDN').fill(payer.device);
    await devices.getByRole('button', { name: 'Bind device' }).click();
    await waitFor('the refusal', notice, { accept: (t) => t === 'Refused: msisdn: the device SIM is already bound.', timeoutMs: PAGE_WAIT_MS });
    assert.equal(await page.getByRole('region', { name: 'New device key' }).count(), 0);

    await devices.getByLabel('Device MSISDN').fill(mac.device);
    await devices.getByLabel('Device label (optional)').fill('card reader');
    await devices.getByRole('button', { name: 'Bind device' }).click();
    await waitFor('the binding notice', notice, { accept: (t) => t.includes(`MAC device ${mac.device} bound`), timeoutMs: PAGE_WAIT_MS });

    const shown = page.getByRole('region', { name: 'New device key' });
    assert.match(await shown.innerText(), /shown this once/);
    const keyField = shown.getByLabel(`Device key of +${mac.device}`);
    const deviceKey = await keyField.inputValue();
    assert.match(deviceKey, /^[A-Za-z0-9_-]{43}$/, 'the deviceKey: 32 bytes, base64url');
    assert.equal(await keyField.getAttribute('readonly'), '');
    assert.equal(await page.evaluate('document.activeElement.id'), await keyField.getAttribute('id'), 'the keyboard lands on the key');
    const table = page.getByRole('table', { name: 'Devices' });
    assert.match(await table.innerText(), /card reader[\s\S]*yes\s+0\s+0\s+active/);
    await shot('device-key');

    // Shown once: not kept in the tab, not in any URL, and gone when the subscriber is shown again.
    assert.ok(!String(await page.evaluate('JSON.stringify(Object.entries(sessionStorage))')).includes(deviceKey), 'not in sessionStorage');
    await lookUp(mac.main);
    await waitFor('the subscriber shown again', notice, { accept: (t) => t === `Subscriber +${mac.main} shown.`, timeoutMs: PAGE_WAIT_MS });
    assert.equal(await page.getByRole('region', { name: 'New device key' }).count(), 0);
    assert.ok(!(await page.content()).includes(deviceKey), 'the key is nowhere in the page');
    assert.ok(!urls.some((u) => u.includes(deviceKey)), 'the key in no URL');

    // The simulator's debit device, provisioned with what the console showed, signs its PAY.
    const provisioned = await http('PUT', `${sys.sim.baseUrl}/handsets/${mac.device}/signing`, { deviceKey, pin: mac.pin, main: mac.main });
    assert.equal(provisioned.status, 200, JSON.stringify(provisioned.body));
    await sys.sendSms(mac.main, 'PAY 5.00 SHOP42');
    await sys.sendSms(mac.device, `PAY 5.00 SHOP42 ${codeOf(await sys.nthMessage(mac.main, 1, /code/))}`);
    await sys.nthMessage(mac.main, 2, /Paid 5\.00/);
    const sub = await lookUp(mac.main);
    await waitFor('the balance after the signed payment', text(sub), { accept: (t) => /KES\s45\.00/.test(t), timeoutMs: PAGE_WAIT_MS });
    assert.match(await page.getByRole('table', { name: 'Payments' }).innerText(), /completed\s+KES\s5\.00\s+SHOP42\s+SMS/);
    assert.match(await table.innerText(), /yes\s+1\s+0\s+active/, 'the counter the device used');
  });

  it('suspends and re-activates the MAC device, and makes it a new key with a new PIN, each confirmed', async () => {
    const table = page.getByRole('table', { name: 'Devices' });
    const device = () => sys.admin<{ devices: Array<{ msisdn: string; suspended?: boolean; counter?: number }> }>('GET', `/v1/subscribers/${mac.main}`).then((r) => r.body.devices.find((d) => d.msisdn === mac.device)!);
    await page.getByRole('button', { name: `Suspend +${mac.device}` }).click();
    await confirm('Suspend');
    await waitFor('the device suspended', text(table), { accept: (t) => /yes\s+1\s+0\s+suspended/.test(t), timeoutMs: PAGE_WAIT_MS });
    assert.match(await notice(), /Device \+254734000002 suspended/);
    assert.equal((await device()).suspended, true);

    await page.getByRole('button', { name: `Re-activate +${mac.device}` }).click();
    await confirm('Re-activate');
    await waitFor('the device active again', text(table), { accept: (t) => /yes\s+1\s+0\s+active/.test(t), timeoutMs: PAGE_WAIT_MS });
    assert.equal((await device()).suspended, undefined);
    assert.equal(await page.getByRole('button', { name: `Suspend +${mac.device}` }).count(), 1);

    // Cancelling the confirmation changes nothing.
    await page.getByRole('button', { name: `New key for +${mac.device}` }).click();
    await confirm('Cancel');
    assert.equal(await page.getByRole('region', { name: 'New device key' }).count(), 0);
    await page.getByLabel(`New PIN for +${mac.device} (optional)`).fill('1234');
    await page.getByRole('button', { name: `New key for +${mac.device}` }).click();
    await confirm('Make new key');
    await waitFor('the new-key notice', notice, { accept: (t) => t.includes(`New key made for device +${mac.device}`), timeoutMs: PAGE_WAIT_MS });
    const newKey = await page.getByRole('region', { name: 'New device key' }).getByLabel(`Device key of +${mac.device}`).inputValue();
    assert.match(newKey, /^[A-Za-z0-9_-]{43}$/);
    assert.match(await table.innerText(), /yes\s+0\s+0\s+active/, 'a new key counts from 0');
    assert.equal((await device()).counter, 0);
    const audit = await sys.admin<{ entries: Array<{ action: string }> }>('GET', '/v1/audit');
    for (const action of ['device.suspend', 'device.activate', 'device.rotate_key']) assert.ok(audit.body.entries.some((e) => e.action === action), action);
  });

  it('creates a merchant named with an HTML payload and shows the name as text', async () => {
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
    assert.deepEqual(dialogs, [], 'no alert() ran');
    await shot('merchant-payload');
  });

  it('shows the network and health live, and the audit log', async () => {
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
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Admin token').waitFor();
    assert.equal(await page.evaluate('sessionStorage.length'), 0);

    await signIn(VIEWER_TOKEN);
    await waitFor('the viewer signed in', () => page.locator('#who').innerText(), { accept: (t) => /audit \(viewer\)/.test(t), timeoutMs: PAGE_WAIT_MS });
    const sub = await lookUp(payer.main);
    assert.match(await sub.innerText(), /KES\s90\.00/);
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

    assert.ok(urls.length > 10, 'requests were recorded');
    for (const token of [E2E_TOKEN, VIEWER_TOKEN]) assert.ok(!urls.some((u) => u.includes(token)), 'no token in any URL');
    assert.ok(urls.every((u) => u.startsWith(sys.app.baseUrl)), `same origin only: ${urls.filter((u) => !u.startsWith(sys.app.baseUrl)).join(', ')}`);
    // Chromium logs every non-2xx answer; the one expected is the refused binding's 409.
    assert.deepEqual(failures, ['console: Failed to load resource: the server responded with a status of 409 (Conflict)'], 'no script errors, no CSP violations');
  });
});
