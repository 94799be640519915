import {
  type FetchFunction,
  type Logger,
  LogLevel,
  SlackError,
  type WebAPICallResult,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  WebClient,
  WebClientEvent,
  type WebClientOptions,
} from '@slack/web-api';
import { httpFetch } from './http-fetch';

/**
 * A Web API client that does no work for debug lines nobody reads.
 *
 * @slack/web-api's WebClient builds three debug lines on every call whatever its logger's level:
 * `JSON.stringify` of a redacted deep copy of the request body (a modal's or a message's blocks),
 * of the request headers, and of the whole response (WebClient.apiCall and makeRequest, where
 * the strings are template arguments of `logger.debug`, so they are built before any logger can
 * say no). This client is that WebClient, with the same options and every method, but when its
 * logger's level is above debug it makes the call itself, without those three lines: the same
 * queue, request (URL, body serialisation, headers, timeout), rate-limit handling, retries
 * (`retryConfig`, as p-retry reads it), result parsing and errors as WebClient.makeRequest and
 * apiCall. With debug on, it is WebClient unchanged. (node_modules is not patched; the methods it
 * relies on are WebClient's own: deriveRequestUrl, serializeBody, buildResult.) Its transport is
 * node:http(s) unless a `fetch` is given (http-fetch.ts: no undici to load on a cold start).
 */
export class QuietWebClient extends WebClient {
  private readonly debugOn: () => boolean;

  constructor(token?: string, options: WebClientOptions & { debug?: () => boolean } = {}) {
    const { debug, ...rest } = options;
    // node:http(s) unless a fetch is given: the global fetch's first call loads undici (see http-fetch.ts).
    super(token, { fetch: httpFetch as unknown as FetchFunction, ...rest });
    this.debugOn = debug ?? (() => this.internals().logger.getLevel() === LogLevel.DEBUG);
  }

  override async apiCall(method: string, options: Record<string, unknown> = {}): Promise<WebAPICallResult> {
    // Uploads (several calls each) and debugging: WebClient's own path.
    if (method === 'files.uploadV2' || this.debugOn() || typeof options !== 'object' || options === null)
      return super.apiCall(method, options);
    const self = this.internals();
    warnIfTextIsMissing(method, options, self.logger);
    const headers: Record<string, string> = {};
    if (options.token) headers.Authorization = `Bearer ${options.token}`;
    const response = await this.send(self.deriveRequestUrl(method), { team_id: self.teamId, ...options }, headers);
    const result = (await self.buildResult(response)) as WebAPICallResult & { error?: string };
    for (const warning of result.response_metadata?.warnings ?? []) self.logger.warn(warning);
    for (const message of result.response_metadata?.messages ?? []) {
      const error = /\[ERROR\](.*)/.exec(message);
      const warn = /\[WARN\](.*)/.exec(message);
      if (error) self.logger.error(error[1].trim());
      else if (warn) self.logger.warn(warn[1].trim());
    }
    if ((!result.ok && response.headers.get('content-type') !== 'application/gzip') || ('ok' in result && result.ok === false)) {
      throw new WebAPIPlatformError(result as WebAPICallResult & { error: string });
    }
    return result;
  }

