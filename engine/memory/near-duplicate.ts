// Two lessons that say the same thing in nearly the same words are one lesson: the second one's provenance joins the
// first instead of the memory growing a copy (people teach what the L&P Manager already proposed, and the reverse).
// Deliberately strict: a correction ("Never include…" after "Always include…", "imperial" for "metric") shares most
// of its words with what it corrects, and merging it would drop the correction's words.
import { STOP_WORDS } from "./ranker.ts";
const STOP = new Set([...STOP_WORDS, "always", "every", "each", "all", "any"]);
/** Words that turn a lesson into its opposite: a lesson with one and a lesson without are never the same. */
const NEGATIONS = new Set(["not", "never", "no", "nor", "avoid", "don", "dont", "without", "neither", "stop"]);

function words(text: string): string[] {
  return text
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^\p{L}\p{N}\s]/gu, " ")
    .split(/\s+/)
    .filter((w) => w.length > 1);
}

export function contentWords(text: string): Set<string> {
  return new Set(
    words(text)
      .filter((w) => !STOP.has(w))
      .map((w) => (w.length > 4 ? w.replace(/(ing|ed|es|s|e)$/, "") : w)),
  );
}

/** Jaccard similarity of the two texts' content words, 0..1. */
export function similarity(a: string, b: string): number {
  const x = contentWords(a);
  const y = contentWords(b);
  if (!x.size || !y.size) return a.trim().toLowerCase() === b.trim().toLowerCase() ? 1 : 0;
  let both = 0;
  for (const w of x) if (y.has(w)) both++;
  return both / (x.size + y.size - both);
}

const negated = (text: string) => words(text).some((w) => NEGATIONS.has(w));
const subset = (x: ReadonlySet<string>, y: ReadonlySet<string>) => [...x].every((w) => y.has(w));

/** At or above this, texts that are not one within the other are the same lesson: a word reworded, not replaced. */
export const NEAR_DUPLICATE = 0.8;

/**
 * The same lesson: never when one is negated and the other not; otherwise when one's content words are all in the
 * other ("Lead with the customer" / "Always lead with the customer!") or nearly all words are shared.
 */
export function nearDuplicate(a: string, b: string): boolean {
  if (negated(a) !== negated(b)) return false;
  const x = contentWords(a);
  const y = contentWords(b);
  if (x.size && y.size && (subset(x, y) || subset(y, x))) return true;
  return similarity(a, b) >= NEAR_DUPLICATE;
}
