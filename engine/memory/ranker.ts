// Rankers order a scope's entries by how much they bear on a query (a task, or a project for the PM). The lexical one
// is the default: BM25 from a maintained library (minisearch), no service to run. Vector rankers (embeddings file,
// Chroma) live with their adapters and implement the same interface.
import MiniSearch from "minisearch";
import type { FiledEntry } from "./scope.ts";

export interface MemoryRanker {
  readonly name: "lexical" | "embeddings" | "chroma";
  /** Every entry, the most relevant first; entries that share nothing with the query keep their file order at the end. */
  rank(entries: readonly FiledEntry[], query: string): Promise<readonly FiledEntry[]>;
}

/** Words that say nothing about a lesson's subject; near-duplicate.ts adds the quantifiers it also ignores. */
export const STOP_WORDS: ReadonlySet<string> = new Set("a an and are as at be by for from has have in is it its of on or that the this to was were will with your you".split(" "));

/** One term as both the index and the query see it: lower case, stop words out, a light suffix stem. */
function term(t: string): string | null {
  const w = t.toLowerCase().normalize("NFKD").replace(/[^\p{L}\p{N}]/gu, "");
  if (w.length < 2 || STOP_WORDS.has(w)) return null;
  return w.length > 4 ? w.replace(/(ing|ed|es|s)$/, "") : w;
}

/** Scores entries against a query by BM25 over their words (synchronous: the planner may call it). */
export function lexicalScores(entries: readonly FiledEntry[], query: string): Map<string, number> {
  const index = new MiniSearch<{ id: string; text: string }>({ fields: ["text"], processTerm: term, idField: "id" });
  index.addAll(entries.map((e) => ({ id: e.id, text: e.text })));
  return new Map(index.search(query, { combineWith: "OR", prefix: true, fuzzy: 0.15 }).map((r) => [String(r.id), r.score]));
}

/** Entries by descending score; ties and unscored entries keep their order (file order: oldest first). */
export function byScore(entries: readonly FiledEntry[], scores: ReadonlyMap<string, number>): FiledEntry[] {
  return entries
    .map((e, i) => ({ e, i, s: scores.get(e.id) ?? -Infinity }))
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .map((x) => x.e);
}

export const lexicalRanker: MemoryRanker = {
  name: "lexical",
  async rank(entries, query) {
    return byScore(entries, lexicalScores(entries, query));
  },
};

/** Cosine similarity of two vectors of the same length. */
export function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}
