import type { ProvisioningOutcome } from '../ports/account-factory';
import type { Logger } from '../ports/logger';
import type { AccountDirectory, OrganizationAccount } from '../ports/organization';
import type { AccountRequest } from '../request/account-request';

/** How an outcome was tied to a request, strongest first; 'none' when it was not. */
export type MatchedBy = 'request-id' | 'account-id' | 'email' | 'name' | 'none';

export interface OutcomeMatch {
  request?: AccountRequest;
  by: MatchedBy;
  /** In words, for the log and the audit trail. */
  reason: string;
}

const lower = (s: string) => s.trim().toLowerCase();

/** What matching asks of the organization: whose account an id is. */
type Directory = Pick<AccountDirectory, 'kind' | 'describeAccount'>;

/**
 * Finds the request an outcome is about among `candidates` (the PROVISIONING requests: at most
 * MAX_CONCURRENT_PROVISIONING of them). A Control Tower event names the account, not the request,
 * and Organizations does not keep account names unique: the account id, or the account's e-mail
 * (unique in an organization, asked of the directory), decides; the name only when nothing else can.
 */
export async function matchOutcome(
  outcome: ProvisioningOutcome,
  candidates: AccountRequest[],
  directory: Directory | undefined,
  log: Logger,
): Promise<OutcomeMatch> {
  const result = await decide(outcome, candidates, directory, log);
  const context = {
    by: result.by,
    requestId: result.request?.id,
    accountId: outcome.accountId,
    accountName: outcome.accountName,
    state: outcome.state,
  };
  if (result.by === 'name') log.warn(context, `provisioning outcome matched by account name only: ${result.reason}`);
  else if (result.by === 'none') log.warn(context, `provisioning outcome matches no request: ${result.reason}`);
  else if (result.by === 'request-id') log.debug(context, 'provisioning outcome for its request');
  else log.info(context, `provisioning outcome matched by ${result.by}`);
  return result;
}

async function decide(
  outcome: ProvisioningOutcome,
  candidates: AccountRequest[],
  directory: Directory | undefined,
  log: Logger,
): Promise<OutcomeMatch> {
  const { requestId, accountId } = outcome;
  if (requestId) {
    const request = candidates.find((r) => r.id === requestId);
    return request
      ? { request, by: 'request-id', reason: `the outcome names request ${requestId}` }
      : { by: 'none', reason: `request ${requestId} is unknown` };
  }

  if (accountId) {
    // A move names its account from the start (its Account Factory update ends in an UpdateManagedAccount event).
    const known = candidates.find((r) => (r.accountId ?? r.provisioning?.accountId) === accountId);
    if (known) return { request: known, by: 'account-id', reason: `request ${known.id} already knows account ${accountId}` };
  }

  let fallback: string;
  if (!accountId) fallback = 'the event carries no account id';
  else if (!directory) fallback = "no account directory is configured to confirm the account's e-mail";
  else {
    let account: OrganizationAccount | undefined;
    try {
      account = await directory.describeAccount(accountId);
    } catch (err) {
      // An outage or a missing permission says nothing about the account: a guess by name could complete
      // the wrong request. The caller follows each request's own Account Factory record instead.
      log.warn({ err, accountId, directory: directory.kind }, 'could not describe the account of a provisioning outcome');
      return {
        by: 'none',
        reason: `describing account ${accountId} failed (${(err as Error)?.message ?? String(err)}); not matching by name`,
      };
    }
    if (account) {
      const email = lower(account.email);
      const owner = candidates.find((r) => lower(r.account.email) === email);
      // Open requests hold their e-mail (the store's EMAIL# lock): at most one candidate has it.
      if (owner) return { request: owner, by: 'email', reason: `account ${accountId} has the e-mail of request ${owner.id}` };
      return {
        by: 'none',
        reason: `account ${accountId} (${account.email}, "${account.name}") belongs to no provisioning request, whatever its name`,
      };
    }
    fallback = `the organization has no account ${accountId} (a failed creation may leave none)`;
  }
  return byName(outcome, candidates, fallback);
}

/** The last resort, taken only when exactly one candidate has the name. */
function byName(outcome: ProvisioningOutcome, candidates: AccountRequest[], why: string): OutcomeMatch {
  if (!outcome.accountName) return { by: 'none', reason: `${why}, and no account name` };
  const name = lower(outcome.accountName);
  // A request that already knows another account id is not this account's, whatever its name.
  const named = candidates.filter(
    (r) =>
      lower(r.account.name) === name &&
      (!r.provisioning?.accountId || !outcome.accountId || r.provisioning.accountId === outcome.accountId),
  );
  if (named.length === 1)
    return {
      request: named[0],
      by: 'name',
      reason: `${why}; request ${named[0].id} is the only provisioning request named "${outcome.accountName}"`,
    };
  if (named.length === 0) return { by: 'none', reason: `${why}, and no provisioning request is named "${outcome.accountName}"` };
  return { by: 'none', reason: `${why}, and ${named.length} provisioning requests are named "${outcome.accountName}"` };
}
