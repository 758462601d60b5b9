// Vectors for memory entries and queries from an OpenAI-compatible /embeddings endpoint (OpenAI, Ollama, vLLM,
// LiteLLM…), kept in a file so an entry is embedded once per model, not once per run.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import OpenAI from "openai";
import { digest } from "../plan/digest.ts";

export interface Embedder {
  readonly model: string;
  /** One vector per text, in order; texts seen before come from the index file. */
  embed(texts: readonly string[]): Promise<number[][]>;
}

export interface EmbedderSettings {
  model: string;
  baseURL?: string;
  apiKey?: string;
  /** The index file, e.g. .ateams/embeddings.json; undefined keeps vectors for this process only. */
  indexFile?: string;
  timeoutMs?: number;
}

const BATCH = 64;

/** Vectors are stored as base64 float32: a 1,536-dimension vector is 8 KB of text instead of 30. */
const pack = (v: readonly number[]) => Buffer.from(new Float32Array(v).buffer).toString("base64");
const unpack = (s: string) => [...new Float32Array(new Uint8Array(Buffer.from(s, "base64")).buffer)];

type IndexFile = Record<string, Record<string, string>>;

function readIndex(file: string | undefined): IndexFile {
  if (!file) return {};
  try {
    const v = JSON.parse(readFileSync(file, "utf8")) as unknown;
    return v && typeof v === "object" ? (v as IndexFile) : {};
  } catch {
    return {}; // none yet, or unreadable: the vectors are fetched again
  }
}

export function createEmbedder(settings: EmbedderSettings): Embedder {
  const client = new OpenAI({ apiKey: settings.apiKey ?? "not-needed", ...(settings.baseURL ? { baseURL: settings.baseURL } : {}), timeout: settings.timeoutMs ?? 60_000, maxRetries: 3 });
  const index = readIndex(settings.indexFile);
  const known = (index[settings.model] ??= {});
  const keyOf = (t: string) => digest(t).slice(0, 24);
  const save = () => {
    if (!settings.indexFile) return;
    mkdirSync(dirname(settings.indexFile), { recursive: true });
    const tmp = `${settings.indexFile}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(index));
    renameSync(tmp, settings.indexFile); // whole or not at all: a killed run leaves the old index
  };
  return {
    model: settings.model,
    async embed(texts) {
      const missing = [...new Set(texts.filter((t) => !known[keyOf(t)]))];
      for (let i = 0; i < missing.length; i += BATCH) {
        const batch = missing.slice(i, i + BATCH);
        const res = await client.embeddings.create({ model: settings.model, input: batch, encoding_format: "float" });
        const data = [...res.data].sort((a, b) => a.index - b.index);
        if (data.length !== batch.length) throw new Error(`the /embeddings endpoint answered ${data.length} vectors for ${batch.length} texts (model ${settings.model})`);
        data.forEach((d, j) => (known[keyOf(batch[j]!)] = pack(d.embedding)));
      }
      if (missing.length) save();
      return texts.map((t) => unpack(known[keyOf(t)]!));
    },
  };
}
