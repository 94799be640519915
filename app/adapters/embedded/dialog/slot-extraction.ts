import type { BotModel, SlotModel } from '../../../core/bot-model';
import { ValidationError } from '../../../core/errors';
import type { OrganizationalUnit } from '../../../core/request/account-request';
import { resolveOu } from '../../../core/request/organizational-units';
import { emailSchema } from '../../../core/request/validation';
import { humanize, joinOr, sentence, wholeWords } from './text';

/**
 * Finds slot values in free text, the way Lex resolves slot types: a `values` type by its values
 * and synonyms, the OU type against the configured OUs, AMAZON.EmailAddress by an e-mail-like
 * token. The rules of what is valid stay in core/validation.ts: this file only finds candidates
 * and asks the validators, so a hint is the validator's own message.
 */

/** One candidate for a slot: a canonical `value`, or the validator's `error` for what was typed. */
export interface SlotFinding {
  slot: string;
  value?: string;
  error?: string;
  start: number;
  end: number;
}

interface Candidate {
  value?: string;
  error?: string;
  start: number;
  end: number;
}

type Matcher = (text: string) => Candidate[];

const EMAIL_TYPE = 'AMAZON.EmailAddress';
/** Anything around an @ up to a space or bracket; trailing sentence punctuation is cut off below. */
const EMAIL_LIKE = /[^\s<>()[\]{},;:"'|]*@[^\s<>()[\]{},;:"'|]*/g;
const OU_ID_LIKE = /(?<![\p{L}\p{N}-])ou-[a-z0-9]+-[a-z0-9]+(?![\p{L}\p{N}-])/giu;

export class SlotExtractor {
  private readonly matchers = new Map<string, Matcher>();
  private readonly explainers = new Map<string, (slot: SlotModel, text: string) => string>();

  constructor(
    private readonly model: BotModel,
    private readonly ous: readonly OrganizationalUnit[],
  ) {
    // Build every slot type up front so an unsupported type stops start-up, not a conversation.
    for (const slot of model.intents.flatMap((i) => i.slots)) this.prepare(slot.type);
  }

  /**
   * Candidates for `slots` in `text`. E-mail slots are read first and the `first` slot next: each
   * finding takes its span, so "demos@example.com" never also reads as the OU Demos and, when an
   * OU shares a name with an account type, the question just asked gets the word.
   */
  find(text: string, slots: readonly SlotModel[], first?: string): SlotFinding[] {
    const rank = (s: SlotModel) => (s.type === EMAIL_TYPE ? 0 : s.name === first ? 1 : 2);
    const ordered = [...slots].sort((a, b) => rank(a) - rank(b));
    let free = text;
    const findings: SlotFinding[] = [];
    for (const slot of ordered) {
      const candidates = prepared(this.matchers, slot.type)(free);
      if (candidates.length === 0) continue;
      for (const c of candidates) free = free.slice(0, c.start) + ' '.repeat(c.end - c.start) + free.slice(c.end);
      findings.push({ slot: slot.name, ...pick(candidates) });
    }
    return findings;
  }

  /** Why `text` is no answer for `slot`: the validator's message for it (not yet ending in a full stop). */
  explain(slot: SlotModel, text: string): string {
    return prepared(this.explainers, slot.type)(slot, text);
  }

  private prepare(type: string): void {
    if (this.matchers.has(type)) return;
    if (type === EMAIL_TYPE) {
      this.matchers.set(type, findEmails);
      // No @ anywhere: the longest word is the likeliest attempt at an address ("ops.example.com").
      this.explainers.set(type, (_slot, text) => {
        const attempt = text.split(/\s+/).reduce((a, b) => (b.length > a.length ? b : a), '');
        return emailSchema.safeParse(attempt).error?.issues[0]?.message ?? '';
      });
      return;
    }
    const def = this.model.slotTypes[type];
    if (!def) throw new Error(`The embedded dialog does not support slot type ${type}`);
    if ('valuesFrom' in def) {
      this.matchers.set(type, (text) => findOus(text, this.ous));
      this.explainers.set(type, (_slot, text) => ouError(text.trim(), this.ous));
      return;
    }
    const phrases = def.values
      .flatMap((v) => [v.value, ...v.synonyms].map((p) => ({ value: v.value, re: new RegExp(wholeWords(p), 'giu') })))
      // Longest phrases first so "sand box" is taken whole before a shorter synonym could match part of it.
      .sort((a, b) => b.re.source.length - a.re.source.length);
    this.matchers.set(type, (text) => findPhrases(text, phrases));
    const choices = joinOr(def.values.map((v) => v.value));
    this.explainers.set(type, (slot) => `The ${humanize(slot.name)} must be ${choices}`);
  }
}

/** The matcher or explainer built for a slot type (by the constructor, for every slot of the model). */
function prepared<T>(built: ReadonlyMap<string, T>, type: string): T {
  const found = built.get(type);
  if (!found) throw new Error(`Slot type ${type} is not a slot type of the bot model this extractor was built for`);
  return found;
}

/**
 * One finding from a slot's candidates: the one valid value, or an error. Two different valid
 * values ("production or sandbox") are ambiguous and fill nothing: guessing would be worse.
 */
function pick(candidates: Candidate[]): Omit<SlotFinding, 'slot'> {
  const start = Math.min(...candidates.map((c) => c.start));
  const end = Math.max(...candidates.map((c) => c.end));
  const values = [...new Set(candidates.flatMap((c) => (c.value ? [c.value] : [])))];
  if (values.length === 1) return { value: values[0], start, end };
  if (values.length > 1) return { error: `You mentioned ${joinOr(values, 'and')}: which one?`, start, end };
  return { error: candidates[0].error, start, end };
}

function findEmails(text: string): Candidate[] {
  const out: Candidate[] = [];
  for (const m of text.matchAll(EMAIL_LIKE)) {
    // "Send it to ops@example.com." : the full stop ends the sentence, not the address.
    const raw = m[0].replace(/[.!?]+$/, '');
    if (raw === '@' || raw.length === 0) continue;
    const parsed = emailSchema.safeParse(raw);
    const span = { start: m.index, end: m.index + raw.length };
    out.push(parsed.success ? { value: parsed.data, ...span } : { error: parsed.error.issues[0]?.message, ...span });
  }
  // A valid address wins over an invalid one elsewhere in the same sentence.
  const valid = out.filter((c) => c.value);
  return valid.length > 0 ? valid.slice(0, 1) : out.slice(0, 1);
}

function findPhrases(text: string, phrases: Array<{ value: string; re: RegExp }>): Candidate[] {
  const out: Candidate[] = [];
  let free = text;
  for (const { value, re } of phrases) {
    for (const m of free.matchAll(re)) {
      out.push({ value, start: m.index, end: m.index + m[0].length });
      free = free.slice(0, m.index) + ' '.repeat(m[0].length) + free.slice(m.index + m[0].length);
    }
  }
  return out;
}

/**
 * An OU is named as `Name` or `Name (ou-...)`, or by its configured id alone. The matched text is
 * handed to resolveOu, which decides (and explains a wrong id); the value is the configured name.
 */
function findOus(text: string, ous: readonly OrganizationalUnit[]): Candidate[] {
  const out: Candidate[] = [];
  let free = text;
  const take = (start: number, end: number, label: string) => {
    try {
      out.push({ value: resolveOu(label, ous).name, start, end });
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      out.push({ error: e.message, start, end });
    }
    free = free.slice(0, start) + ' '.repeat(end - start) + free.slice(end);
  };
  const byLength = [...ous].sort((a, b) => b.name.length - a.name.length);
  for (const ou of byLength) {
    const re = new RegExp(`${wholeWords(ou.name)}(?:\\s*\\(\\s*ou-[^)\\s]*\\s*\\))?`, 'giu');
    for (const m of free.matchAll(re)) take(m.index, m.index + m[0].length, m[0]);
  }
  for (const m of free.matchAll(OU_ID_LIKE)) {
    const ou = ous.find((o) => o.id?.toLowerCase() === m[0].toLowerCase());
    if (ou) take(m.index, m.index + m[0].length, `${ou.name} (${m[0]})`);
  }
  return out;
}

function ouError(text: string, ous: readonly OrganizationalUnit[]): string {
  try {
    resolveOu(text, ous);
    return '';
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    return e.message;
  }
}

/** The hint for an invalid answer: the validator's message, then the slot's retry prompt. */
export function retryMessage(hint: string, retryPrompt: string): string {
  return hint ? `${sentence(hint)} ${retryPrompt}` : retryPrompt;
}
