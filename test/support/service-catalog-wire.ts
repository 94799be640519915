import { ServiceCatalogClient } from '@aws-sdk/client-service-catalog';
import nock from 'nock';
import type { Logger } from '../../app/core/ports/logger';

/*
 * Service Catalog at the wire, for the adapter tests: it speaks AWS JSON 1.1, every call is POST /
 * with `x-amz-target: AWS242ServiceCatalogService.<Operation>` and a JSON body; errors are HTTP 400
 * with {"__type": "<Code>", "message": "..."}.
 */
export const SERVICE_CATALOG_ENDPOINT = 'https://servicecatalog.test';
export const SERVICE_CATALOG_TARGET = 'AWS242ServiceCatalogService';

/** The bot's own (example) credentials, as the test clients sign with them. */
export const BOT_CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

/** The Account Factory product, its current (DEFAULT) version and the launch path the bot may use. */
export const PRODUCT_ID = 'prod-abcd1234efgh5';
export const CURRENT_VERSION = 'pa-cur7v2kq4x3hy';
export const PATH_ID = 'lpv3-xyz9ab8cd7ef6';

/** A Logger that says nothing. */
export const silentLogger: Logger = { info() {}, warn() {}, error() {}, debug() {}, child: () => silentLogger };

/** A Service Catalog client for the test endpoint, with one attempt unless told otherwise. */
export function serviceCatalogClient(config: { maxAttempts?: number } = {}): ServiceCatalogClient {
  return new ServiceCatalogClient({
    region: 'eu-west-1',
    endpoint: SERVICE_CATALOG_ENDPOINT,
    credentials: BOT_CREDENTIALS,
    maxAttempts: 1,
    ...config,
  });
}

/** One call the endpoint answered: the operation, its JSON body and how it was signed. */
export interface ServiceCatalogCall {
  operation: string;
  body: any;
  authorization: string;
  securityToken?: string;
}

const parse = (sent: unknown) => (typeof sent === 'string' ? (sent ? JSON.parse(sent) : {}) : (sent as any));

/** The Service Catalog endpoint: answers what it is told to expect (matching the body when asked), in order, and records what was sent. */
export class ServiceCatalogApi {
  readonly calls: ServiceCatalogCall[] = [];

  answer(operation: string, body: object, opts: { status?: number; when?: object } = {}): this {
    const calls = this.calls;
    nock(SERVICE_CATALOG_ENDPOINT)
      .post('/', (sent) => !opts.when || Object.entries(opts.when).every(([k, v]) => parse(sent)[k] === v))
      .matchHeader('x-amz-target', `${SERVICE_CATALOG_TARGET}.${operation}`)
      .reply(
        opts.status ?? 200,
        function (_uri, sent) {
          // nock's context: the request as sent, headers included.
          const headers = this.req.headers;
          const token = headers['x-amz-security-token'];
          calls.push({ operation, body: parse(sent), authorization: String(headers.authorization), securityToken: token });
          return body;
        },
        { 'content-type': 'application/x-amz-json-1.1' },
      );
    return this;
  }

  fail(operation: string, code: string, message: string, when?: object): this {
    return this.answer(operation, { __type: code, message }, { status: 400, when });
  }

  sent(operation: string): any[] {
    return this.calls.filter((c) => c.operation === operation).map((c) => c.body);
  }

  operations(): string[] {
    return this.calls.map((c) => c.operation);
  }
}
