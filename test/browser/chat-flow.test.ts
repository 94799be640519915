/**
 * The browser door, end to end: a person asks for an account on the chat page, an approver
 * approves it from the outbox's e-mail link, and both see the sandbox account become ready.
 *
 * Drives Debian's Chromium through playwright-core (no downloaded browsers). Screenshots go to a
 * temporary directory (printed when SCREENSHOTS=1) so a person can look at the pages.
 */
import type { Page } from 'playwright-core';
import { type RunningApp, startApp } from '../support/app';
import { type Browsing, introduce, launch, problemsOf, say } from '../support/browser';

let app: RunningApp;
let browsing: Browsing;
const openPage = (): Promise<Page> => browsing.open();
const shoot = (page: Page, name: string) => browsing.shoot(page, name);

beforeAll(async () => {
  [app, browsing] = await Promise.all([startApp(), launch()]);
});

afterAll(async () => {
  await browsing?.close();
  await app?.stop();
});

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
    expect(await card.getByTestId('request-status').textContent()).toBe('Waiting for approval');
    expect(await card.getByTestId('request-status').getAttribute('data-status')).toBe('PENDING_APPROVAL');
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
    expect(await approver.getByTestId('status').textContent()).toBe('Waiting for approval');
    expect(await approver.locator('dl.details').first().textContent()).toContain('team-aws@example.com');
    await shoot(approver, '04-approval');

    // They approve; the result page refreshes itself until the sandbox factory has finished.
    await approver.locator('form.decision button.approve').click();
    await approver.waitForURL(/\/result$/);
    await approver.locator('[data-testid="status"][data-status="SUCCEEDED"]').waitFor({ timeout: 15_000 });
    expect(await approver.getByTestId('result').textContent()).toMatch(/^Approved by approvers@example\.com\./);
    expect(await approver.getByTestId('account-id').textContent()).toMatch(/^\d{12}$/);
    await shoot(approver, '05-result');

    // Back on the chat page, the card has followed the request to the end.
    await card.locator('[data-testid="request-status"][data-status="SUCCEEDED"]').waitFor({ timeout: 15_000 });
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
    // The two refused turns, and "My requests" asked without a key and with the wrong one.
    const list = `401 GET ${keyed.baseUrl}/requests?email=kim.key%40example.com`;
    expect(problemsOf(chat).sort()).toEqual([`401 POST ${keyed.baseUrl}/account`, `401 POST ${keyed.baseUrl}/account`, list, list].sort());
    await chat.getByTestId('my-requests-empty').waitFor();
    expect(await chat.getByTestId('my-requests-note').textContent()).toMatch(/Updates by itself/);
  });
});
