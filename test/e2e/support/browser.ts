// Debian's Chromium driven by playwright-core (Playwright's own browser download cannot work
// offline), with a fresh profile per launch, and a deadline-bound wait: playwright-core has no
// `expect`, so tests poll what the page shows until it matches or time runs out.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

const ARGS = [
  '--no-sandbox', // CI runs as root, where Chromium's sandbox cannot start
  '--headless',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchBrowser(viewport = { width: 1280, height: 900 }): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: the browser tests need Debian's chromium package (apt-get install chromium; .ci/run installs it)`);
  }
  const profile = mkdtempSync(path.join(os.tmpdir(), 'simpair-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** How long a page is given to show what a test waits for (a real browser on a shared machine). */
export const PAGE_WAIT_MS = 20_000;
