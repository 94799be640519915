import { ForbiddenError, NotFoundError, TransitionConflictError } from '../../../app/core/errors';
import type { AccountRequest, Actor, Requester } from '../../../app/core/request/account-request';
import { RequestAnswers, type RetryRequests } from '../../../app/core/use-cases/request-answers';
import type { VendingService } from '../../../app/core/use-cases/vending-service';
import { aRequest } from '../../store/contract';

/**
 * "Retry" said in a conversation: which request it means (the one named, or the person's one
 * failed request), what the retry use case then does with it, and what the person is told.
 */

const jane: Requester = { id: 'jane@example.com', email: 'jane@example.com', firstName: 'Jane', lastName: 'Doe' };

function failed(over: Partial<AccountRequest> = {}): AccountRequest {
  const r = aRequest({ status: 'FAILED' });
  return { ...r, provisioning: { attempts: 1, failureReason: 'the e-mail is already used by another account' }, ...over };
}

/** The person's requests, newest first, as the store lists them. */
function serviceWith(requests: AccountRequest[]): VendingService {
  const service: Pick<VendingService, 'get' | 'listForRequester'> = {
    get: async (id) => {
      const found = requests.find((r) => r.id === id);
      if (!found) throw new NotFoundError(`No request with id ${id}`);
      return found;
    },
    listForRequester: async (_email, limit) => requests.slice(0, limit),
  };
  return service as VendingService;
}

/** The retry use case's face, recording what it was asked and answering as told. */
function retrying(answer: (id: string) => AccountRequest | Error) {
  const asked: Array<{ id: string; actor: Actor }> = [];
  const port: RetryRequests = {
    retry: async (id, actor) => {
      asked.push({ id, actor });
      const outcome = answer(id);
      if (outcome instanceof Error) throw outcome;
      return { request: outcome, created: false };
    },
  };
  return { port, asked };
}

describe('"retry" in a conversation', () => {
  it('retries the request named, through the retry use case, as the person and door that said it', async () => {
    const r = failed();
    const use = retrying((id) => ({ ...r, id, status: 'APPROVED' }));
    const answers = new RequestAnswers(serviceWith([r]), use.port);
    expect(await answers.retry('slack', jane, r.id)).toBe(
      `Done, Jane: request ${r.id} (${r.account.name}) is back in the queue for the Account Factory, with the same details. ` +
        'The last attempt failed: the e-mail is already used by another account. I will tell you how it goes.',
    );
    expect(use.asked).toEqual([{ id: r.id, actor: { id: jane.id, name: 'Jane Doe', email: jane.email, door: 'slack' } }]);
  });

  it("without an id, takes the person's one failed request; with several, lists them and asks which", async () => {
    const waiting = aRequest();
    const one = failed();
    const use = retrying((id) => ({ ...one, id, status: 'APPROVED' }));
    expect(await new RequestAnswers(serviceWith([waiting, one]), use.port).retry('rest', jane)).toMatch(/^Done, Jane: request /);
    expect(use.asked.map((a) => a.id)).toEqual([one.id]);

    const two = failed();
    const several = await new RequestAnswers(serviceWith([one, two]), use.port).retry('rest', jane);
    expect(several).toBe(
      `Jane, 2 of your requests failed:\n- ${one.account.name} (Sandbox, Demos) [${one.id}]\n- ${two.account.name} (Sandbox, Demos) [${two.id}]\n` +
        'Say "retry <request id>" to retry one.',
    );
    expect(use.asked).toHaveLength(1);
  });

  it('retries nothing that did not fail, nor a failure already retried as a corrected request', async () => {
    const waiting = aRequest();
    const corrected = failed({ retriedAs: 'req-mx5sy4mo-47efc99f' });
    const use = retrying(() => new Error('not to be called'));
    const answers = new RequestAnswers(serviceWith([waiting, corrected]), use.port);
    expect(await answers.retry('web', jane)).toBe(
      `Request ${waiting.id} (${waiting.account.name}) is waiting for approval, Jane: there is nothing to retry.`,
    );
    expect(await answers.retry('web', jane, corrected.id)).toBe(
      `Request ${corrected.id} was already retried as req-mx5sy4mo-47efc99f, Jane. Say "status of req-mx5sy4mo-47efc99f" to see it.`,
    );
    expect(await answers.retry('web', jane, 'req-zzzz-00000000')).toBe(
      'Jane, I found no request req-zzzz-00000000, so nothing was retried. Say "status" to see your requests.',
    );
    expect(await new RequestAnswers(serviceWith([]), use.port).retry('web', jane)).toBe(
      'Jane, you have no requests yet, so there is nothing to retry.',
    );
    expect(use.asked).toEqual([]);
  });

  it("says in words why the use case refused: someone else's request, or one that moved on meanwhile", async () => {
    const r = failed();
    const notYours = new RequestAnswers(
      serviceWith([r]),
      retrying(() => new ForbiddenError('Only the requester or an approver can retry a request.')).port,
    );
    expect(await notYours.retry('rest', jane, r.id)).toBe(`Request ${r.id} is not yours, Jane, so I cannot retry it.`);
    const movedOn = new RequestAnswers(
      serviceWith([r]),
      retrying(() => new TransitionConflictError({ ...r, status: 'PROVISIONING' }, ['FAILED'])).port,
    );
    expect(await movedOn.retry('rest', jane, r.id)).toBe(`Request ${r.id} can no longer be retried, Jane: it is being provisioned.`);
  });

  it('without the retry use case, says what failed and how to go on, and changes nothing', async () => {
    const r = failed();
    const said = await new RequestAnswers(serviceWith([r])).retry('rest', jane);
    expect(said).toMatch(new RegExp(`^Request ${r.id} \\(${r.account.name}\\) failed: the e-mail is already used by another account\\. `));
    expect(said).toContain('say "new account"');
  });
});
