import nock from 'nock';
import { EmbeddedDialog } from '../../app/adapters/embedded/dialog/embedded-dialog';
import { LexDialog, lexSessionId } from '../../app/adapters/lex/lex-dialog';
import { loadBotModel } from '../../app/boot/bot-model-file';
import type { Dialog, DialogTurnResult, DialogUser } from '../../app/core/ports/dialog';
import type { OrganizationalUnit, Requester } from '../../app/core/request/account-request';
import type { ConversationReply } from '../../app/core/use-cases/conversation';
import { type RunningApp, startApp } from '../support/app';
import { RecordingNotifier, ScriptedFactory, TestClock } from '../support/doubles';
import { MemorySessions, strictNock } from '../support/wire';
import { BOT, LEX_ENDPOINT, type LexTurn, lexClient, type SlotFill, scriptLex, sessionPath, VEND_SLOTS } from './fixtures/lex/lex-wire';
import { RecordingLogger } from './fixtures/lex/recording-logger';

/**
 * One core, two dialog engines: the embedded engine running manifest/bot.yml and Amazon Lex V2
 * running a bot built from the same file must give the doors the same answers.
 *
 * The Lex side is scripted at the wire. Its replies are derived from the manifest the way the
 * real bot produces them: the bot builder turns {firstName}/{lastName}/{ouChoices} into session
 * attribute references [firstName]..., and at run time Lex resolves those from the session
 * attributes LexDialog sends and {SlotName} from the slots it has filled. So a prompt changed in
 * bot.yml changes both sides, and this test shows whether they still agree.
 */

const model = loadBotModel();
const OUS: OrganizationalUnit[] = [{ name: 'Experiment' }, { name: 'Demos', id: 'ou-abcd-12345678' }];
/** The 2021 solution's test user (its Postman request). */
const USER: DialogUser = { firstName: 'TestUser-Name', lastName: 'TestUser-LastName', email: 'user@yourdomain.com' };
const REQUESTER: Requester = { id: USER.email, ...USER };
const SESSION = `rest:${REQUESTER.id}`;
const LEX_SESSION = lexSessionId(SESSION);
const ATTRIBUTES = { firstName: USER.firstName, lastName: USER.lastName, email: USER.email, ouChoices: 'Experiment or Demos' };

const vend = model.intents.find((i) => i.name === 'VendAccount')!;
const slotPrompt = (name: string) => vend.slots.find((s) => s.name === name)!.prompt;

/** The bot builder: manifest template → Lex message. */
const toLexMessage = (template: string) => template.replace(/\{(firstName|lastName|ouChoices)\}/g, '[$1]');
/** Lex at run time: resolves [attribute] from the session attributes it was sent and {Slot} from the filled slots. */
function lexSays(template: string, attributes: Record<string, string>, slots: Record<string, SlotFill> = {}): LexTurn['messages'] {
  const content = toLexMessage(template)
    .replace(/\[(\w+)\]/g, (whole, key: string) => attributes[key] ?? whole)
    .replace(/\{(\w+)\}/g, (whole, key: string) => slots[key]?.interpreted ?? slots[key]?.original ?? whole);
  return [{ content, contentType: 'PlainText' }];
}

/** Slots as Lex has filled them after each answer of the walk-through. */
const TYPE: Record<string, SlotFill> = { AccountType: { original: 'Sandbox', interpreted: 'Sandbox', resolved: ['Sandbox'] } };
const TYPE_EMAIL: Record<string, SlotFill> = {
  ...TYPE,
  RootEmail: { original: 'ops@example.com', interpreted: 'ops@example.com', resolved: [] },
};
const ALL: Record<string, SlotFill> = { ...TYPE_EMAIL, AccountOU: { original: 'Demos', interpreted: 'Demos', resolved: ['Demos'] } };

interface Step {
  say: string;
  /** Lex's answer, given the session attributes LexDialog sent (Lex echoes them back). */
  lex: (attributes: Record<string, string>) => LexTurn;
}

