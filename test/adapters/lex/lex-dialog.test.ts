import { type AddressInfo, createServer } from 'node:net';
import { LexRuntimeV2Client } from '@aws-sdk/client-lex-runtime-v2';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import nock from 'nock';
import { LexDialog, lexSessionId } from '../../../app/adapters/lex/lex-dialog';
import { DialogUnavailableError } from '../../../app/core/errors';
import type { DialogUser } from '../../../app/core/ports/dialog';
import type { OrganizationalUnit } from '../../../app/core/request/account-request';
import {
  BOT,
  CREDENTIALS,
  LEX_ENDPOINT,
  lexClient,
  lexError,
  recognizeTextResponse,
  scriptLex,
  sessionPath,
  textPath,
  VEND_SLOTS,
} from '../../aws/fixtures/lex/lex-wire';
import { RecordingLogger } from '../../aws/fixtures/lex/recording-logger';
import { strictNock } from '../../support/wire';

const OUS: OrganizationalUnit[] = [{ name: 'Experiment' }, { name: 'Demos', id: 'ou-abcd-12345678' }];
/** The 2021 solution's test user (its Postman request). */
const USER: DialogUser = { firstName: 'TestUser-Name', lastName: 'TestUser-LastName', email: 'user@yourdomain.com' };
const SESSION = 'rest:user@yourdomain.com';
const LEX_SESSION = lexSessionId(SESSION);
/** What every turn carries, and what Lex echoes back. */
const ATTRIBUTES = {
  firstName: 'TestUser-Name',
  lastName: 'TestUser-LastName',
  email: 'user@yourdomain.com',
  ouChoices: 'Experiment or Demos',
};

function setup(maxAttempts = 1) {
  const log = new RecordingLogger();
  const dialog = new LexDialog({ client: lexClient(maxAttempts), ...BOT, organizationalUnits: OUS, log });
  const lex = scriptLex(LEX_SESSION);
  const say = (text: string, sessionId = SESSION) => dialog.turn({ sessionId, text, user: USER });
  return { dialog, log, lex, say };
}

strictNock();

