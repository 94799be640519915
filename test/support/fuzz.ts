/**
 * A small seeded fuzzer for the HTTP doors: a seed gives the same sequence of requests every time
 * (given the same corpus of real request ids, tokens and user ids, which the caller supplies).
 *
 * It produces hostile input of every kind a public endpoint meets: wrong JSON types, huge strings
 * (past the 64 KiB body limit too), unicode (RTL and zero-width marks, emoji, lone surrogates as
 * JSON escapes), control characters, invalid JSON, wrong content types and charsets, form bodies,
 * path segments of extreme length and odd characters, header oddities, and above all mutations of
 * valid payloads (a valid REST turn, slash command, block_actions, view_submission or
 * event_callback with one field replaced or deleted): those reach far deeper than pure noise.
 *
 * Slack requests are not signed here: a case says how it should be signed (`slack.sign`) and the
 * sender signs it with the current time when it goes out.
 */

import { createServer } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';

/** mulberry32: a tiny, fast, well-distributed 32-bit PRNG. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Rng {
  private readonly next: () => number;
  constructor(readonly seed: number) {
    this.next = mulberry32(seed);
  }
  float(): number {
    return this.next();
  }
  /** 0 <= n < max */
  int(max: number): number {
    return Math.floor(this.next() * max);
  }
  /** min <= n <= max */
  range(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  weighted<T>(items: ReadonlyArray<readonly [number, T]>): T {
    const total = items.reduce((s, [w]) => s + w, 0);
    let r = this.next() * total;
    for (const [w, v] of items) {
      r -= w;
      if (r < 0) return v;
    }
    return items[items.length - 1][1];
  }
}

// ---------------------------------------------------------------------------------------------
// Hostile values

/** Characters that break naive code: RTL and zero-width marks, emoji, combining marks, lone surrogates, controls. */
export const ODD_CHARS = [
  '\u202e',
  '\u200f',
  '\u200b',
  '\u200d',
  '\ufeff',
  '\u2060',
  '\u00ad',
  '\u2028',
  '\u2029',
  '👩‍💻',
  '🏳️‍🌈',
  '🇺🇳',
  'e\u0301',
  'Z̷̢̛a̶l̸g̴o',
  'İ',
  'ß',
  'ﬀ',
  'مرحبا',
  'שלום',
  '日本語',
  'Ω',
  '\ud800',
  '\udfff',
  '\udbff\udbff',
  '\uffff',
  '\ufffd',
  '\u0000',
  '\u0001',
  '\u0007',
  '\b',
  '\t',
  '\n',
  '\r',
  '\r\n',
  '\u000b',
  '\f',
  '\u001b[31m',
  '\u007f',
  '\u0085',
  '"',
  "'",
  '\\',
  '`',
  '<',
  '>',
  '&',
  '%',
  '%00',
  '%zz',
  '/',
  '..',
  '?',
  '#',
  '{',
  '}',
  '$',
  '*',
  ';',
  ',',
  '|',
  '@',
  '=',
  '+',
];

const SPECIAL_STRINGS = [
  '',
  ' ',
  '   \t\n ',
  '\u200b',
  '\u200b\u200b\ufeff',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '0',
  '-1',
  '1e309',
  'true',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'; DROP TABLE requests; --",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe; the literal text is the input under test
  '${7*7}',
  '{{7*7}}',
  '%s%s%n',
  '../../../../etc/passwd',
  '..\\..\\windows',
  'C:\\con',
  '/dev/null',
  'file:///etc/passwd',
  'http://169.254.169.254/latest',
  'req-',
  'req-0-00000000',
  'req-zzzzzzzzzzzz-ffffffff',
  'REQ#req-1-2',
  'EMAIL#a@example.com',
  'SLOTS',
  'a@b',
  'user@example.com',
  'team-aws@example.com',
  'fail-test@example.com',
  `${'x'.repeat(60)}@example.com`,
  'a@b.c',
  'a..b@example.com',
  'a@-x.com',
  'yes',
  'no',
  'help',
  'status',
  'Sandbox',
  'Production',
  'production',
  'Demos',
  'Experiment',
  'Demos (ou-abcd-12345678)',
  'Demos (ou-zzzz-00000000)',
  'Hi, I would like a new account please!',
  'a sandbox account in Demos for team-aws@example.com',
  'new account',
  '<@UBOT0001>',
  '<@UBOT0001|vendingbot> help',
  '<!channel>',
  '*bold* _it_ ~st~',
  '```code```',
  'approve_request',
  'deny_request',
  'vend_account_modal',
  'deny_reason_modal',
];

const HUGE_LENGTHS = [256, 1001, 3001, 4001, 10_000, 65_536, 70 * 1024];

/** A random short string mixing ASCII, odd characters and controls. */
export function noiseString(rng: Rng, maxLen = 40): string {
  const len = rng.int(maxLen + 1);
  let s = '';
  for (let i = 0; i < len; i++) {
    s += rng.chance(0.6)
      ? String.fromCharCode(rng.range(0x20, 0x7e))
      : rng.chance(0.8)
        ? rng.pick(ODD_CHARS)
        : String.fromCharCode(rng.int(0x10000));
  }
  return s;
}

export function hugeString(rng: Rng): string {
  const len = rng.pick(HUGE_LENGTHS);
  const unit = rng.pick(['x', 'é', '😀', '\u200b', 'ab ', '\ud800', '"', '\\', '%']);
  return unit.repeat(Math.ceil(len / unit.length)).slice(0, len);
}

/** `s` with an odd character or two put in at random places. */
export function sprinkle(rng: Rng, s: string): string {
  let out = s;
  for (let n = rng.range(1, 3); n > 0; n--) {
    const at = rng.int(out.length + 1);
    out = out.slice(0, at) + rng.pick(ODD_CHARS) + out.slice(at);
  }
  return out;
}

export function hostileString(rng: Rng, like?: string): string {
  return rng.weighted<() => string>([
    [4, () => rng.pick(SPECIAL_STRINGS)],
    [3, () => noiseString(rng)],
    [1, () => hugeString(rng)],
    [3, () => sprinkle(rng, like ?? rng.pick(SPECIAL_STRINGS))],
    [1, () => (like ?? 'x').repeat(rng.range(2, 200))],
    [1, () => ` ${like ?? ''} `],
  ])();
}

