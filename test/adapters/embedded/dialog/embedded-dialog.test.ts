import { SessionConflictError } from '../../../../app/core/errors';
import { inProgress, model, setup } from './engine-setup';

describe('EmbeddedDialog', () => {
  it('is the embedded kind', () => {
    expect(setup().dialog.kind).toBe('embedded');
  });

  describe('recognising what people ask for', () => {
    it('greets a new account request with the account type question', async () => {
      const { say } = setup();
      const r = await say('Hi, I would like a new account please!');
      expect(r).toEqual({
        intent: 'VendAccount',
        state: 'ElicitSlot',
        slotToElicit: 'AccountType',
        slots: {},
        conversationId: expect.any(String),
        message: 'Hi TestUser-Name, what account type do you want? Production or Sandbox?',
      });
    });

    it.each([
      'hey, could you set me up with an AWS account?',
      'can you make me a new aws account',
      "I'd like to request an account",
      'could I have an account?',
      'NEW ACCOUNT!!!',
    ])('understands "%s" as a new account request', async (text) => {
      expect(await setup().say(text)).toMatchObject({ intent: 'VendAccount', state: 'ElicitSlot', slotToElicit: 'AccountType' });
    });

    it.each(["what's the status of my request?", 'status', 'show me my requests', 'is my account ready yet?'])(
      'understands "%s" as a status question, ready for the caller to answer',
      async (text) => {
        expect(await setup().say(text)).toMatchObject({ intent: 'RequestStatus', state: 'ReadyForFulfillment', slots: {} });
      },
    );

    it('answers help with the help text, the OUs listed', async () => {
      const r = await setup().say('what can you do?');
      expect(r).toMatchObject({ intent: 'Help', state: 'Fulfilled' });
      expect(r.message).toMatch(/^Hi TestUser-Name! I vend AWS accounts/);
      expect(r.message).toContain('(Experiment or Demos)');
    });

    it.each(['asdf', 'nothing', 'blah blah blah'])('falls back on "%s"', async (text) => {
      const r = await setup().say(text);
      expect(r).toEqual({
        intent: null,
        state: 'ElicitIntent',
        slots: {},
        message:
          'Sorry TestUser-Name, I did not understand that. You can ask me for a new AWS account, for the status of your requests, or for help.',
      });
    });
  });

  describe('asking for an account', () => {
    it('asks for the slots in order, then confirms, then is ready for fulfilment', async () => {
      const { say, dialog, sessions } = setup();
      await say('I need an AWS account');
      let r = await say('sandbox');
      expect(r).toMatchObject({ state: 'ElicitSlot', slotToElicit: 'RootEmail', slots: { AccountType: 'Sandbox' } });
      expect(r.message).toBe("Thanks TestUser-Name. Which e-mail address should the new account's root user have?");
      r = await say('  ops@example.com ');
      expect(r).toMatchObject({ state: 'ElicitSlot', slotToElicit: 'AccountOU' });
      expect(r.message).toBe('Which organizational unit should the account go in, TestUser-Name? Experiment or Demos');
      r = await say('experiment');
      expect(r.state).toBe('ConfirmIntent');
      expect(r.slotToElicit).toBeUndefined();
      // {AccountName} is the caller's to fill in: the engine leaves it as it is.
      expect(r.message).toBe(
        'TestUser-Name, shall I request a Sandbox account named {AccountName} for ops@example.com in the Experiment OU? (yes/no)',
      );
      r = await say('yes please');
      expect(r).toEqual({
        intent: 'VendAccount',
        state: 'ReadyForFulfillment',
        slots: { AccountType: 'Sandbox', RootEmail: 'ops@example.com', AccountOU: 'Experiment' },
        message: '',
        conversationId: expect.any(String),
      });
      await dialog.end('rest:tester@example.com');
      // A repeated "yes" confirms the same conversation again, so the caller can say which request it made.
      expect(await say('yes')).toEqual(r);
      // Anything else starts afresh, and the confirmed conversation ends.
      expect((await say('asdf')).state).toBe('ElicitIntent');
      expect(inProgress(sessions)).toBe(0);
      expect((await say('yes')).state).toBe('ElicitIntent');
    });

    it('gives every conversation its own id, the same on each of its turns', async () => {
      const { say } = setup();
      const first = await say('new account');
      expect((await say('sandbox')).conversationId).toBe(first.conversationId);
      await say('cancel');
      expect((await say('new account')).conversationId).not.toBe(first.conversationId);
    });

    it('refuses to build on a stale session: a turn that lost the race for the store throws SessionConflictError', async () => {
      const { say, sessions } = setup();
      await say('new account');
      const stale = await sessions.load('rest:tester@example.com', new Date('2025-03-01T09:00:00Z'));
      await say('sandbox');
      await expect(sessions.save(stale!, new Date(8.64e15), new Date('2025-03-01T09:00:00Z'))).rejects.toThrow(SessionConflictError);
    });

    it('fills several slots from one sentence', async () => {
      const r = await setup().say('a sandbox account in Demos for ops@example.com');
      expect(r).toMatchObject({
        intent: 'VendAccount',
        state: 'ConfirmIntent',
        slots: { AccountType: 'Sandbox', AccountOU: 'Demos', RootEmail: 'ops@example.com' },
      });
    });

    it('fills several slots in a later answer too, and uses synonyms', async () => {
      const { say } = setup();
      await say('new account');
      const r = await say('prod, in the experiment OU please');
      expect(r).toMatchObject({
        state: 'ElicitSlot',
        slotToElicit: 'RootEmail',
        slots: { AccountType: 'Production', AccountOU: 'Experiment' },
      });
    });

    it('accepts an OU with its id, in any case, and answers with the configured name', async () => {
      const { say } = setup();
      await say('I want a production account for team@example.com');
      const r = await say('demos (ou-abcd-12345678)');
      expect(r).toMatchObject({ state: 'ConfirmIntent', slots: { AccountOU: 'Demos' } });
    });

    it('takes an address that contains a cancel word as an address', async () => {
      const { say } = setup();
      await say('a sandbox account');
      expect(await say('stop@example.com')).toMatchObject({
        state: 'ElicitSlot',
        slots: { AccountType: 'Sandbox', RootEmail: 'stop@example.com' },
      });
    });

    it('asks again rather than guess when one answer names two values', async () => {
      const { say } = setup();
      await say('new account');
      const r = await say('production or sandbox');
      expect(r).toMatchObject({ state: 'ElicitSlot', slotToElicit: 'AccountType', slots: {} });
      expect(r.message).toBe('Did you mean Production or Sandbox? TestUser-Name, please answer Production or Sandbox.');
    });

    it('lists three or more OUs as "A, B or C"', async () => {
      const { say } = setup({ organizationalUnits: [{ name: 'Dev' }, { name: 'Test' }, { name: 'Prod' }] });
      const r = await say('a sandbox account for ops@example.com');
      expect(r.message).toBe('Which organizational unit should the account go in, TestUser-Name? Dev, Test or Prod');
    });

    it('reads an address that Slack wrapped as a mailto link', async () => {
      const { say } = setup();
      await say('new sandbox account');
      const r = await say('<mailto:ops@example.com|ops@example.com>');
      expect(r.slots.RootEmail).toBe('ops@example.com');
    });
  });

  describe('sessions', () => {
    it('lives in the store: a new engine instance continues the conversation', async () => {
      const ctx = setup();
      await ctx.say('new account');
      await ctx.say('production');
      ctx.restart();
      const r = await ctx.say('ops@example.com');
      expect(r).toMatchObject({
        state: 'ElicitSlot',
        slotToElicit: 'AccountOU',
        slots: { AccountType: 'Production', RootEmail: 'ops@example.com' },
      });
    });

    it('is saved with the idle timeout and kept apart per session id', async () => {
      const { say, sessions } = setup({ idleMinutes: 5 });
      await say('new account', 'a');
      await say('help', 'b');
      expect([...sessions.items.keys()]).toEqual(['a']);
      const saved = sessions.items.get('a')!;
      expect(saved.session.updatedAt).toBe('2025-03-01T09:00:00.000Z');
      expect(saved.expiresAt.toISOString()).toBe('2025-03-01T09:05:00.000Z');
    });

    it('is forgotten after the idle timeout, even if the store still returns it', async () => {
      const { say, clock, sessions } = setup();
      await say('new account');
      // A store whose expiry is lazy (like DynamoDB TTL) may still return the session.
      sessions.items.get('rest:tester@example.com')!.expiresAt = new Date(8.64e15);
      clock.advanceMinutes(model.idleSessionTtlMinutes);
      // Within the conversation "medium" would be a wrong account type; without one it means nothing.
      expect((await say('medium')).state).toBe('ElicitIntent');
      expect(inProgress(sessions)).toBe(0);
    });

    it('is kept while the person answers within the idle timeout', async () => {
      const { say, clock } = setup();
      await say('new account');
      clock.advanceMinutes(model.idleSessionTtlMinutes - 1);
      await say('sandbox');
      clock.advanceMinutes(model.idleSessionTtlMinutes - 1);
      expect((await say('ops@example.com')).slotToElicit).toBe('AccountOU');
    });
  });
});
