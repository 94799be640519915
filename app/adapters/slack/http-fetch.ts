import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/**
 * The Web API client's transport on node:http(s) instead of the global fetch. The first fetch() of
 * a process loads Node's bundled undici (25-40 ms on this machine), which every Lambda cold start
 * paid on its first Slack call, while the AWS SDK has node:http loaded already. It does what
 * WebClient's calls need: a request with a string body (or none), headers, an abort signal (the
 * client's timeout), no redirect followed; an answer with its status, headers, text and bytes. A
 * body of another kind (a FormData upload) goes to the global fetch. Connections are kept alive,
 * as fetch keeps them (idle sockets do not hold the process open).
 */
const agents = { 'http:': new HttpAgent({ keepAlive: true }), 'https:': new HttpsAgent({ keepAlive: true }) };

type Init = { method?: string; headers?: unknown; body?: unknown; signal?: AbortSignal | null; redirect?: string };

export async function httpFetch(input: string | URL, init: Init = {}): Promise<HttpAnswer> {
  const { body } = init;
  const plain = body === undefined || body === null || typeof body === 'string' || body instanceof URLSearchParams || Buffer.isBuffer(body);
  if (!plain) return (await fetch(input, init as RequestInit)) as unknown as HttpAnswer;
  const url = new URL(String(input));
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return (await fetch(input, init as RequestInit)) as unknown as HttpAnswer;
  const payload = body === undefined || body === null ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(String(body));
  const headers = { ...headerRecord(init.headers), ...(payload ? { 'content-length': String(payload.length) } : {}) };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      { method: init.method ?? 'GET', headers, agent: agents[url.protocol as 'http:' | 'https:'], signal: init.signal ?? undefined },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => resolve(new HttpAnswer(url.href, res, Buffer.concat(chunks))));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** The part of fetch's Response that WebClient reads. */
export class HttpAnswer {
  readonly status: number;
  readonly statusText: string;
  readonly ok: boolean;
  readonly headers: { get(name: string): string | null; has(name: string): boolean; entries(): IterableIterator<[string, string]> };

  constructor(
    readonly url: string,
    res: IncomingMessage,
    private readonly bytes: Buffer,
  ) {
    this.status = res.statusCode ?? 0;
    this.statusText = res.statusMessage ?? '';
    this.ok = this.status >= 200 && this.status < 300;
    const values = new Map(
      Object.entries(res.headers).flatMap(([k, v]) =>
        v === undefined ? [] : [[k.toLowerCase(), Array.isArray(v) ? v.join(', ') : v] as const],
      ),
    );
    this.headers = {
      get: (name) => values.get(name.toLowerCase()) ?? null,
      has: (name) => values.has(name.toLowerCase()),
      entries: () => values.entries(),
    };
  }

  async text(): Promise<string> {
    return this.bytes.toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(this.bytes.toString('utf8'));
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    return this.bytes.buffer.slice(this.bytes.byteOffset, this.bytes.byteOffset + this.bytes.byteLength) as ArrayBuffer;
  }
}

/** Headers as a plain object: WebClient passes one; a Headers object or a list of pairs is taken too. */
function headerRecord(headers: unknown): Record<string, string> {
  if (!headers) return {};
  if (Array.isArray(headers)) return Object.fromEntries(headers as Array<[string, string]>);
  const entries = (headers as { entries?: () => Iterable<[string, string]> }).entries;
  if (typeof entries === 'function') return Object.fromEntries(entries.call(headers));
  return Object.fromEntries(Object.entries(headers as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
}