/** A value of a random JSON type: null, booleans, odd numbers, arrays, nested objects, hostile strings. */
export function hostileValue(rng: Rng, depth = 0, like?: string): unknown {
  return rng.weighted<() => unknown>([
    [3, () => null],
    [1, () => rng.chance(0.5)],
    [2, () => rng.pick([0, -1, 1, 1.5, -0, 1e308, -1e308, 2 ** 53 + 1, 4294967296, 1e-320])],
    [5, () => hostileString(rng, like)],
    [2, () => (depth > 2 ? [] : Array.from({ length: rng.int(4) }, () => hostileValue(rng, depth + 1)))],
    [
      2,
      () =>
        depth > 2
          ? {}
          : Object.fromEntries(
              Array.from({ length: rng.int(4) }, () => [
                rng.pick(['id', 'value', 'type', 'text', '__proto__', 'constructor', noiseString(rng, 8)]),
                hostileValue(rng, depth + 1),
              ]),
            ),
    ],
    [1, () => deepNest(rng.pick([20, 200, 2000]), rng.chance(0.5))],
    [1, () => (like !== undefined ? [like] : [])],
    [1, () => (like !== undefined ? { value: like } : {})],
  ])();
}

function deepNest(depth: number, arrays: boolean): unknown {
  let v: unknown = 'deep';
  for (let i = 0; i < depth; i++) v = arrays ? [v] : { a: v };
  return v;
}

// ---------------------------------------------------------------------------------------------
// Mutation of valid shapes

type Path = Array<string | number>;

/** The paths into a value, down to a few levels (payloads are shallow; a deep nest from an earlier mutation is not walked). */
function pathsOf(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  if (value && typeof value === 'object' && prefix.length < 6) {
    for (const [k, v] of Object.entries(value)) {
      const p = [...prefix, Array.isArray(value) ? Number(k) : k];
      out.push(p);
      pathsOf(v, p, out);
    }
  }
  return out;
}

function getAt(root: unknown, path: Path): unknown {
  return path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)?.[k], root);
}

/**
 * The valid value with one field (sometimes two or three) replaced by a hostile value or deleted,
 * or an unknown field added. The original is not modified.
 */
export function mutate<T>(rng: Rng, valid: T): unknown {
  const copy = structuredClone(valid) as unknown;
  if (rng.chance(0.03)) return hostileValue(rng);
  const times = rng.weighted([
    [8, 1],
    [2, 2],
    [1, 3],
  ] as const);
  for (let i = 0; i < times; i++) {
    const paths = pathsOf(copy);
    if (paths.length === 0) break;
    const path = rng.pick(paths);
    const parent = (path.length === 1 ? copy : getAt(copy, path.slice(0, -1))) as Record<string | number, unknown>;
    if (!parent || typeof parent !== 'object') continue;
    const key = path[path.length - 1];
    const old = parent[key];
    const op = rng.weighted([
      [3, 'delete'],
      [6, 'replace'],
      [1, 'add'],
    ] as const);
    if (op === 'delete') {
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
    } else if (op === 'replace') {
      parent[key] = hostileValue(rng, 0, typeof old === 'string' ? old : undefined);
    } else {
      // defineProperty: an own "__proto__" key, as JSON.parse makes it, not a prototype change.
      const added = rng.pick(['extra', '__proto__', 'type', 'event', 'actions', 'view', 'command', 'name', noiseString(rng, 10)]);
      Object.defineProperty(parent, added, { value: hostileValue(rng), enumerable: true, configurable: true, writable: true });
    }
  }
  return copy;
}

// ---------------------------------------------------------------------------------------------
// Encodings

/** JSON text that is not valid JSON, or valid JSON of the wrong kind. */
export function badJson(rng: Rng, valid?: string): string {
  const v = valid ?? '{"a":1}';
  return rng.pick<() => string>([
    () => v.slice(0, rng.int(v.length)),
    () => `${v},`,
    () => `${v}${v}`,
    () => v.replace(/"/g, "'"),
    () => `\ufeff${v}`,
    () => v.replace(/:/, ': NaN, "x":'),
    () => '{"UserEmail": ',
    () => '{',
    () => '}',
    () => 'null',
    () => '[]',
    () => '[1,2,3]',
    () => '"a string"',
    () => '42',
    () => 'true',
    () => '{"a":"\\ud800"}',
    () => '{"a":"\\u0000\\u001f\\uDFFF"}',
    () => '{"__proto__":{"polluted":true}}',
    () => '{"constructor":{"prototype":{"polluted":true}}}',
    () => '['.repeat(5000) + ']'.repeat(5000),
    () => `${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`,
    () => `{"a":"${'x'.repeat(70 * 1024)}"}`,
    () => '{"a":1,"a":2}',
    () => '\u0000',
    () => '',
    () => ' ',
    () => noiseString(rng, 200),
  ])();
}

/** Form-encodes an object as Slack does (x-www-form-urlencoded); nested values become JSON, some keys repeat. */
export function formEncode(rng: Rng, fields: unknown): string {
  if (!fields || typeof fields !== 'object' || Array.isArray(fields))
    return new URLSearchParams({ payload: JSON.stringify(fields) ?? '' }).toString();
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(fields as Record<string, unknown>)) {
    const s = typeof v === 'string' ? v : (JSON.stringify(v) ?? '');
    params.append(k, s);
    if (rng.chance(0.02)) params.append(k, s); // repeated key: querystring makes it an array
  }
  return params.toString();
}

/** Percent-encodes as a browser does (lone surrogates become U+FFFD first). */
export function pctEncode(s: string): string {
  return encodeURIComponent((s as string & { toWellFormed(): string }).toWellFormed());
}

/** Characters Node's HTTP client sends raw in a path (0x21-0xff): odd but legal on the wire. */
const RAW_PATH_CHARS = [
  '%',
  '%zz',
  '%ED%A0%80',
  '%C0%AF',
  '%00',
  '%2F',
  '%2e%2e',
  '..',
  ';',
  ',',
  '!',
  "'",
  '(',
  ')',
  '*',
  '@',
  '~',
  '[',
  ']',
  '\u00e9',
  '\u00ff',
  '\\',
  '"',
  '<',
  '>',
  '{',
  '}',
  '|',
  '^',
  '`',
  '&',
  '=',
  '+',
  '$',
  ':',
];

/** A path segment: encoded hostile text, raw odd characters, or extreme length (2045 and past the 16 KiB header limit). */
export function hostileSegment(rng: Rng, like?: string): string {
  return rng.weighted<() => string>([
    [4, () => pctEncode(hostileString(rng, like))],
    [
      2,
      () =>
        Array.from({ length: rng.range(1, 8) }, () =>
          rng.chance(0.5) ? rng.pick(RAW_PATH_CHARS) : String.fromCharCode(rng.range(0x30, 0x7a)),
        ).join(''),
    ],
    [2, () => 'x'.repeat(rng.pick([255, 256, 1024, 2045, 2049, 8000]))],
    [1, () => 'a'.repeat(rng.pick([17_000, 70_000]))],
    [1, () => pctEncode('é'.repeat(rng.pick([300, 1100])))],
    [2, () => (like ? pctEncode(sprinkle(rng, like)) : 'x')],
    [1, () => (like ? `${like}${rng.pick(['/', '/..', '%2F', '.json', '?x=1', '#frag', '%00', ';jsessionid=1'])}` : '%')],
  ])();
}

