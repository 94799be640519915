import { type BotModel, type SlotModel, slotLabel, slotsOnce } from '../../../core/bot-model';
import { ValidationError } from '../../../core/errors';
import type { OrganizationalUnit } from '../../../core/request/account-request';
import { resolveOu } from '../../../core/request/organizational-units';
import { emailSchema } from '../../../core/request/validation';
import { closest } from './fuzzy';
import { blank, joinOr, sentence } from './text';
import {
  type AskBack,
  type Candidate,
  checkName,
  emailFinder,
  type Finder,
  freeTextFinder,
  nameFinder,
  ouFinder,
  type Phrase,
  phraseFinder,
  requestIdFinder,
} from './value-finders';

/**
 * Finds slot values in free text, the way Lex resolves slot types: a `values` type by its values
 * and synonyms, the OU type against the configured OUs, AMAZON.EmailAddress by an e-mail-like
 * token, names and reasons after their cues, request ids by their shape, and the model's slots by
 * the words people use for them. The rules of what is valid stay in the core's validators: this
 * file finds candidates and asks them, so a hint is the validator's own message.
 */

/** One candidate for a slot: a canonical `value`, the validator's `error`, or a question back. */
export interface SlotFinding extends Omit<Candidate, 'loose'> {
  slot: string;
}

const EMAIL_TYPE = 'AMAZON.EmailAddress';
/** Topics (the model's slots by their words) are read last, from what no value took. */
const TOPIC_RANK = 5;

export class SlotExtractor {
  private readonly finders = new Map<string, Finder>();
  private readonly explainers = new Map<string, (slot: SlotModel, text: string) => string>();
  /** Extraction order by type: addresses first (they contain words), free text and topics last. */
  private readonly rank = new Map<string, number>();
  /** Extraction orders by list of slots (the model's own arrays, so a bounded set) and slot asked. */
  private readonly orders = new WeakMap<readonly SlotModel[], Map<string | undefined, readonly SlotModel[]>>();

  constructor(
    private readonly model: BotModel,
    private readonly ous: readonly OrganizationalUnit[],
    /** Ordinary words (the utterances' and filler words): never read loosely as a value. */
    private readonly isCommon: (word: string) => boolean,
  ) {
    // Build every slot up front so an unsupported type stops start-up, not a conversation.
    for (const slot of model.intents.flatMap((i) => i.slots)) this.prepare(slot);
  }

  /**
   * Candidates for `slots` in `text`. Each finding takes its span, so "demos@example.com" never
   * also reads as the OU Demos and, when an OU shares a name with an account type, the question
   * just asked (`first`) gets the word; only that slot is read loosely (the start of a word).
   */
  find(text: string, slots: readonly SlotModel[], first?: string): SlotFinding[] {
    const ordered = this.inOrder(slots, first);
    let free = text;
    const findings: SlotFinding[] = [];
    for (const slot of ordered) {
      // No other value is read inside an address ("bob-sbx@example.com" says nothing of Sandbox).
      const input = slot.type === EMAIL_TYPE || !free.includes('@') ? free : free.replace(/\S*@\S*/g, (m) => ' '.repeat(m.length));
      const candidates = this.finderOf(slot)(input, { loose: slot.name === first });
      if (candidates.length === 0) continue;
      for (const c of candidates) free = blank(free, c.start, c.end);
      findings.push({ slot: slot.name, ...pick(candidates) });
    }
    return findings;
  }

  /** The order of extraction of these slots, each once: worked out once per list of slots (the model's) and slot asked. */
  private inOrder(slots: readonly SlotModel[], first: string | undefined): readonly SlotModel[] {
    let byFirst = this.orders.get(slots);
    if (!byFirst) {
      byFirst = new Map();
      this.orders.set(slots, byFirst);
    }
    let ordered = byFirst.get(first);
    if (!ordered) {
      const rank = (s: SlotModel) => (s.type === EMAIL_TYPE ? 0 : s.name === first ? 1 : (this.rank.get(s.name) ?? 2));
      ordered = [...new Map(slots.map((s) => [s.name, s])).values()].sort((a, b) => rank(a) - rank(b));
      byFirst.set(first, ordered);
    }
    return ordered;
  }

  /** The whole answer as the value of a free slot that was asked for (a name, a reason). */
  whole(slot: SlotModel, text: string): SlotFinding {
    const value = text.trim();
    if (this.model.slotTypes[slot.type] && 'valuesFrom' in this.model.slotTypes[slot.type]) {
      return { slot: slot.name, ...checkName(value, 0, text.length) };
    }
    return { slot: slot.name, value, start: 0, end: text.length };
  }

  /** The slot a question or a correction is about (a finding of a slot whose values are the model's slots). */
  topic(findings: readonly SlotFinding[]): string | undefined {
    return findings.find((f) => this.rank.get(f.slot) === TOPIC_RANK && f.value)?.value;
  }

  /** Whether the slot takes free words (a name, a reason) rather than values of a list. */
  takesAnything(slot: SlotModel): boolean {
    const type = this.model.slotTypes[slot.type];
    return !!type && ('freeText' in type || ('valuesFrom' in type && type.valuesFrom === 'accountNames'));
  }

