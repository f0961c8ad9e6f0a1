import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT, waitFor } from '../support/processes';
import { codeOf, E2E_TOKEN, startSystem, type System } from '../support/system';
import { launchBrowser, until, type Browser } from './support/browser';

// Issue 14: the operator's console in a real browser (Debian's Chromium), on the whole system —
// redis-server, the simulator over SMPP, simpair — with payments made by SMS. Controls are found by
// their label and role, as a person using a screen reader would; every wait is for a condition.

const VIEWER_TOKEN = 'console-viewer-token-0123456789';
const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const XSS = '<img src=x onerror=alert(1)>';
/** The buttons that change something; a viewer must see none of them. */
const CHANGES = /^(Unlock|Refund|Credit|Bind device|Unbind|Enrol subscriber|Create merchant)\b/;

describe('the operator console in a real browser', function () {
  this.timeout(180_000);
  let browser: Browser;
  let sys: System;
  let page: Page;
  let payer: { main: string; device: string };
  let locked: string;
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
    await until(`subscriber ${msisdn} shown`, () => region.innerText(), (t) => t.includes(msisdn.slice(-7)));
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
    await until('who is signed in', () => page.locator('#who').innerText(), (t) => /Signed in as admin \(admin\)/.test(t));
    const sub = await lookUp(national(payer.main));
    assert.match(await sub.innerText(), /KES\s87\.50/);
    assert.match(await sub.innerText(), /Active/);

    const payments = page.getByRole('table', { name: 'Payments' });
    assert.match(await payments.innerText(), /completed\s+KES\s12\.50\s+SHOP42\s+SMS/);
    await page.getByRole('button', { name: /^Payment P/ }).first().click();
    const detail = page.getByRole('region', { name: /^Payment P/ });
    const history = await until('the state history', text(detail), (t) => /State history/.test(t));
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
    await until('the refund notice', notice, (t) => /Refunded 2\.50/.test(t));
    const sub = page.getByRole('region', { name: /^Subscriber \+/ });
    await until('the balance after the refund', text(sub), (t) => /KES\s90\.00/.test(t));
    assert.equal(await sys.balance(payer.main), '90.00');
    await shot('refunded');
  });

  it('unlocks a locked subscriber with a reason, after a confirmation', async () => {
    const sub = await lookUp(locked);
    assert.match(await sub.innerText(), /Locked \(sim swap\)/);
    await sub.getByLabel('Reason for unlocking').fill('SIM swap verified at the shop');
    await sub.getByRole('button', { name: 'Unlock' }).click();
    await confirm('Unlock');
    await until('the subscriber active again', text(page.getByRole('region', { name: /^Subscriber \+/ })), (t) => /State\s+Active/.test(t));
    assert.equal((await sys.admin<{ locked: boolean }>('GET', `/v1/subscribers/${locked}`)).body.locked, false);
    const audit = await sys.admin<{ entries: Array<{ action: string; details: { reason?: string } }> }>('GET', '/v1/audit');
    assert.equal(audit.body.entries.find((e) => e.action === 'subscriber.unlock')?.details.reason, 'SIM swap verified at the shop');
  });

  it('creates a merchant named with an HTML payload and shows the name as text', async () => {
    await page.getByRole('button', { name: 'Merchants' }).click();
    await page.getByLabel('Merchant code').fill('XSS1');
    await page.getByLabel('Merchant name').fill(XSS);
    await page.getByLabel('Webhook URL (optional)').fill('https://example.invalid/hook');
    await page.getByRole('button', { name: 'Create merchant' }).click();
    await until('the creation notice', notice, (t) => t.includes('Merchant XSS1 created'));
    const list = page.getByRole('table', { name: 'Merchants' });
    await until('the merchant in the list', text(list), (t) => t.includes(XSS));
    assert.ok(await page.getByRole('cell', { name: XSS, exact: true }).isVisible(), 'the payload is a visible text cell');
    const secret = page.getByRole('region', { name: 'Webhook secret' });
    assert.match(await secret.innerText(), /whsec_/);
    const merchant = page.getByRole('region', { name: 'Merchant XSS1' });
    await until('the merchant detail', text(merchant), (t) => t.includes(XSS) && /Latest webhook attempts/.test(t));
    assert.equal(await page.locator('#view-merchants img').count(), 0, 'no element made of the payload');
    assert.deepEqual(dialogs, [], 'no alert() ran');
    await shot('merchant-payload');
  });

  it('shows the network and health live, and the audit log', async () => {
    await page.getByRole('button', { name: 'Network and health' }).click();
    const connections = page.getByRole('table', { name: 'Connections' });
    await until('a bound transceiver', text(connections), (t) => /transceiver\s+bound/.test(t));
    const readiness = page.getByRole('region', { name: 'Readiness' });
    const first = await until('readiness', text(readiness), (t) => /Ready/.test(t));
    await until('a later reading, without a reload', text(readiness), (t) => /Ready/.test(t) && t !== first, 10_000);
    assert.match(await page.getByRole('table', { name: 'Queue depths' }).innerText(), /mo\s+0/);
    await shot('network');

    await page.getByRole('button', { name: 'Audit log' }).click();
    const audit = page.getByRole('table', { name: 'Audit entries' });
    const entries = await until('the audit entries', text(audit), (t) => /payment\.refund/.test(t) && /merchant\.create/.test(t));
    assert.match(entries, /subscriber\.unlock[\s\S]*reason=SIM swap verified/);
    await page.getByLabel('Entries per page').selectOption('20');
    await until('the first page of 20', text(audit), (t) => /merchant\.create/.test(t));
  });

  it('signs out (the token is forgotten) and a viewer sees the data but no change buttons', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Admin token').waitFor();
    assert.equal(await page.evaluate('sessionStorage.length'), 0);

    await signIn(VIEWER_TOKEN);
    await until('the viewer signed in', () => page.locator('#who').innerText(), (t) => /audit \(viewer\)/.test(t));
    const sub = await lookUp(payer.main);
    assert.match(await sub.innerText(), /KES\s90\.00/);
    await page.getByRole('button', { name: /^Payment P/ }).first().click();
    await page.getByRole('region', { name: /^Payment P/ }).waitFor();
    await page.getByRole('button', { name: 'Merchants' }).click();
    await until('the merchant list', text(page.getByRole('table', { name: 'Merchants' })), (t) => t.includes('SHOP42'));
    await page.getByRole('button', { name: 'Subscribers' }).click();
    const all = await page.getByRole('button').allInnerTexts();
    assert.deepEqual(all.filter((b) => CHANGES.test(b.trim())), [], `buttons: ${all.join(' | ')}`);
    assert.equal(await page.getByLabel('Reason for unlocking').count(), 0);
    await shot('viewer');

    assert.ok(urls.length > 10, 'requests were recorded');
    for (const token of [E2E_TOKEN, VIEWER_TOKEN]) assert.ok(!urls.some((u) => u.includes(token)), 'no token in any URL');
    assert.ok(urls.every((u) => u.startsWith(sys.app.baseUrl)), `same origin only: ${urls.filter((u) => !u.startsWith(sys.app.baseUrl)).join(', ')}`);
    assert.deepEqual(failures, [], 'no script errors, no CSP violations');
  });
});