// ---------------------------------------------------------------------------------------------
// Valid shapes

export interface FuzzCorpus {
  /** Ids of requests that exist. */
  requestIds: string[];
  /** Valid approval tokens (some for approvers, some for strangers). */
  tokens: string[];
  /** Slack users the fake Web API knows, and who are approvers. */
  slackUsers: string[];
  /** Requester e-mails used on REST. */
  emails: string[];
}

const PHRASES = [
  'Hi, I would like a new account please!',
  'new account',
  'Sandbox',
  'Production',
  'team-aws@example.com',
  'Demos',
  'Experiment',
  'yes',
  'no',
  'status',
  'help',
  'a sandbox account in Demos for team-aws@example.com',
  'I need a production account in Experiment for prod-team@example.com',
  'cancel',
];

const stamp = (rng: Rng) => `${1_700_000_000 + rng.int(100_000_000)}.${String(rng.int(1_000_000)).padStart(6, '0')}`;
const rid = (rng: Rng, c: FuzzCorpus) =>
  c.requestIds.length && rng.chance(0.8) ? rng.pick(c.requestIds) : rng.pick(['req-nope', 'req-0-00000000', '', 'x'.repeat(2045)]);
const slackUser = (rng: Rng, c: FuzzCorpus) =>
  rng.chance(0.9) ? rng.pick(c.slackUsers) : rng.pick(['UNOBODY', 'U0', 'W123ENTERPRISE', 'UBOT0001']);
const userObj = (id: string) => ({ id, username: id.toLowerCase(), name: id.toLowerCase(), team_id: 'T0001' });

export function validRestTurn(rng: Rng, c: FuzzCorpus) {
  return {
    UserEmail: rng.pick(c.emails),
    UserName: rng.pick(['Jane', 'Omar', 'Li']),
    UserLastname: rng.pick(['Doe', 'Haddad', 'Wei']),
    UserInput: rng.pick(PHRASES),
  };
}

export function validSlashCommand(rng: Rng, c: FuzzCorpus): Record<string, unknown> {
  const user = slackUser(rng, c);
  return {
    token: 'deprecated-verification-token',
    team_id: 'T0001',
    team_domain: 'acme',
    channel_id: rng.pick(['C0GENERAL', 'D0DM', 'C0APPROVALS']),
    channel_name: 'general',
    user_id: user,
    user_name: user.toLowerCase(),
    command: '/vend-account',
    text: rng.pick(['', '', 'help', 'status', ...PHRASES]),
    api_app_id: 'A0001',
    is_enterprise_install: 'false',
    response_url: 'https://slack.test/commands/T0001/1/abc',
    trigger_id: `trigger-${rng.int(1e9)}`,
  };
}

export function validBlockActions(rng: Rng, c: FuzzCorpus): Record<string, unknown> {
  const user = slackUser(rng, c);
  const actionId = rng.weighted([
    [4, 'approve_request'],
    [4, 'deny_request'],
    [2, 'open_vend_modal'],
    [1, 'something_else'],
  ] as const);
  const value = rid(rng, c);
  const home = rng.chance(0.3);
  const ts = stamp(rng);
  return {
    type: 'block_actions',
    user: userObj(user),
    api_app_id: 'A0001',
    token: 'deprecated-verification-token',
    container: home
      ? { type: 'view', view_id: 'V0HOME' }
      : { type: 'message', message_ts: ts, channel_id: 'C0APPROVALS', is_ephemeral: false },
    trigger_id: `trigger-${rng.int(1e9)}`,
    team: { id: 'T0001', domain: 'acme' },
    ...(home
      ? { view: { id: 'V0HOME', type: 'home', team_id: 'T0001' } }
      : { channel: { id: 'C0APPROVALS', name: 'aws-approvals' }, message: { type: 'message', ts, text: 'AWS account request' } }),
    response_url: 'https://slack.test/actions/T0001/1/xyz',
    actions: [
      {
        action_id: actionId,
        block_id: `decide:${value}`,
        text: { type: 'plain_text', text: actionId },
        value,
        type: 'button',
        action_ts: stamp(rng),
      },
    ],
  };
}

export function validViewSubmission(rng: Rng, c: FuzzCorpus): Record<string, unknown> {
  const user = slackUser(rng, c);
  const deny = rng.chance(0.5);
  const v = (value: string) => ({ value: { type: 'plain_text_input', value } });
  const sel = (value: string) => ({
    value: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: value }, value } },
  });
  const values = deny
    ? { reason: v(rng.pick(['No budget', 'Use the team sandbox', '', ' '])) }
    : {
        accountName: v(`fuzz-${rng.int(1e6)}`),
        accountType: sel(rng.pick(['Sandbox', 'Production'])),
        accountEmail: { value: { type: 'email_text_input', value: `fuzz-${rng.int(1e6)}@example.com` } },
        accountOU: sel(rng.pick(['Experiment', 'Demos (ou-abcd-12345678)'])),
        reason: v('fuzzing'),
      };
  return {
    type: rng.chance(0.9) ? 'view_submission' : 'view_closed',
    team: { id: 'T0001', domain: 'acme' },
    user: userObj(user),
    api_app_id: 'A0001',
    token: 'deprecated-verification-token',
    trigger_id: `trigger-${rng.int(1e9)}`,
    view: {
      id: 'V0001',
      team_id: 'T0001',
      type: 'modal',
      callback_id: deny ? 'deny_reason_modal' : 'vend_account_modal',
      private_metadata: deny ? JSON.stringify({ requestId: rid(rng, c), home: rng.chance(0.3) }) : '',
      state: { values },
      hash: '1700000000.abc',
      title: { type: 'plain_text', text: 'Modal' },
    },
    response_urls: [],
  };
}

