import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium, type Page } from 'playwright-core';

/**
 * Debian's Chromium through playwright-core (no downloaded browsers), for the browser specs: pages
 * that record what went wrong in them, and screenshots in a temporary directory (kept and printed
 * when SCREENSHOTS=1) so a person can look at the pages.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const WAIT_MS = 10_000;

export interface Browsing {
  browser: Browser;
  shots: string;
  open(options?: BrowserContextOptions): Promise<Page>;
  shoot(page: Page, name: string): Promise<Buffer>;
  close(): Promise<void>;
}

export async function launch(): Promise<Browsing> {
  const shots = mkdtempSync(join(tmpdir(), 'vending-screens-'));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
    timeout: 20_000,
  });
  const contexts: BrowserContext[] = [];
  return {
    browser,
    shots,
    async open(options = { viewport: { width: 1280, height: 860 } }) {
      const context = await browser.newContext(options);
      contexts.push(context);
      context.setDefaultTimeout(WAIT_MS);
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (err) => problems.push(err.message));
      page.on('console', (msg) => {
        // Failed loads are reported by URL below; the server pages have no favicon, which is fine.
        if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) problems.push(msg.text());
      });
      page.on('response', (res) => {
        if (res.status() >= 400 && !res.url().endsWith('/favicon.ico'))
          problems.push(`${res.status()} ${res.request().method()} ${res.url()}`);
      });
      (page as Page & { problems: string[] }).problems = problems;
      return page;
    },
    shoot: (page, name) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true }),
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
      if (process.env.SCREENSHOTS) console.log(`screenshots in ${shots}`);
      else rmSync(shots, { recursive: true, force: true });
    },
  };
}

/** Errors the page logged (script errors, CSP violations, failed loads). */
export const problemsOf = (page: Page): string[] => (page as Page & { problems: string[] }).problems;

/** Types a message, sends it with Enter, and returns the bot's answer to it. */
export async function say(page: Page, text: string): Promise<string> {
  const answers = page.getByTestId('bot-message');
  const before = await answers.count();
  await page.getByTestId('message').fill(text);
  await page.getByTestId('message').press('Enter');
  await answers.nth(before).waitFor();
  return (await answers.nth(before).locator('.text').textContent()) ?? '';
}

export async function introduce(page: Page, who: { first: string; last: string; email: string }): Promise<void> {
  await page.getByTestId('first-name').fill(who.first);
  await page.getByTestId('last-name').fill(who.last);
  await page.getByTestId('email').fill(who.email);
}
