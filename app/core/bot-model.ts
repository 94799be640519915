import type * as z from 'zod';
import type { botModelSchema, intentSchema, slotSchema, slotTypeSchema } from './bot-model-schema';

/**
 * The bot model (manifest/bot.yml): the conversation as data, which the embedded engine runs and
 * the Lex V2 bot is built from. Its schema is in bot-model-schema.ts.
 */
export type BotModel = z.output<typeof botModelSchema>;
export type IntentModel = z.output<typeof intentSchema>;
export type SlotModel = z.output<typeof slotSchema>;
export type SlotTypeModel = z.output<typeof slotTypeSchema>;

/** Fills {name} placeholders; unknown names are left visible so a bad template is noticed. */
export function render(tpl: string, values: Record<string, string | undefined>): string {
  return tpl.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}

/** The placeholders a template uses. */
export const placeholders = (tpl: string): string[] => [...tpl.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);

/** The confirmation's parts that have every value they need, rendered; the others are empty. */
export function renderParts(parts: Record<string, string>, values: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(parts).map(([name, tpl]) => [name, placeholders(tpl).every((p) => values[p]) ? render(tpl, values) : '']),
  );
}

/** How the bot names a slot in a sentence: its label, or its name in words. */
export const slotLabel = (slot: SlotModel): string =>
  slot.label ??
  slot.name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(' ')
    .map((w) => (w.length > 1 && w === w.toUpperCase() ? w : w.toLowerCase()))
    .join(' ');

/** Slots named in several intents (RequestId) once each, in order of first mention: the one with help wins. */
export function slotsOnce(slots: readonly SlotModel[]): SlotModel[] {
  const byName = new Map<string, SlotModel>();
  for (const s of slots) if (!byName.has(s.name) || (!byName.get(s.name)?.help && s.help)) byName.set(s.name, s);
  return [...byName.values()];
}
