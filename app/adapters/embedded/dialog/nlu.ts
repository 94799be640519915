import stem from 'wink-porter2-stemmer';
import type { IntentModel } from '../../../core/bot-model';
import { closest } from './fuzzy';

/**
 * Intent recognition from the bot model's sample utterances, for phrasings never seen verbatim.
 *
 * Each text becomes a bag of stemmed content words: lower case, contractions and punctuation
 * dropped, a word nobody uses read as the known word one typo away (fuzzy.ts), filler words
 * (pronouns, "would like", "please") removed, question words, greetings and thanks kept at a low
 * weight. Words are weighted by how specific they are to one intent (an IDF over intents,
 * so "new" says more than "account"). An intent scores the F1 of
 *   - recall: how much of its closest sample utterance the text covers, and
 *   - precision: how much of the text that intent's vocabulary explains,
 * and the best intent wins if it clears a threshold and is not tied with another.
 *
 * Slot values are replaced by {SlotName} placeholders before scoring (see withPlaceholders), and
 * utterances keep theirs: a placeholder is no word, it counts only when both sides have it, so
 * "a sandbox account" matches "Give me a {AccountType} account" better than "Where is my account".
 *
 * Why not a library classifier: with a dozen utterances a trained model (natural's Bayes, nlp.js)
 * is no better than this and much harder to explain, and those packages are large. Stemming is the
 * one part worth taking from a library: wink-porter2-stemmer is the Snowball English (Porter2)
 * algorithm, CommonJS, dependency-free, and the stemmer behind wink-nlp.
 */

/** Carry no intent: politeness, pronouns, articles, and the ways of saying "I want". */
const STOP_WORDS = new Set(
  (
    'i me my mine myself we us our you your yours it its this that these those they them their ' +
    'a an the some any one to for of in on at by with from about into and or but so then just also too very really ' +
    'please pls plz dear ' +
    'is am are was were be been being would could should will shall may might must ' +
    'want wanna need like love get got give have has had not let lets id im ive'
  ).split(' '),
);

/** Question words and auxiliaries: they shape a question but say little about which one. */
const WEAK_WORDS = new Set('what where how when which who why can do does did doing done there again'.split(' '));
const WEAK = 0.3;
/** Greetings and thanks: an intent of their own when said alone, little weight beside a request. */
const SOCIAL_WORDS = new Set('hi hello hey hiya yo greetings good morning afternoon evening thanks thank thx cheers bot'.split(' '));
const SOCIAL = 0.5;
/** A word read through a typo counts a little less than one typed right. */
const CORRECTED = 0.8;
/** A word no utterance uses: it dilutes precision about as much as an ordinary intent word. */
const UNKNOWN = 1;
/** Weight of a placeholder matched on both sides. */
const SLOT = 1;
/** A value the intent cannot use counts against it like a word it does not know. */
const UNUSED_SLOT = 1;
/** An utterance's placeholder the text lacks counts against it, half as much. */
const MISSING_SLOT = 0.5;

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9_]*)\}/g;

interface Bag {
  words: Map<string, number>;
  slots: Set<string>;
}

/** A sample utterance as scoring reads it: each word's weight, computed once. */
interface Utterance extends Bag {
  weights: Map<string, number>;
}

interface IntentEntry {
  intent: IntentModel;
  utterances: Utterance[];
  /** The utterances that have each word or placeholder: only those can cover any of a text. */
  having: Map<string, number[]>;
  vocabulary: Set<string>;
  slotNames: Set<string>;
  /** Some utterance is values alone ("{AccountType}"): values alone may speak for this intent. */
  valuesAlone: boolean;
}

export interface IntentScore {
  intent: IntentModel;
  score: number;
}

export interface RecognizerOptions {
  /** Minimum score to accept an intent; below it the text is a fallback. */
  threshold?: number;
  /** Two intents closer than this are a tie, and a tie is a fallback (better to ask than guess). */
  margin?: number;
}

export class IntentRecognizer {
  private readonly threshold: number;
  private readonly margin: number;
  private readonly idf = new Map<string, number>();
  private readonly intents: IntentEntry[];
  /** Every word the utterances use, and the filler words: what a typo is read as. */
  private readonly known = new Set<string>(STOP_WORDS);

  constructor(intents: readonly IntentModel[], options: RecognizerOptions = {}) {
    this.threshold = options.threshold ?? 0.55;
    this.margin = options.margin ?? 0.05;
    for (const i of intents) for (const u of i.sampleUtterances) for (const w of plainWords(u.replace(PLACEHOLDER, ' '))) this.known.add(w);
    const bags = intents.map((intent) => ({ intent, bags: intent.sampleUtterances.map((u) => analyse(u)) }));
    const vocabularies = bags.map(({ bags }) => new Set(bags.flatMap((u) => [...u.words.keys()])));
    const df = new Map<string, number>();
    for (const vocabulary of vocabularies) for (const w of vocabulary) df.set(w, (df.get(w) ?? 0) + 1);
    for (const [w, n] of df) this.idf.set(w, Math.log(1 + intents.length / n));
    // What scoring needs of each utterance does not depend on the text: computed here, once.
    this.intents = bags.map(({ intent, bags }, i) => ({
      intent,
      utterances: bags.map((u) => ({ ...u, weights: new Map([...u.words].map(([w, f]) => [w, this.weight(w, f)])) })),
      having: having(bags),
      vocabulary: vocabularies[i],
      slotNames: new Set(bags.flatMap((u) => [...u.slots])),
      valuesAlone: bags.some((u) => u.words.size === 0),
    }));
  }

  /** Whether a word is an ordinary one (an utterance's or a filler word), never a value read loosely. */
  knows(word: string): boolean {
    return this.known.has(word.toLowerCase());
  }

