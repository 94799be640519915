import { ValidationError } from '../../../core/errors';
import type { OrganizationalUnit } from '../../../core/request/account-request';
import { resolveOu } from '../../../core/request/organizational-units';
import { accountNameSchema, emailSchema, REQUEST_ID } from '../../../core/request/validation';
import { closest } from './fuzzy';
import { asciiLower, blank, phrasePattern, phrasesIn, tokens, wholeWords } from './text';

/**
 * How each kind of slot value is found in free text. Each finder returns candidates with their
 * span; what is valid is always the core's validators' call (validation.ts, organizational-units.ts).
 */

export interface Candidate {
  value?: string;
  error?: string;
  start: number;
  end: number;
  /** Other valid values of the same kind in the sentence (a second address): kept aside, said out loud. */
  others?: string[];
  /** Read loosely (a typo, the start of a word): fine when it is the only reading. */
  loose?: boolean;
  /** Several readings: asked back with these choices, said with the model's message of that name. */
  askBack?: AskBack;
}

export interface AskBack {
  why: 'ambiguous' | 'emailWithSpace';
  choices: string[];
}

export type Finder = (text: string, opts: { loose: boolean }) => Candidate[];

/** A known phrase and the value it stands for: a value, a synonym, an OU name, a slot alias. */
export interface Phrase {
  value: string;
  text: string;
}