  /** Why `text` is no answer for `slot`: the validator's message for it (not yet ending in a full stop). */
  explain(slot: SlotModel, text: string): string {
    return this.explainers.get(slot.name)?.(slot, text) ?? '';
  }

  /** The values a slot takes, as the bot lists them ("Production or Sandbox"); undefined for open slots. */
  choices(slot: SlotModel): string | undefined {
    const type = this.model.slotTypes[slot.type];
    if (type && 'values' in type) return joinOr(type.values.map((v) => v.value));
    if (type && 'valuesFrom' in type && type.valuesFrom === 'organizationalUnits') return joinOr(this.ous.map((o) => o.name));
    return undefined;
  }

  private finderOf(slot: SlotModel): Finder {
    const finder = this.finders.get(slot.name);
    if (!finder) throw new Error(`Slot ${slot.name} is not a slot of the bot model this extractor was built for`);
    return finder;
  }

  private prepare(slot: SlotModel): void {
    if (this.finders.has(slot.name)) return;
    const [finder, rank, explain] = this.build(slot);
    this.finders.set(slot.name, finder);
    this.rank.set(slot.name, rank);
    if (explain) this.explainers.set(slot.name, explain);
  }

  /** A slot's finder, its extraction rank, and what explains an answer it cannot take. */
  private build(slot: SlotModel): [Finder, number, ((slot: SlotModel, text: string) => string)?] {
    if (slot.type === EMAIL_TYPE) {
      const v = this.model.vocabulary;
      const leadIns = new Set([...v.beforeEmail, ...v.yes, ...v.no].map((w) => w.toLowerCase()));
      // No @ anywhere: the longest word is the likeliest attempt at an address ("ops.example.com").
      const explain = (_slot: SlotModel, text: string) => {
        const attempt = text.split(/\s+/).reduce((a, b) => (b.length > a.length ? b : a), '');
        return emailSchema.safeParse(attempt).error?.issues[0]?.message ?? '';
      };
      return [emailFinder(leadIns, (w) => this.isValue(w)), 0, explain];
    }
    const def = this.model.slotTypes[slot.type];
    if (!def) throw new Error(`The embedded dialog does not support slot type ${slot.type}`);
    if ('freeText' in def) return [freeTextFinder(slot.cues), 4];
    if ('values' in def) {
      const phrases = def.values.flatMap((v) => [v.value, ...v.synonyms].map((text) => ({ value: v.value, text })));
      const choices = joinOr(def.values.map((v) => v.value));
      return [phraseFinder(phrases, this.isCommon), 2, (s) => `The ${slotLabel(s)} must be ${choices}`];
    }
    switch (def.valuesFrom) {
      case 'organizationalUnits':
        return [ouFinder(this.ous, this.isCommon), 2, (_s, text) => ouError(text.trim(), this.ous)];
      case 'requestIds':
        return [requestIdFinder, 3];
      case 'accountNames':
        return [nameFinder(slot.cues), 3];
      case 'slots':
        return [phraseFinder(this.topicPhrases(), this.isCommon), TOPIC_RANK];
    }
  }

  /** The model's slots by their labels and aliases: what a question or a correction is about. */
  private topicPhrases(): Phrase[] {
    return slotsOnce(this.model.intents.flatMap((i) => i.slots))
      .filter((s) => s.help)
      .flatMap((s) => [slotLabel(s), ...s.aliases].map((text) => ({ value: s.name, text })));
  }

  /** A value or synonym of a list slot, or an OU name: a word that may stand before an address. */
  private isValue(word: string): boolean {
    const w = word.toLowerCase();
    const listed = Object.values(this.model.slotTypes).flatMap((t) =>
      'values' in t ? t.values.flatMap((v) => [v.value, ...v.synonyms]) : [],
    );
    return [...listed, ...this.ous.map((o) => o.name)].some((v) => closest(w, [v.toLowerCase()]).length > 0);
  }
}

/**
 * One finding from a slot's candidates: the one valid value, or an error, or a question back.
 * Two different valid values ("production or sandbox") are ambiguous and fill nothing: guessing
 * would be worse. A loose reading gives way to an exact one elsewhere in the sentence.
 */
function pick(candidates: Candidate[]): Omit<SlotFinding, 'slot'> {
  const start = Math.min(...candidates.map((c) => c.start));
  const end = Math.max(...candidates.map((c) => c.end));
  const exact = candidates.filter((c) => !c.loose);
  const pool = exact.length > 0 ? exact : candidates;
  const values = [...new Set(pool.flatMap((c) => (c.value ? [c.value] : [])))];
  const others = pool.find((c) => c.others)?.others;
  if (values.length === 1) return { value: values[0], start, end, ...(others ? { others } : {}) };
  if (values.length > 1) return { askBack: { why: 'ambiguous', choices: values }, start, end };
  const askBack: AskBack | undefined = pool.find((c) => c.askBack)?.askBack;
  if (askBack) return { askBack, start, end };
  return { error: pool[0].error, start, end };
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
