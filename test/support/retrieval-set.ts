// The labelled retrieval set (test/fixtures/memory-retrieval/) and how a ranker is scored on it: for each query (a
// task for one role), the role's scope is ranked and the top five compared with the entries labelled relevant.
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import type { Memory, MemoryEntry, Stream, Task } from "../../engine/agency/types.gen.ts";
import { taskQuery } from "../../engine/memory/recall.ts";
import type { MemoryRanker } from "../../engine/memory/ranker.ts";
import { entriesIn } from "../../engine/memory/scope.ts";

export const RETRIEVAL_DIR = resolve(__dirname, "../fixtures/memory-retrieval");

export interface LabelledQuery {
  id: string;
  role: string;
  task: { title: string; description: string; criteria: string[] };
  relevant: string[];
}

export function retrievalSet(): { memory: Map<string, MemoryEntry[]>; queries: LabelledQuery[] } {
  const memory = new Map<string, MemoryEntry[]>();
  const read = (rel: string) => memory.set(rel, (parse(readFileSync(join(RETRIEVAL_DIR, "memory", rel), "utf8")) as Memory).entries);
  for (const f of readdirSync(join(RETRIEVAL_DIR, "memory"))) if (f.endsWith(".yaml")) read(f);
  for (const f of readdirSync(join(RETRIEVAL_DIR, "memory", "roles"))) read(`roles/${f}`);
  const queries = (parse(readFileSync(join(RETRIEVAL_DIR, "queries.yaml"), "utf8")) as { queries: LabelledQuery[] }).queries;
  return { memory, queries };
}

/** The query as a run builds it from the task (engine/memory/recall.ts taskQuery). */
export function queryText(q: LabelledQuery): string {
  const task = { id: q.id, title: q.task.title, description: q.task.description, criteria: q.task.criteria, role: q.role, outputs: [] } as unknown as Task;
  return taskQuery({ id: "s", title: "", goal: "", successCriteria: [], tasks: [] } as unknown as Stream, task);
}

export interface RetrievalScore {
  /** Mean over queries of (relevant entries in the top 5) / 5. */
  precisionAt5: number;
  /** Mean over queries of (relevant entries in the top 5) / (relevant entries), i.e. how much of what matters is found. */
  recallAt5: number;
  /** The best precision@5 any ranker could reach: a query with two relevant entries caps at 0.4. */
  idealPrecisionAt5: number;
  queries: number;
}

export async function scoreRanker(ranker: MemoryRanker, set = retrievalSet()): Promise<RetrievalScore> {
  let p = 0;
  let r = 0;
  let ideal = 0;
  for (const q of set.queries) {
    const ranked = await ranker.rank(entriesIn(set.memory, { kind: "role", role: q.role }), queryText(q));
    const hits = ranked.slice(0, 5).filter((e) => q.relevant.includes(e.id)).length;
    p += hits / 5;
    r += hits / q.relevant.length;
    ideal += Math.min(5, q.relevant.length) / 5;
  }
  const n = set.queries.length;
  const round = (x: number) => Math.round((x / n) * 1000) / 1000;
  return { precisionAt5: round(p), recallAt5: round(r), idealPrecisionAt5: round(ideal), queries: n };
}
