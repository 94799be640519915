import { LexDialog, lexSessionId } from '../../../app/adapters/lex/lex-dialog';
import type { DialogUser } from '../../../app/core/ports/dialog';
import { BOT, lexClient, scriptLex } from '../../aws/fixtures/lex/lex-wire';
import { RecordingLogger } from '../../aws/fixtures/lex/recording-logger';
import { strictNock } from '../../support/wire';

/**
 * LexDialog on the intents the bot answers about requests already made and on its asides: request
 * ids arrive as the core spells them, and an intent the bot answered itself hands no slots over.
 */

const USER: DialogUser = { firstName: 'Rex', lastName: 'Lex', email: 'rex@example.com' };
const SESSION = 'slack:U0REX';
const ATTRIBUTES = { firstName: 'Rex', lastName: 'Lex', email: 'rex@example.com', ouChoices: 'Experiment' };

function setup() {
  const dialog = new LexDialog({ client: lexClient(), ...BOT, organizationalUnits: [{ name: 'Experiment' }], log: new RecordingLogger() });
  const lex = scriptLex(lexSessionId(SESSION));
  return { lex, say: (text: string) => dialog.turn({ sessionId: SESSION, text, user: USER }) };
}

strictNock();

describe('LexDialog about requests already made', () => {
  it.each(['RequestStatus', 'CancelRequest', 'RetryRequest'])(
    'hands %s over with its request id in lower case, as the core spells ids',
    async (intent) => {
      const { lex, say } = setup();
      lex.reply({
        intent,
        slotNames: ['RequestId'],
        slots: { RequestId: { original: 'REQ-M3X1K2-1A2B3C4D' } },
        state: 'ReadyForFulfillment',
        dialogAction: { type: 'Close' },
        sessionAttributes: ATTRIBUTES,
      });
      expect(await say('REQ-M3X1K2-1A2B3C4D?')).toEqual({
        intent,
        state: 'ReadyForFulfillment',
        slots: { RequestId: 'req-m3x1k2-1a2b3c4d' },
        message: '',
      });
    },
  );

  it('answers a question about a detail itself: Fulfilled, with its answer and no slots for the caller', async () => {
    const { lex, say } = setup();
    const help = 'The organizational unit is the group in AWS Organizations the account joins.';
    lex.reply({
      intent: 'SlotQuestion',
      slotNames: ['Topic'],
      slots: { Topic: { original: 'OU', interpreted: 'AccountOU' } },
      state: 'ReadyForFulfillment',
      dialogAction: { type: 'Close' },
      messages: [{ content: help, contentType: 'PlainText' }],
      sessionAttributes: ATTRIBUTES,
    });
    expect(await say('what is an OU?')).toEqual({ intent: 'SlotQuestion', state: 'Fulfilled', slots: {}, message: help });
  });

  it('after the last unusable answer asks for the same slot again, saying what it kept (the conversation goes on)', async () => {
    const { lex, say } = setup();
    const giveUp = 'Sorry Rex, I still could not use that answer. So far I have nothing yet; I still need the account type.';
    lex.reply({
      intent: 'VendAccount',
      slotNames: ['AccountType', 'RootEmail', 'AccountOU'],
      dialogAction: { type: 'ElicitSlot', slotToElicit: 'AccountType' },
      messages: [{ content: giveUp, contentType: 'PlainText' }],
      sessionAttributes: ATTRIBUTES,
    });
    expect(await say('huge')).toEqual({
      intent: 'VendAccount',
      state: 'ElicitSlot',
      slotToElicit: 'AccountType',
      slots: {},
      message: giveUp,
    });
  });
});
