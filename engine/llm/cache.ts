// A content-addressed cache of model replies on disk, so a run that is interrupted and re-run never pays for the
// same call twice. The key covers everything that shapes the reply; the signal and timeouts do not. A reply is
// stored when it arrives (an interrupted run keeps it) and deleted when its caller rejects it (LanguageModel.forget),
// so the cache only ever replays replies that were accepted or not yet judged.
import { createHash, randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { CompletionRequest, CompletionResult, LanguageModel } from "./types.ts";

export const DEFAULT_CACHE_DIR = ".ateams/cache";

export interface ResponseCache {
  get(key: string): Promise<CompletionResult | undefined>;
  set(key: string, result: CompletionResult): Promise<void>;
  delete(key: string): Promise<void>;
}

/** JSON with object keys sorted at every depth, so equal values always hash equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]))
      : v,
  );
}

export function cacheKey(model: LanguageModel, req: CompletionRequest): string {
  const material = {
    baseURL: model.baseURL ?? null,
    provider: model.provider,
    model: model.modelId,
    messages: req.messages,
    responseFormat: req.responseFormat ?? null,
    tools: req.tools ?? null,
    temperature: req.temperature ?? null,
    // Not in the original key list, but a smaller limit truncates differently; a hit must not change the reply.
    maxOutputTokens: req.maxOutputTokens ?? null,
    // Only when set, so first attempts keep the keys they always had.
    ...(req.attempt !== undefined ? { attempt: req.attempt } : {}),
  };
  return createHash("sha256").update(canonicalJson(material)).digest("hex");
}

interface Entry {
  version: 1;
  key: string;
  storedAt: string;
  result: CompletionResult;
}

export function createFileCache(dir: string = DEFAULT_CACHE_DIR): ResponseCache & { readonly dir: string } {
  // Two-character shards keep directories small enough to list after thousands of calls.
  const pathFor = (key: string) => join(dir, key.slice(0, 2), `${key}.json`);
  const shards = new Set<string>();
  return {
    dir,
    // Synchronous on purpose: an entry is a few KB, and under a busy run a thread-pool round trip costs far more
    // than the read or write itself, on every call's path (measured by `npm run bench`).
    async get(key) {
      let text: string;
      try {
        text = readFileSync(pathFor(key), "utf8");
      } catch {
        return undefined;
      }
      try {
        const entry = JSON.parse(text) as Entry;
        return entry.version === 1 && entry.key === key ? entry.result : undefined;
      } catch {
        return undefined; // a hand-edited or foreign file is a miss, not a crash
      }
    },
    async set(key, result) {
      const file = pathFor(key);
      const shard = dirname(file);
      if (!shards.has(shard)) {
        mkdirSync(shard, { recursive: true });
        shards.add(shard);
      }
      const entry: Entry = { version: 1, key, storedAt: new Date().toISOString(), result: { ...result, cached: false } };
      // Write-then-rename: a crash mid-write leaves a stray temp file, never a half entry under the real name.
      const tmp = `${file}.${process.pid}.${randomUUID()}.tmp`;
      try {
        writeFileSync(tmp, JSON.stringify(entry));
        renameSync(tmp, file);
      } catch (err) {
        rmSync(tmp, { force: true });
        shards.delete(shard); // removed under us? make it again next time
        throw err;
      }
    },
    async delete(key) {
      rmSync(pathFor(key), { force: true });
    },
  };
}

/** Serves repeated calls from `cache` with `cached: true`, which budgets count as free. */
export function withCache(model: LanguageModel, cache: ResponseCache): LanguageModel {
  return {
    provider: model.provider,
    modelId: model.modelId,
    ...(model.baseURL !== undefined ? { baseURL: model.baseURL } : {}),
    async complete(req) {
      const started = performance.now();
      const key = cacheKey(model, req);
      const hit = await cache.get(key);
      if (hit) return { ...hit, cached: true, latencyMs: performance.now() - started, retries: 0 };
      const result = await model.complete(req);
      try {
        await cache.set(key, result);
      } catch (err) {
        // The call is already paid for; losing its cache entry must not lose its answer.
        return { ...result, warnings: [...result.warnings, `response not cached: ${(err as Error).message}`] };
      }
      return result;
    },
    async forget(req) {
      await cache.delete(cacheKey(model, req));
      await model.forget?.(req);
    },
  };
}
