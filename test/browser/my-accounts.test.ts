/**
 * My accounts and the request page's buttons, in a browser: a person opens My accounts from the
 * chat page, sees the sandbox account the bot vended for them, asks to close it (a reason, a
 * confirmation) and gets the new request's id; on that request's page they cancel it; a failed
 * request is retried from its page.
 */
import type { Page } from 'playwright-core';
import { eventually, type RunningApp, startApp } from '../support/app';
import { type Browsing, launch, problemsOf } from '../support/browser';

const OWNER = { firstName: 'Olga', lastName: 'Owner', email: 'olga.owner@example.com' };
const approver = { id: 'approvers@example.com', email: 'approvers@example.com', name: 'Approver', door: 'email-link' as const };

let app: RunningApp;
let browsing: Browsing;

beforeAll(async () => {
  [app, browsing] = await Promise.all([startApp({ SANDBOX_LEASE_DAYS: '30' }), launch()]);
});

afterAll(async () => {
  await browsing?.close();
  await app?.stop();
});

/** A Sandbox account asked for through the REST door, approved, and carried to its end (SUCCEEDED or FAILED). */
async function vend(accountEmail: string): Promise<{ id: string; accountId?: string; status: string }> {
  const turn = async (UserInput: string) =>
    (await (
      await fetch(`${app.baseUrl}/account`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ UserEmail: OWNER.email, UserName: OWNER.firstName, UserLastname: OWNER.lastName, UserInput }),
      })
    ).json()) as { requestId?: string };
  await turn(`a sandbox account in Demos for ${accountEmail}`);
  const id = (await turn('yes')).requestId as string;
  await app.app.core.decide(id, 'approve', approver);
  return eventually(async () => {
    await app.app.core.carryOutEffects();
    const r = await app.app.core.lookUp(id);
    return (r.status === 'SUCCEEDED' || r.status === 'FAILED') && { id, accountId: r.provisioning?.accountId, status: r.status };
  }, 15_000);
}

/** A page whose chat profile (this device's) is the owner. */
async function asOwner(): Promise<Page> {
  const page = await browsing.open();
  await page.goto(`${app.baseUrl}/`);
  await page.evaluate((p) => localStorage.setItem('vending-bot.profile', JSON.stringify(p)), OWNER);
  return page;
}

describe('My accounts', () => {
  test('shows the vended sandbox account, and asks to close it with a reason and a confirmation', async () => {
    const vended = await vend('olga-sbx@example.com');
    expect(vended.status).toBe('SUCCEEDED');
    const page = await asOwner();
    await page.getByTestId('my-accounts-link').click();
    await page.waitForURL(/\/my-accounts/);
    expect(await page.getByTestId('owner-email').inputValue()).toBe(OWNER.email);

    const card = page.locator(`[data-testid="account"][data-account-id="${vended.accountId}"]`);
    await card.waitFor();
    expect(await card.getByTestId('account-id').textContent()).toBe(vended.accountId);
    expect(await card.getByTestId('account-ou').textContent()).toBe('Demos');
    expect(await card.getByTestId('account-state').textContent()).toBe('Active');
    await card.getByTestId('account-sandbox').waitFor({ state: 'visible' });
    expect(await card.getByTestId('account-sandbox').textContent()).toMatch(/sandbox: simulated/);
    // A sandbox lease (SANDBOX_LEASE_DAYS): its end shows, and it can be extended.
    expect(await card.getByTestId('account-lease').getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);
    await card.getByTestId('account-extend').waitFor({ state: 'visible' });
    expect(await card.getByTestId('account-open-request').isVisible()).toBe(false);
    expect(await page.getByTestId('accounts-note').textContent()).toBe(`1 account vended for ${OWNER.email}.`);
    await browsing.shoot(page, '21-my-accounts');

    await card.getByTestId('account-close').click();
    const form = card.getByTestId('form-close');
    await form.getByTestId('form-reason').fill('The project is over');
    await form.getByTestId('form-submit').click();
    // Not without the confirmation.
    expect(await form.getByTestId('form-error').textContent()).toMatch(/Tick the box to confirm/);
    await form.getByTestId('form-confirm').check();
    await form.getByTestId('form-submit').click();

    const link = card.getByTestId('account-result-link');
    await link.waitFor();
    const closeId = (await link.textContent()) as string;
    expect(closeId).toMatch(/\S/);
    expect(await card.getByTestId('account-result').textContent()).toMatch(new RegExp(`^Close the account: request ${closeId}, `));
    const stored = await app.app.core.lookUp(closeId);
    expect(stored).toMatchObject({ kind: 'close-account', accountId: vended.accountId, reason: 'The project is over' });
    // The account now shows its open request, and no more buttons (one request at a time).
    await card.getByTestId('account-open-request').waitFor({ state: 'visible' });
    expect(await card.getByTestId('account-open-request').textContent()).toContain(closeId);
    expect(await card.getByTestId('account-actions').isVisible()).toBe(false);
    await browsing.shoot(page, '22-my-accounts-close-asked');

    // On to the new request's page, where the owner withdraws it.
    await link.click();
    await page.waitForURL(new RegExp(`/requests/${closeId}$`));
    // A close waits for an approver; until then its requester may withdraw it.
    expect(stored.status).toBe('PENDING_APPROVAL');
    expect(await page.getByTestId('actor-email').inputValue()).toBe(OWNER.email);
    expect(await page.getByTestId('request-retry').isVisible()).toBe(false);
    await page.getByTestId('request-cancel').click();
    await page.locator('[data-live][data-status="CANCELLED"]').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('request-action-result').textContent()).toBe('Cancelled: the request is withdrawn.');
    expect(await page.getByTestId('request-cancel').isVisible()).toBe(false);
    expect((await app.app.core.lookUp(closeId)).status).toBe('CANCELLED');
    await browsing.shoot(page, '23-request-cancelled');
    expect(problemsOf(page)).toEqual([]);
  });

  test('says what the server refused: a move to the OU the account is already in', async () => {
    const vended = await vend('olga-move@example.com');
    const page = await asOwner();
    await page.goto(`${app.baseUrl}/my-accounts`);
    const card = page.locator(`[data-testid="account"][data-account-id="${vended.accountId}"]`);
    await card.getByTestId('account-move').click();
    await card.getByTestId('form-ou').fill('Demos');
    await card.getByTestId('form-reason').fill('Tidy up');
    await card.getByTestId('form-submit').click();
    await eventually(async () => card.getByTestId('form-error').isVisible());
    expect(await card.getByTestId('form-error').textContent()).toMatch(/already in the OU Demos/);
    // The refusal is a 400 the page expected; nothing else went wrong.
    expect(problemsOf(page).filter((p) => !/^400 POST .*\/move$/.test(p))).toEqual([]);
  });
});

