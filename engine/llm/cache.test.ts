import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFakeOpenAIServer, type FakeOpenAIServer } from "../../test/support/fake-openai-server.ts";
import { cacheKey, canonicalJson, createFileCache, withCache } from "./cache.ts";
import { createOpenAIModel } from "./openai-model.ts";
import type { LanguageModel } from "./types.ts";

let server: FakeOpenAIServer;
let dir: string;
let model: LanguageModel;
beforeEach(async () => {
  server = createFakeOpenAIServer({ handler: (req) => ({ content: `answer #${req.index}` }) });
  model = createOpenAIModel({ model: "fake-small", baseURL: await server.start(), apiKey: "k" });
  dir = await mkdtemp(join(tmpdir(), "ateams-cache-"));
});
afterEach(async () => {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

const req = (content: string) => ({ messages: [{ role: "user" as const, content }], temperature: 0 });

describe("withCache", () => {
  it("serves an identical call from disk without touching the server, marked cached (which run and budget meters do not charge)", async () => {
    const cached = withCache(model, createFileCache(dir));
    const first = await cached.complete(req("hello"));
    // A fresh cache object over the same directory stands for a re-run after an interruption.
    const again = await withCache(model, createFileCache(dir)).complete(req("hello"));
    expect(server.chatRequests).toHaveLength(1);
    expect(first.cached).toBe(false);
    expect(again).toMatchObject({ cached: true, content: "answer #0", usage: first.usage, raw: first.raw });
  });

  it("misses when anything that shapes the reply differs", async () => {
    const cached = withCache(model, createFileCache(dir));
    await cached.complete(req("hello"));
    await cached.complete(req("hello!"));
    await cached.complete({ ...req("hello"), temperature: 0.7 });
    await withCache(createOpenAIModel({ model: "fake-large", baseURL: server.url, apiKey: "k" }), createFileCache(dir)).complete(req("hello"));
    expect(server.chatRequests).toHaveLength(4);
  });

  it("a retry's calls miss the replies of the tries before it; a first try keeps the key it always had", async () => {
    const cached = withCache(model, createFileCache(dir));
    await cached.complete(req("hello"));
    await cached.complete({ ...req("hello"), attempt: "failed 1 with abc, due 2026-12-01T10:05:00Z" });
    await cached.complete({ ...req("hello"), attempt: "failed 2 with abc, due 2026-12-01T10:26:00Z" });
    expect(server.chatRequests).toHaveLength(3);
    // Each try's reply is kept for a run that resumes that try.
    expect((await cached.complete({ ...req("hello"), attempt: "failed 1 with abc, due 2026-12-01T10:05:00Z" })).cached).toBe(true);
    expect(cacheKey(model, { ...req("hello"), attempt: undefined })).toBe(cacheKey(model, req("hello")));
    // Never sent to the provider.
    expect(JSON.stringify(server.chatRequests[1])).not.toContain("failed 1");
  });

  it("writes atomically: one entry per key and no temp files left behind", async () => {
    await withCache(model, createFileCache(dir)).complete(req("hello"));
    const key = cacheKey(model, req("hello"));
    expect(await readdir(dir)).toEqual([key.slice(0, 2)]);
    expect(await readdir(join(dir, key.slice(0, 2)))).toEqual([`${key}.json`]);
  });

  it("treats an unreadable entry as a miss and replaces it", async () => {
    const cache = createFileCache(dir);
    const key = cacheKey(model, req("hello"));
    await withCache(model, cache).complete(req("hello"));
    await writeFile(join(dir, key.slice(0, 2), `${key}.json`), "{not json");
    const r = await withCache(model, cache).complete(req("hello"));
    expect(r).toMatchObject({ cached: false, content: "answer #1" });
    expect(await cache.get(key)).toMatchObject({ content: "answer #1" });
  });

  it("forgets a rejected reply: the same call is then asked afresh, by this run or the next", async () => {
    const cached = withCache(model, createFileCache(dir));
    const first = await cached.complete(req("hello"));
    await cached.forget!(req("hello"));
    const again = await withCache(model, createFileCache(dir)).complete(req("hello"));
    expect(server.chatRequests).toHaveLength(2);
    expect(first.content).toBe("answer #0");
    expect(again).toMatchObject({ cached: false, content: "answer #1" });
    // The fresh answer is kept as any other.
    expect(await withCache(model, createFileCache(dir)).complete(req("hello"))).toMatchObject({ cached: true, content: "answer #1" });
  });

  it("keeps the paid answer when the cache cannot be written", async () => {
    const broken = { get: async () => undefined, set: async () => Promise.reject(new Error("disk full")), delete: async () => undefined };
    const r = await withCache(model, broken).complete(req("hello"));
    expect(r.content).toBe("answer #0");
    expect(r.warnings).toEqual(["response not cached: disk full"]);
  });
});

describe("cacheKey", () => {
  it("ignores key order and the abort signal, and is a sha256", () => {
    const a = cacheKey(model, {
      messages: [{ role: "user", content: "x" }],
      responseFormat: { name: "n", schema: { type: "object", required: ["a"], properties: { a: {} } } },
    });
    const b = cacheKey(model, {
      messages: [{ content: "x", role: "user" }],
      responseFormat: { schema: { properties: { a: {} }, required: ["a"], type: "object" }, name: "n" },
      signal: new AbortController().signal,
    });
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });

  it("canonicalJson sorts keys at every depth but keeps array order", () => {
    expect(canonicalJson({ b: [{ d: 1, c: 2 }, 3], a: undefined, c: null })).toBe('{"b":[{"c":2,"d":1},3],"c":null}');
  });
});
