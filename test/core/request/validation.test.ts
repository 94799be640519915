import { ValidationError } from '../../../app/core/errors';
import { parseOuLabel, resolveOu } from '../../../app/core/request/organizational-units';
import { accountNameSchema, accountTypeSchema, check, emailSchema, isRequestId, reasonSchema } from '../../../app/core/request/validation';

const OUS = [{ name: 'Experiment' }, { name: 'Demos', id: 'ou-abcd-12345678' }];
const ok = (schema: Parameters<typeof check>[0], v: string) => schema.safeParse(v).success;

describe('account name', () => {
  it('takes 1 to 50 printable ASCII characters', () => {
    expect(ok(accountNameSchema, 'a')).toBe(true);
    expect(ok(accountNameSchema, 'x'.repeat(50))).toBe(true);
    expect(ok(accountNameSchema, 'Team A / prod #1 (eu)')).toBe(true);
  });
  it('refuses empty, too long and non-ASCII names', () => {
    expect(ok(accountNameSchema, '   ')).toBe(false);
    expect(ok(accountNameSchema, 'x'.repeat(51))).toBe(false);
    expect(ok(accountNameSchema, 'café')).toBe(false);
    expect(ok(accountNameSchema, 'tab\there')).toBe(false);
  });
});

describe('e-mail addresses', () => {
  it.each(['a@b.co', 'team-aws+prod@example.com', `${'x'.repeat(52)}@example.com`])('accepts %s', (e) => {
    expect(ok(emailSchema, e)).toBe(true);
  });
  it.each([
    ['a@b.c', 'at least 6'],
    [`${'x'.repeat(53)}@example.com`, 'at most 64'],
    ['ops@example', 'dot in the domain'],
    ['ops@@example.com', 'exactly one @'],
    ['a@b@example.com', 'exactly one @'],
    ['opsexample.com', 'exactly one @'],
    ['zoë@example.com', 'ASCII'],
    ['o ps@example.com', 'ASCII'],
    ['@example.com', 'name before the @'],
    ['jo@example..com', 'single dots'],
    ['jo@.example.com', 'dot in the domain'],
    ['jo@example.com.', 'dot in the domain'],
    ['.jo@example.com', 'start or end with a dot'],
    ['jo.@example.com', 'start or end with a dot'],
    ['j..o@example.com', 'two dots in a row'],
    ['jo@-example.com', 'single dots'],
    ['jo@exa_mple.com', 'single dots'],
    ['jo@example.c0m', 'single dots'],
  ])('refuses %s (%s)', (e, why) => {
    expect(() => check(emailSchema, 'accountEmail', e)).toThrow(why);
  });
});

describe('account type', () => {
  it('is Production or Sandbox in any case', () => {
    expect(check(accountTypeSchema, 'accountType', 'sandbox')).toBe('Sandbox');
    expect(check(accountTypeSchema, 'accountType', ' PRODUCTION ')).toBe('Production');
    expect(() => check(accountTypeSchema, 'accountType', 'Dev')).toThrow('Production or Sandbox');
  });
});

describe('organizational units', () => {
  it('parses "Name" and "Name (ou-xxxx-xxxxxxxx)"', () => {
    expect(parseOuLabel('Demos')).toEqual({ name: 'Demos' });
    expect(parseOuLabel('Demos (ou-ABCD-12345678)')).toEqual({ name: 'Demos', id: 'ou-abcd-12345678' });
    expect(parseOuLabel('Demos (r-abcd)')).toBeUndefined();
  });
  it('accepts a configured OU by name or label, case-insensitively', () => {
    expect(resolveOu('demos', OUS)).toEqual(OUS[1]);
    expect(resolveOu('DEMOS (ou-abcd-12345678)', OUS)).toEqual(OUS[1]);
    expect(resolveOu('experiment', OUS)).toEqual(OUS[0]);
  });
  it('refuses OUs that are not configured, naming the choices, and ids that do not match', () => {
    expect(() => resolveOu('Marketing', OUS)).toThrow('one of: Experiment, Demos');
    expect(() => resolveOu('Demos (ou-zzzz-99999999)', OUS)).toThrow('does not belong to Demos');
    try {
      resolveOu('Marketing', OUS);
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).field).toBe('accountOU');
    }
  });
});

describe('reasons', () => {
  it('keeps what a person wrote, trimmed', () => {
    expect(check(reasonSchema, 'reason', '  We test the billing pipeline ')).toBe('We test the billing pipeline');
  });
  it.each([['\u200b'], ['\u200b\u200c\u200d\u2060\ufeff'], ['   '], ['\u00a0\u3000']])('counts %j as no reason at all', (text) => {
    expect(check(reasonSchema, 'reason', text)).toBe('');
  });
  it('refuses more than 1000 characters, saying the limit', () => {
    expect(() => check(reasonSchema, 'reason', 'x'.repeat(1001))).toThrow('at most 1000 characters');
  });
});

describe('request ids', () => {
  it('are what the service makes, and nothing else (so a 2,000-character id is never looked up)', () => {
    expect(isRequestId('req-mx59jkmn-7c61b23d')).toBe(true);
    expect(isRequestId(`req-${'a'.repeat(2040)}-7c61b23d`)).toBe(false);
    expect(isRequestId('REQ#req-mx59jkmn-7c61b23d')).toBe(false);
    expect(isRequestId('req-mx59jkmn-7c61b23d ')).toBe(false);
  });
});
