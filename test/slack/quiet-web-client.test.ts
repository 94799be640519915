import { ErrorCode, type FetchFunction, type Logger, LogLevel, WebClient } from '@slack/web-api';
import { QuietWebClient } from '../../app/adapters/slack/quiet-web-client';

/**
 * The Slack client path builds no debug lines while debug is off: @slack/web-api's WebClient
 * JSON-stringifies a redacted copy of each request body, its headers and each response for its
 * debug lines whatever the level; QuietWebClient does not. Counted, not timed: JSON.stringify is
 * spied on and every object it is given is recorded.
 */
const BLOCKS = [{ type: 'section', text: { type: 'mrkdwn', text: 'A *new account* request' } }];

function recordingLogger(level: LogLevel): Logger & { debugLines: string[] } {
  const debugLines: string[] = [];
  return {
    debugLines,
    debug: (...msg: unknown[]) => void debugLines.push(msg.map(String).join(' ')),
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
    setLevel: () => undefined,
    getLevel: () => level,
    setName: () => undefined,
  };
}

type Answer = { status?: number; body?: object; headers?: Record<string, string> };

/** A fetch that answers from a list (the last answer repeats) and records what it was sent. */
function fakeFetch(...answers: Answer[]) {
  const sent: Array<{ url: string; body: string }> = [];
  // Serialised up front, so that the spy below sees only the client's work.
  const texts = answers.map((a) => JSON.stringify(a.body ?? { ok: true }));
  const fetch = async (url: string | URL | Request, init?: RequestInit) => {
    sent.push({ url: String(url), body: String(init?.body) });
    const i = Math.min(sent.length - 1, answers.length - 1);
    const a = answers[i];
    return new Response(texts[i], {
      status: a.status ?? 200,
      headers: { 'content-type': 'application/json', ...a.headers },
    });
  };
  return { fetch: fetch as unknown as FetchFunction, sent };
}

/** What JSON.stringify was asked to serialise while `fn` ran. */
async function stringified(fn: () => Promise<unknown>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const original = JSON.stringify;
  const spy = jest.spyOn(JSON, 'stringify').mockImplementation((value: unknown, ...rest: unknown[]) => {
    seen.push(value);
    return (original as (...a: unknown[]) => string)(value, ...rest);
  });
  try {
    await fn();
  } finally {
    spy.mockRestore();
  }
  return seen;
}

const post = (client: WebClient) => client.chat.postMessage({ channel: 'C0APPROVE', text: 'A new account request', blocks: BLOCKS });

describe('QuietWebClient', () => {
  it('serialises nothing but the request itself while debug is off (WebClient serialises body, headers and answer for its debug lines)', async () => {
    const quietLog = recordingLogger(LogLevel.INFO);
    const quiet = new QuietWebClient('xoxb-test', {
      logger: quietLog,
      fetch: fakeFetch({ body: { ok: true, ts: '1.2', channel: 'C0APPROVE' } }).fetch,
    });
    quietLog.debugLines.length = 0; // WebClient's constructor says "initialized" (a constant)
    const quietWork = await stringified(() => post(quiet));
    // Only the blocks, serialised into the form body as Slack wants them.
    expect(quietWork).toEqual([BLOCKS]);
    expect(quietLog.debugLines).toEqual([]);

    // The same call through WebClient as it is: the spy sees the debug work this client avoids.
    const plain = new WebClient('xoxb-test', { logger: recordingLogger(LogLevel.INFO), fetch: fakeFetch({ body: { ok: true } }).fetch });
    const plainWork = await stringified(() => post(plain));
    expect(plainWork.length).toBeGreaterThanOrEqual(4);
    expect(plainWork).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ channel: 'C0APPROVE' }), // the redacted body
        expect.objectContaining({ 'User-Agent': expect.any(String) }), // the headers
        expect.objectContaining({ ok: true }), // the answer
      ]),
    );
  });

  it('takes the door logger at its word: debug on writes WebClient’s own debug lines', async () => {
    let debug = false;
    const log = recordingLogger(LogLevel.INFO);
    const client = new QuietWebClient('xoxb-test', { logger: log, fetch: fakeFetch({}).fetch, debug: () => debug });
    log.debugLines.length = 0; // WebClient's constructor says "initialized" (a constant)
    await post(client);
    expect(log.debugLines).toEqual([]);
    debug = true;
    await post(client);
    expect(log.debugLines.some((l) => l.startsWith('http request body: '))).toBe(true);
    expect(log.debugLines.join('\n')).not.toContain('xoxb-test'); // WebClient redacts the token
  });

  it('sends what WebClient sends and answers as it does', async () => {
    const quiet = fakeFetch({ body: { ok: true, ts: '1.2' } });
    const plain = fakeFetch({ body: { ok: true, ts: '1.2' } });
    const a = await post(new QuietWebClient('xoxb-test', { logger: recordingLogger(LogLevel.INFO), fetch: quiet.fetch }));
    const b = await post(new WebClient('xoxb-test', { logger: recordingLogger(LogLevel.INFO), fetch: plain.fetch }));
    expect(quiet.sent).toEqual(plain.sent);
    expect(a).toEqual(b);
  });

  it('raises the errors WebClient raises: platform errors, rate limits handed back, HTTP errors after the retries', async () => {
    const options = { logger: recordingLogger(LogLevel.INFO), retryConfig: { retries: 2, minTimeout: 1, maxTimeout: 2 } };
    const platform = new QuietWebClient('xoxb-test', {
      ...options,
      fetch: fakeFetch({ body: { ok: false, error: 'channel_not_found' } }).fetch,
    });
    await expect(post(platform)).rejects.toMatchObject({ code: ErrorCode.PlatformError, data: { error: 'channel_not_found' } });

    const limited = fakeFetch({ status: 429, headers: { 'retry-after': '7' } });
    const rejecting = new QuietWebClient('xoxb-test', { ...options, rejectRateLimitedCalls: true, fetch: limited.fetch });
    await expect(post(rejecting)).rejects.toMatchObject({ code: ErrorCode.RateLimitedError, retryAfter: 7 });
    expect(limited.sent).toHaveLength(1);

    const failing = fakeFetch({ status: 503 });
    await expect(post(new QuietWebClient('xoxb-test', { ...options, fetch: failing.fetch }))).rejects.toMatchObject({
      code: ErrorCode.HTTPError,
      statusCode: 503,
    });
    expect(failing.sent).toHaveLength(3); // the first attempt and two retries

    const flaky = fakeFetch({ status: 500 }, { body: { ok: true, ts: '9.9' } });
    await expect(post(new QuietWebClient('xoxb-test', { ...options, fetch: flaky.fetch }))).resolves.toMatchObject({ ok: true, ts: '9.9' });
  });
});
