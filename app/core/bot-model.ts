import { z } from 'zod';

/**
 * Schema of the bot model in manifest/bot.yml: the conversation as data. The embedded engine runs
 * it and the Lex V2 bot is built from it, so both sides say the same thing.
 *
 * Templates use {firstName}, {lastName} and {SlotName}; {ouChoices} lists the configured OUs.
 */

const template = z.string().min(1);

const slotTypeValue = z.object({
  value: z.string().min(1),
  synonyms: z.array(z.string().min(1)).default([]),
});

export const slotTypeSchema = z.union([
  z.object({ description: z.string().optional(), values: z.array(slotTypeValue).min(1) }),
  /** Values supplied by configuration at run time (e.g. the OU list). */
  z.object({ description: z.string().optional(), valuesFrom: z.enum(['organizationalUnits']) }),
]);

export const slotSchema = z.object({
  name: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/),
  /** A slot type defined in `slotTypes`, or a built-in such as AMAZON.EmailAddress. */
  type: z.string().min(1),
  prompt: template,
  /** Said (after the validator's hint) when an answer was not valid. */
  retryPrompt: template.optional(),
});

export const intentSchema = z.object({
  name: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/),
  description: z.string().optional(),
  sampleUtterances: z.array(z.string().min(1)).min(1),
  /** Asked in this order. */
  slots: z.array(slotSchema).default([]),
  confirmation: z.object({ prompt: template, declined: template }).optional(),
  /** For intents answered by the bot itself (help). Others are fulfilled by the caller. */
  response: template.optional(),
});

export const botModelSchema = z.object({
  name: z
    .string()
    .regex(/^[0-9a-zA-Z][_0-9a-zA-Z-]*$/)
    .max(100),
  description: z.string().optional(),
  locale: z.string().default('en_US'),
  /** Minutes of silence after which a conversation is forgotten. */
  idleSessionTtlMinutes: z.number().int().positive().default(10),
  /** Invalid answers to one question before the bot gives up. */
  maxAttempts: z.number().int().positive().default(3),
  slotTypes: z.record(z.string(), slotTypeSchema).default({}),
  intents: z.array(intentSchema).min(1),
  messages: z.object({
    /** Nothing recognised. */
    fallback: template,
    /** Too many invalid answers. */
    giveUp: template,
    /** The person said cancel or stop in the middle of a conversation. */
    cancelled: template,
  }),
  /** Words that mean yes / no / stop, for confirmations and cancelling. */
  vocabulary: z.object({
    yes: z.array(z.string()).min(1),
    no: z.array(z.string()).min(1),
    cancel: z.array(z.string()).min(1),
  }),
});

export type BotModel = z.output<typeof botModelSchema>;
export type IntentModel = z.output<typeof intentSchema>;
export type SlotModel = z.output<typeof slotSchema>;

/** Fills {name} placeholders; unknown names are left visible so a bad template is noticed. */
export function render(tpl: string, values: Record<string, string | undefined>): string {
  return tpl.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}
