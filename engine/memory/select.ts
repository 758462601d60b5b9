// What one prompt gets from memory: the ranked entries, best first, as many as fit in the token budget. A memory that
// fits whole is sent whole (in rank order); ranking decides only when there is more than the budget holds.
import { tokensOf } from "../plan/estimate.ts";
import { digest } from "../plan/digest.ts";
import type { MemoryRanker } from "./ranker.ts";
import type { FiledEntry } from "./scope.ts";

export interface MemorySelection {
  /** The entries sent, best first. */
  entries: { id: string; file: string; kind: string; text: string; by: string }[];
  tokens: number;
  budget: number;
  /** Entries in scope before the budget cut. */
  considered: number;
  ranker: string;
  /** A digest of the ids sent: a finished task whose selection changes has new memory to learn from. */
  digest: string;
}

export const DEFAULT_TOKEN_BUDGET = 600;

/** The line an entry is shown as in a prompt, and the tokens it is counted at. */
export function entryLine(e: { text: string; by: string }): string {
  return `- ${e.text.replace(/\s+/g, " ").trim()} (${e.by})`;
}

export async function selectMemory(ranker: MemoryRanker, scope: readonly FiledEntry[], query: string, budget: number): Promise<MemorySelection> {
  const ranked = scope.length && budget > 0 ? await ranker.rank(scope, query) : [];
  const entries: MemorySelection["entries"] = [];
  let tokens = 0;
  for (const e of ranked) {
    const item = { id: e.id, file: e.file, kind: e.kind, text: e.text, by: e.provenance.map((p) => p.by).filter((b, i, all) => all.indexOf(b) === i).join(", ") };
    const cost = tokensOf(entryLine(item)) + 1;
    if (tokens + cost > budget) continue; // a shorter one further down may still fit
    entries.push(item);
    tokens += cost;
  }
  return { entries, tokens, budget, considered: scope.length, ranker: ranker.name, digest: digest(entries.map((e) => e.id)).slice(0, 12) };
}
