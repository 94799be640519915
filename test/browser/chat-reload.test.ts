/**
 * The chat page as people use it over time and on a phone: a reload brings back the conversation
 * (this tab's transcript; the server keeps where the conversation is) and the person's requests
 * ("My requests", from the server), and at 375 px the conversation comes first and the reply stays
 * in view.
 */
import type { Page } from 'playwright-core';
import { type RunningApp, startApp } from '../support/app';
import { type Browsing, introduce, launch, problemsOf, say } from '../support/browser';

let app: RunningApp;
let browsing: Browsing;

beforeAll(async () => {
  [app, browsing] = await Promise.all([startApp(), launch()]);
});

afterAll(async () => {
  await browsing?.close();
  await app?.stop();
});

const texts = (page: Page, testid: string) => page.locator(`[data-testid="${testid}"] .text`).allTextContents();

describe('the chat page after a reload', () => {
  test('shows the conversation and the requests again, and the conversation goes on where it was', async () => {
    const chat = await browsing.open();
    await chat.goto(`${app.baseUrl}/`);
    await introduce(chat, { first: 'Rita', last: 'Reload', email: 'rita.reload@example.com' });
    await say(chat, 'a sandbox account in Demos for rita-sbx@example.com');
    expect(await say(chat, 'yes')).toMatch(/New account request created/);
    const card = chat.getByTestId('request-card');
    const id = await card.getAttribute('data-request-id');
    // "My requests" has it, in plain words, and follows it by itself.
    const listed = chat.locator(`#my-requests [data-request-id="${id}"]`);
    await listed.waitFor();
    expect(await chat.locator('[data-testid="my-requests-note"]').textContent()).toMatch(/Updates by itself/);
    expect(await say(chat, 'new account')).toMatch(/what account type/i);
    expect(await say(chat, 'production')).toMatch(/root user/i);
    const before = { users: await texts(chat, 'user-message'), bots: await texts(chat, 'bot-message') };

    await chat.reload();
    await chat
      .getByTestId('bot-message')
      .nth(before.bots.length - 1)
      .waitFor();
    expect(await texts(chat, 'user-message')).toEqual(before.users);
    expect(await texts(chat, 'bot-message')).toEqual(before.bots);
    await chat.locator(`[data-testid="request-card"][data-request-id="${id}"]`).waitFor();
    await chat
      .locator(`#my-requests [data-request-id="${id}"] [data-testid="my-request-status"]`, { hasText: 'Waiting for approval' })
      .waitFor();
    // The profile is folded to one line: the person is known.
    expect(await chat.getByTestId('profile-summary').textContent()).toBe('Rita Reload · rita.reload@example.com');
    // The server kept the conversation: the next answer is taken where it was.
    expect(await say(chat, 'rita-prod@example.com')).toMatch(/Which organizational unit/);
    expect(problemsOf(chat)).toEqual([]);
  });

  test('"My requests" updates by itself when the request moves on elsewhere (an approval by e-mail link)', async () => {
    const chat = await browsing.open();
    await chat.goto(`${app.baseUrl}/`);
    await introduce(chat, { first: 'Una', last: 'Update', email: 'una.update@example.com' });
    await say(chat, 'a sandbox account in Experiment for una-sbx@example.com');
    await say(chat, 'yes');
    const id = (await chat.getByTestId('request-card').getAttribute('data-request-id')) as string;
    await chat.reload();
    const status = chat.locator(`#my-requests [data-request-id="${id}"] [data-testid="my-request-status"]`);
    await status.waitFor();
    const sent = (await app.app.core.sentMessages()) ?? [];
    const link = sent.find((m) => m.requestId === id && m.kind === 'approval-request')?.text.match(/https?:\/\/\S+/)?.[0] as string;
    await fetch(link, { method: 'POST', body: new URLSearchParams({ decision: 'approve' }), redirect: 'manual' });
    await chat.locator(`#my-requests [data-request-id="${id}"][data-status="SUCCEEDED"]`).waitFor({ timeout: 15_000 });
    expect(await status.textContent()).toBe('Ready');
    expect(problemsOf(chat)).toEqual([]);
  });
});

describe('the chat page at 375 px', () => {
  test('folds the profile once filled, shows the conversation first, keeps the reply in view, and wraps addresses at the @ and the dots', async () => {
    const phone = await browsing.open({ viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    await phone.goto(`${app.baseUrl}/`);
    await introduce(phone, { first: 'Pia', last: 'Phone', email: 'pia.phone.with.a.long.name@example.com' });
    await say(phone, 'a sandbox account for platform-engineering-sandbox-team@example.com');
    const reply = await say(phone, 'What is an OU?');
    expect(reply).toMatch(/organizational unit is the group/);

    // The profile is one line and the conversation comes before it.
    await phone.getByTestId('profile-summary').waitFor();
    expect(await phone.locator('#profile').isHidden()).toBe(true);
    const chatBox = await phone.locator('#chat-panel').boundingBox();
    const sideBox = await phone.locator('.side').boundingBox();
    expect(chatBox && sideBox && chatBox.y < sideBox.y).toBe(true);

    // The newest reply is on the screen, whole.
    const last = phone.getByTestId('bot-message').last();
    const box = await last.boundingBox();
    expect(box).not.toBeNull();
    if (!box) return;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(667);
    expect(box.x + box.width).toBeLessThanOrEqual(375);
    await phone.screenshot({ path: `${browsing.shots}/10-phone-reply-in-view.png` });

    // Nothing wider than the screen: the long addresses broke at <wbr> points, not mid-word.
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    const first = phone.getByTestId('user-message').first().locator('.text');
    expect(await first.evaluate((el) => el.innerHTML)).toContain('platform-engineering-sandbox-team@<wbr>example<wbr>.com');
    expect(problemsOf(phone)).toEqual([]);
  });

  test('says how long a message may be instead of sending one that is too long', async () => {
    const phone = await browsing.open({ viewport: { width: 375, height: 667 } });
    await phone.goto(`${app.baseUrl}/`);
    await introduce(phone, { first: 'Lou', last: 'Long', email: 'lou.long@example.com' });
    await phone.getByTestId('message').fill('x'.repeat(1200));
    await phone.getByTestId('message').press('Enter');
    const hint = phone.getByTestId('message-hint');
    await hint.waitFor();
    expect(await hint.textContent()).toBe('That message has 1200 characters; I read at most 1000 characters. Please shorten it.');
    expect(await phone.getByTestId('user-message').count()).toBe(0);
    expect((await phone.getByTestId('message').inputValue()).length).toBe(1200);
    expect(problemsOf(phone)).toEqual([]);
  });
});
