/**
 * Products in a browser: a person opens Products from the chat page, chooses the encrypted S3
 * bucket, sends a bucket suffix that breaks its pattern and reads the refusal beside that input,
 * fixes it and gets the request's id; once approved and launched, the request's page shows the
 * product's outputs and a Terminate button that asks for a reason.
 */
import type { Page } from 'playwright-core';
import { eventually, type RunningApp, startApp } from '../support/app';
import { type Browsing, launch, problemsOf } from '../support/browser';

const BUCKET = 'prod-cd79omu7mhoqz';
const DATABASE = 'prod-0by41fog5ma08';
const PERSON = { firstName: 'Petra', lastName: 'Product', email: 'petra@example.com' };
const boss = { id: 'boss@example.com', email: 'boss@example.com', door: 'email-link' as const };

let running: RunningApp;
let browsing: Browsing;

beforeAll(async () => {
  [running, browsing] = await Promise.all([startApp({ APPROVER_EMAILS: 'boss@example.com' }), launch()]);
});

afterAll(async () => {
  await browsing?.close();
  await running?.stop();
});

/** A page whose chat profile (this device's) is the person. */
async function asPerson(): Promise<Page> {
  const page = await browsing.open();
  await page.goto(`${running.baseUrl}/`);
  await page.evaluate((p) => localStorage.setItem('vending-bot.profile', JSON.stringify(p)), PERSON);
  return page;
}

/** The refusals the page expects (a 400 naming a parameter); anything else is a problem. */
const unexpected = (page: Page) => problemsOf(page).filter((p) => !/^400 POST .*\/products\/prod-[a-z0-9]+\/requests$/.test(p));