export function validEventCallback(rng: Rng, c: FuzzCorpus): Record<string, unknown> {
  const user = slackUser(rng, c);
  const ts = stamp(rng);
  const event = rng.weighted<() => Record<string, unknown>>([
    [4, () => ({ type: 'message', channel_type: 'im', channel: `D${user.slice(1)}`, user, text: rng.pick(PHRASES), ts })],
    [
      3,
      () => ({
        type: 'app_mention',
        user,
        text: `<@UBOT0001> ${rng.pick(PHRASES)}`,
        channel: 'C0GENERAL',
        ts,
        ...(rng.chance(0.3) ? { thread_ts: stamp(rng) } : {}),
      }),
    ],
    [2, () => ({ type: 'app_home_opened', user, channel: `D${user.slice(1)}`, tab: rng.pick(['home', 'messages']) })],
    [1, () => ({ type: 'message', subtype: 'message_changed', channel_type: 'im', channel: 'D0X', ts })],
    [1, () => ({ type: 'reaction_added', user, reaction: 'tada', item: { type: 'message', channel: 'C0GENERAL', ts } })],
    [1, () => ({ type: 'team_join', user: userObj(user) })],
  ])();
  return {
    token: 'deprecated-verification-token',
    team_id: 'T0001',
    api_app_id: 'A0001',
    event: { event_ts: ts, ...event },
    type: 'event_callback',
    // Unique per case (a redelivered id is skipped, which would hide the listener).
    event_id: `EvFUZZ${rng.int(2 ** 31).toString(36)}${rng.int(2 ** 31).toString(36)}`,
    event_time: 1_700_000_000,
    authorizations: [{ enterprise_id: null, team_id: 'T0001', user_id: 'UBOT0001', is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  };
}

/** Payload kinds Bolt knows but the bot has no listener for (and a few it does not know at all). */
export function validOtherPayload(rng: Rng, c: FuzzCorpus): Record<string, unknown> {
  const user = userObj(slackUser(rng, c));
  return rng.pick<() => Record<string, unknown>>([
    () => ({ type: 'url_verification', token: 't', challenge: noiseString(rng, 20) }),
    () => ({ type: 'shortcut', callback_id: 'vend', trigger_id: 't1', user, team: { id: 'T0001' } }),
    () => ({
      type: 'message_action',
      callback_id: 'vend',
      trigger_id: 't1',
      user,
      team: { id: 'T0001' },
      channel: { id: 'C0GENERAL' },
      message: { ts: stamp(rng), text: 'x' },
    }),
    () => ({ type: 'block_suggestion', action_id: 'pick', block_id: 'b', value: 'a', user, team: { id: 'T0001' } }),
    () => ({
      type: 'interactive_message',
      callback_id: 'legacy',
      actions: [{ name: 'a', value: 'b', type: 'button' }],
      user,
      team: { id: 'T0001' },
      channel: { id: 'C0GENERAL' },
    }),
    () => ({
      type: 'dialog_submission',
      callback_id: 'legacy',
      submission: { a: 'b' },
      user,
      team: { id: 'T0001' },
      channel: { id: 'C0GENERAL' },
    }),
    () => ({ type: 'app_rate_limited', token: 't', team_id: 'T0001', minute_rate_limited: 1518467820, api_app_id: 'A0001' }),
    () => ({ type: 'something_new', user }),
  ])();
}

// ---------------------------------------------------------------------------------------------
// Requests

export type SlackSigning = 'good' | 'none' | 'forged' | 'stale' | 'future' | 'garbage-timestamp' | 'garbage-signature';

export interface FuzzCase {
  /** The route it aims at, for counting, e.g. "POST /account". */
  route: string;
  method: string;
  /** Raw request target (already percent-encoded where it should be). */
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** Set for POST /slack/events: how to sign it when it is sent. */
  slack?: { sign: SlackSigning };
  /** Whether the route answers its errors in JSON (then a 4xx must carry an `error`). */
  json: boolean;
}

const JSON_CT = 'application/json';
const FORM_CT = 'application/x-www-form-urlencoded';

/** Content types and header oddities. `ct` is what the body really is. */
function headersFor(rng: Rng, ct: string | undefined, odd = 0.25): Record<string, string> {
  const h: Record<string, string> = {};
  if (ct) h['content-type'] = ct;
  if (!rng.chance(odd)) return h;
  const kind = rng.int(13);
  switch (kind) {
    case 0:
      delete h['content-type'];
      break;
    case 1:
      h['content-type'] = `${ct ?? JSON_CT}; charset=latin1`;
      break;
    case 2:
      h['content-type'] = rng.pick([
        'text/plain',
        'application/xml',
        'multipart/form-data; boundary=--x',
        'application/octet-stream',
        'text/html; charset=utf-8',
      ]);
      break;
    case 3:
      h['content-type'] = rng.pick([JSON_CT, FORM_CT].filter((t) => t !== ct));
      break;
    case 4:
      h['content-type'] = rng.pick([
        ';;=;',
        'application/json; charset=',
        'application/json; charset=utf-16',
        'application/json;charset="utf-8"',
        'APPLICATION/JSON',
        '*/*',
        'a'.repeat(300),
        `${ct ?? JSON_CT}; foo=bar; foo=baz`,
      ]);
      break;
    case 5:
      h['x-api-key'] = rng.pick(['', 'garbage', 'x'.repeat(5000), '\u00e9\u00ff', 'k3y-for-portals ', 'null']);
      break;
    case 6:
      h['content-encoding'] = rng.pick(['gzip', 'deflate', 'br', 'identity', 'x-unknown', 'gzip, gzip']);
      break;
    case 7:
      h.accept = rng.pick(['text/html', 'application/xml', '*/*;q=abc', '', 'x'.repeat(2000)]);
      break;
    case 8:
      h['x-forwarded-for'] = rng.pick(['not-an-ip', '999.999.1.1, ::1', ', , ,', '1.2.3.4'.repeat(500)]);
      break;
    case 9:
      h['x-request-id'] = rng.pick(['', 'x'.repeat(4000), '\u00e9\u00e9', '../../', 'a, b']);
      break;
    case 10:
      h['x-junk'] = 'j'.repeat(rng.pick([100, 8_000, 15_000]));
      break;
    case 11:
      h['x-slack-retry-num'] = rng.pick(['1', 'abc', '-1', '99999999999999999999']);
      h['x-slack-retry-reason'] = rng.pick(['http_timeout', '', 'x'.repeat(300)]);
      break;
    default:
      h['transfer-encoding'] = 'chunked';
  }
  return h;
}

function restAccount(rng: Rng, c: FuzzCorpus): FuzzCase {
  const valid = validRestTurn(rng, c);
  const body = rng.weighted<() => string>([
    [2, () => JSON.stringify(valid)],
    [10, () => JSON.stringify(mutate(rng, valid)) ?? ''],
    [2, () => badJson(rng, JSON.stringify(valid))],
    [1, () => formEncode(rng, valid)],
    [1, () => JSON.stringify({ ...valid, UserInput: hugeString(rng) })],
  ])();
  return {
    route: 'POST /account',
    method: 'POST',
    path: rng.chance(0.05) ? rng.pick(['/ACCOUNT', '/account/', '/account?x=1', '/account;x']) : '/account',
    headers: headersFor(rng, JSON_CT),
    body,
    json: true,
  };
}

function getRequest(rng: Rng, c: FuzzCorpus): FuzzCase {
  const id =
    c.requestIds.length && rng.chance(0.25)
      ? rng.pick(c.requestIds)
      : hostileSegment(rng, c.requestIds.length ? rng.pick(c.requestIds) : 'req-x');
  const headers = headersFor(rng, undefined, 0.1);
  // A browser (Accept: text/html) gets the request page; everything else the JSON.
  return { route: 'GET /requests/:id', method: 'GET', path: `/requests/${id}`, headers, json: headers.accept !== 'text/html' };
}

function listRequests(rng: Rng, c: FuzzCorpus): FuzzCase {
  const email = rng.chance(0.3) ? rng.pick(c.emails) : hostileString(rng, rng.pick(c.emails));
  const query = rng.weighted<() => string>([
    [6, () => `email=${pctEncode(email)}`],
    [1, () => `email=${pctEncode(email)}&email=${pctEncode(rng.pick(c.emails))}`],
    [1, () => `email[]=${pctEncode(email)}`],
    [1, () => `email[a][b]=${pctEncode(email)}`],
    [1, () => ''],
    [1, () => 'email'],
    [1, () => `email=${rng.pick(RAW_PATH_CHARS)}`],
    [1, () => `${pctEncode(noiseString(rng, 10))}=${pctEncode(noiseString(rng, 10))}`],
    [1, () => `email=${'a'.repeat(rng.pick([100, 3000, 17_000]))}%40example.com`],
  ])();
  return { route: 'GET /requests?email=', method: 'GET', path: `/requests?${query}`, headers: headersFor(rng, undefined, 0.1), json: true };
}

/** A token from the corpus, tampered with or not, or made up. */
function token(rng: Rng, c: FuzzCorpus): string {
  const real = c.tokens.length ? rng.pick(c.tokens) : 'a.b';
  const [payload, mac] = real.split('.');
  const flip = (s: string) => {
    if (!s) return 'A';
    const at = rng.int(s.length);
    return s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1);
  };
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v) ?? '').toString('base64url');
  return rng.weighted<() => string>([
    [3, () => real],
    [2, () => `${flip(payload)}.${mac}`],
    [2, () => `${payload}.${flip(mac)}`],
    [1, () => real.slice(0, rng.int(real.length))],
    [1, () => `${real}.${mac}`],
    [1, () => `${payload}.`],
    [1, () => `.${mac}`],
    [1, () => `${b64(mutate(rng, { v: 1, r: c.requestIds[0] ?? 'req-x', a: 'boss@example.com', e: 9_999_999_999 }))}.${mac}`],
    [1, () => `${payload}.${c.tokens.length ? rng.pick(c.tokens).split('.')[1] : 'x'}`],
    [2, () => hostileSegment(rng, real)],
    [1, () => pctEncode(`${payload}.${mac}`)],
  ])();
}

