/**
 * The browser door, end to end: a person asks for an account on the chat page, an approver
 * approves it from the outbox's e-mail link, and both see the sandbox account become ready.
 *
 * Drives Debian's Chromium through playwright-core (no downloaded browsers). Screenshots go to a
 * temporary directory (printed when SCREENSHOTS=1) so a person can look at the pages.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { type RunningApp, startApp } from '../support/app';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const WAIT_MS = 10_000;

let app: RunningApp;
let browser: Browser;
let shots: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  shots = mkdtempSync(join(tmpdir(), 'vending-screens-'));
  [app, browser] = await Promise.all([
    startApp(),
    chromium.launch({
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
    }),
  ]);
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close().catch(() => undefined);
  await app?.stop();
  if (process.env.SCREENSHOTS) console.log(`screenshots in ${shots}`);
  else rmSync(shots, { recursive: true, force: true });
});

async function openPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
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
    if (res.status() >= 400 && !res.url().endsWith('/favicon.ico')) problems.push(`${res.status()} ${res.request().method()} ${res.url()}`);
  });
  (page as Page & { problems: string[] }).problems = problems;
  return page;
}

/** Errors the page logged (script errors, CSP violations, failed loads). */
const problemsOf = (page: Page): string[] => (page as Page & { problems: string[] }).problems;

const shoot = (page: Page, name: string) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });

/** Types a message, sends it with Enter, and returns the bot's answer to it. */
async function say(page: Page, text: string): Promise<string> {
  const answers = page.getByTestId('bot-message');
  const before = await answers.count();
  await page.getByTestId('message').fill(text);
  await page.getByTestId('message').press('Enter');
  await answers.nth(before).waitFor();
  return (await answers.nth(before).locator('.text').textContent()) ?? '';
}

async function introduce(page: Page, who: { first: string; last: string; email: string }) {
  await page.getByTestId('first-name').fill(who.first);
  await page.getByTestId('last-name').fill(who.last);
  await page.getByTestId('email').fill(who.email);
}

