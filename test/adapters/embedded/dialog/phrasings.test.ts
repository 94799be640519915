import { EmbeddedDialog } from '../../../../app/adapters/embedded/dialog/embedded-dialog';
import { loadBotModel } from '../../../../app/boot/bot-model-file';
import type { DialogTurnResult } from '../../../../app/core/ports/dialog';
import { TestClock } from '../../../support/doubles';
import { PHRASING_OUS, PHRASING_USER, PHRASINGS } from '../../../support/phrasings';
import { MemorySessions } from '../../../support/wire';

/** The phrasing table (test/support/phrasings.ts) against the embedded engine: intent, state, slots, what it says. */
const model = loadBotModel();

async function converse(turns: string[]): Promise<DialogTurnResult> {
  const dialog = new EmbeddedDialog({ model, sessions: new MemorySessions(), clock: new TestClock(), organizationalUnits: PHRASING_OUS });
  let last: DialogTurnResult | undefined;
  for (const text of turns) last = await dialog.turn({ sessionId: 'rest:jane.doe@example.com', text, user: PHRASING_USER });
  if (!last) throw new Error('a phrasing needs at least one turn');
  return last;
}

describe(`the embedded dialog understands ${PHRASINGS.length} phrasings as people type them`, () => {
  it('has at least 60 of them, in every group', () => {
    expect(PHRASINGS.length).toBeGreaterThanOrEqual(60);
    expect(new Set(PHRASINGS.map((p) => p.group)).size).toBeGreaterThanOrEqual(12);
  });

  it.each(PHRASINGS.map((p) => [p.group, p.say.join(' ⏵ '), p] as const))('%s: %s', async (_group, _said, p) => {
    const r = await converse(p.say);
    const seen = {
      intent: r.intent,
      state: r.state,
      ...(p.slots ? { slots: r.slots } : {}),
      ...(p.slotToElicit ? { slotToElicit: r.slotToElicit } : {}),
    };
    expect(seen).toEqual({
      intent: p.intent,
      state: p.state,
      ...(p.slots ? { slots: p.slots } : {}),
      ...(p.slotToElicit ? { slotToElicit: p.slotToElicit } : {}),
    });
    if (p.says) expect(r.message).toMatch(p.says);
    // Whatever a greeting, a question or a typo is, it is never met with "I did not understand".
    if (p.intent !== null) expect(r.message).not.toMatch(/did not understand/);
  });
});
