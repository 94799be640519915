import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configSchema, loadConfig } from '../../app/boot/config';

describe('configuration', () => {
  it('has working defaults for the embedded product', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      PORT: 3000,
      DATA_DIR: './.data',
      publicUrl: 'http://localhost:3000',
      organizationalUnits: [{ name: 'Experiment' }, { name: 'Demos' }],
      PENDING_EXPIRY_HOURS: 48,
      MAX_CONCURRENT_PROVISIONING: 5,
    });
    expect(c.API_KEY).toBeUndefined();
    expect(c.TABLE_NAME).toBeUndefined();
  });

  it('reads OUs with ids and trims the public URL', () => {
    const c = loadConfig({ ORGANIZATIONAL_UNITS: 'Demos (ou-abcd-12345678), Sandbox', PUBLIC_URL: 'https://vend.example.com/' });
    expect(c.organizationalUnits).toEqual([{ name: 'Demos', id: 'ou-abcd-12345678' }, { name: 'Sandbox' }]);
    expect(c.publicUrl).toBe('https://vend.example.com');
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PUBLIC_URL: 'not a url' }, 'PUBLIC_URL'],
    [{ APPROVAL_SECRET: 'short' }, 'APPROVAL_SECRET'],
    [{ ORGANIZATIONAL_UNITS: 'Demos (ou-x)' }, 'ORGANIZATIONAL_UNITS'],
    [{ ORGANIZATIONAL_UNITS: ' , ' }, 'ORGANIZATIONAL_UNITS'],
    [{ APPROVER_EMAILS: 'boss' }, 'APPROVER_EMAILS'],
    [{ MAX_CONCURRENT_PROVISIONING: '0' }, 'MAX_CONCURRENT_PROVISIONING'],
    [{ SANDBOX_FAIL_PATTERN: '(' }, 'SANDBOX_FAIL_PATTERN'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
  ])('stops on a bad value, naming the variable: %o', (env, name) => {
    expect(() => loadConfig(env)).toThrow(`Invalid setting ${name}:`);
  });
});

describe('the documented settings', () => {
  const root = join(__dirname, '..', '..');
  const example = readFileSync(join(root, '.env.example'), 'utf8');
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const settings = Object.keys(configSchema.shape).sort();

  it('.env.example lists every setting, and only those, and loads as it is', () => {
    const listed = [...example.matchAll(/^([A-Z_]+)=(.*)$/gm)];
    expect(listed.map((m) => m[1]).sort()).toEqual(settings);
    expect(() => loadConfig(Object.fromEntries(listed.map((m) => [m[1], m[2]])))).not.toThrow();
  });

  it('the README configuration table names every setting', () => {
    for (const name of settings) expect(readme).toContain(`\`${name}\``);
  });
});
