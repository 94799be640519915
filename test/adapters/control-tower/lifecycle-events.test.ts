import { LIFECYCLE_EVENT_PATTERN, parseLifecycleEvent } from '../../../app/adapters/control-tower/lifecycle-events';
import createFailed from '../../aws/fixtures/controltower-create-managed-account-failed.json';
import createSucceeded from '../../aws/fixtures/controltower-create-managed-account-succeeded.json';
import enableGuardrail from '../../aws/fixtures/controltower-enable-guardrail.json';
import updateSucceeded from '../../aws/fixtures/controltower-update-managed-account-succeeded.json';
import scheduled from '../../aws/fixtures/eventbridge-scheduled-event.json';

/*
 * Fixtures are the documented lifecycle events (Control Tower user guide, "Lifecycle events"), with the
 * doc's "//" comments removed and its masked ids ("XXXXXXXXXXXX") replaced by 12 digits. The guide only
 * prints SUCCEEDED examples; the FAILED one is the same documented shape with state FAILED.
 */
const clone = <T>(value: T): T => structuredClone(value);

describe('Control Tower lifecycle events', () => {
  it('a successful CreateManagedAccount reports the account id and name of the new account', () => {
    expect(parseLifecycleEvent(createSucceeded)).toEqual({ accountName: 'LifeCycle1', state: 'SUCCEEDED', accountId: '444455556666' });
  });

  it("a failed CreateManagedAccount fails the request with Control Tower's message", () => {
    expect(parseLifecycleEvent(createFailed)).toEqual({
      accountName: 'LifeCycle2',
      state: 'FAILED',
      accountId: '777788889999',
      message: 'AWS Control Tower failed to create a managed account.',
    });
  });

  it('UpdateManagedAccount counts too: it is how a retried launch of a half-created account ends', () => {
    expect(parseLifecycleEvent(updateSucceeded)).toEqual({ accountName: 'LifeCycle1', state: 'SUCCEEDED', accountId: '624281831893' });
  });

  it('the outcome carries the account id and name and no request id (the event does not know the request)', () => {
    const outcome = parseLifecycleEvent(createSucceeded)!;
    expect(outcome.requestId).toBeUndefined();
    expect(outcome).not.toHaveProperty('requestId');
  });

  it('a failure without a message still says, in words, what happened', () => {
    const event = clone(createFailed) as any;
    delete event.detail.serviceEventDetails.createManagedAccountStatus.message;
    delete event.detail.serviceEventDetails.createManagedAccountStatus.account.accountId;
    expect(parseLifecycleEvent(event)).toEqual({
      accountName: 'LifeCycle2',
      state: 'FAILED',
      message: 'AWS Control Tower could not finish setting up the account.',
    });
  });

  describe('an event that does not name the account fully is still an outcome (the Provisioner finds its request)', () => {
    const status = (e: any) => e.detail.serviceEventDetails.createManagedAccountStatus;

    it('a failure with a null account id and a null account name fails a request all the same', () => {
      const event = clone(createFailed) as any;
      status(event).account = { accountName: null, accountId: null };
      expect(parseLifecycleEvent(event)).toEqual({ state: 'FAILED', message: 'AWS Control Tower failed to create a managed account.' });
    });

    it('a failure with no account at all, and a null message', () => {
      const event = clone(createFailed) as any;
      status(event).account = null;
      status(event).message = null;
      expect(parseLifecycleEvent(event)).toEqual({
        state: 'FAILED',
        message: 'AWS Control Tower could not finish setting up the account.',
      });
      delete status(event).account;
      expect(parseLifecycleEvent(event)).toEqual({
        state: 'FAILED',
        message: 'AWS Control Tower could not finish setting up the account.',
      });
    });

    it.each<[string, (e: any) => void, object]>([
      ['a null account id', (e) => (status(e).account.accountId = null), { accountName: 'LifeCycle1', state: 'SUCCEEDED' }],
      ['no account id', (e) => delete status(e).account.accountId, { accountName: 'LifeCycle1', state: 'SUCCEEDED' }],
      [
        'a masked account id (the record has the real one)',
        (e) => (status(e).account.accountId = 'XXXXXXXXXXXX'),
        { accountName: 'LifeCycle1', state: 'SUCCEEDED' },
      ],
      ['a null account name', (e) => (status(e).account.accountName = null), { state: 'SUCCEEDED', accountId: '444455556666' }],
      ['no account name', (e) => delete status(e).account.accountName, { state: 'SUCCEEDED', accountId: '444455556666' }],
      ['an empty account name', (e) => (status(e).account.accountName = '  '), { state: 'SUCCEEDED', accountId: '444455556666' }],
      ['neither', (e) => (status(e).account = { accountName: null, accountId: null }), { state: 'SUCCEEDED' }],
    ])('a success with %s', (_what, spoil, expected) => {
      const event = clone(createSucceeded);
      spoil(event);
      const outcome = parseLifecycleEvent(event);
      expect(outcome).toEqual(expected);
      // Absent, not null or undefined-valued: the core's outcome type has no null.
      for (const key of ['accountName', 'accountId']) if (!(key in expected)) expect(outcome).not.toHaveProperty(key);
    });
  });

  describe('anything else is not an outcome (undefined, never a throw)', () => {
    it.each([
      ['another Control Tower lifecycle event (EnableGuardrail)', enableGuardrail],
      ["the reconciler's scheduled event", scheduled],
    ])('%s', (_what, event) => {
      expect(parseLifecycleEvent(event)).toBeUndefined();
    });

    it.each<[string, (e: any) => void]>([
      ['another source', (e) => (e.source = 'aws.organizations')],
      ['another detail-type', (e) => (e['detail-type'] = 'AWS API Call via CloudTrail')],
      ['no detail', (e) => delete e.detail],
      ['no service event details', (e) => delete e.detail.serviceEventDetails],
      ["the status under the other event's key", (e) => (e.detail.eventName = 'UpdateManagedAccount')],
      ['a state that is not an outcome', (e) => (e.detail.serviceEventDetails.createManagedAccountStatus.state = 'IN_PROGRESS')],
      ['an account name that is not a string', (e) => (e.detail.serviceEventDetails.createManagedAccountStatus.account.accountName = 42)],
      ['an account that is not an object', (e) => (e.detail.serviceEventDetails.createManagedAccountStatus.account = 'LifeCycle1')],
    ])('a CreateManagedAccount event with %s', (_what, spoil) => {
      const event = clone(createSucceeded);
      spoil(event);
      expect(parseLifecycleEvent(event)).toBeUndefined();
    });

    it.each([undefined, null, 42, 'CreateManagedAccount', [], {}])('%p', (event) => {
      expect(parseLifecycleEvent(event)).toBeUndefined();
    });
  });

  describe('the EventBridge rule pattern', () => {
    it("is plain data the infra can use as the rule's EventPattern", () => {
      expect(JSON.parse(JSON.stringify(LIFECYCLE_EVENT_PATTERN))).toEqual({
        source: ['aws.controltower'],
        'detail-type': ['AWS Service Event via CloudTrail'],
        detail: { eventName: ['CreateManagedAccount', 'UpdateManagedAccount'] },
      });
    });

    it('selects exactly the events the parser understands', () => {
      const matches = (event: any) =>
        LIFECYCLE_EVENT_PATTERN.source.includes(event.source) &&
        LIFECYCLE_EVENT_PATTERN['detail-type'].includes(event['detail-type']) &&
        LIFECYCLE_EVENT_PATTERN.detail.eventName.includes(event.detail?.eventName);
      for (const event of [createSucceeded, createFailed, updateSucceeded, enableGuardrail, scheduled]) {
        expect(matches(event)).toBe(parseLifecycleEvent(event) !== undefined);
      }
    });
  });
});