function confirmPage(rng: Rng, c: FuzzCorpus): FuzzCase {
  return {
    route: 'GET /account/confirm/:token',
    method: 'GET',
    path: `/account/confirm/${token(rng, c)}`,
    headers: headersFor(rng, undefined, 0.1),
    json: false,
  };
}

function confirmResult(rng: Rng, c: FuzzCorpus): FuzzCase {
  return {
    route: 'GET /account/confirm/:token/result',
    method: 'GET',
    path: `/account/confirm/${token(rng, c)}/result`,
    headers: headersFor(rng, undefined, 0.1),
    json: false,
  };
}

function confirmPost(rng: Rng, c: FuzzCorpus): FuzzCase {
  const valid: Record<string, string> = rng.chance(0.5)
    ? { decision: 'approve' }
    : { decision: 'deny', reason: rng.pick(['No budget', '', 'Use the team sandbox']) };
  const form = rng.weighted<() => string>([
    [2, () => new URLSearchParams(valid).toString()],
    [6, () => formEncode(rng, mutate(rng, valid))],
    [1, () => `decision=approve&decision=deny`],
    [1, () => `decision[]=approve&reason[x]=y`],
    [1, () => `reason=${'r'.repeat(rng.pick([1001, 17_000, 70 * 1024]))}&decision=deny`],
    [1, () => badJson(rng)],
    [1, () => pctEncode(noiseString(rng, 50))],
    [1, () => '%%%=%%%&=&&=='],
  ])();
  return {
    route: 'POST /account/confirm/:token',
    method: 'POST',
    path: `/account/confirm/${token(rng, c)}`,
    headers: headersFor(rng, FORM_CT),
    body: form,
    json: false,
  };
}

function slackEvents(rng: Rng, c: FuzzCorpus, signed: boolean): FuzzCase {
  const kind = rng.weighted([
    [3, 'command'],
    [3, 'actions'],
    [3, 'view'],
    [3, 'event'],
    [1, 'other'],
    [1, 'noise'],
  ] as const);
  const pristine = rng.chance(0.15);
  let body: string;
  let ct: string;
  const maybeMutate = (v: Record<string, unknown>) => (pristine ? v : mutate(rng, v));
  if (kind === 'command') {
    const fields = maybeMutate(validSlashCommand(rng, c));
    body = formEncode(rng, fields);
    ct = FORM_CT;
  } else if (kind === 'event') {
    const v = maybeMutate(validEventCallback(rng, c));
    body = rng.chance(0.05) ? badJson(rng, JSON.stringify(v)) : (JSON.stringify(v) ?? 'null');
    ct = JSON_CT;
  } else if (kind === 'noise') {
    ct = rng.pick([JSON_CT, FORM_CT]);
    body = rng.pick<() => string>([
      () => badJson(rng),
      () => `payload=${pctEncode(badJson(rng))}`,
      () => 'payload=',
      () => 'payload=null',
      () => `payload=${pctEncode(JSON.stringify(hostileValue(rng)) ?? '')}`,
      () => 'ssl_check=1&token=x',
      () => formEncode(rng, { command: hostileValue(rng), user_id: hostileValue(rng) }),
      () => JSON.stringify(hostileValue(rng)) ?? 'null',
      () => '',
    ])();
  } else {
    const valid =
      kind === 'actions' ? validBlockActions(rng, c) : kind === 'view' ? validViewSubmission(rng, c) : validOtherPayload(rng, c);
    const payload = maybeMutate(valid);
    // The deny modal's metadata is JSON in a string: mutate inside it too.
    if (!pristine && kind === 'view' && rng.chance(0.3)) {
      const view = (payload as { view?: { private_metadata?: unknown } }).view;
      if (view && typeof view === 'object') {
        view.private_metadata = rng.pick([
          () => JSON.stringify(mutate(rng, { requestId: rid(rng, c), home: false })),
          () => badJson(rng),
          () => hostileString(rng),
        ])();
      }
    }
    if (rng.chance(0.85)) {
      body = rng.chance(0.05)
        ? `payload=${pctEncode(badJson(rng, JSON.stringify(payload)))}`
        : new URLSearchParams({ payload: JSON.stringify(payload) ?? 'null' }).toString();
      ct = FORM_CT;
    } else {
      body = JSON.stringify(payload) ?? 'null';
      ct = JSON_CT;
    }
  }
  const sign: SlackSigning = signed
    ? 'good'
    : rng.pick(['none', 'forged', 'stale', 'future', 'garbage-timestamp', 'garbage-signature'] as const);
  // Signed bodies keep their real content type most of the time, so they reach the listeners.
  const headers = headersFor(rng, ct, signed ? 0.08 : 0.3);
  const path = rng.chance(0.02) ? rng.pick(['/slack/events/', '/SLACK/EVENTS', '/slack/events?x=1']) : '/slack/events';
  return {
    route: `POST /slack/events (${signed ? 'signed' : 'unsigned'})`,
    method: 'POST',
    path,
    headers,
    body,
    slack: { sign },
    json: true,
  };
}

