import { EmbeddedDialog } from '../../../../app/adapters/embedded/dialog/embedded-dialog';
import { loadBotModel } from '../../../../app/boot/bot-model-file';
import { SessionConflictError } from '../../../../app/core/errors';
import type { Clock } from '../../../../app/core/ports/clock';
import type { DialogTurnResult, DialogUser } from '../../../../app/core/ports/dialog';
import type { OrganizationalUnit } from '../../../../app/core/request/account-request';
import { MemorySessions } from '../../../support/wire';

class TestClock implements Clock {
  private t = Date.parse('2025-03-01T09:00:00Z');
  now = () => new Date(this.t);
  advanceMinutes(m: number) {
    this.t += m * 60_000;
  }
}

const model = loadBotModel();
/** Conversations stored and not ended. */
const inProgress = (sessions: MemorySessions) => [...sessions.items.values()].filter((i) => i.session.state.ended !== true).length;
const OUS: OrganizationalUnit[] = [{ name: 'Experiment' }, { name: 'Demos', id: 'ou-abcd-12345678' }];
const USER: DialogUser = { firstName: 'TestUser-Name', lastName: 'Tester', email: 'tester@example.com' };

function setup(options: { idleMinutes?: number; organizationalUnits?: OrganizationalUnit[] } = {}) {
  const sessions = new MemorySessions();
  const clock = new TestClock();
  const make = () => new EmbeddedDialog({ model, sessions, clock, organizationalUnits: OUS, ...options });
  let dialog = make();
  const say = (text: string, sessionId = 'rest:tester@example.com'): Promise<DialogTurnResult> =>
    dialog.turn({ sessionId, text, user: USER });
  return {
    sessions,
    clock,
    say,
    get dialog() {
      return dialog;
    },
    /** Replaces the engine with a new instance over the same store, as after a restart. */
    restart: () => {
      dialog = make();
    },
  };
}

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
      'Please create a new AWS account for me.',
      'could I have an account for my team?',
      'NEW ACCOUNT!!!',
    ])('understands "%s" as a new account request', async (text) => {
      const r = await setup().say(text);
      expect(r.intent).toBe('VendAccount');
      expect(r.state).toBe('ElicitSlot');
      expect(r.slotToElicit).toBe('AccountType');
    });

    it.each(["what's the status of my request?", 'status', 'show me my requests', 'is my account ready yet?'])(
      'understands "%s" as a status question, ready for the caller to answer',
      async (text) => {
        const r = await setup().say(text);
        expect(r).toMatchObject({ intent: 'RequestStatus', state: 'ReadyForFulfillment', slots: {} });
      },
    );

    it.each(['help me', 'what can you do?', 'how does this work?'])('answers "%s" with the help text', async (text) => {
      const r = await setup().say(text);
      expect(r.intent).toBe('Help');
      expect(r.state).toBe('Fulfilled');
      expect(r.message).toMatch(/^Hi TestUser-Name! I vend AWS accounts/);
      expect(r.message).toContain('(Experiment or Demos)');
    });

    it.each(['the weather is nice', 'asdf', 'hi', 'how are you?', 'tell me a joke', 'nothing'])('falls back on "%s"', async (text) => {
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
      expect((await say('hello')).state).toBe('ElicitIntent');
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
      expect(r.message).toBe('You mentioned Production and Sandbox: which one? TestUser-Name, please answer Production or Sandbox.');
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

    it(`gives up after ${model.maxAttempts} invalid answers to the same question`, async () => {
      const { say, sessions } = await askedFor('RootEmail');
      const first = await say('not an address');
      expect(first.message).toMatch(/^The e-mail address must contain exactly one @\. Please give me/);
      for (let i = 2; i < model.maxAttempts; i++) expect((await say('ops.example.com')).state).toBe('ElicitSlot');
      const r = await say('still@nothing');
      expect(r).toMatchObject({
        intent: 'VendAccount',
        state: 'Failed',
        message:
          'Sorry TestUser-Name, I still could not use that answer, so I have stopped this request. Say "new account" to start again.',
      });
      expect(inProgress(sessions)).toBe(0);
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

    it('switches to help or status when asked mid-way, dropping the account conversation', async () => {
      const { say, sessions } = setup();
      await say('a production account');
      expect(await say('what can you do?')).toMatchObject({ intent: 'Help', state: 'Fulfilled', slots: {} });
      expect(inProgress(sessions)).toBe(0);
      await say('a production account');
      expect(await say('is my account ready?')).toEqual({
        intent: 'RequestStatus',
        state: 'ReadyForFulfillment',
        slots: {},
        message: '',
        conversationId: expect.any(String),
      });
    });

    it('treats a slot value alone as a request for that intent', async () => {
      expect(await setup().say('sandbox')).toMatchObject({
        intent: 'VendAccount',
        slotToElicit: 'RootEmail',
        slots: { AccountType: 'Sandbox' },
      });
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