/** "I would like a new account" up to the confirmed request: what the person says and what Lex answers. */
const WALK_THROUGH: Step[] = [
  {
    say: 'Hi, I would like a new account please!',
    lex: (a) => ({
      intent: 'VendAccount',
      slotNames: VEND_SLOTS,
      dialogAction: { type: 'ElicitSlot', slotToElicit: 'AccountType' },
      messages: lexSays(slotPrompt('AccountType'), a),
      sessionAttributes: a,
    }),
  },
  {
    say: 'Sandbox',
    lex: (a) => ({
      intent: 'VendAccount',
      slotNames: VEND_SLOTS,
      slots: TYPE,
      dialogAction: { type: 'ElicitSlot', slotToElicit: 'RootEmail' },
      messages: lexSays(slotPrompt('RootEmail'), a, TYPE),
      sessionAttributes: a,
    }),
  },
  {
    say: 'ops@example.com',
    lex: (a) => ({
      intent: 'VendAccount',
      slotNames: VEND_SLOTS,
      slots: TYPE_EMAIL,
      dialogAction: { type: 'ElicitSlot', slotToElicit: 'AccountOU' },
      messages: lexSays(slotPrompt('AccountOU'), a, TYPE_EMAIL),
      sessionAttributes: a,
    }),
  },
  {
    say: 'Demos',
    lex: (a) => ({
      intent: 'VendAccount',
      slotNames: VEND_SLOTS,
      slots: ALL,
      dialogAction: { type: 'ConfirmIntent' },
      messages: lexSays(vend.confirmation!.prompt, a, ALL),
      sessionAttributes: a,
    }),
  },
  {
    say: 'yes',
    // No fulfillment code hook: Lex closes with the intent ReadyForFulfillment and says nothing.
    lex: (a) => ({
      intent: 'VendAccount',
      slotNames: VEND_SLOTS,
      slots: ALL,
      state: 'ReadyForFulfillment',
      confirmationState: 'Confirmed',
      dialogAction: { type: 'Close' },
      sessionAttributes: a,
    }),
  },
];

const help = model.intents.find((i) => i.name === 'Help')!;
/** Help, something the bot does not understand, then an account request declined at the confirmation. */
const DETOURS: Step[] = [
  {
    say: 'what can you do?',
    lex: (a) => ({
      intent: 'Help',
      state: 'ReadyForFulfillment',
      dialogAction: { type: 'Close' },
      messages: lexSays(help.response!, a),
      sessionAttributes: a,
    }),
  },
  {
    say: 'purple monkey dishwasher',
    lex: (a) => ({
      intent: 'FallbackIntent',
      state: 'ReadyForFulfillment',
      dialogAction: { type: 'Close' },
      messages: lexSays(model.messages.fallback, a),
      sessionAttributes: a,
      alternatives: [{ name: 'Help', score: 0.08 }],
    }),
  },
  {
    say: 'a sandbox account in Demos for ops@example.com',
    lex: (a) => ({
      intent: 'VendAccount',
      slotNames: VEND_SLOTS,
      slots: {
        AccountType: { original: 'sandbox', interpreted: 'Sandbox' },
        AccountOU: { original: 'Demos', interpreted: 'Demos' },
        RootEmail: { original: 'ops@example.com' },
      },
      dialogAction: { type: 'ConfirmIntent' },
      messages: lexSays(vend.confirmation!.prompt, a, ALL),
      sessionAttributes: a,
    }),
  },
  {
    say: 'no',
    lex: (a) => ({
      intent: 'VendAccount',
      slotNames: VEND_SLOTS,
      slots: ALL,
      state: 'Failed',
      confirmationState: 'Denied',
      dialogAction: { type: 'Close' },
      messages: lexSays(vend.confirmation!.declined, a, ALL),
      sessionAttributes: a,
    }),
  },
];

function embedded(): EmbeddedDialog {
  return new EmbeddedDialog({ model, sessions: new MemorySessions(), clock: new TestClock(), organizationalUnits: OUS });
}

function lex(steps: Step[]) {
  const wire = scriptLex(LEX_SESSION);
  for (const step of steps) wire.reply((sent) => step.lex(sent.sessionState?.sessionAttributes ?? {}));
  const dialog = new LexDialog({ client: lexClient(), ...BOT, organizationalUnits: OUS, log: new RecordingLogger() });
  return { dialog, wire };
}

/**
 * What the person and the doors see of each turn. The conversation id is the embedded engine's own
 * bookkeeping (Lex keeps its conversation itself), so it is left out of the comparison; so is the
 * confirmation's wording, which the core gives (the account name, the reason): compared below, after the core.
 */
async function drive(dialog: Dialog, steps: Step[]): Promise<Array<Omit<DialogTurnResult, 'conversationId'>>> {
  const results: Array<Omit<DialogTurnResult, 'conversationId'>> = [];
  for (const step of steps) {
    const { conversationId: _engineOwn, ...seen } = await dialog.turn({ sessionId: SESSION, text: step.say, user: USER });
    results.push(seen.state === 'ConfirmIntent' ? { ...seen, message: seen.message.replace(/ OU.*$/, ' OU<worded by the core>') } : seen);
  }
  return results;
}

// The apps of the Conversation tests keep their requests in an embedded DynamoDB on loopback (left open).
strictNock();

