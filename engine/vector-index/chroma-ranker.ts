// Memory ranked by a Chroma server: the entries' vectors (from the agency's /embeddings endpoint, the same ones the
// embeddings ranker uses) are kept in a collection and the nearest to the task's vector come first. For agencies whose
// memory outgrows a file, or that already run Chroma. `chromadb` is an optional peer dependency, loaded only here.
import { ChromaClient, type Collection } from "chromadb";
import { byScore, type MemoryRanker } from "../memory/ranker.ts";
import { digest } from "../plan/digest.ts";
import type { Embedder } from "./embeddings.ts";

export interface ChromaSettings {
  url: string;
  collection: string;
}

/** One collection per embedding model: vectors of two models cannot be compared (nor share a dimension). */
export function collectionName(base: string, model: string): string {
  return `${base}-${digest(model).slice(0, 8)}`;
}

export function chromaRanker(settings: ChromaSettings, embedder: Embedder): MemoryRanker {
  const url = new URL(settings.url);
  const client = new ChromaClient({ host: url.hostname, port: Number(url.port || (url.protocol === "https:" ? 443 : 80)), ssl: url.protocol === "https:" });
  let opened: Promise<Collection> | undefined;
  // The collection is told how to embed (our embedder) so Chroma never reaches for a default model of its own.
  const embeddingFunction = { name: "ateams-embeddings", generate: (texts: string[]) => embedder.embed(texts) };
  const open = () =>
    (opened ??= client
      .getOrCreateCollection({ name: collectionName(settings.collection, embedder.model), embeddingFunction, configuration: { hnsw: { space: "cosine" } }, metadata: { model: embedder.model } })
      .catch((e: unknown) => {
        opened = undefined; // the next rank tries again: the server may be starting
        throw new Error(`memory.ranker chroma: cannot reach ${settings.url} (${e instanceof Error ? e.message : String(e)})`);
      }));
  /** What this process has already written, by id: an entry is sent again only when its words change. */
  const written = new Map<string, string>();
  return {
    name: "chroma",
    async rank(entries, query) {
      if (!entries.length) return [];
      const collection = await open();
      const [q, ...vectors] = await embedder.embed([query, ...entries.map((e) => e.text)]);
      const stale = entries.map((e, i) => ({ e, v: vectors[i]! })).filter(({ e }) => written.get(e.id) !== e.text);
      if (stale.length) {
        await collection.upsert({ ids: stale.map((s) => s.e.id), embeddings: stale.map((s) => s.v), documents: stale.map((s) => s.e.text), metadatas: stale.map((s) => ({ file: s.e.file })) });
        for (const s of stale) written.set(s.e.id, s.e.text);
      }
      const files = [...new Set(entries.map((e) => e.file))];
      const where = files.length === 1 ? { file: files[0]! } : { file: { $in: files } };
      // Entries since summarised away or deleted from these files leave the collection, or they would take the
      // places of current ones in the results.
      const current = new Set(entries.map((e) => e.id));
      const gone = (await collection.get({ where, include: [] as never })).ids.filter((id) => !current.has(id));
      if (gone.length) await collection.delete({ ids: gone });
      const found = await collection.query({ queryEmbeddings: [q!], nResults: entries.length, where, include: ["distances"] as never });
      const ids = found.ids[0] ?? [];
      const distances = found.distances?.[0] ?? [];
      // Only the entries asked about count: the collection may hold entries since removed from the files.
      return byScore(entries, new Map(ids.map((id, i) => [id, -(distances[i] ?? 1)])));
    },
  };
}