describe('Products', () => {
  test('asks for the S3 bucket, shows a refusal beside its input, and follows the request to its outputs and Terminate', async () => {
    const page = await asPerson();
    await page.getByTestId('products-link').click();
    await page.waitForURL(/\/vend-product/);
    const card = page.locator(`[data-testid="product"][data-product-id="${BUCKET}"]`);
    await card.waitFor();
    expect(await card.getByTestId('product-name').textContent()).toBe('Encrypted S3 bucket');
    expect(await card.getByTestId('product-owner').textContent()).toBe('Owned by Cloud Platform team');
    expect(await card.getByTestId('product-description').textContent()).toMatch(/encrypted with KMS/);
    expect(await page.getByTestId('product').count()).toBe(3);
    await page.getByTestId('catalog-sandbox').waitFor({ state: 'visible' });
    expect(await page.getByTestId('catalog-sandbox').textContent()).toMatch(/^sandbox: simulated/);
    await browsing.shoot(page, '31-products');

    await card.getByTestId('product-choose').click();
    const form = page.getByTestId('product-form');
    await form.waitFor();
    expect(page.url()).toContain(`product=${BUCKET}`);
    // The form is the product's parameters, their constraints as attributes.
    const suffix = form.getByTestId('param-BucketSuffix');
    expect(await suffix.getAttribute('type')).toBe('text');
    expect(await suffix.getAttribute('maxlength')).toBe('42');
    expect(await suffix.getAttribute('minlength')).toBe('3');
    expect(await suffix.getAttribute('pattern')).toBe('^[a-z0-9][a-z0-9\\-]{1,40}[a-z0-9]$');
    const retention = form.getByTestId('param-RetentionDays');
    expect(await retention.getAttribute('type')).toBe('number');
    expect([await retention.getAttribute('min'), await retention.getAttribute('max'), await retention.inputValue()]).toEqual([
      '1',
      '3650',
      '90',
    ]);
    const versioning = form.getByTestId('param-Versioning');
    expect(await versioning.evaluate((el) => el.tagName)).toBe('SELECT');
    expect(await versioning.inputValue()).toBe('Enabled');
    expect(await form.getByTestId('param-KmsKeyAlias').inputValue()).toBe('alias/aws/s3');
    expect(await form.locator('[data-field="parameters.BucketSuffix"] .hint').textContent()).toMatch(/3 to 42 lowercase letters/);
    expect(await form.getByTestId('launch-in').inputValue()).toBe('');
    expect(await form.locator('[data-testid="launch-in"] option').first().textContent()).toBe(
      'Where the bot runs (the account the bot runs in)',
    );
    expect(await form.getByTestId('asker-email').inputValue()).toBe(PERSON.email);

    // A suffix the pattern refuses: the server says so beside that input.
    await suffix.fill('Bad_Suffix');
    await form.getByTestId('product-reason').fill('Team logs');
    await form.getByTestId('product-submit').click();
    const error = form.getByTestId('error-parameters.BucketSuffix');
    await error.waitFor({ state: 'visible' });
    expect(await error.textContent()).toMatch(/^BucketSuffix 3 to 42 lowercase letters.*\(must match the pattern/);
    expect(await suffix.getAttribute('aria-invalid')).toBe('true');
    expect(await form.getByTestId('product-error').isVisible()).toBe(false);
    await browsing.shoot(page, '32-product-refused');

    await suffix.fill('team-logs');
    await form.getByTestId('product-submit').click();
    const link = page.getByTestId('product-request-link');
    await link.waitFor();
    const id = (await link.textContent()) as string;
    expect(await page.getByTestId('product-result').textContent()).toBe(
      `Asked for Encrypted S3 bucket: request ${id}. It waits for an approver; its page follows it.`,
    );
    expect(await running.app.core.lookUp(id)).toMatchObject({
      kind: 'product',
      status: 'PENDING_APPROVAL',
      reason: 'Team logs',
      product: { productId: BUCKET, parameters: { BucketSuffix: 'team-logs', RetentionDays: '90', Versioning: 'Enabled' } },
    });

    await running.app.core.decide(id, 'approve', boss);
    await eventually(async () => {
      await running.app.core.tend();
      return (await running.app.core.lookUp(id)).status === 'SUCCEEDED';
    }, 15_000);

    await link.click();
    await page.waitForURL(new RegExp(`/requests/${id}$`));
    const outputs = page.getByTestId('outputs');
    await outputs.waitFor();
    expect(await outputs.locator('tr[data-key="BucketName"] [data-testid="output-value"]').textContent()).toBe('sandbox-team-logs-bot');
    expect(await outputs.locator('tr[data-key="BucketName"] [data-testid="output-description"]').textContent()).toMatch(
      /^The bucket's name\./,
    );
    await page.getByTestId('request-terminate').waitFor({ state: 'visible' });
    expect(await page.getByTestId('request-cancel').isVisible()).toBe(false);
    await browsing.shoot(page, '33-product-launched');

    // Terminate asks why first, then asks as the person the chat page remembers.
    await page.getByTestId('request-terminate').click();
    await page.getByTestId('terminate-fields').waitFor({ state: 'visible' });
    expect(await page.getByTestId('actor-first-name').inputValue()).toBe(PERSON.firstName);
    await page.getByTestId('terminate-confirm').click();
    expect(await page.getByTestId('request-action-result').textContent()).toBe('Say why the product should be terminated.');
    await page.getByTestId('terminate-reason').fill('The logs moved elsewhere');
    await page.getByTestId('terminate-confirm').click();
    const termination = page.getByTestId('request-action-link');
    await termination.waitFor();
    const terminationId = (await termination.textContent()) as string;
    expect(await page.getByTestId('request-action-result').textContent()).toBe(
      `Asked to terminate the product. The termination is request ${terminationId}.`,
    );
    expect(await running.app.core.lookUp(terminationId)).toMatchObject({
      kind: 'terminate-product',
      reason: 'The logs moved elsewhere',
      product: { terminates: id },
    });
    await browsing.shoot(page, '34-product-terminate-asked');
    expect(unexpected(page)).toEqual([]);
  });

  test('a secret parameter is a password input, and a link opens a product at once', async () => {
    const page = await asPerson();
    await page.goto(`${running.baseUrl}/vend-product?product=${DATABASE}`);
    const form = page.locator(`[data-testid="product-form"][data-product-id="${DATABASE}"]`);
    await form.waitFor();
    expect(await form.getByTestId('param-MasterPassword').getAttribute('type')).toBe('password');
    expect(await form.getByTestId('param-MasterPassword').getAttribute('pattern')).toBe('^[^\\/@" ]+$');
    expect(await form.getByTestId('param-InstanceClass').inputValue()).toBe('db.t4g.micro');
    expect(await page.locator(`[data-product-id="${DATABASE}"].chosen`).count()).toBe(1);
    await form.getByTestId('param-DbName').fill('orders');
    await form.getByTestId('product-submit').click();
    const error = form.getByTestId('error-parameters.MasterPassword');
    await error.waitFor({ state: 'visible' });
    expect(await error.textContent()).toMatch(/^MasterPassword is required/);
    await form.getByTestId('product-cancel').click();
    expect(await page.getByTestId('product-form').count()).toBe(0);
    expect(page.url()).not.toContain('product=');
    expect(unexpected(page)).toEqual([]);
  });
});
