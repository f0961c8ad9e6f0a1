import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { http } from '../support/http';
import { ROOT } from '../support/processes';
import { startSystem, type System } from '../support/system';
import { waitFor } from '../support/wait';
import { launchBrowser, PAGE_WAIT_MS, type Browser } from './support/browser';

// Issue 6: a person pays on the simulator's web page in a real browser. The whole system runs on
// free ports (redis-server, the simulator, simpair); the demo subscriber, her device and the
// merchant are enrolled through the admin API; everything else happens by typing and clicking.

const PHONE = '254700000001';
const DEVICE = '254700000002';
const ARTIFACTS = path.join(ROOT, 'test-artifacts');

describe('the simulator web page in a real browser', function () {
  this.timeout(180_000);
  let sys: System;
  let browser: Browser;
  let page: Page;

  const textOf = (name: string, role: 'list' | 'region' = 'list') => () => page.getByRole(role, { name }).innerText();

  async function send(handset: string, text: string): Promise<void> {
    await page.getByRole('textbox', { name: `Message from ${handset}` }).fill(text);
    await page.getByRole('button', { name: `Send from ${handset}` }).click();
  }

  /** Opens the page afresh (each test stands alone) and waits until it shows simpair bound. */
  async function openPage(): Promise<void> {
    await page.goto(`${sys.sim.baseUrl}/`);
    await waitFor('simpair bound on the page', textOf('ESME binds', 'region'), { accept: (t) => /simpair\s+transceiver/.test(t), timeoutMs: PAGE_WAIT_MS });
  }

  before(async () => {
    browser = await launchBrowser(); // first: a missing Chromium fails fast, with its own message
    sys = await startSystem({ simEnv: { SIM_DELIVERY_RECEIPT_DELAY_MS: '50' } }); // ready, SHOP42 enrolled
    // The page's demo handsets, so not sys.enrol's numbers.
    assert.equal((await sys.admin('POST', '/v1/subscribers', { msisdn: PHONE, balance: '100.00' })).status, 201);
    assert.equal((await sys.admin('POST', `/v1/subscribers/${PHONE}/devices`, { msisdn: DEVICE })).status, 201);
    page = await browser.context.newPage();
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await sys?.stop();
  });

  it('pays with two typed messages, then shows queue full in the PDU log', async () => {
    const failures: string[] = [];
    page.on('pageerror', (err) => failures.push(err.message));
    page.on('requestfailed', (req) => {
      if (!req.url().endsWith('/events')) failures.push(`request failed: ${req.url()}`);
    });
    await openPage();

    await send('Phone (main SIM)', 'PAY 12.50 SHOP42');
    await waitFor("the phone's confirmation code", textOf('Inbox of Phone (main SIM)'), { accept: (t) => /code [A-Z0-9]{6}/.test(t), timeoutMs: PAGE_WAIT_MS });
    await send('Debit device (auxiliary SIM)', 'PAY 12.50 SHOP42');

    const phone = await waitFor("the phone's Paid receipt", textOf('Inbox of Phone (main SIM)'), { accept: (t) => /Paid 12\.50/.test(t), timeoutMs: PAGE_WAIT_MS });
    assert.match(phone, /New balance 87\.50/);
    await waitFor("the device's confirmation", textOf('Inbox of Debit device (auxiliary SIM)'), { accept: (t) => /Confirmed/.test(t), timeoutMs: PAGE_WAIT_MS });
    // receipts reached the handsets: the newest message of each shows its delivery state
    await waitFor('delivery state on the Paid message', () => page.locator('.handset-phone .msg').first().innerText(), { accept: (t) => /Paid[\s\S]*Delivered/.test(t), timeoutMs: PAGE_WAIT_MS });
    await page.screenshot({ path: path.join(ARTIFACTS, 'payment.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'payment-phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });

    // Fault switch: queue full refuses simpair's next reply; switched off, the retry gets through.
    const queueFull = page.getByRole('checkbox', { name: 'Queue full' });
    await queueFull.check();
    await waitFor('the fault on in the simulator', async () => (await http<{ queueFull: boolean }>('GET', `${sys.sim.baseUrl}/faults`)).body.queueFull);
    await send('Phone (main SIM)', 'BAL');
    const log = await waitFor('ESME_RMSGQFUL in the PDU log', textOf('PDU log', 'region'), { accept: (t) => t.includes('ESME_RMSGQFUL'), timeoutMs: PAGE_WAIT_MS });
    assert.match(log, /submit_sm_resp/);
    assert.doesNotMatch(await textOf('Inbox of Phone (main SIM)')(), /Your balance/);
    await queueFull.uncheck();
    await waitFor('the fault off in the simulator', async () => !(await http<{ queueFull: boolean }>('GET', `${sys.sim.baseUrl}/faults`)).body.queueFull);
    await waitFor('the balance once the queue has room', textOf('Inbox of Phone (main SIM)'), { accept: (t) => /Your balance is 87\.50/.test(t), timeoutMs: 40_000 });
    const counters = await page.getByRole('region', { name: 'Counters' }).innerText();
    assert.match(counters, /submits queue full\s+[1-9]/);
    assert.deepEqual(failures, [], 'no script errors and no failed requests');
  });

  it('a MAC device provisioned on the page signs its payment; tampered, it is refused and the phone alerted', async () => {
    const failures: string[] = [];
    page.on('pageerror', (err) => failures.push(err.message));
    await openPage();
    const dev = 'Debit device (auxiliary SIM)';
    // The operator turns the bound device into a MAC device (a new deviceKey, with a PIN).
    const rotated = await sys.admin('POST', `/v1/subscribers/${PHONE}/devices/${DEVICE}/key`, { pin: '2468' });
    assert.equal(rotated.status, 200);
    const deviceKey = (rotated.body as { deviceKey: string }).deviceKey;
    await page.getByRole('textbox', { name: `Device key of ${dev}` }).fill(deviceKey);
    await page.getByRole('textbox', { name: `PIN of ${dev}` }).fill('2468');
    await page.getByRole('textbox', { name: `Main SIM of ${dev}` }).fill(PHONE);
    await page.getByRole('button', { name: `Provision ${dev}` }).click();
    await waitFor('the signing state', () => page.locator('.handset-device .signing-state').innerText(), { accept: (t) => t.includes(`Signs for ${PHONE} with a PIN · counter 0`), timeoutMs: PAGE_WAIT_MS });

    const paidBefore = (await textOf('Inbox of Phone (main SIM)')()).match(/Paid/g)?.length ?? 0;
    await send('Phone (main SIM)', 'PAY 3.00 SHOP42');
    await waitFor('a new code', textOf('Inbox of Phone (main SIM)'), { accept: (t) => /3\.00 KES to SHOP42 on your payment device: code/.test(t), timeoutMs: PAGE_WAIT_MS });
    await send(dev, 'PAY 3.00 SHOP42');
    await waitFor('Paid with the signed message', textOf('Inbox of Phone (main SIM)'), { accept: (t) => (t.match(/Paid/g)?.length ?? 0) === paidBefore + 1, timeoutMs: PAGE_WAIT_MS });
    await waitFor('counter 1 on the page', () => page.locator('.handset-device .signing-state').innerText(), { accept: (t) => t.endsWith('counter 1'), timeoutMs: PAGE_WAIT_MS });

    await page.getByRole('checkbox', { name: `Tamper with the MAC of ${dev}` }).check();
    await waitFor('tamper on in the simulator', async () => (await http<{ tamper: boolean }>('GET', `${sys.sim.baseUrl}/handsets/${DEVICE}/signing`)).body.tamper);
    await send(dev, 'PAY 1.00 SHOP42');
    await waitFor('the refusal on the device', textOf(`Inbox of ${dev}`), { accept: (t) => t.includes('Payment refused.'), timeoutMs: PAGE_WAIT_MS });
    await waitFor('the alert on the phone', textOf('Inbox of Phone (main SIM)'), { accept: (t) => t.includes('A payment message from your device was refused.'), timeoutMs: PAGE_WAIT_MS });
    await page.screenshot({ path: path.join(ARTIFACTS, 'device-mac.png'), fullPage: true });
    assert.deepEqual(failures, [], 'no script errors');
  });
});