describe('dialog parity: the embedded engine and Lex V2 built from the same manifest', () => {
  it('walk through an account request the same way, turn by turn', async () => {
    const { dialog, wire } = lex(WALK_THROUGH);
    const local = await drive(embedded(), WALK_THROUGH);
    const remote = await drive(dialog, WALK_THROUGH);

    WALK_THROUGH.forEach((step, i) => {
      // state, intent, slotToElicit, slots and the message: the whole result.
      expect({ turn: step.say, ...remote[i] }).toEqual({ turn: step.say, ...local[i] });
    });
    expect(local.map((r) => r.state)).toEqual(['ElicitSlot', 'ElicitSlot', 'ElicitSlot', 'ConfirmIntent', 'ReadyForFulfillment']);
    expect(local[0].message).toBe('Hi TestUser-Name, what account type do you want? Production or Sandbox?');
    expect(local[4].slots).toEqual({ AccountType: 'Sandbox', RootEmail: 'ops@example.com', AccountOU: 'Demos' });

    // Every turn told Lex who is asking and which OUs there are, for [firstName] and [ouChoices].
    expect(wire.requests.map((r) => r.body.sessionState)).toEqual(WALK_THROUGH.map(() => ({ sessionAttributes: ATTRIBUTES })));
    expect(wire.requests.map((r) => r.body.text)).toEqual(WALK_THROUGH.map((s) => s.say));
  });

  it('answer help, fall back, and cancel on a no the same way', async () => {
    const { dialog } = lex(DETOURS);
    const local = await drive(embedded(), DETOURS);
    const remote = await drive(dialog, DETOURS);

    DETOURS.forEach((step, i) => {
      expect({ turn: step.say, ...remote[i] }).toEqual({ turn: step.say, ...local[i] });
    });
    expect(local.map((r) => [r.intent, r.state])).toEqual([
      ['Help', 'Fulfilled'],
      [null, 'ElicitIntent'],
      ['VendAccount', 'ConfirmIntent'],
      ['VendAccount', 'Cancelled'],
    ]);
  });

  describe('through the core (VendingCore.converse), down to the request created', () => {
    const apps: RunningApp[] = [];
    afterEach(async () => {
      await Promise.all(apps.splice(0).map((a) => a.stop()));
    });

    /** A whole app (embedded store) for each engine, so that both start from nothing. */
    async function converse(dialog?: Dialog): Promise<ConversationReply[]> {
      const app = await startApp(
        { ORGANIZATIONAL_UNITS: 'Experiment, Demos (ou-abcd-12345678)' },
        { clock: new TestClock(), notifier: new RecordingNotifier(), factory: new ScriptedFactory(), ...(dialog ? { dialog } : {}) },
      );
      apps.push(app);
      const replies: ConversationReply[] = [];
      for (const step of WALK_THROUGH) replies.push(await app.app.core.converse('rest', REQUESTER, step.say));
      return replies;
    }

    it('says the same, names the account the same, and creates the same request', async () => {
      // The app's own conversation runs the embedded engine.
      const local = await converse();
      const { dialog } = lex(WALK_THROUGH);
      // After the confirmed turn the core ends the conversation: Lex forgets the session.
      const deleted = nock(LEX_ENDPOINT)
        .delete(sessionPath(LEX_SESSION))
        .reply(200, { botId: BOT.botId, botAliasId: BOT.botAliasId, localeId: BOT.localeId, sessionId: LEX_SESSION });
      const remote = await converse(dialog);
      expect(deleted.isDone()).toBe(true);

      const comparable = (r: ConversationReply) => ({
        message: r.request ? r.message.replace(r.request.id, '<id>') : r.message,
        state: r.state,
        intent: r.intent,
        slots: r.slots,
        request: r.request && {
          status: r.request.status,
          requester: r.request.requester,
          account: r.request.account,
          audit: r.request.audit.map((a) => ({ ...a, at: '<at>' })),
        },
      });
      WALK_THROUGH.forEach((step, i) => {
        expect({ turn: step.say, ...comparable(remote[i]) }).toEqual({ turn: step.say, ...comparable(local[i]) });
      });

      expect(local[3].message).toBe(
        'TestUser-Name, shall I request a Sandbox account named sandbox-testuser-name-testuser-lastname for ops@example.com in the Demos OU? It needs approval from approvers. (yes/no)',
      );
      const created = remote[4].request!;
      expect(created).toMatchObject({
        status: 'PENDING_APPROVAL',
        account: {
          name: 'sandbox-testuser-name-testuser-lastname',
          type: 'Sandbox',
          email: 'ops@example.com',
          ou: { name: 'Demos', id: 'ou-abcd-12345678' },
        },
      });
      expect(remote[4]).toMatchObject({ state: 'Fulfilled', message: expect.stringContaining(`Request id: ${created.id}.`) });
    });
  });
});