describe('the request page buttons', () => {
  test('cancels a request waiting for approval', async () => {
    const res = await fetch(`${app.baseUrl}/account`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        UserEmail: OWNER.email,
        UserName: 'Olga',
        UserLastname: 'Owner',
        UserInput: 'a sandbox account in Demos for olga-wait@example.com',
      }),
    });
    expect(res.status).toBe(200);
    const made = (await (
      await fetch(`${app.baseUrl}/account`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ UserEmail: OWNER.email, UserName: 'Olga', UserLastname: 'Owner', UserInput: 'yes' }),
      })
    ).json()) as { requestId: string };
    const page = await browsing.open();
    await page.goto(`${app.baseUrl}/requests/${made.requestId}`);
    // No remembered e-mail in this browser: the page asks for it.
    await page.getByTestId('request-cancel').click();
    expect(await page.getByTestId('request-action-result').textContent()).toMatch(/^Enter your e-mail first/);
    await page.getByTestId('actor-email').fill(OWNER.email);
    await page.getByTestId('request-cancel').click();
    await page.locator('[data-live][data-final="true"][data-status="CANCELLED"]').waitFor();
    expect(await page.getByTestId('request-action-result').textContent()).toBe('Cancelled: the request is withdrawn.');
    expect(await page.getByTestId('status').first().textContent()).toBe('Cancelled');
    expect(problemsOf(page)).toEqual([]);
  });

  test('retries a failed request, and says who may not', async () => {
    const failed = await vend('olga-fail@example.com');
    expect(failed.status).toBe('FAILED');
    const page = await asOwner();
    await page.goto(`${app.baseUrl}/requests/${failed.id}`);
    expect(await page.getByTestId('request-cancel').isVisible()).toBe(false);
    await page.getByTestId('actor-email').fill('mallory@example.com');
    await page.getByTestId('request-retry').click();
    await eventually(async () => (await page.getByTestId('request-action-result').textContent())?.includes('requester'));
    await page.getByTestId('actor-email').fill(OWNER.email);
    await page.getByTestId('request-retry').click();
    await eventually(
      async () => (await page.getByTestId('request-action-result').textContent()) === 'Retried: the request is back in the queue.',
    );
    await page.locator('[data-live][data-status="FAILED"] [data-action="retry"]').first().waitFor({ state: 'attached', timeout: 15_000 });
    expect((await app.app.core.lookUp(failed.id)).retries).toBe(1);
    expect(problemsOf(page).filter((p) => !/^403 POST .*\/retry$/.test(p))).toEqual([]);
  });
});
