import { inProgress, model, setup } from './engine-setup';

/** The embedded engine: answers it cannot take, the confirmation, and the ways out of a conversation. */
describe('EmbeddedDialog answers', () => {
  describe('invalid answers', () => {
    async function askedFor(slot: 'AccountType' | 'RootEmail' | 'AccountOU') {
      const ctx = setup();
      const opener = { AccountType: 'new account', RootEmail: 'a sandbox account', AccountOU: 'a sandbox account for ops@example.com' };
      const r = await ctx.say(opener[slot]);
      expect(r.slotToElicit).toBe(slot);
      return ctx;
    }

    it('explains an invalid e-mail address with the validator message and asks again', async () => {
      const { say } = await askedFor('RootEmail');
      const r = await say('ops@example');
      expect(r).toMatchObject({ state: 'ElicitSlot', slotToElicit: 'RootEmail' });
      expect(r.message).toBe(
        'The e-mail address needs a name before the @ and a dot in the domain (like name@example.com). ' +
          "Please give me the e-mail address for the account's root user, like team-aws@example.com.",
      );
    });

    it('explains an OU that is not configured', async () => {
      const { say } = await askedFor('AccountOU');
      const r = await say('Marketing');
      expect(r).toMatchObject({ state: 'ElicitSlot', slotToElicit: 'AccountOU' });
      expect(r.message).toBe('The organizational unit must be one of: Experiment, Demos. Please pick one of: Experiment or Demos.');
    });

    it('explains an OU id that belongs to no such OU', async () => {
      const { say } = await askedFor('AccountOU');
      const r = await say('Demos (ou-ffff-99999999)');
      expect(r.message).toBe('The OU id ou-ffff-99999999 does not belong to Demos. Please pick one of: Experiment or Demos.');
    });

    it('explains an unknown account type', async () => {
      const { say } = await askedFor('AccountType');
      const r = await say('medium');
      expect(r).toMatchObject({ state: 'ElicitSlot', slotToElicit: 'AccountType' });
      expect(r.message).toBe('The account type must be Production or Sandbox. TestUser-Name, please answer Production or Sandbox.');
    });

    it(`after ${model.maxAttempts} invalid answers says what it kept and what it needs, and goes on from there`, async () => {
      const { say, sessions } = await askedFor('RootEmail');
      const first = await say('ops at example');
      expect(first.message).toMatch(/^The e-mail address must contain exactly one @\. Please give me/);
      for (let i = 2; i < model.maxAttempts; i++) expect((await say('ops.example.com')).state).toBe('ElicitSlot');
      const r = await say('still@nothing');
      expect(r).toMatchObject({ intent: 'VendAccount', state: 'ElicitSlot', slotToElicit: 'RootEmail', slots: { AccountType: 'Sandbox' } });
      expect(r.message).toBe(
        'Sorry TestUser-Name, I still could not use that answer. So far I have account type Sandbox; I still need the root e-mail ' +
          'and the organizational unit. Answer whenever you are ready; say "start over" to begin again or "cancel" to stop.',
      );
      expect(inProgress(sessions)).toBe(1);
      // Never a new request behind the person's back: the next answer is taken where it left off.
      expect(await say('ops@example.com')).toMatchObject({
        slotToElicit: 'AccountOU',
        slots: { AccountType: 'Sandbox', RootEmail: 'ops@example.com' },
      });
    });

    it('counts attempts per question: a good answer starts the count again', async () => {
      const { say } = await askedFor('AccountType');
      for (let i = 1; i < model.maxAttempts; i++) await say('medium');
      expect((await say('sandbox')).slotToElicit).toBe('RootEmail');
      expect((await say('nope@nope')).state).toBe('ElicitSlot');
    });
  });

  describe('confirmation', () => {
    async function confirming() {
      const ctx = setup();
      expect((await ctx.say('a sandbox account in Demos for ops@example.com')).state).toBe('ConfirmIntent');
      return ctx;
    }

    it('a no wins over a yes-phrase in the same answer', async () => {
      const { say } = await confirming();
      expect((await say("no, don't do it")).state).toBe('Cancelled');
    });

    it('a no cancels with the declined message and forgets the conversation', async () => {
      const { say, sessions } = await confirming();
      const r = await say('no');
      expect(r).toMatchObject({
        intent: 'VendAccount',
        state: 'Cancelled',
        message: 'OK TestUser-Name, I have not requested anything. Say "new account" whenever you want to start again.',
      });
      expect(inProgress(sessions)).toBe(0);
    });

    it('takes a correction and asks to confirm again', async () => {
      const { say } = await confirming();
      let r = await say('make it Production');
      expect(r).toMatchObject({ state: 'ConfirmIntent', slots: { AccountType: 'Production', AccountOU: 'Demos' } });
      expect(r.message).toContain('shall I request a Production account');
      r = await say('use Experiment instead');
      expect(r).toMatchObject({ state: 'ConfirmIntent', slots: { AccountType: 'Production', AccountOU: 'Experiment' } });
      expect((await say('yes')).state).toBe('ReadyForFulfillment');
    });

    it('asks again on an unclear answer; "nothing" and "know" are not a no', async () => {
      const { say } = await confirming();
      for (const text of ['nothing', 'I know']) {
        const r = await say(text);
        expect(r.state).toBe('ConfirmIntent');
        expect(r.message).toMatch(/^TestUser-Name, shall I request a Sandbox account/);
      }
    });

    it('starts afresh after ReadyForFulfillment if the caller did not end the session', async () => {
      const { say } = await confirming();
      await say('go ahead');
      expect(await say('help')).toMatchObject({ intent: 'Help', state: 'Fulfilled' });
    });
  });

  describe('leaving a conversation', () => {
    it('stops on a cancel word at any point', async () => {
      const { say, sessions } = setup();
      await say('new account');
      await say('sandbox');
      const r = await say('never mind');
      expect(r).toMatchObject({
        intent: 'VendAccount',
        state: 'Cancelled',
        message: 'OK TestUser-Name, I have stopped. Nothing was requested.',
      });
      expect(inProgress(sessions)).toBe(0);
    });

    it('answers help mid-way and asks the question again; hands a status question over and keeps the conversation', async () => {
      const { say, sessions } = setup();
      await say('a production account');
      const help = await say('what can you do?');
      expect(help).toMatchObject({
        intent: 'VendAccount',
        state: 'ElicitSlot',
        slotToElicit: 'RootEmail',
        slots: { AccountType: 'Production' },
      });
      expect(help.message).toMatch(/^Hi TestUser-Name! I vend AWS accounts.* Please give me the e-mail address/s);
      expect(help.notice).toMatch(/^Hi TestUser-Name! I vend AWS accounts/);
      const status = await say('is my account ready?');
      expect(status).toMatchObject({ intent: 'RequestStatus', state: 'ReadyForFulfillment', slots: {}, message: '' });
      expect(status.resume).toEqual({
        intent: 'VendAccount',
        state: 'ElicitSlot',
        slots: { AccountType: 'Production' },
        message: "Please give me the e-mail address for the account's root user, like team-aws@example.com.",
      });
      expect(inProgress(sessions)).toBe(1);
      expect(await say('ops@example.com')).toMatchObject({ slotToElicit: 'AccountOU' });
    });

    it('treats a slot value alone as a request for that intent', async () => {
      expect(await setup().say('sandbox')).toMatchObject({
        intent: 'VendAccount',
        slotToElicit: 'RootEmail',
        slots: { AccountType: 'Sandbox' },
      });
    });
  });
});
