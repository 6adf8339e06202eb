/**
 * Debian's Chromium driven by playwright-core (never a downloaded browser): one persistent context on a fresh
 * profile, with the launch flags DESIGN §8 found to work headless here. The user is switched by the preview host's
 * sign-in cookie, so each flow says who is looking.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, type Page, chromium } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface Browser {
  context: BrowserContext;
  /**
   * A page signed in as the host user `key`, opened at `path` on the host (or at an absolute URL, e.g. the host under a
   * sub-path). The same page each time; `watchPageProblems` collects what it leaves in the console.
   */
  open(key: string, path: string): Promise<Page>;
  close(): Promise<void>;
}

export async function launchBrowser(hostUrl: string): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'tracingops-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  let page: Page | undefined;
  return {
    context,
    async open(key, path) {
      await context.clearCookies();
      await context.addCookies([{ name: 'host_user', value: key, url: hostUrl }]);
      page ??= context.pages()[0] ?? (await context.newPage());
      await page.goto(/^https?:/.test(path) ? path : `${hostUrl}${path}`);
      return page;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