describe('the chat page', () => {
  test('a person asks for a sandbox account, an approver approves it by e-mail link, and the account becomes ready', async () => {
    // A person opens the chat page: it says that this is the embedded sandbox mode.
    const chat = await openPage();
    await chat.goto(`${app.baseUrl}/`);
    await chat.getByTestId('sandbox-note').waitFor({ state: 'visible' });
    await introduce(chat, { first: 'Jane', last: 'Doe', email: 'jane.doe@example.com' });
    await shoot(chat, '01-chat-empty');

    // They ask for an account and answer the bot's questions.
    expect(await say(chat, 'Hi, I would like a new account please!')).toMatch(/what account type do you want/i);
    expect(await say(chat, 'Sandbox')).toMatch(/e-mail address should the new account's root user have/i);
    expect(await say(chat, 'team-aws@example.com')).toMatch(/which organizational unit/i);
    const confirmation = await say(chat, 'Demos');
    expect(confirmation).toMatch(/shall I request a Sandbox account named .+ for team-aws@example\.com in the Demos OU\?/);
    expect(await say(chat, 'yes')).toMatch(/New account request created/);

    // The reply carries a request card, waiting for an approver.
    const card = chat.getByTestId('request-card');
    await card.waitFor();
    expect(await card.getByTestId('request-status').textContent()).toBe('PENDING_APPROVAL');
    expect(await card.getByTestId('request-account-email').textContent()).toBe('team-aws@example.com');
    expect(await card.getByTestId('request-ou').textContent()).toBe('Demos');
    const requestId = await card.getAttribute('data-request-id');
    expect(requestId).toBeTruthy();
    // The user's own messages are in the conversation too, in order, newest at the bottom.
    expect(await chat.locator('[data-testid="user-message"] .text').allTextContents()).toEqual([
      'Hi, I would like a new account please!',
      'Sandbox',
      'team-aws@example.com',
      'Demos',
      'yes',
    ]);
    await shoot(chat, '02-chat-request-created');

    // The approver opens the outbox and follows the link in the approval e-mail.
    const approver = await openPage();
    await approver.goto(`${app.baseUrl}/outbox`);
    const mail = approver.locator(`li.message[data-kind="approval-request"][data-request-id="${requestId}"]`);
    await mail.waitFor();
    await shoot(approver, '03-outbox');
    await mail.locator('pre.text a').first().click();
    await approver.waitForURL(/\/account\/confirm\/[^/]+$/);
    expect(await approver.getByTestId('status').textContent()).toBe('PENDING_APPROVAL');
    expect(await approver.locator('dl.details').textContent()).toContain('team-aws@example.com');
    await shoot(approver, '04-approval');

    // They approve; the result page refreshes itself until the sandbox factory has finished.
    await approver.locator('form.decision button.approve').click();
    await approver.waitForURL(/\/result$/);
    await approver.locator('[data-testid="status"]', { hasText: 'SUCCEEDED' }).waitFor({ timeout: 15_000 });
    expect(await approver.getByTestId('account-id').textContent()).toMatch(/^\d{12}$/);
    await shoot(approver, '05-result');

    // Back on the chat page, the card has followed the request to the end.
    await card.locator('[data-testid="request-status"]', { hasText: 'SUCCEEDED' }).waitFor({ timeout: 15_000 });
    const accountId = await card.getByTestId('account-id').textContent();
    expect(accountId).toMatch(/^\d{12}$/);
    expect(accountId).toBe(await approver.getByTestId('account-id').textContent());
    expect(await card.getByTestId('sandbox-badge').isVisible()).toBe(true);
    await shoot(chat, '06-chat-succeeded');

    expect(problemsOf(chat)).toEqual([]);
    expect(problemsOf(approver)).toEqual([]);
  });

  test('a root e-mail without a dot in the domain gets a hint in the conversation, and a bad own e-mail is flagged at its field', async () => {
    const chat = await openPage();
    await chat.goto(`${app.baseUrl}/`);

    // The server refuses the person's own e-mail: its message shows next to the field.
    await introduce(chat, { first: 'Omar', last: 'Ops', email: 'omar@' });
    await chat.getByTestId('message').fill('I need an AWS account');
    await chat.getByTestId('message').press('Enter');
    const fieldError = chat.getByTestId('email-error');
    await fieldError.waitFor({ state: 'visible' });
    expect(await fieldError.textContent()).toBe('The e-mail address must be at least 6 characters');
    expect(await chat.getByTestId('error-message').locator('.text').textContent()).toMatch(
      /^UserEmail: The e-mail address must be at least 6 characters\. Fix it above/,
    );
    expect(await chat.getByTestId('message').inputValue()).toBe('I need an AWS account');
    await shoot(chat, '07-chat-field-error');

    // Fixed, the details are remembered on this device.
    await chat.getByTestId('email').fill('omar.ops@example.com');
    expect(await fieldError.isVisible()).toBe(false);
    await chat.reload();
    expect(await chat.getByTestId('first-name').inputValue()).toBe('Omar');
    expect(await chat.getByTestId('email').inputValue()).toBe('omar.ops@example.com');

    expect(await say(chat, 'I need an AWS account')).toMatch(/what account type/i);
    expect(await say(chat, 'Production')).toMatch(/root user/i);
    const hint = await say(chat, 'ops@example');
    expect(hint).toMatch(/dot in the domain/i);
    expect(hint).toMatch(/like team-aws@example\.com/);
    await shoot(chat, '08-chat-email-hint');
    expect(problemsOf(chat)).toEqual([`400 POST ${app.baseUrl}/account`]);
  });
});

describe('the chat page in front of a server that requires an API key', () => {
  let keyed: RunningApp;
  const API_KEY = 'browser-test-key-0123456789';

  beforeAll(async () => {
    keyed = await startApp({ API_KEY });
  });
  afterAll(async () => {
    await keyed?.stop();
  });

  test('a 401 reveals the API-key field, and the message is sent again with the key', async () => {
    const chat = await openPage();
    await chat.goto(`${keyed.baseUrl}/`);
    await introduce(chat, { first: 'Kim', last: 'Key', email: 'kim.key@example.com' });
    await chat.getByTestId('message').fill('help');
    await chat.getByTestId('message').press('Enter');

    const keyField = chat.getByTestId('api-key');
    await keyField.waitFor({ state: 'visible' });
    expect(await chat.getByTestId('bot-message').count()).toBe(0);

    // A wrong key is refused and the field stays.
    await keyField.fill('wrong');
    await chat.getByTestId('api-key-save').click();
    await chat.getByTestId('api-key-note').filter({ hasText: 'not accepted' }).waitFor();
    expect(await keyField.isVisible()).toBe(true);

    await keyField.fill(API_KEY);
    await chat.getByTestId('api-key-save').click();
    await chat.getByTestId('bot-message').first().waitFor();
    expect(await chat.getByTestId('bot-message').first().locator('.text').textContent()).toMatch(/I vend AWS accounts/);
    expect(await keyField.isVisible()).toBe(false);
    expect(await chat.evaluate(() => sessionStorage.getItem('vending-bot.api-key'))).toBe(API_KEY);
    await shoot(chat, '09-chat-api-key');
    expect(problemsOf(chat)).toEqual([`401 POST ${keyed.baseUrl}/account`, `401 POST ${keyed.baseUrl}/account`]);
  });
});