function simpleGet(rng: Rng, route: string, paths: readonly string[], json: boolean): FuzzCase {
  return { route, method: 'GET', path: rng.pick(paths), headers: headersFor(rng, undefined, 0.15), json };
}

const UNKNOWN_PATHS = [
  '/nope',
  '/account/',
  '/requests/',
  '/requests/a/b',
  '/account/confirm',
  '/account/confirm/',
  '/account/confirm/a/b/c',
  '/slack',
  '/slack/events/x',
  '/slack/install',
  '/slack/oauth_redirect',
  '/.env',
  '/.git/config',
  '/%2e%2e/%2e%2e/etc/passwd',
  '/..%2f..%2fetc%2fpasswd',
  '/app.js/..',
  '/style.css%00',
  '//',
  '///requests',
  '/index.html/',
  '/public/app.js',
  '/wp-login.php',
  '/api/v1/account',
  '/%',
  '/%zz',
  '/%ED%A0%80',
  '/%C0%AE%C0%AE/',
  '/\u00e9',
  '/;',
  '/*',
  '/healthz/',
  '/healthz.json',
  '/outbox/1',
];

function unknownRoute(rng: Rng): FuzzCase {
  const path = rng.chance(0.7) ? rng.pick(UNKNOWN_PATHS) : `/${hostileSegment(rng)}${rng.chance(0.3) ? `/${hostileSegment(rng)}` : ''}`;
  const method = rng.pick(['GET', 'POST', 'GET', 'HEAD']);
  return {
    route: 'unknown routes',
    method,
    path,
    headers: headersFor(rng, method === 'POST' ? JSON_CT : undefined),
    body: method === 'POST' ? badJson(rng) : undefined,
    json: true,
  };
}

const KNOWN_PATHS = [
  '/account',
  '/requests/req-0-00000000',
  '/requests?email=a%40example.com',
  '/account/confirm/a.b',
  '/account/confirm/a.b/result',
  '/outbox',
  '/',
  '/index.html',
  '/healthz',
  '/slack/events',
  '/app.js',
  '/style.css',
];

function oddMethod(rng: Rng, c: FuzzCorpus): FuzzCase {
  const method = rng.pick(['PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND', 'SEARCH', 'PURGE', 'LOCK']);
  let path = rng.pick(KNOWN_PATHS);
  if (c.requestIds.length && rng.chance(0.2)) path = `/requests/${rng.pick(c.requestIds)}`;
  if (c.tokens.length && rng.chance(0.1)) path = `/account/confirm/${rng.pick(c.tokens)}`;
  const withBody = method !== 'HEAD' && method !== 'TRACE' && rng.chance(0.6);
  const body = withBody ? (rng.chance(0.5) ? (JSON.stringify(mutate(rng, validRestTurn(rng, c))) ?? '') : badJson(rng)) : undefined;
  return { route: 'odd methods', method, path, headers: headersFor(rng, withBody ? JSON_CT : undefined), body, json: true };
}

/** A JSON body for an action route: valid, mutated, broken or form-encoded. */
function actionBody(rng: Rng, valid: Record<string, unknown>): string {
  return rng.weighted<() => string>([
    [2, () => JSON.stringify(valid)],
    [8, () => JSON.stringify(mutate(rng, valid)) ?? ''],
    [2, () => badJson(rng, JSON.stringify(valid))],
    [1, () => formEncode(rng, valid)],
    [1, () => ''],
  ])();
}

/** Cancel and retry of requests that exist or not, by their requester or anyone. */
function requestAction(rng: Rng, c: FuzzCorpus): FuzzCase {
  const id =
    c.requestIds.length && rng.chance(0.5)
      ? rng.pick(c.requestIds)
      : hostileSegment(rng, rng.pick(c.requestIds.length ? c.requestIds : ['req-x']));
  const valid = { UserEmail: rng.pick(c.emails), ...(rng.chance(0.3) ? { accountEmail: rng.pick(c.emails), ou: 'Demos' } : {}) };
  return {
    route: 'POST /requests/:id/cancel|retry',
    method: 'POST',
    path: `/requests/${id}/${rng.pick(['cancel', 'retry'])}`,
    headers: headersFor(rng, JSON_CT),
    body: actionBody(rng, valid),
    json: true,
  };
}

/** The accounts routes: list, show, and move, close, extend of accounts the bot did or did not vend. */
function accountRoute(rng: Rng, c: FuzzCorpus): FuzzCase {
  const id = rng.chance(0.4) ? String(rng.int(1e12)).padStart(12, '0') : hostileSegment(rng, '123456789012');
  const email = rng.pick(c.emails);
  if (rng.chance(0.4)) {
    const path = rng.chance(0.5)
      ? `/accounts/${id}`
      : `/accounts?email=${rng.chance(0.5) ? pctEncode(email) : pctEncode(hostileString(rng, email))}`;
    return { route: 'accounts routes', method: 'GET', path, headers: headersFor(rng, undefined, 0.1), json: true };
  }
  const valid = { UserEmail: email, UserName: 'Fuzz', UserLastname: 'Tester', reason: 'fuzzing', ou: 'Experiment', days: rng.int(400) };
  return {
    route: 'accounts routes',
    method: 'POST',
    path: `/accounts/${id}/${rng.pick(['move', 'close', 'extend'])}`,
    headers: headersFor(rng, JSON_CT),
    body: actionBody(rng, valid),
    json: true,
  };
}

