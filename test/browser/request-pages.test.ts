/**
 * The pages that follow a request: the request page (what the requester's e-mails link to) shows
 * its timeline in the reader's time zone with "… ago" and updates in place; the approval result
 * page says who decided and stops asking the server once the request is final (a failure too).
 */
import type { Page } from 'playwright-core';
import { eventually, type RunningApp, startApp } from '../support/app';
import { type Browsing, launch, problemsOf } from '../support/browser';

let app: RunningApp;
let browsing: Browsing;

beforeAll(async () => {
  [app, browsing] = await Promise.all([startApp({ SANDBOX_PROVISION_SECONDS: '1.5' }), launch()]);
});

afterAll(async () => {
  await browsing?.close();
  await app?.stop();
});

/** A request made through the REST door, and the approver's link from the outbox. */
async function requestFor(email: string): Promise<{ id: string; link: string }> {
  const turn = async (UserInput: string) =>
    (await (
      await fetch(`${app.baseUrl}/account`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ UserEmail: 'page.reader@example.com', UserName: 'Page', UserLastname: 'Reader', UserInput }),
      })
    ).json()) as { requestId?: string };
  await turn(`a sandbox account in Demos for ${email}`);
  const id = (await turn('yes')).requestId as string;
  const link = await eventually(async () => {
    const sent = (await app.app.core.sentMessages()) ?? [];
    return sent.find((m) => m.requestId === id && m.kind === 'approval-request')?.text.match(/https?:\/\/\S+/)?.[0];
  });
  return { id, link };
}

/** Counts the page's own requests for its URL (its follow-ups). */
function followUps(page: Page, url: string): { count: () => number } {
  let n = 0;
  page.on('request', (r) => {
    if (r.url() === url && r.resourceType() === 'fetch') n++;
  });
  return { count: () => n };
}

describe('the request page', () => {
  test('shows the timeline with local, relative times, and follows the request in place to the end', async () => {
    const { id, link } = await requestFor('timeline-sbx@example.com');
    const page = await browsing.open({ viewport: { width: 900, height: 900 }, timezoneId: 'America/New_York', locale: 'en-US' });
    const url = `${app.baseUrl}/requests/${id}`;
    await page.goto(url);
    expect(await page.getByTestId('status').first().textContent()).toBe('Waiting for approval');
    const first = page.locator('ol.timeline .event').first();
    expect(await first.locator('.what').textContent()).toBe('Requested by Page Reader');
    expect(await first.locator('.state').textContent()).toBe('Waiting for approval');
    // "just now (Mar 2, 2026, 4:00 AM)": relative, then the reader's own zone (no "UTC" left).
    expect(await first.locator('time').textContent()).toMatch(
      /^(just now|\d+ seconds? ago) \([A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d\d [AP]M\)$/,
    );

    const marker = await page.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
      return true;
    });
    expect(marker).toBe(true);
    await fetch(link, { method: 'POST', body: new URLSearchParams({ decision: 'approve' }), redirect: 'manual' });
    await page.locator('[data-live][data-final="true"]').waitFor({ timeout: 15_000 });
    // Updated in place, not reloaded.
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect(await page.getByTestId('lead').textContent()).toMatch(/^The account \d{12} is ready\.$/);
    expect(await page.locator('ol.timeline .event .state').allTextContents()).toEqual(
      expect.arrayContaining(['Waiting for approval', 'Approved, waiting for its turn to be provisioned', 'Being provisioned', 'Ready']),
    );
    expect(await page.locator('ol.timeline [data-action="approve"] .what').textContent()).toBe('Approved by approvers@example.com');
    await browsing.shoot(page, '11-request-page');
    expect(problemsOf(page)).toEqual([]);
  });
});

describe('the approval result page', () => {
  test.each([
    ['ready', 'settles-sbx@example.com', 'SUCCEEDED'],
    ['failed', 'fail-settles@example.com', 'FAILED'],
  ])('says who decided and stops asking once the request is final (%s)', async (_name, email, final) => {
    const { link } = await requestFor(email);
    const page = await browsing.open();
    await page.goto(link);
    await page.locator('form.decision button.approve').click();
    await page.waitForURL(/\/result$/);
    const url = page.url();
    const asks = followUps(page, url);
    expect(await page.getByTestId('result').textContent()).toMatch(/^Approved by approvers@example\.com\./);
    await page.locator(`[data-live][data-final="true"][data-status="${final}"]`).waitFor({ timeout: 15_000 });
    const atFinal = asks.count();
    expect(atFinal).toBeGreaterThan(0);
    await page.waitForTimeout(5_000);
    expect(asks.count()).toBe(atFinal);
    expect(await page.getByTestId('live-note').textContent()).toBe('This is the final state: the page no longer updates.');
    if (final === 'FAILED') expect(await page.getByTestId('failure').textContent()).toMatch(/\S/);
    expect(problemsOf(page)).toEqual([]);
  });
});
