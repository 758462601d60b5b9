// Two lessons that say the same thing in nearly the same words are one lesson: the second one's provenance joins the
// first instead of the memory growing a copy (people teach what the L&P Manager already proposed, and the reverse).
const STOP = new Set("a an and are as at be by for from has have in is it its of on or that the this to was were will with your you".split(" "));

export function contentWords(text: string): Set<string> {
  return new Set(
    text
      .toLowerCase()
      .normalize("NFKD")
      .replace(/[^\p{L}\p{N}\s]/gu, " ")
      .split(/\s+/)
      .filter((w) => w.length > 1 && !STOP.has(w))
      .map((w) => (w.length > 4 ? w.replace(/(ing|ed|es|s)$/, "") : w)),
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

/** At or above this, two entries are the same lesson: most content words shared, a word or two reworded. */
export const NEAR_DUPLICATE = 0.6;

export function nearDuplicate(a: string, b: string): boolean {
  return similarity(a, b) >= NEAR_DUPLICATE;
}
