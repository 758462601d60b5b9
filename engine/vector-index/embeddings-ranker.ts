// Ranks memory by the cosine similarity of embedding vectors: finds lessons that say the same thing in other words.
import { byScore, cosine, type MemoryRanker } from "../memory/ranker.ts";
import type { Embedder } from "./embeddings.ts";

export function embeddingsRanker(embedder: Embedder): MemoryRanker {
  return {
    name: "embeddings",
    async rank(entries, query) {
      if (!entries.length) return [];
      const [q, ...vectors] = await embedder.embed([query, ...entries.map((e) => e.text)]);
      return byScore(entries, new Map(entries.map((e, i) => [e.id, cosine(q!, vectors[i]!)])));
    },
  };
}