/** The product routes: the catalog, a product, requests with mutated parameters (the sandbox catalog's products), terminations. */
function productRoute(rng: Rng, c: FuzzCorpus): FuzzCase {
  const product = rng.chance(0.6)
    ? rng.pick(['prod-cd79omu7mhoqz', 'prod-tg8e1016xx1k5', 'prod-0by41fog5ma08'])
    : hostileSegment(rng, 'prod-cd79omu7mhoqz');
  if (rng.chance(0.3))
    return {
      route: 'product routes',
      method: 'GET',
      path: rng.chance(0.3) ? '/products' : `/products/${product}`,
      headers: headersFor(rng, undefined, 0.1),
      json: true,
    };
  const parameters = rng.pick<Record<string, unknown>>([
    { BucketSuffix: 'fuzz-logs', RetentionDays: rng.int(5000) },
    { CidrBlock: `10.${rng.int(300)}.0.0/${rng.int(40)}`, AzCount: rng.pick(['2', '3', '4', 2]) },
    { DbName: 'orders', MasterPassword: 'x'.repeat(rng.int(80)) },
    {},
  ]);
  const valid = { UserEmail: rng.pick(c.emails), UserName: 'Fuzz', UserLastname: 'Tester', parameters, reason: 'fuzzing' };
  const terminate = rng.chance(0.25);
  return {
    route: 'product routes',
    method: 'POST',
    path: terminate
      ? `/requests/${rng.chance(0.5) && c.requestIds.length ? rng.pick(c.requestIds) : 'req-x'}/terminate`
      : `/products/${product}/requests`,
    headers: headersFor(rng, JSON_CT),
    body: actionBody(rng, valid),
    json: true,
  };
}

/**
 * The routes and how often each is aimed at (per 100 cases). Signed Slack bodies and REST turns
 * that get past validation cost the app ten to thirty times what a refused request does (store
 * writes, effects, Web API calls), so they are weighted to keep a 10,000-case run near half a
 * minute on two cores.
 */
export const ROUTE_WEIGHTS: ReadonlyArray<readonly [number, (rng: Rng, c: FuzzCorpus) => FuzzCase]> = [
  [14, restAccount],
  [10, getRequest],
  [9, listRequests],
  [7, confirmPage],
  [8, confirmPost],
  [5, confirmResult],
  [1, (rng) => simpleGet(rng, 'GET /outbox', ['/outbox', '/outbox?x=1', '/OUTBOX'], false)],
  [3, (rng) => simpleGet(rng, 'GET /', ['/', '/index.html', '/app.js', '/style.css', '/?q=%00', '/index.html?%'], false)],
  [3, (rng) => simpleGet(rng, 'GET /healthz', ['/healthz', '/healthz?verbose=1', '/HEALTHZ'], true)],
  [4, requestAction],
  [5, accountRoute],
  [5, productRoute],
  [10, (rng) => unknownRoute(rng)],
  [12, oddMethod],
  [14, (rng, c) => slackEvents(rng, c, true)],
  [4, (rng, c) => slackEvents(rng, c, false)],
];

/** How many route labels the cases carry (every one appears in a run of a few hundred cases). */
export const ROUTE_COUNT = 16;

/** `count` cases from `seed`: the same seed and corpus give the same cases. `only` keeps the routes whose label matches. */
export function fuzzCases(seed: number, count: number, corpus: FuzzCorpus, only?: RegExp): FuzzCase[] {
  const rng = new Rng(seed);
  const cases: FuzzCase[] = [];
  while (cases.length < count) {
    const c = rng.weighted(ROUTE_WEIGHTS)(rng, corpus);
    if (!only || only.test(c.route)) cases.push(c);
  }
  return cases;
}

// ---------------------------------------------------------------------------------------------
// A raw HTTP/1.1 client

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * One keep-alive connection that sends a request target and headers byte for byte as given
 * (Node's http client and fetch would normalise or refuse odd paths, and nock's interceptor,
 * which patches them for the fake Slack Web API, cannot parse such URLs at all). Requests go one
 * at a time; the connection is reopened when the server closes it.
 */
export class RawConnection {
  private socket?: Socket;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  close(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }

  async request(
    req: { method: string; path: string; headers: Record<string, string>; body?: Buffer },
    timeoutMs: number,
  ): Promise<RawResponse> {
    const reused = !!this.socket && !this.socket.destroyed;
    try {
      return await this.once(req, timeoutMs);
    } catch (err) {
      // A kept-alive connection the server closed just as we reused it: once more on a fresh one.
      if (reused && (err as { noBytes?: boolean }).noBytes) return this.once(req, timeoutMs);
      throw err;
    }
  }

