import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { http } from '../../support/http';
import { ROOT } from '../../support/processes';
import { waitFor } from '../../support/wait';
import { codeOf, E2E_TOKEN, startSystem, type System } from '../../support/system';
import { launchBrowser, PAGE_WAIT_MS, type Browser } from './browser';

// Shared setup of the console's browser tests: the whole system (redis-server, the simulator over
// SMPP, simpair) with a viewer token besides the admin's, Debian's Chromium, and for each test a
// page (a tab) of its own, signed out, whose script errors and requests are checked after the test.
// Controls are found by their label and role, as a person using a screen reader would.

export const VIEWER_TOKEN = 'console-viewer-token-0123456789';
export const PIN = '4821';
/** Chromium logs every non-2xx answer: a test that provokes one names it in expectedFailures. */
export const CONFLICT = 'console: Failed to load resource: the server responded with a status of 409 (Conflict)';
const ARTIFACTS = path.join(ROOT, 'test-artifacts');

type Region = ReturnType<Page['getByRole']>;

export class ConsoleRig {
  browser!: Browser;
  sys!: System;
  /** This test's tab. */
  page!: Page;
  dialogs: string[] = [];
  failures: string[] = [];
  /** The console errors this test provokes on purpose; any other fails it. */
  expectedFailures: string[] = [];
  urls: string[] = [];

  async start(): Promise<void> {
    this.browser = await launchBrowser();
    this.sys = await startSystem({ env: { ADMIN_TOKENS: `audit=viewer:${VIEWER_TOKEN}` }, numberPrefix: '2547' });
    mkdirSync(ARTIFACTS, { recursive: true });
  }

  async stop(): Promise<void> {
    await this.browser?.close();
    await this.sys?.stop();
  }

  async openPage(): Promise<void> {
    [this.dialogs, this.failures, this.expectedFailures, this.urls] = [[], [], [], []];
    // A new tab has its own sessionStorage, where the console keeps the token: it starts signed out.
    const page = await this.browser.context.newPage();
    page.on('dialog', (d) => {
      this.dialogs.push(`${d.type()}: ${d.message()}`);
      void d.dismiss();
    });
    page.on('pageerror', (err) => this.failures.push(err.message));
    page.on('console', (m) => {
      if (m.type() === 'error') this.failures.push(`console: ${m.text()}`);
    });
    page.on('request', (r) => this.urls.push(r.url()));
    this.page = page;
  }

  async closePage(): Promise<void> {
    await this.page?.close();
    const base = this.sys.app.baseUrl;
    assert.deepEqual(this.failures, this.expectedFailures, 'no script errors, no CSP violations');
    for (const token of [E2E_TOKEN, VIEWER_TOKEN]) assert.ok(!this.urls.some((u) => u.includes(token)), 'no token in any URL');
    assert.ok(this.urls.every((u) => u.startsWith(base)), `same origin only: ${this.urls.filter((u) => !u.startsWith(base)).join(', ')}`);
  }

  text = (locator: Region) => (): Promise<string> => locator.innerText();
  notice = (): Promise<string> => this.page.getByRole('status').first().innerText();
  shot = (name: string) => this.page.screenshot({ path: path.join(ARTIFACTS, `console-${name}.png`), fullPage: true });

  signIn = async (token: string): Promise<void> => {
    const { page } = this;
    await page.goto(`${this.sys.app.baseUrl}/console/`);
    await page.getByLabel('Admin token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Sections' }).waitFor();
  };

  lookUp = async (msisdn: string): Promise<Region> => {
    const { page } = this;
    await page.getByRole('button', { name: 'Subscribers' }).click();
    await page.getByLabel('Subscriber MSISDN').fill(msisdn);
    await page.getByRole('button', { name: 'Look up' }).click();
    const region = page.getByRole('region', { name: /^Subscriber \+/ });
    await waitFor(`subscriber ${msisdn} shown`, () => region.innerText(), { accept: (t) => t.includes(msisdn.slice(-7)), timeoutMs: PAGE_WAIT_MS });
    return region;
  };

  confirm = async (action: string): Promise<void> => {
    const dialog = this.page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: action }).click();
  };

  /** A fresh subscriber (100.00) who paid 12.50 to SHOP42 by SMS, settled on both sides. */
  paidOnce = async (): Promise<{ main: string; device: string; paymentId: string }> => {
    const { sys } = this;
    const p = await sys.enrol('100.00');
    await sys.sendSms(p.main, 'PAY 12.50 SHOP42');
    await sys.sendSms(p.device, `PAY 12.50 SHOP42 ${codeOf(await sys.nthMessage(p.main, 1, /code/))}`);
    const paymentId = /(P[0-9A-Z]{16})/.exec(await sys.nthMessage(p.main, 2, /Paid 12\.50/))![1];
    // A refund is taken from the merchant's balance: its side of the payment must have landed.
    await waitFor('the payment settled', async () => (await sys.admin<{ pending: number }>('GET', '/v1/ledger/verify')).body.pending === 0);
    return { ...p, paymentId };
  };

  /** The simulator's debit device signs with `deviceKey` and PIN; her PAY 5.00 is paid (the device's counter then 1). */
  signedPayment = async (m: { main: string; device: string }, deviceKey: string): Promise<void> => {
    const { sys } = this;
    const provisioned = await http('PUT', `${sys.sim.baseUrl}/handsets/${m.device}/signing`, { deviceKey, pin: PIN, main: m.main });
    assert.equal(provisioned.status, 200, JSON.stringify(provisioned.body));
    await sys.sendSms(m.main, 'PAY 5.00 SHOP42');
    await sys.sendSms(m.device, `PAY 5.00 SHOP42 ${codeOf(await sys.nthMessage(m.main, 1, /code/))}`);
    await sys.nthMessage(m.main, 2, /Paid 5\.00/);
  };

  /** A subscriber (50.00) with a MAC device "card reader" (PIN) bound through the API; `n` keeps the numbers apart. */
  withMacDevice = async (n: number): Promise<{ main: string; device: string; deviceKey: string }> => {
    const m = { main: `25473300000${n}`, device: `25473400000${n}` };
    assert.equal((await this.sys.admin('POST', '/v1/subscribers', { msisdn: m.main, balance: '50.00' })).status, 201);
    const bound = await this.sys.admin<{ deviceKey: string }>('POST', `/v1/subscribers/${m.main}/devices`, { msisdn: m.device, mac: true, pin: PIN, label: 'card reader' });
    assert.equal(bound.status, 201, JSON.stringify(bound.body));
    return { ...m, deviceKey: bound.body.deviceKey };
  };
}

/** The system, the browser and a fresh tab per test, for the enclosing describe. */
export function consoleRig(): ConsoleRig {
  const rig = new ConsoleRig();
  before(() => rig.start());
  after(() => rig.stop());
  beforeEach(() => rig.openPage());
  afterEach(() => rig.closePage());
  return rig;
}