describe('LexDialog: the Dialog port on Amazon Lex V2 (RecognizeText)', () => {
  it('is the lex kind', () => {
    expect(setup().dialog.kind).toBe('lex');
  });

  describe('asking for an account, turn by turn', () => {
    it('sends the 2021 opening with the requester in the session attributes, and maps the ElicitSlot answer', async () => {
      const { say, lex } = setup();
      lex.reply({
        intent: 'VendAccount',
        slotNames: VEND_SLOTS,
        dialogAction: { type: 'ElicitSlot', slotToElicit: 'AccountType' },
        messages: [{ content: 'Hi TestUser-Name, what account type do you want? Production or Sandbox?', contentType: 'PlainText' }],
        sessionAttributes: ATTRIBUTES,
      });

      const r = await say('Hi, I would like a new account please!');

      expect(r).toEqual({
        intent: 'VendAccount',
        state: 'ElicitSlot',
        slotToElicit: 'AccountType',
        slots: {},
        message: 'Hi TestUser-Name, what account type do you want? Production or Sandbox?',
      });
      const [sent] = lex.requests;
      expect(sent.path).toBe(textPath(LEX_SESSION));
      expect(sent.path).toBe(`/bots/VENDBOT001/botAliases/TSTALIASID/botLocales/en_US/sessions/${encodeURIComponent(LEX_SESSION)}/text`);
      // Only the attributes: Lex keeps the dialog state itself.
      expect(sent.body).toEqual({ text: 'Hi, I would like a new account please!', sessionState: { sessionAttributes: ATTRIBUTES } });
    });

    it('takes several slots from one answer, with their interpreted (canonical) values', async () => {
      const { say, lex } = setup();
      lex.reply({
        intent: 'VendAccount',
        slotNames: VEND_SLOTS,
        slots: {
          AccountType: { original: 'prod', interpreted: 'Production' },
          AccountOU: { original: 'experiment', interpreted: 'Experiment' },
        },
        dialogAction: { type: 'ElicitSlot', slotToElicit: 'RootEmail' },
        messages: [
          { content: "Thanks TestUser-Name. Which e-mail address should the new account's root user have?", contentType: 'PlainText' },
        ],
        sessionAttributes: ATTRIBUTES,
      });

      expect(await say('I need a prod account in experiment')).toEqual({
        intent: 'VendAccount',
        state: 'ElicitSlot',
        slotToElicit: 'RootEmail',
        slots: { AccountType: 'Production', AccountOU: 'Experiment' },
        message: "Thanks TestUser-Name. Which e-mail address should the new account's root user have?",
      });
    });

    it('asks for confirmation when all slots are filled (the core names the account in that prompt)', async () => {
      const { say, lex } = setup();
      lex.reply({
        intent: 'VendAccount',
        slotNames: VEND_SLOTS,
        slots: {
          AccountType: { original: 'Sandbox', interpreted: 'Sandbox' },
          RootEmail: { original: 'ops@example.com' },
          AccountOU: { original: 'Demos', interpreted: 'Demos' },
        },
        dialogAction: { type: 'ConfirmIntent' },
        messages: [
          {
            content: 'TestUser-Name, shall I request a Sandbox account named {AccountName} for ops@example.com in the Demos OU? (yes/no)',
            contentType: 'PlainText',
          },
        ],
        sessionAttributes: ATTRIBUTES,
      });

      const r = await say('Demos');

      expect(r).toEqual({
        intent: 'VendAccount',
        state: 'ConfirmIntent',
        slots: { AccountType: 'Sandbox', RootEmail: 'ops@example.com', AccountOU: 'Demos' },
        message: 'TestUser-Name, shall I request a Sandbox account named {AccountName} for ops@example.com in the Demos OU? (yes/no)',
      });
      expect(r.slotToElicit).toBeUndefined();
    });

    it.each(['ReadyForFulfillment', 'Fulfilled'] as const)(
      'is ReadyForFulfillment after a yes (intent state %s), with no message: the caller creates the request',
      async (state) => {
        const { say, lex } = setup();
        lex.reply({
          intent: 'VendAccount',
          slotNames: VEND_SLOTS,
          slots: {
            AccountType: { original: 'sbx', interpreted: 'Sandbox' },
            RootEmail: { original: 'ops@example.com' },
            AccountOU: { original: 'demos', interpreted: 'Demos' },
          },
          // Without a fulfillment code hook Lex hands the intent over as ReadyForFulfillment; a bot whose
          // code hook is merely disabled may report Fulfilled. Either way nothing has been done yet.
          state,
          confirmationState: 'Confirmed',
          dialogAction: { type: 'Close' },
          sessionAttributes: ATTRIBUTES,
        });

        expect(await say('yes')).toEqual({
          intent: 'VendAccount',
          state: 'ReadyForFulfillment',
          slots: { AccountType: 'Sandbox', RootEmail: 'ops@example.com', AccountOU: 'Demos' },
          message: '',
        });
      },
    );

    it('is Cancelled after a no, with the declination response', async () => {
      const { say, lex } = setup();
      lex.reply({
        intent: 'VendAccount',
        slotNames: VEND_SLOTS,
        slots: {
          AccountType: { original: 'Sandbox', interpreted: 'Sandbox' },
          RootEmail: { original: 'ops@example.com' },
          AccountOU: { original: 'Demos', interpreted: 'Demos' },
        },
        state: 'Failed',
        confirmationState: 'Denied',
        dialogAction: { type: 'Close' },
        messages: [
          {
            content: 'OK TestUser-Name, I have not requested anything. Say "new account" whenever you want to start again.',
            contentType: 'PlainText',
          },
        ],
        sessionAttributes: ATTRIBUTES,
      });

      expect(await say('no')).toEqual({
        intent: 'VendAccount',
        state: 'Cancelled',
        slots: { AccountType: 'Sandbox', RootEmail: 'ops@example.com', AccountOU: 'Demos' },
        message: 'OK TestUser-Name, I have not requested anything. Say "new account" whenever you want to start again.',
      });
    });

    it('is Failed when Lex gives up after too many unusable answers', async () => {
      const { say, lex } = setup();
      lex.reply({
        intent: 'VendAccount',
        slotNames: VEND_SLOTS,
        slots: { AccountType: { original: 'Sandbox', interpreted: 'Sandbox' } },
        state: 'Failed',
        confirmationState: 'None',
        dialogAction: { type: 'Close' },
        messages: [
          {
            content:
              'Sorry TestUser-Name, I still could not use that answer, so I have stopped this request. Say "new account" to start again.',
            contentType: 'PlainText',
          },
        ],
        sessionAttributes: ATTRIBUTES,
      });

      expect(await say('still@nothing')).toEqual({
        intent: 'VendAccount',
        state: 'Failed',
        slots: { AccountType: 'Sandbox' },
        message:
          'Sorry TestUser-Name, I still could not use that answer, so I have stopped this request. Say "new account" to start again.',
      });
    });

    it('is Cancelled by a cancel intent (built on AMAZON.CancelIntent)', async () => {
      const { say, lex } = setup();
      lex.reply({
        intent: 'Cancel',
        state: 'ReadyForFulfillment',
        dialogAction: { type: 'Close' },
        messages: [{ content: 'OK TestUser-Name, I have stopped. Nothing was requested.', contentType: 'PlainText' }],
        sessionAttributes: ATTRIBUTES,
      });
      expect(await say('never mind')).toEqual({
        intent: null,
        state: 'Cancelled',
        slots: {},
        message: 'OK TestUser-Name, I have stopped. Nothing was requested.',
      });
    });
  });

  describe('OU slot values', () => {
    it.each([
      ['Demos', 'Demos'],
      ['demos', 'Demos'],
      ['ou-abcd-12345678', 'Demos'],
      ['Demos (ou-abcd-12345678)', 'Demos'],
      ['EXPERIMENT', 'Experiment'],
    ])('answers the interpreted value %s as the configured OU %s', async (interpreted, name) => {
      const { say, lex } = setup();
      lex.reply({
        intent: 'VendAccount',
        slotNames: VEND_SLOTS,
        slots: { AccountOU: { original: interpreted.toLowerCase(), interpreted } },
        dialogAction: { type: 'ElicitSlot', slotToElicit: 'AccountType' },
        messages: [{ content: 'Hi TestUser-Name, what account type do you want? Production or Sandbox?', contentType: 'PlainText' }],
        sessionAttributes: ATTRIBUTES,
      });
      expect((await say(`an account in ${interpreted}`)).slots).toEqual({ AccountOU: name });
    });

    it('keeps an OU that is not configured as Lex said it (the core refuses it) and logs why', async () => {
      const { say, lex, log } = setup();
      lex.reply({
        intent: 'VendAccount',
        slotNames: VEND_SLOTS,
        slots: { AccountOU: { original: 'Marketing', interpreted: 'Marketing' } },
        dialogAction: { type: 'ElicitSlot', slotToElicit: 'AccountType' },
        messages: [{ content: 'Hi TestUser-Name, what account type do you want? Production or Sandbox?', contentType: 'PlainText' }],
        sessionAttributes: ATTRIBUTES,
      });
      expect((await say('an account in Marketing')).slots).toEqual({ AccountOU: 'Marketing' });
      expect(log.at('warn')[0].msg).toMatch(/OU that is not configured/);
    });
  });

  describe('answers the bot gives by itself', () => {
    const help =
      'Hi TestUser-Name! I vend AWS accounts through Control Tower Account Factory. Say "I would like a new account" and I will ask for the account type (Production or Sandbox), ' +
      "the root user's e-mail and the organizational unit (Experiment or Demos); approvers then decide and I tell you when the account is ready. " +
      'Say "status" to see your requests, or "cancel" to stop a conversation.';

    it.each(['Fulfilled', 'ReadyForFulfillment'] as const)(
      'Help with its closing response (intent state %s) is Fulfilled',
      async (state) => {
        const { say, lex } = setup();
        lex.reply({
          intent: 'Help',
          state,
          dialogAction: { type: 'Close' },
          messages: [{ content: help, contentType: 'PlainText' }],
          sessionAttributes: ATTRIBUTES,
        });
        expect(await say('what can you do?')).toEqual({ intent: 'Help', state: 'Fulfilled', slots: {}, message: help });
      },
    );

    it.each(['ReadyForFulfillment', 'Fulfilled'] as const)(
      'RequestStatus has no closing response (intent state %s): ReadyForFulfillment, the caller lists the requests',
      async (state) => {
        const { say, lex } = setup();
        lex.reply({ intent: 'RequestStatus', state, dialogAction: { type: 'Close' }, sessionAttributes: ATTRIBUTES });
        expect(await say('is my account ready?')).toEqual({
          intent: 'RequestStatus',
          state: 'ReadyForFulfillment',
          slots: {},
          message: '',
        });
      },
    );

    it('an aside ended from its initial response (Close, the intent still InProgress) is Fulfilled, its topic no request detail', async () => {
      const { say, lex, log } = setup();
      const help = 'Every AWS account has a root user with its own e-mail address.';
      lex.reply({
        intent: 'SlotQuestion',
        slotNames: ['Topic'],
        slots: { Topic: { original: 'root email', interpreted: 'RootEmail' } },
        state: 'InProgress',
        dialogAction: { type: 'Close' },
        messages: [{ content: help, contentType: 'PlainText' }],
        sessionAttributes: ATTRIBUTES,
      });
      expect(await say('what is a root email?')).toEqual({ intent: 'SlotQuestion', state: 'Fulfilled', slots: {}, message: help });
      expect(log.at('warn')).toEqual([]);
    });

    const fallback =
      'Sorry TestUser-Name, I did not understand that. You can ask me for a new AWS account, for the status of your requests, or for help.';

    it('FallbackIntent (closing response) is ElicitIntent with no intent', async () => {
      const { say, lex } = setup();
      lex.reply({
        intent: 'FallbackIntent',
        state: 'ReadyForFulfillment',
        dialogAction: { type: 'Close' },
        messages: [{ content: fallback, contentType: 'PlainText' }],
        sessionAttributes: ATTRIBUTES,
        alternatives: [{ name: 'Help', score: 0.12 }],
      });
      expect(await say('the weather is nice')).toEqual({ intent: null, state: 'ElicitIntent', slots: {}, message: fallback });
    });

    it('an ElicitIntent dialog action with no intent is ElicitIntent too', async () => {
      const { say, lex } = setup();
      lex.reply({
        dialogAction: { type: 'ElicitIntent' },
        messages: [{ content: fallback, contentType: 'PlainText' }],
        sessionAttributes: ATTRIBUTES,
      });
      expect(await say('asdf')).toEqual({ intent: null, state: 'ElicitIntent', slots: {}, message: fallback });
    });
  });

  it('asks again, and logs, on a dialog state only a code hook produces (Delegate)', async () => {
    const { say, lex, log } = setup();
    lex.reply({ intent: 'VendAccount', slotNames: VEND_SLOTS, dialogAction: { type: 'Delegate' }, sessionAttributes: ATTRIBUTES });
    expect(await say('new account')).toEqual({
      intent: null,
      state: 'ElicitIntent',
      slots: {},
      message: 'Sorry, I did not understand that.',
    });
    expect(log.at('warn')[0]).toMatchObject({ msg: 'unexpected Lex dialog state; asking again', obj: { dialogAction: 'Delegate' } });
  });

  describe('messages', () => {
    it('joins several messages, reads cards and SSML as text, and fills placeholders Lex left unresolved', async () => {
      const { say, lex } = setup();
      lex.reply({
        intent: 'VendAccount',
        slotNames: VEND_SLOTS,
        slots: { AccountType: { original: 'Sandbox', interpreted: 'Sandbox' }, RootEmail: { original: 'ops@example.com' } },
        dialogAction: { type: 'ElicitSlot', slotToElicit: 'AccountOU' },
        messages: [
          { content: 'A {AccountType} account for {RootEmail}, {firstName}.', contentType: 'PlainText' },
          { content: '<speak>Which organizational unit?</speak>', contentType: 'SSML' },
          {
            contentType: 'ImageResponseCard',
            imageResponseCard: { title: 'Pick one of: [ouChoices]', buttons: [{ text: 'Demos', value: 'Demos' }] },
          },
        ],
        sessionAttributes: ATTRIBUTES,
      });
      expect((await say('ops@example.com')).message).toBe(
        'A Sandbox account for ops@example.com, TestUser-Name. Which organizational unit? Pick one of: Experiment or Demos',
      );
    });
  });

  describe('when Lex cannot answer', () => {
    it('turns throttling (429 ThrottlingException) into DialogUnavailableError', async () => {
      const { say, log } = setup(1);
      const e = lexError(429, 'ThrottlingException', 'Rate exceeded');
      nock(LEX_ENDPOINT).post(textPath(LEX_SESSION)).reply(e.status, e.body, e.headers);
      const err = await say('new account').catch((x: unknown) => x);
      expect(err).toBeInstanceOf(DialogUnavailableError);
      expect((err as Error).message).toBe('Amazon Lex is busy right now');
      expect(log.at('warn')[0].msg).toBe('Lex throttled the request');
    });

    it('retries a 500 as the SDK does, then turns it into DialogUnavailableError', async () => {
      const { say } = setup(2);
      const e = lexError(500, 'InternalServerException', 'Internal server error');
      const scope = nock(LEX_ENDPOINT).post(textPath(LEX_SESSION)).times(2).reply(e.status, e.body, e.headers);
      await expect(say('new account')).rejects.toThrow(new DialogUnavailableError('Amazon Lex is not answering right now'));
      expect(scope.isDone()).toBe(true);
    });

    it.each([
      [502, 'BadGatewayException'],
      [424, 'DependencyFailedException'],
    ])('turns %i %s into DialogUnavailableError', async (status, type) => {
      const { say } = setup(1);
      const e = lexError(status, type, 'The bot could not answer');
      nock(LEX_ENDPOINT).post(textPath(LEX_SESSION)).reply(e.status, e.body, e.headers);
      await expect(say('new account')).rejects.toBeInstanceOf(DialogUnavailableError);
    });

    it('turns a network error (the connection is reset) into DialogUnavailableError', async () => {
      // A real socket that hangs up at once: nock's simulated errors do not behave like one.
      const server = createServer((socket) => socket.destroy());
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      nock.enableNetConnect('127.0.0.1');
      try {
        const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        const client = new LexRuntimeV2Client({
          region: 'eu-west-1',
          credentials: CREDENTIALS,
          endpoint,
          maxAttempts: 1,
          requestHandler: new NodeHttpHandler(),
        });
        const dialog = new LexDialog({ client, ...BOT, organizationalUnits: OUS, log: new RecordingLogger() });
        await expect(dialog.turn({ sessionId: SESSION, text: 'new account', user: USER })).rejects.toThrow(
          new DialogUnavailableError('Amazon Lex cannot be reached'),
        );
      } finally {
        nock.disableNetConnect();
        await new Promise((resolve) => server.close(resolve));
      }
    });

    it('logs a ValidationException (bad configuration) as an error and names the problem', async () => {
      const { say, log } = setup(1);
      const e = lexError(400, 'ValidationException', 'Locale en_GB is not enabled for the bot');
      nock(LEX_ENDPOINT).post(textPath(LEX_SESSION)).reply(e.status, e.body, e.headers);
      const err = await say('new account').catch((x: unknown) => x);
      expect(err).toBeInstanceOf(DialogUnavailableError);
      expect((err as Error).message).toBe(
        'the Amazon Lex bot is not set up correctly: ValidationException: Locale en_GB is not enabled for the bot',
      );
      expect(log.at('error')).toHaveLength(1);
      expect(log.at('error')[0].msg).toMatch(/LEX_BOT_ID, LEX_BOT_ALIAS_ID, LEX_LOCALE_ID/);
    });

    it('names a missing bot alias the same way (404 ResourceNotFoundException)', async () => {
      const { say } = setup(1);
      const e = lexError(404, 'ResourceNotFoundException', 'Could not find bot alias TSTALIASID');
      nock(LEX_ENDPOINT).post(textPath(LEX_SESSION)).reply(e.status, e.body, e.headers);
      await expect(say('new account')).rejects.toThrow(
        'not set up correctly: ResourceNotFoundException: Could not find bot alias TSTALIASID',
      );
    });
  });

  describe('ending a conversation', () => {
    it('deletes the Lex session', async () => {
      const { dialog } = setup();
      const scope = nock(LEX_ENDPOINT)
        .delete(sessionPath(LEX_SESSION))
        .reply(200, { botId: BOT.botId, botAliasId: BOT.botAliasId, localeId: BOT.localeId, sessionId: LEX_SESSION });
      await dialog.end(SESSION);
      expect(scope.isDone()).toBe(true);
    });

    it('ignores a session Lex no longer has (ResourceNotFoundException)', async () => {
      const { dialog, log } = setup();
      const e = lexError(404, 'ResourceNotFoundException', 'Session not found');
      nock(LEX_ENDPOINT).delete(sessionPath(LEX_SESSION)).reply(e.status, e.body, e.headers);
      await expect(dialog.end(SESSION)).resolves.toBeUndefined();
      expect(log.entries).toEqual([]);
    });

    it('never fails after a confirmed intent: other errors are logged, the session expires by itself', async () => {
      const { dialog, log } = setup();
      const e = lexError(429, 'ThrottlingException', 'Rate exceeded');
      nock(LEX_ENDPOINT).delete(sessionPath(LEX_SESSION)).reply(e.status, e.body, e.headers);
      await expect(dialog.end(SESSION)).resolves.toBeUndefined();
      expect(log.at('warn')).toHaveLength(1);
    });
  });

  describe('session ids', () => {
    const ids = [
      'rest:jane@example.com',
      'slack:U0123',
      'rest:john@example.com',
      'web:jane@example.com',
      'slack:U0124',
      'no-door',
      ':leading',
      `x:${'ä'.repeat(500)}`,
      'a-door-name-far-longer-than-forty-characters-ever-needed:U1',
    ];

    it.each(ids.map((id) => [id.length > 40 ? `${id.slice(0, 37)}...` : id, id]))('maps %s to a valid Lex session id', (_label, id) => {
      const lex = lexSessionId(id);
      expect(lex).toMatch(/^[0-9a-zA-Z._:-]{2,100}$/);
      expect(lexSessionId(id)).toBe(lex);
    });

    it('keeps the door readable, carries no e-mail address, and is distinct for different users and doors', () => {
      expect(lexSessionId('rest:jane@example.com')).toMatch(/^rest:[\w-]{43}$/);
      expect(lexSessionId('slack:U0123')).toMatch(/^slack:/);
      expect(lexSessionId('rest:jane@example.com')).not.toContain('jane');
      expect(new Set(ids.map(lexSessionId)).size).toBe(ids.length);
    });

    it('is what goes on the wire', async () => {
      const { say, lex } = setup();
      const other = scriptLex(lexSessionId('slack:U0123'));
      other.reply({
        dialogAction: { type: 'ElicitIntent' },
        messages: [{ content: 'Sorry', contentType: 'PlainText' }],
        sessionAttributes: ATTRIBUTES,
      });
      await say('hm', 'slack:U0123');
      expect(other.requests).toHaveLength(1);
      expect(lex.requests).toHaveLength(0);
    });
  });

  describe('SDK configuration', () => {
    const saved = { ...process.env };
    beforeEach(() => {
      Object.assign(process.env, {
        AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
        AWS_REGION: 'us-east-1',
      });
      delete process.env.AWS_PROFILE;
    });
    afterEach(() => {
      process.env = { ...saved };
    });

    const reply = (sessionId: string) =>
      recognizeTextResponse(sessionId, {
        dialogAction: { type: 'ElicitIntent' },
        messages: [{ content: 'Sorry', contentType: 'PlainText' }],
        sessionAttributes: ATTRIBUTES,
      });

    it('honours AWS_ENDPOINT_URL_LEX_RUNTIME_V2', async () => {
      process.env.AWS_ENDPOINT_URL_LEX_RUNTIME_V2 = 'http://localhost:4010';
      const dialog = new LexDialog({ ...BOT, organizationalUnits: OUS, log: new RecordingLogger() });
      const scope = nock('http://localhost:4010').post(textPath(LEX_SESSION)).reply(200, reply(LEX_SESSION));
      expect((await dialog.turn({ sessionId: SESSION, text: 'hm', user: USER })).state).toBe('ElicitIntent');
      expect(scope.isDone()).toBe(true);
    });

    it("uses the Lex region when given, which may differ from the SDK's default region", async () => {
      const dialog = new LexDialog({ region: 'ap-southeast-2', ...BOT, organizationalUnits: OUS, log: new RecordingLogger() });
      const scope = nock('https://runtime-v2-lex.ap-southeast-2.amazonaws.com').post(textPath(LEX_SESSION)).reply(200, reply(LEX_SESSION));
      await dialog.turn({ sessionId: SESSION, text: 'hm', user: USER });
      expect(scope.isDone()).toBe(true);
    });

    it('follows the SDK region otherwise', async () => {
      const dialog = new LexDialog({ ...BOT, organizationalUnits: OUS, log: new RecordingLogger() });
      const scope = nock('https://runtime-v2-lex.us-east-1.amazonaws.com').post(textPath(LEX_SESSION)).reply(200, reply(LEX_SESSION));
      await dialog.turn({ sessionId: SESSION, text: 'hm', user: USER });
      expect(scope.isDone()).toBe(true);
    });
  });
});
