import distance from 'damerau-levenshtein';

/**
 * Spelling mistakes: a word is taken for a known one when they differ by a typo or two
 * (Damerau-Levenshtein, so "wnat" is one swap from "want"). damerau-levenshtein is small,
 * dependency-free and widely used (eslint-plugin-jsx-a11y); its `steps` is the edit distance.
 *
 * Tuned so that nonsense still falls back: words under 4 letters are never corrected, 4 to 7
 * letters allow one edit, longer words two, and the first letter must match unless the edit is a
 * swap of the first two ("acount" → account, "sandbx" → sandbox, but not "asdf" → anything).
 */

/** The most edits allowed for a word of this length (0: compare exactly). */
export function typoLimit(length: number): number {
  if (length < 4) return 0;
  return length < 8 ? 1 : 2;
}

/** Edits between two lower-case words, or Infinity when they are too far apart to be a typo. */
export function typoDistance(typed: string, known: string): number {
  const limit = Math.min(typoLimit(typed.length), typoLimit(known.length));
  if (limit === 0 || Math.abs(typed.length - known.length) > limit) return Number.POSITIVE_INFINITY;
  const swappedStart = typed[0] === known[1] && typed[1] === known[0];
  if (typed[0] !== known[0] && !swappedStart) return Number.POSITIVE_INFINITY;
  const { steps } = distance(typed, known);
  return steps <= limit ? steps : Number.POSITIVE_INFINITY;
}

/**
 * The known words closest to `typed` within the typo limit (all of them when tied), or none.
 * An exact match is always the only answer.
 */
export function closest(typed: string, known: Iterable<string>): string[] {
  let best = Number.POSITIVE_INFINITY;
  let found: string[] = [];
  for (const k of known) {
    if (k === typed) return [k];
    const d = typoDistance(typed, k);
    if (d < best) {
      best = d;
      found = [k];
    } else if (d === best && d !== Number.POSITIVE_INFINITY && !found.includes(k)) {
      found.push(k);
    }
  }
  return found;
}
