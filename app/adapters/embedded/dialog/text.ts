/** Small text helpers shared by intent recognition, slot extraction and the yes/no/cancel vocabulary. */

/**
 * Undoes chat markup before anything else looks at the text: Slack sends a typed address as
 * `<mailto:ops@example.com|ops@example.com>`. Whitespace is collapsed so spans stay simple.
 */
export function cleanInput(text: string): string {
  return text
    .replace(/<mailto:([^|>\s]+)(?:\|[^>]*)?>/gi, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Lower-case words with apostrophes dropped, so "don't" and "dont" are the same word and
 * "nothing" stays one word (it must never read as "no"). E-mail addresses are left out:
 * "stop@example.com" or "no-reply@example.com" is an answer, not a cancel or a no.
 */
export function words(text: string): string[] {
  return (
    text
      .replace(/\S*@\S*/g, ' ')
      .toLowerCase()
      .replace(/['’‘`]/g, '')
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

/** Whole-word phrase match: ["go", "ahead"] is found in "ok go ahead", "no" is not found in "know". */
function containsPhrase(haystack: readonly string[], phrase: readonly string[]): boolean {
  if (phrase.length === 0) return false;
  for (let i = 0; i + phrase.length <= haystack.length; i++) {
    if (phrase.every((w, j) => haystack[i + j] === w)) return true;
  }
  return false;
}

/** The words of each vocabulary phrase (the bot model's, a bounded set), split once. */
const phraseWords = new Map<string, string[]>();
function wordsOfPhrase(phrase: string): string[] {
  const known = phraseWords.get(phrase);
  if (known) return known;
  const split = words(phrase);
  if (phraseWords.size < 10_000) phraseWords.set(phrase, split);
  return split;
}

/** The words of the text the vocabulary was last checked against (one turn asks several times). */
let last: { text: string; said: readonly string[] } | undefined;
function saidIn(text: string): readonly string[] {
  if (last?.text !== text) last = { text, said: words(text) };
  return last.said;
}

/** True when `text` contains any of the vocabulary phrases as whole words. */
export function saysAny(text: string, phrases: readonly string[]): boolean {
  const said = saidIn(text);
  return phrases.some((p) => containsPhrase(said, wordsOfPhrase(p)));
}

/** "A", "A or B", "A, B or C": how prompts list choices. */
export function joinOr(items: readonly string[], word = 'or'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${word} ${items[items.length - 1]}`;
}

export const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Regex source for a phrase as whole words, case-insensitive with the `iu` flags: inner spaces
 * match any run of spaces or hyphens ("sand box", "sand-box"), and the phrase may not touch a
 * letter or digit on either side.
 */
export function wholeWords(phrase: string): string {
  const body = phrase
    .trim()
    .split(/[\s-]+/)
    .map(escapeRegExp)
    .join('[\\s-]+');
  return `(?<![\\p{L}\\p{N}])${body}(?![\\p{L}\\p{N}])`;
}

/** Ends a hint with a full stop so the retry prompt that follows reads as its own sentence. */
export const sentence = (s: string): string => (/[.!?]$/.test(s.trim()) ? s.trim() : `${s.trim()}.`);

/** What `…` stands for in a phrase of the model: a few words inside it, the rest of the sentence at its end. */
const FEW_WORDS = '(?:[^\\s.!?;]+\\s+){0,3}[^\\s.!?;]+';
const REST_OF_SENTENCE = '[^.!?;\\n]*[^\\s.!?;,]';

/**
 * Regex source for a phrase of the model with `…` wildcards ("for the … team", "because …"), as
 * whole words, case-insensitive with the `iu` flags. An inner `…` may also stand for no word.
 */
export function phrasePattern(phrase: string): string {
  const parts = phrase.trim().split('…');
  const body = parts
    .map((p, i) => {
      const words = p.trim() ? wholeWords(p) : '';
      if (i === parts.length - 1) return words;
      const wild = i === parts.length - 2 && !parts[i + 1].trim() ? REST_OF_SENTENCE : `(?:${FEW_WORDS})?`;
      return `${words}\\s*${wild}\\s*`;
    })
    .join('');
  return body.replace(/\\s\*$/, '');
}

/** Blanks `text` between `start` and `end` (keeping offsets), so a span is read only once. */
export const blank = (text: string, start: number, end: number): string => text.slice(0, start) + ' '.repeat(end - start) + text.slice(end);

export interface Token {
  readonly word: string;
  readonly start: number;
  readonly end: number;
}

/** The tokens of the text last split (each slot's finder looks at the same text when nothing was found). */
let lastTokens: { text: string; tokens: readonly Token[] } | undefined;

/** Lower-case words of `text` with their offsets (e-mail addresses included as one word). */
export function tokens(text: string): readonly Token[] {
  if (lastTokens?.text === text) return lastTokens.tokens;
  const found = [...text.matchAll(/[\p{L}\p{N}][\p{L}\p{N}'’._@+-]*[\p{L}\p{N}]|[\p{L}\p{N}]/gu)].map((m) => ({
    word: m[0].toLowerCase(),
    start: m.index,
    end: m.index + m[0].length,
  }));
  lastTokens = { text, tokens: found };
  return found;
}

/** Words that may stand around an answer without changing it ("just cancel please"). */
const FILLER = new Set('please pls plz ok okay just oh the it that this now all then well hey'.split(' '));

/** True when `text` says nothing but the vocabulary phrases (and filler words). */
export function onlySays(text: string, phrases: readonly string[]): boolean {
  const said = saidIn(text).filter((w) => !FILLER.has(w));
  const known = new Set(phrases.flatMap(wordsOfPhrase));
  return said.length > 0 && said.every((w) => known.has(w));
}

const NOT_ASCII = /[^ -~\t\n\r]/;

/** The text in lower case when it is plain printable ASCII, else undefined: what phrasesIn reads. */
export const asciiLower = (text: string): string | undefined => (NOT_ASCII.test(text) ? undefined : text.toLowerCase());

/** Words as the regexes' whole-word bounds see them in printable ASCII: runs of letters and digits. */
const ASCII_WORD = /[a-z0-9]+/g;

/** The words of the text last looked at (one turn asks with the same text for each slot). */
let lastWords: { lower: string; words: ReadonlySet<string> } | undefined;
function wordsOf(lower: string): ReadonlySet<string> {
  if (lastWords?.lower !== lower) lastWords = { lower, words: new Set(lower.match(ASCII_WORD)) };
  return lastWords.words;
}

/**
 * The phrases (a finder's values, cues or OU names, each with its regex) a text may match, in their
 * given order, without running the others' regexes: a phrase's regex (wholeWords, phrasePattern)
 * matches its words as whole words, so each of them must be one of the text's words. Exact for
 * printable ASCII (asciiLower), where lower case is what the regexes' case-insensitivity matches:
 * given no asciiLower text every phrase is offered, and a word that is not plain letters and digits
 * ("reason:", "e.g.") is not required.
 */
export function phrasesIn<T>(items: readonly T[], phraseOf: (item: T) => string): (lower: string | undefined) => readonly T[] {
  // Each phrase is filed under its first word: only the phrases filed under a word of the text can match.
  const always: number[] = [];
  const byFirstWord = new Map<string, Array<{ at: number; rest: string[] }>>();
  for (const [at, item] of items.entries()) {
    const phrase = phraseOf(item);
    // The wildcard … is the one character of the model's phrases that is not the text's.
    const needs = NOT_ASCII.test(phrase.replaceAll('…', ' '))
      ? []
      : phrase
          .toLowerCase()
          .split(/[\s\-…]+/)
          .filter((w) => /^[a-z0-9]+$/.test(w));
    if (needs.length === 0) {
      always.push(at);
      continue;
    }
    const [first, ...rest] = needs;
    byFirstWord.set(first, [...(byFirstWord.get(first) ?? []), { at, rest }]);
  }
  return (lower) => {
    if (lower === undefined) return items;
    const said = wordsOf(lower);
    const found = [...always];
    for (const word of said) {
      for (const e of byFirstWord.get(word) ?? []) if (e.rest.every((w) => said.has(w))) found.push(e.at);
    }
    return found.sort((a, b) => a - b).map((at) => items[at]);
  };
}