/** Anything around an @ up to a space or bracket; trailing sentence punctuation is cut off below. */
const EMAIL_LIKE = /[^\s<>()[\]{},;:"'|]*@[^\s<>()[\]{},;:"'|]*/g;
const OU_ID_LIKE = /(?<![\p{L}\p{N}-])ou-[a-z0-9]+-[a-z0-9]+(?![\p{L}\p{N}-])/giu;
const REQUEST_ID_LIKE = new RegExp(`(?<![\\p{L}\\p{N}-])${REQUEST_ID.source.replace(/^\^|\$$/g, '')}(?![\\p{L}\\p{N}-])`, 'giu');
/** What a chosen name looks like after its cue: a quoted phrase, or one word. */
const NAME_AFTER_CUE = /^\s*(?:["“'‘]([^"”'’]{1,50})["”'’]|([A-Za-z0-9][A-Za-z0-9._-]*))/;

/**
 * E-mail addresses. A word glued before an address by a space ("team aws@example.com") is asked
 * about, never cut off: unless it is a word people put before addresses (`leadIns`) or a known value.
 */
export function emailFinder(leadIns: ReadonlySet<string>, isKnown: (word: string) => boolean): Finder {
  return (text) => {
    const out: Candidate[] = [];
    for (const m of text.matchAll(EMAIL_LIKE)) {
      // "Send it to ops@example.com." : the full stop ends the sentence, not the address.
      const raw = m[0].replace(/[.!?]+$/, '');
      if (raw === '@' || raw.length === 0) continue;
      const span = { start: m.index, end: m.index + raw.length };
      const before = /([\p{L}\p{N}][\p{L}\p{N}._-]*)\s+$/u.exec(text.slice(0, m.index))?.[1];
      const parsed = emailSchema.safeParse(raw);
      if (parsed.success && before && !leadIns.has(before.toLowerCase()) && !isKnown(before)) {
        const [local, domain] = parsed.data.split('@');
        const choices = [`${before}-${local}@${domain}`, parsed.data];
        out.push({ askBack: { why: 'emailWithSpace', choices }, start: span.start - before.length - 1, end: span.end });
      } else {
        out.push(parsed.success ? { value: parsed.data, ...span } : { error: parsed.error.issues[0]?.message, ...span });
      }
    }
    // A valid address wins over an invalid one elsewhere in the same sentence; the others are kept aside.
    const valid = out.filter((c) => c.value);
    if (valid.length === 0) return out.slice(0, 1);
    const others = [...new Set(valid.slice(1).map((c) => c.value as string))].filter((v) => v !== valid[0].value);
    return [{ ...valid[0], ...(others.length ? { others } : {}) }];
  };
}

/**
 * Known phrases: exactly (as whole words), then, for what is left, through a typo or, when the
 * slot is asked, the start of a word. Ordinary words (`isCommon`: "like", "give") are never read
 * loosely, so "I'd like" is no typo of "live".
 */
export function phraseFinder(phrases: readonly Phrase[], isCommon: (word: string) => boolean): Finder {
  // Most phrases are ruled out by their words alone, without their regex.
  const exact = phrasesIn(
    phrases
      .map((p) => ({ value: p.value, text: p.text, re: new RegExp(wholeWords(p.text), 'giu') }))
      // Longest phrases first so "sand box" is taken whole before a shorter synonym could match part of it.
      .sort((a, b) => b.re.source.length - a.re.source.length),
    (p) => p.text,
  );
  const single = looseLookup(phrases.filter((p) => !/[\s-]/.test(p.text.trim())));
  return (text, { loose }) => {
    const out: Candidate[] = [];
    let free = text;
    // The phrases the text may hold, looked up once: a match taken (blanked) only removes words.
    for (const { value, re } of exact(asciiLower(free))) {
      for (const m of free.matchAll(re)) {
        out.push({ value, start: m.index, end: m.index + m[0].length });
        free = blank(free, m.index, m.index + m[0].length);
      }
    }
    if (out.length > 0) return out;
    for (const t of tokens(free)) {
      if (isCommon(t.word)) continue;
      const values = looseValues(t.word, single, loose);
      if (values.length === 1) out.push({ value: values[0], start: t.start, end: t.end, loose: true });
      else if (values.length > 1) out.push({ askBack: { why: 'ambiguous', choices: values }, start: t.start, end: t.end, loose: true });
    }
    return out;
  };
}

interface LooseLookup {
  byText: Map<string, string>;
  /** Short synonyms ("prd") are too close to words to have typos. */
  typoable: string[];
}
const looseLookup = (phrases: readonly Phrase[]): LooseLookup => {
  const byText = new Map(phrases.map((p) => [p.text.toLowerCase(), p.value]));
  return { byText, typoable: [...byText.keys()].filter((k) => k.length >= 5) };
};

/** The values a word may stand for: a typo away from one, or (when the slot is asked) the start of one. */
function looseValues(word: string, { byText, typoable }: LooseLookup, prefixes: boolean): string[] {
  if (word.includes('@')) return [];
  // "demo" → Demos: a plural is no typo to tell apart.
  const typos = closest(word, typoable).map((k) => byText.get(k) as string);
  const plural = byText.get(`${word}s`) ?? byText.get(word.replace(/s$/, ''));
  const starts = prefixes && word.length >= 3 ? [...byText].filter(([k]) => k.startsWith(word)).map(([, v]) => v) : [];
  return [...new Set([...(plural ? [plural] : []), ...typos, ...(typos.length || plural ? [] : starts)])];
}

/** OUs as `Name`, `Name (ou-...)`, or their configured id alone, loosely by name as well; resolveOu decides. */
export function ouFinder(ous: readonly OrganizationalUnit[], isCommon: (word: string) => boolean): Finder {
  const names = phraseFinder(
    ous.map((o) => ({ value: o.name, text: o.name })),
    isCommon,
  );
  // Longest names first, each with its optional id in brackets: built once, not per call.
  const byName = phrasesIn(
    [...ous]
      .sort((a, b) => b.name.length - a.name.length)
      .map((ou) => ({ name: ou.name, re: new RegExp(`${wholeWords(ou.name)}(?:\\s*\\(\\s*ou-[^)\\s]*\\s*\\))?`, 'giu') })),
    (ou) => ou.name,
  );
  return (text, opts) => {
    const out: Candidate[] = [];
    let free = text;
    const take = (start: number, end: number, label: string) => {
      try {
        out.push({ value: resolveOu(label, ous).name, start, end });
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        out.push({ error: e.message, start, end });
      }
      free = blank(free, start, end);
    };
    const lower = asciiLower(text);
    for (const { re } of byName(lower)) {
      for (const m of free.matchAll(re)) take(m.index, m.index + m[0].length, m[0]);
    }
    if (lower !== undefined && !lower.includes('ou-')) return out.length > 0 ? out : names(free, opts);
    for (const m of free.matchAll(OU_ID_LIKE)) {
      const ou = ous.find((o) => o.id?.toLowerCase() === m[0].toLowerCase());
      if (ou) take(m.index, m.index + m[0].length, `${ou.name} (${m[0]})`);
    }
    return out.length > 0 ? out : names(free, opts);
  };
}

/** Request ids (req-...), anywhere in the text. */
export const requestIdFinder: Finder = (text) =>
  !/req-/i.test(text)
    ? []
    : [...text.matchAll(REQUEST_ID_LIKE)]
        .map((m) => ({ value: m[0].toLowerCase(), start: m.index, end: m.index + m[0].length }))
        .slice(0, 1);

/** Cues ("called …", "because …") as regexes, each tried only when the text has its words. */
const cueIndex = (cues: readonly string[]) =>
  phrasesIn(
    cues.map((c) => ({ cue: c, re: new RegExp(phrasePattern(c), 'giu') })),
    (c) => c.cue,
  );

/** A chosen account name: the quoted phrase or word right after one of the cues ("called payments-dev"). */
export function nameFinder(cues: readonly string[]): Finder {
  const res = cueIndex(cues);
  return (text) => {
    const lower = asciiLower(text);
    for (const { re } of res(lower)) {
      for (const m of text.matchAll(re)) {
        const after = text.slice(m.index + m[0].length);
        const n = NAME_AFTER_CUE.exec(after);
        if (!n) continue;
        const end = m.index + m[0].length + n[0].length;
        return [checkName(n[1] ?? n[2], m.index, end)];
      }
    }
    return [];
  };
}

/** A name as the core's rule takes it: its message when it is no valid name. */
export function checkName(raw: string, start: number, end: number): Candidate {
  const parsed = accountNameSchema.safeParse(raw.replace(/[.,!?]+$/, ''));
  return parsed.success ? { value: parsed.data, start, end } : { error: parsed.error.issues[0]?.message, start, end };
}

/** Words that end a reason without belonging to it ("…, thanks"). */
const TRAILING = /(?:[\s,]+(?:and|in|for|with|to|at|on|please|pls|plz|thanks|thank you|thx|cheers|ok|okay))+[\s,]*$|[\s,]+$/i;

/** Free text introduced by a cue phrase ("because …", "for the … team"): the whole phrase, as said. */
export function freeTextFinder(cues: readonly string[]): Finder {
  const res = cueIndex(cues);
  return (text) => {
    const lower = asciiLower(text);
    for (const { re } of res(lower)) {
      for (const m of text.matchAll(re)) {
        const said = m[0].replace(/\s+/g, ' ').replace(TRAILING, '').trim();
        if (said) return [{ value: said, start: m.index, end: m.index + m[0].length }];
      }
    }
    return [];
  };
}
