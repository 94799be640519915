import { EmbeddedDialog } from '../../app/adapters/embedded/dialog/embedded-dialog';
import { LexDialog, lexSessionId } from '../../app/adapters/lex/lex-dialog';
import { loadBotModel } from '../../app/boot/bot-model-file';
import type { DialogTurnResult } from '../../app/core/ports/dialog';
import { ouLabel } from '../../app/core/request/account-request';
import { botLocaleFromModel } from '../../infra/lib/lex-bot-model';
import { TestClock } from '../support/doubles';
import { PHRASING_OUS, PHRASING_USER, PHRASINGS } from '../support/phrasings';
import { MemorySessions, strictNock } from '../support/wire';
import { lexAnswer } from './fixtures/lex/lex-bot-sim';
import { BOT, lexClient, scriptLex } from './fixtures/lex/lex-wire';
import { RecordingLogger } from './fixtures/lex/recording-logger';

/**
 * The Lex-facing part of the phrasing table (test/support/phrasings.ts): one sentence each that
 * the Lex bot built from the same model answers by itself. Lex's NLU is taken to recognise the
 * row's intent and slots; what it then says comes from the bot as built (infra/lib/lex-bot-model.ts)
 * and goes through the Lex adapter. The doors must not be able to tell it from the embedded engine.
 *
 * The confirmation is the one message compared after the core (dialog-parity.test.ts): both
 * engines leave the account name and the reason part for the core to word.
 */

const model = loadBotModel();
const locale = botLocaleFromModel(model, PHRASING_OUS.map(ouLabel));
const SESSION = `rest:${PHRASING_USER.email}`;
const LEX_ROWS = PHRASINGS.filter((p) => p.lex);

strictNock();

const seen = ({ conversationId: _id, notice: _notice, ...rest }: DialogTurnResult) => rest;

async function embedded(text: string): Promise<DialogTurnResult> {
  const dialog = new EmbeddedDialog({ model, sessions: new MemorySessions(), clock: new TestClock(), organizationalUnits: PHRASING_OUS });
  return dialog.turn({ sessionId: SESSION, text, user: PHRASING_USER });
}

async function lex(text: string, recognised: { intent: string | null; slots: Record<string, string> }): Promise<DialogTurnResult> {
  const wire = scriptLex(lexSessionId(SESSION));
  wire.reply((sent) => lexAnswer(locale, recognised, sent.sessionState?.sessionAttributes ?? {}));
  const dialog = new LexDialog({ client: lexClient(), ...BOT, organizationalUnits: PHRASING_OUS, log: new RecordingLogger() });
  return dialog.turn({ sessionId: SESSION, text, user: PHRASING_USER });
}

describe(`dialog parity on the ${LEX_ROWS.length} Lex-facing phrasings of the table`, () => {
  it('covers every kind of one-sentence phrasing', () => {
    expect(new Set(LEX_ROWS.map((p) => p.group))).toEqual(
      new Set(['greeting', 'fallback', 'question', 'correction', 'multi-slot', 'name', 'reason', 'by-id']),
    );
  });

  it.each(LEX_ROWS.map((p) => [p.say[0], p] as const))('"%s"', async (text, p) => {
    const local = await embedded(text);
    const remote = await lex(text, { intent: p.intent, slots: p.heard ?? local.slots });
    expect(local).toMatchObject({ intent: p.intent, state: p.state });
    const comparable = (r: DialogTurnResult) => (r.state === 'ConfirmIntent' ? { ...seen(r), message: '<worded by the core>' } : seen(r));
    expect(comparable(remote)).toEqual(comparable(local));
  });
});