  /** WebClient.makeRequest without its debug lines: one POST through the request queue, retried as retryConfig says. */
  private async send(url: string, body: Record<string, unknown>, headers: Record<string, string>): Promise<Response> {
    const self = this.internals();
    const task = () =>
      self.requestQueue.add(async () => {
        // apps.event.authorizations.list refuses a token in the body (as WebClient does).
        if (url.endsWith('/apps.event.authorizations.list')) body.token = undefined;
        const { serializedBody, contentHeaders } = self.serializeBody(body);
        const signal = self.timeout > 0 ? AbortSignal.timeout(self.timeout) : undefined;
        try {
          const response = await self.fetchFn(url, {
            method: 'POST',
            headers: { ...self.defaultHeaders, ...contentHeaders, ...headers },
            body: serializedBody,
            redirect: 'error',
            signal,
          });
          if (response.status === 429) {
            const retrySec = retryAfter(response);
            if (retrySec === undefined) {
              throw new GiveUp(
                new Error(
                  `Retry header did not contain a valid timeout (url: ${url}, retry-after header: ${response.headers.get('retry-after')})`,
                ),
              );
            }
            this.emit(WebClientEvent.RATE_LIMITED, retrySec, { url, body });
            if (self.rejectRateLimitedCalls) throw new GiveUp(new WebAPIRateLimitedError(retrySec));
            self.logger.info(`API Call failed due to rate limiting. Will retry in ${retrySec} seconds.`);
            self.requestQueue.pause();
            await new Promise((resolve) => setTimeout(resolve, retrySec * 1000));
            self.requestQueue.start();
            throw new Error(`A rate limit was exceeded (url: ${url}, retry-after: ${retrySec})`);
          }
          if (response.status !== 200) {
            const answered = Object.fromEntries((response.headers as unknown as { entries(): Iterable<[string, string]> }).entries());
            throw new WebAPIHTTPError(response.status, response.statusText, answered, await response.text());
          }
          return response;
        } catch (error) {
          if (error instanceof GiveUp || error instanceof SlackError) throw error;
          self.logger.warn('http request failed', error instanceof Error ? error.message : String(error));
          throw new WebAPIRequestError(error instanceof Error ? error : new Error(String(error)));
        }
      });
    return retried(task, self.retryConfig);
  }

  /** WebClient's private members this client uses (they exist at run time; TypeScript hides them). */
  private internals(): WebClientInternals {
    return this as unknown as WebClientInternals;
  }
}

interface WebClientInternals {
  logger: Logger;
  teamId?: string;
  timeout: number;
  rejectRateLimitedCalls: boolean;
  defaultHeaders: Record<string, string>;
  retryConfig: RetryConfig;
  fetchFn: typeof fetch;
  requestQueue: { add<T>(task: () => Promise<T>): Promise<T>; pause(): void; start(): void };
  deriveRequestUrl(method: string): string;
  serializeBody(body: Record<string, unknown>): { serializedBody: BodyInit; contentHeaders: Record<string, string> };
  buildResult(response: Response): Promise<WebAPICallResult>;
}

/** The retry options WebClient hands p-retry (the `retry` package's names and defaults). */
interface RetryConfig {
  retries?: number;
  factor?: number;
  minTimeout?: number;
  maxTimeout?: number;
  randomize?: boolean;
}

/** Stops the retries (p-retry's AbortError): the call fails with `error`. */
class GiveUp extends Error {
  constructor(readonly error: Error) {
    super(error.message);
  }
}

/** p-retry's loop: retries (default 10) more attempts, waiting minTimeout * factor^n (randomised x1-2), capped at maxTimeout. */
async function retried<T>(task: () => Promise<T>, config: RetryConfig): Promise<T> {
  const { retries = 10, factor = 2, minTimeout = 1000, maxTimeout = Number.POSITIVE_INFINITY, randomize = false } = config;
  for (let attempt = 0; ; attempt++) {
    try {
      return await task();
    } catch (err) {
      if (err instanceof GiveUp) throw err.error;
      if (attempt >= retries) throw err;
      const wait = Math.min(Math.round((randomize ? Math.random() + 1 : 1) * Math.max(minTimeout, 1) * factor ** attempt), maxTimeout);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

function retryAfter(response: Response): number | undefined {
  const header = response.headers.get('retry-after');
  const seconds = header === null ? Number.NaN : Number.parseInt(header, 10);
  return Number.isNaN(seconds) ? undefined : seconds;
}

/** WebClient's warning for messages without a top-level text (the one of its call-time warnings the bot's calls could meet). */
function warnIfTextIsMissing(method: string, options: Record<string, unknown>, logger: Logger): void {
  if (!['chat.postEphemeral', 'chat.postMessage', 'chat.scheduleMessage'].includes(method)) return;
  const attachments = options.attachments as Array<{ fallback?: string }> | undefined;
  const noText = (options.text === undefined || options.text === null || options.text === '') && !options.markdown_text;
  if (!noText) return;
  if (Array.isArray(attachments) && attachments.length && attachments.every((a) => a.fallback && a.fallback.trim() !== '')) return;
  logger.warn(`The top-level \`text\` argument is missing in the request payload for a ${method} call`);
}
