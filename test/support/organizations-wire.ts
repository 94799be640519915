import { OrganizationsClient } from '@aws-sdk/client-organizations';
import nock from 'nock';
import { OrganizationsDirectory } from '../../app/adapters/organizations/directory';

/*
 * AWS Organizations at the wire, for the adapter tests: JSON 1.1 (POST / with X-Amz-Target
 * AWSOrganizationsV20161128.<Operation>); errors are {"__type", "Message"} with HTTP 400.
 */
export const ORGANIZATIONS_ENDPOINT = 'https://organizations.test';
export const ORGANIZATIONS_CREDENTIALS = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};
const JSON_11 = { 'Content-Type': 'application/x-amz-json-1.1' };

/** What one call to Organizations asked: its headers and its JSON body. */
export interface Asked {
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** Answers the next call at `endpoint` and records what was asked. */
export function answerOrganizations(status: number, body: object, endpoint = ORGANIZATIONS_ENDPOINT): Asked[] {
  const asked: Asked[] = [];
  nock(endpoint)
    .post('/')
    .reply(function (_path, requestBody) {
      asked.push({ headers: this.req.headers, body: typeof requestBody === 'string' ? JSON.parse(requestBody) : requestBody });
      return [status, body, JSON_11];
    });
  return asked;
}

/** An OrganizationsDirectory on a client for the test endpoint, with one attempt. */
export const organizationsDirectory = () =>
  new OrganizationsDirectory({
    client: new OrganizationsClient({
      region: 'eu-west-1',
      endpoint: ORGANIZATIONS_ENDPOINT,
      credentials: ORGANIZATIONS_CREDENTIALS,
      maxAttempts: 1,
    }),
  });
