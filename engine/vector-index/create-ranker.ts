// The memory ranker agency.yaml asks for: lexical by default (nothing to run), embeddings through the
// OpenAI-compatible /embeddings endpoint, or Chroma holding the same vectors.
import { join } from "node:path";
import type { Agency } from "../agency/types.gen.ts";
import { lexicalRanker, type MemoryRanker } from "../memory/ranker.ts";
import { createEmbedder, type Embedder } from "./embeddings.ts";
import { embeddingsRanker } from "./embeddings-ranker.ts";

export interface RankerSettings {
  env: NodeJS.ProcessEnv;
  /** The repository root: the embeddings index is kept in its .ateams/ (not committed). */
  repoRoot: string;
}

export function memoryEmbedder(agency: Agency, settings: RankerSettings): Embedder {
  const e = agency.memory?.embeddings;
  if (!e) throw new Error(`agency.yaml: memory.ranker ${agency.memory?.ranker} needs memory.embeddings.model (the embedding model to call)`);
  const baseURL = e.baseUrl ?? settings.env.OPENAI_BASE_URL;
  const apiKey = settings.env[e.apiKeyEnv ?? "OPENAI_API_KEY"];
  return createEmbedder({ model: e.model, ...(baseURL ? { baseURL } : {}), ...(apiKey ? { apiKey } : {}), indexFile: join(settings.repoRoot, ".ateams", "embeddings.json") });
}

/** One collection per agency by default (its name), so two agencies sharing a Chroma server never mix entries. */
function defaultCollection(agency: Agency): string {
  const slug = agency.name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60);
  return `ateams-${slug || "memory"}`;
}

export async function createMemoryRanker(agency: Agency, settings: RankerSettings): Promise<MemoryRanker> {
  switch (agency.memory?.ranker ?? "lexical") {
    case "lexical":
      return lexicalRanker;
    case "embeddings":
      return embeddingsRanker(memoryEmbedder(agency, settings));
    case "chroma": {
      const c = agency.memory?.chroma;
      if (!c) throw new Error("agency.yaml: memory.ranker chroma needs memory.chroma.url (the Chroma server)");
      // Loaded only when asked for: chromadb is an optional dependency most agencies never install.
      const { chromaRanker } = await import("./chroma-ranker.ts").catch((e: unknown) => {
        if ((e as NodeJS.ErrnoException).code !== "ERR_MODULE_NOT_FOUND") throw e;
        throw new Error(
          "agency.yaml: memory.ranker chroma needs the chromadb package beside ateams: npm install chromadb@^3.0.17 (on a glibc older than 2.38, e.g. Debian 12, also pin its native bindings: \"overrides\": { \"chromadb-js-bindings-linux-x64-gnu\": \"1.0.5\" } in package.json)",
        );
      });
      return chromaRanker({ url: c.url, collection: c.collection ?? defaultCollection(agency) }, memoryEmbedder(agency, settings));
    }
  }
}