  private once(
    req: { method: string; path: string; headers: Record<string, string>; body?: Buffer },
    timeoutMs: number,
  ): Promise<RawResponse> {
    if (!this.socket || this.socket.destroyed) {
      this.socket = connect({ host: this.host, port: this.port });
      this.socket.setNoDelay(true);
    }
    const socket = this.socket;
    const chunked = Object.entries(req.headers).some(([k, v]) => k.toLowerCase() === 'transfer-encoding' && /chunked/i.test(v));
    const body = req.body ?? Buffer.alloc(0);
    const requestHead = [
      `${req.method} ${req.path} HTTP/1.1`,
      `host: ${this.host}:${this.port}`,
      ...Object.entries(req.headers).map(([k, v]) => `${k}: ${v}`),
    ].join('\r\n');
    const payload =
      chunked && body.length
        ? Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')])
        : chunked
          ? Buffer.from('0\r\n\r\n')
          : body;
    return new Promise<RawResponse>((resolve, reject) => {
      let buf = Buffer.alloc(0);
      let received = 0;
      let settled = false;
      const cleanup = () => {
        clearTimeout(timer);
        socket.off('data', onData);
        socket.off('end', onEnd);
        socket.off('close', onEnd);
        socket.off('error', onError);
      };
      const done = (res?: RawResponse, err?: Error) => {
        if (settled) return;
        settled = true;
        cleanup();
        if (err || !res || /close/i.test(res.headers.connection ?? '')) {
          socket.destroy();
          if (this.socket === socket) this.socket = undefined;
        }
        if (err) reject(err);
        else resolve(res!);
      };
      const fail = (message: string) => done(undefined, Object.assign(new Error(message), { noBytes: received === 0 }));
      const timer = setTimeout(() => fail(`no answer within ${timeoutMs} ms`), timeoutMs);
      // What tryParse returns once the exchange is settled, with an answer or with a failure: true.
      const answered = (res: RawResponse) => {
        done(res);
        return true;
      };
      const failed = (message: string) => {
        fail(message);
        return true;
      };
      // The head is parsed once; the body is only put together once it is complete.
      let head: { status: number; headers: Record<string, string>; length?: number; chunked: boolean } | undefined;
      const tryParse = (ended: boolean): boolean => {
        if (!head) {
          const end = buf.indexOf('\r\n\r\n');
          if (end < 0) return false;
          const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
          const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0])?.[1]);
          if (!status) return failed(`not an HTTP answer: ${lines[0].slice(0, 80)}`);
          const headers: Record<string, string> = {};
          for (const line of lines.slice(1)) {
            const i = line.indexOf(':');
            const k = line.slice(0, i).trim().toLowerCase();
            const v = line.slice(i + 1).trim();
            headers[k] = headers[k] === undefined ? v : `${headers[k]}, ${v}`;
          }
          buf = buf.subarray(end + 4);
          if (status < 200) return tryParse(ended); // 100 Continue and friends: the real answer follows
          const length = headers['content-length'] === undefined ? undefined : Number(headers['content-length']);
          head = { status, headers, length, chunked: /chunked/i.test(headers['transfer-encoding'] ?? '') };
        }
        const { status, headers } = head;
        if (req.method === 'HEAD' || status === 204 || status === 304) return answered({ status, headers, body: Buffer.alloc(0) });
        if (head.chunked) {
          if (!ended && !(buf.length >= 5 && buf.subarray(buf.length - 5).toString('latin1') === '0\r\n\r\n')) return false;
          const parts: Buffer[] = [];
          let at = 0;
          for (;;) {
            const eol = buf.indexOf('\r\n', at);
            if (eol < 0) return ended ? failed('a chunked body cut short') : false;
            const size = parseInt(buf.subarray(at, eol).toString('latin1'), 16);
            if (Number.isNaN(size)) return failed('a broken chunked body');
            if (size === 0) return answered({ status, headers, body: Buffer.concat(parts) });
            if (buf.length < eol + 2 + size + 2) return ended ? failed('a chunked body cut short') : false;
            parts.push(buf.subarray(eol + 2, eol + 2 + size));
            at = eol + 2 + size + 2;
          }
        }
        if (head.length !== undefined) {
          if (buf.length < head.length) return false;
          return answered({ status, headers, body: buf.subarray(0, head.length) });
        }
        if (!ended) return false;
        return answered({ status, headers: { ...headers, connection: 'close' }, body: buf });
      };
      const pending: Buffer[] = [];
      let pendingBytes = 0;
      const flush = () => {
        if (pending.length) buf = Buffer.concat([buf, ...pending.splice(0)]);
        pendingBytes = 0;
      };
      const onData = (d: Buffer) => {
        received += d.length;
        pending.push(d);
        pendingBytes += d.length;
        // A body of known length that is not all here yet: wait for more before putting it together.
        if (head && !head.chunked && head.length !== undefined && buf.length + pendingBytes < head.length) return;
        flush();
        tryParse(false);
      };
      const onEnd = () => {
        flush();
        if (!tryParse(true))
          fail(received ? 'the connection closed in the middle of an answer' : 'the connection closed without an answer');
      };
      // A server may answer (413, 431) and close before it read the whole body: the answer counts.
      const onError = (err: Error) => {
        flush();
        if (!tryParse(true)) fail(`the connection failed: ${err.message}`);
      };
      socket.on('data', onData);
      socket.on('end', onEnd);
      socket.on('close', onEnd);
      socket.on('error', onError);
      socket.write(Buffer.concat([Buffer.from(`${requestHead}\r\n\r\n`, 'latin1'), payload]));
    });
  }
}

// ---------------------------------------------------------------------------------------------
// The Slack Web API on a loopback port

export interface LoopbackSlack {
  /** What SLACK_API_URL should be. */
  apiUrl: string;
  /** Calls answered so far, per Web API method. */
  calls: Record<string, number>;
  close(): Promise<void>;
}

/**
 * The fake Web API of test/support/slack.ts (same users, same documented answers: users.info
 * knows only `users`, and profiles may lack an e-mail), served on a loopback port instead of
 * through nock. A fuzz run makes tens of thousands of HTTP calls (most of them the SDK's to the
 * embedded store); nock's interceptor sits in front of every one of them, which costs a third of
 * the run, so the fuzz runs with nock off and this server instead.
 */
export async function startLoopbackSlack(
  users: Record<string, { email?: string; real_name: string; first_name?: string; last_name?: string }>,
): Promise<LoopbackSlack> {
  const calls: Record<string, number> = {};
  let ts = 1_700_000_000;
  const known = new Map(Object.entries(users));
  const respond = (method: string, body: Record<string, unknown>): object => {
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://acme.slack.com/',
          team: 'Acme',
          user: 'vendingbot',
          team_id: 'T0001',
          user_id: 'UBOT0001',
          bot_id: 'B0001',
        };
      case 'users.info': {
        const id = String(body.user ?? '');
        const p = known.get(id);
        if (!p) return { ok: false, error: 'user_not_found' };
        return {
          ok: true,
          user: {
            id,
            team_id: 'T0001',
            name: p.real_name.toLowerCase().replace(/\s+/g, '.'),
            real_name: p.real_name,
            is_bot: false,
            profile: { ...p, display_name: p.real_name },
          },
        };
      }
      case 'chat.postMessage': {
        const posted = `${ts++}.000100`;
        const channel = String(body.channel ?? '');
        return {
          ok: true,
          channel: channel.startsWith('U') ? `D${channel.slice(1)}` : channel,
          ts: posted,
          message: { type: 'message', user: 'UBOT0001', text: body.text, ts: posted },
        };
      }
      case 'chat.update':
        return { ok: true, channel: body.channel, ts: body.ts, text: body.text, message: { text: body.text } };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: `${ts++}.000200` };
      case 'views.open':
      case 'views.publish':
      case 'views.update':
        return { ok: true, view: { id: 'V0001' } };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const method = /^\/api\/([\w.]+)$/.exec((req.url ?? '').split('?')[0])?.[1] ?? '(other)';
      calls[method] = (calls[method] ?? 0) + 1;
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown> = {};
      try {
        body = /json/.test(req.headers['content-type'] ?? '') ? JSON.parse(raw) : Object.fromEntries(new URLSearchParams(raw));
      } catch {
        body = {};
      }
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(respond(method, body ?? {})));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