  /** The intent `text` asks for, or undefined. Slot values should already be placeholders. */
  recognise(text: string): IntentScore | undefined {
    const [best, second] = this.scores(text);
    if (!best || best.score < this.threshold) return undefined;
    if (second && best.score - second.score < this.margin) return undefined;
    return best;
  }

  /** Every intent's score for `text`, best first (useful to tune utterances). */
  scores(text: string): IntentScore[] {
    const q = analyse(text, (word) => this.correct(word));
    if (q.words.size === 0 && q.slots.size === 0) return [];
    // The text's word weights do not depend on the intent: computed once, in the text's word order.
    const weighted = [...q.words].map(([w, f]) => [w, this.weight(w, f)] as const);
    return this.intents.map((entry) => ({ intent: entry.intent, score: this.score(q, weighted, entry) })).sort((a, b) => b.score - a.score);
  }

  /** A word no utterance knows, read as the one known word a typo away (none when several are as close). */
  private correct(word: string): string | undefined {
    if (this.known.has(word)) return word;
    const near = closest(word, this.known);
    return near.length === 1 ? near[0] : undefined;
  }

  private weight(word: string, factor: number): number {
    return (this.idf.get(word) ?? UNKNOWN) * factor;
  }

  private score(
    q: Bag,
    weighted: ReadonlyArray<readonly [string, number]>,
    { utterances, having, vocabulary, slotNames, valuesAlone }: IntentEntry,
  ): number {
    // A value the intent has no use for is evidence against it ("what is a {Topic}" is no "what are you").
    const used = [...q.slots].filter((s) => slotNames.has(s)).length * SLOT;
    let qTotal = used + (q.slots.size * SLOT - used) * UNUSED_SLOT;
    let explained = used;
    for (const [w, weight] of weighted) {
      qTotal += weight;
      if (vocabulary.has(w)) explained += weight;
    }
    // Values alone ("sandbox", "the OU") speak only for an intent that can be answered with values alone.
    if (explained === used && !valuesAlone) return 0;
    const precision = qTotal > 0 ? explained / qTotal : 0;
    // An utterance sharing no word and no placeholder with the text covers none of it (recall 0): skipped.
    const sharing = new Set<number>();
    for (const w of q.words.keys()) for (const i of having.get(w) ?? []) sharing.add(i);
    for (const s of q.slots) for (const i of having.get(`{${s}}`) ?? []) sharing.add(i);
    let recall = 0;
    for (const i of sharing) {
      const u = utterances[i];
      let both = 0;
      for (const s of q.slots) if (u.slots.has(s)) both++;
      const slotsBoth = both * SLOT;
      // Summed in the utterance's word order, as always, so that scores stay exactly what they were.
      let total = slotsBoth + (u.slots.size * SLOT - slotsBoth) * MISSING_SLOT;
      let covered = slotsBoth;
      for (const [w, wt] of u.weights) {
        total += wt;
        if (q.words.has(w)) covered += wt;
      }
      if (total > 0) recall = Math.max(recall, covered / total);
    }
    return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  }
}

/** Which utterances have each word, and each placeholder (as `{Name}`, which no word can be). */
function having(bags: readonly Bag[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const add = (key: string, i: number) => out.set(key, [...(out.get(key) ?? []), i]);
  bags.forEach((b, i) => {
    for (const w of b.words.keys()) add(w, i);
    for (const s of b.slots) add(`{${s}}`, i);
  });
  return out;
}

/** Lower-case words, contractions and punctuation dropped. */
function plainWords(text: string): string[] {
  const plain = text
    .toLowerCase()
    .replace(/[’‘`]/g, "'")
    .replace(/n't\b/g, ' not')
    .replace(/'(s|d|ll|re|ve|m)\b/g, '')
    .replace(/'/g, '');
  return plain.match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * Text to a bag of stemmed content words (with their weight factor) and placeholder names.
 * `correct` reads a word through a typo (undefined: a word nobody knows, kept as it is).
 */
function analyse(text: string, correct?: (word: string) => string | undefined): Bag {
  const slots = new Set<string>();
  const rest = text.replace(PLACEHOLDER, (_whole, name: string) => {
    slots.add(name);
    return ' ';
  });
  const words = new Map<string, number>();
  for (const typed of plainWords(rest)) {
    const token = correct?.(typed) ?? typed;
    if (STOP_WORDS.has(token) || token.length < 2) continue;
    const factor = WEAK_WORDS.has(token) ? WEAK : SOCIAL_WORDS.has(token) ? SOCIAL : 1;
    words.set(stemOf(token), factor * (token === typed ? 1 : CORRECTED));
  }
  return { words, slots };
}

/** Stems of the words people type (a pure function, and the same few hundred words come back all the time). */
const stems = new Map<string, string>();
function stemOf(word: string): string {
  let stemmed = stems.get(word);
  if (stemmed === undefined) {
    stemmed = stem(word);
    if (stems.size >= 10_000) stems.clear();
    stems.set(word, stemmed);
  }
  return stemmed;
}

/** `text` with each found slot value replaced by its {SlotName} placeholder, for recognise(). */
export function withPlaceholders(text: string, spans: ReadonlyArray<{ slot: string; start: number; end: number }>): string {
  let out = text;
  let limit = text.length;
  // Right to left so earlier offsets stay valid; a span reaching into one already replaced is skipped.
  for (const s of [...spans].sort((a, b) => b.start - a.start)) {
    if (s.end > limit) continue;
    out = `${out.slice(0, s.start)} {${s.slot}} ${out.slice(s.end)}`;
    limit = s.start;
  }
  return out;
}
