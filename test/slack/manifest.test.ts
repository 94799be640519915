import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * slack-app-manifest.yml against the code: every event a listener handles is subscribed, every Web
 * API method the code calls has its scopes (and no scope is asked for that nothing needs), the
 * slash command exists, and every request URL is the one endpoint.
 */
const root = join(__dirname, '..', '..');
const manifest = parse(readFileSync(join(root, 'slack-app-manifest.yml'), 'utf8'));
/** The code that talks to Slack: the door, and the Slack adapter (user groups). */
const code = [join(root, 'app', 'doors', 'slack'), join(root, 'app', 'adapters', 'slack')]
  .flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => readFileSync(join(dir, f), 'utf8')),
  )
  .join('\n');

/** Scopes each Web API method needs (Slack's method reference). */
const METHOD_SCOPES: Record<string, string[]> = {
  'chat.postMessage': ['chat:write'],
  'chat.update': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'users.info': ['users:read', 'users:read.email'], // email is read from the profile
  'views.open': [],
  'views.publish': [],
  'auth.test': [], // who the bot is, asked at start and again after a failure
  'usergroups.users.list': ['usergroups:read'], // the approval policy's groups may name a Slack user group
};
/** The subscription and scopes behind each event a listener takes (message: DMs only). */
const EVENT_SUBSCRIPTIONS: Record<string, { subscription: string; scopes: string[] }> = {
  message: { subscription: 'message.im', scopes: ['im:history'] },
  app_mention: { subscription: 'app_mention', scopes: ['app_mentions:read'] },
  app_home_opened: { subscription: 'app_home_opened', scopes: [] },
};

const methods = [...new Set([...code.matchAll(/client\.(\w+(?:\.\w+)+)\(/g)].map((m) => m[1]))];
const events = [...new Set([...code.matchAll(/\.event\('(\w+)'/g)].map((m) => m[1]))];
const commands = [...new Set([...code.matchAll(/\.command\('([^']+)'/g)].map((m) => m[1]))].sort();
const scopes: string[] = manifest.oauth_config.scopes.bot;

describe('the Slack app manifest', () => {
  it('finds the listeners and calls in the code (the scan itself works)', () => {
    expect(methods.length).toBeGreaterThanOrEqual(5);
    expect(events.sort()).toEqual(['app_home_opened', 'app_mention', 'message']);
    expect(commands).toEqual(['/vend-account', '/vend-product']);
  });

  it('subscribes to every event a listener handles', () => {
    for (const e of events) {
      expect(EVENT_SUBSCRIPTIONS[e]).toBeDefined();
      expect(manifest.settings.event_subscriptions.bot_events).toContain(EVENT_SUBSCRIPTIONS[e].subscription);
    }
  });

  it('has the scopes of every Web API method the code calls', () => {
    for (const m of methods) {
      expect(METHOD_SCOPES[m]).toBeDefined(); // a new method needs its scopes listed above
      for (const s of METHOD_SCOPES[m]) expect(scopes).toContain(s);
    }
  });

  it('asks for no scope that nothing needs', () => {
    const needed = new Set([
      'commands',
      ...methods.flatMap((m) => METHOD_SCOPES[m] ?? []),
      ...events.flatMap((e) => EVENT_SUBSCRIPTIONS[e]?.scopes ?? []),
    ]);
    expect([...scopes].sort()).toEqual([...needed].sort());
  });

  it('declares the slash command, interactivity and the Home tab on the one endpoint', () => {
    expect(manifest.features.slash_commands.map((c: { command: string }) => c.command).sort()).toEqual(commands);
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    const urls = [
      ...manifest.features.slash_commands.map((c: { url: string }) => c.url),
      manifest.settings.event_subscriptions.request_url,
      manifest.settings.interactivity.request_url,
    ];
    for (const url of urls) expect(url).toBe('https://<your API>/slack/events');
  });
});
