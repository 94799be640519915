import * as z from 'zod';

/**
 * Schema of the bot model in manifest/bot.yml: the conversation as data (its types and helpers
 * are in bot-model.ts; this file is loaded only where a model file is checked, never by a Lambda
 * function, which ships the model checked and pre-parsed). The embedded engine runs
 * it and the Lex V2 bot is built from it, so both sides say the same thing. The model holds the
 * words (utterances, synonyms, help, messages); the engines hold the mechanics.
 *
 * Templates use {firstName}, {lastName} and {SlotName}; {ouChoices} lists the configured OUs.
 */

const template = z.string().min(1);

const slotTypeValue = z.object({
  value: z.string().min(1),
  synonyms: z.array(z.string().min(1)).default([]),
});

/** Value sources the core defines: the configured OUs, request ids, account names, the model's own slots. */
export const VALUE_SOURCES = ['organizationalUnits', 'requestIds', 'accountNames', 'slots'] as const;
export type ValueSource = (typeof VALUE_SOURCES)[number];

export const slotTypeSchema = z.union([
  z.object({ description: z.string().optional(), values: z.array(slotTypeValue).min(1) }),
  /** Values whose rule lives elsewhere (configuration, the core's validators, the model's slots). */
  z.object({ description: z.string().optional(), valuesFrom: z.enum(VALUE_SOURCES) }),
  /** Free text introduced by one of the slot's cues (a reason); the examples train Lex. */
  z.object({ description: z.string().optional(), freeText: z.literal(true), examples: z.array(z.string().min(1)).min(1) }),
]);

export const slotSchema = z.object({
  name: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/),
  /** A slot type defined in `slotTypes`, or a built-in such as AMAZON.EmailAddress. */
  type: z.string().min(1),
  prompt: template,
  /** Said (after the validator's hint) when an answer was not valid. */
  retryPrompt: template.optional(),
  /** Required slots are asked for; optional ones are only taken when said (or when the person asks to change them). */
  required: z.boolean().default(true),
  /** How the bot names the slot in its sentences ("root e-mail"). */
  label: z.string().min(1).optional(),
  /** Words people use for the slot ("OU", "root email"): questions and corrections about it. */
  aliases: z.array(z.string().min(1)).default([]),
  /** One sentence on what the slot means, said when someone asks. */
  help: template.optional(),
  /**
   * Phrases that introduce the value ("called", "because …"). `…` stands for 1-4 words inside a
   * phrase and for the rest of the sentence at its end. A slot with cues is read only after one.
   */
  cues: z.array(z.string().min(1)).default([]),
});

/** What an aside answers from the conversation in progress. */
export const EXPLAINS = ['help', 'choices', 'progress'] as const;

export const intentSchema = z.object({
  name: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/),
  description: z.string().optional(),
  sampleUtterances: z.array(z.string().min(1)).min(1),
  /** Asked in this order. */
  slots: z.array(slotSchema).default([]),
  confirmation: z
    .object({
      prompt: template,
      declined: template,
      /** Said instead of the prompt when the approval policy would refuse the request ({refusal}: why). */
      refused: template.optional(),
      /** What the question means, said when someone asks instead of answering. */
      help: template.optional(),
      /** What the bot still needs at this point, in the progress message. */
      needs: z.string().default('your yes or no'),
      /** Pieces the prompt may include as {name}: each is said only when all its placeholders have values. */
      parts: z.record(z.string(), template).default({}),
    })
    .optional(),
  /** For intents answered by the bot itself (help, greetings). Others are fulfilled by the caller. */
  response: template.optional(),
  /** An aside answered from the conversation in progress: a slot's help, its choices, or the progress so far. */
  explains: z.enum(EXPLAINS).optional(),
  /** Starts this intent afresh (dropping what was said), in a conversation or out of one. */
  startsOver: z.string().optional(),
  /** With no conversation in progress this intent means that one ("how far along is it?" is then a status question). */
  whenIdle: z.string().optional(),
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
  /** Invalid answers to one question before the bot says what it has and what it still needs. */
  maxAttempts: z.number().int().positive().default(3),
  slotTypes: z.record(z.string(), slotTypeSchema).default({}),
  intents: z.array(intentSchema).min(1),
  messages: z.object({
    /** Nothing recognised. */
    fallback: template,
    /** Too many invalid answers: {progress} says what was kept and what is still needed; the conversation goes on. */
    giveUp: template,
    /** The person said cancel or stop in the middle of a conversation. */
    cancelled: template,
    /** Cancel words with no conversation in progress. */
    nothingToCancel: template,
    /** Said before the first question again after "start over". */
    startedOver: template,
    /** What was kept ({kept}) and what is still needed ({needed}). */
    progress: template,
    /** The values a slot takes ({choices}). */
    choices: template,
    /** A loose answer that fits several values ({choices}). */
    ambiguous: template,
    /** Several accounts in one sentence: {first} is taken now, {next} after. */
    oneAtATime: template,
    /** An address with a space in it ({choices}: what it may have meant). */
    emailWithSpace: template,
  }),
  /** Words with a meaning for the engine: yes / no / stop, and how people lead into or skip an answer. */
  vocabulary: z.object({
    yes: z.array(z.string()).min(1),
    no: z.array(z.string()).min(1),
    cancel: z.array(z.string()).min(1),
    /** Leaves an optional slot empty when it is asked for. */
    skip: z.array(z.string()).default([]),
    /** Asks to change a slot named in the same sentence ("change the OU"). */
    change: z.array(z.string()).default([]),
    /** Words that may stand right before an address without being part of it ("for", "is"). */
    beforeEmail: z.array(z.string()).default([]),
    /** Phrases that ask for several accounts at once ("two … accounts"). */
    severalAccounts: z.array(z.string()).default([]),
    /** What "nothing yet" is called in the progress message. */
    nothingYet: z.string().default('nothing yet'),
    /** {first} and {next} of the one-at-a-time message when the sentence named no addresses. */
    firstOne: z.string().default('the first one'),
    nextOne: z.string().default('the next one'),
  }),
});
