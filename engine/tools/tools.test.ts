import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { edit, load, tempAgency } from "../../test/support/agency-fixture.ts";
import { loadAgency } from "../agency/load-agency.ts";
import { limitsOf } from "./code-interpreter.ts";
import { canRun, offerable, refusedTools, toolsFor } from "./registry.ts";
import { repoFileTools } from "./repo-files.ts";
import { webSearchTool } from "./web-search.ts";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "ateams-tools-"));
  await mkdir(join(root, "agency", "resources"), { recursive: true });
  await writeFile(join(root, "agency", "resources", "pricing.md"), "# Pricing\n\nThe Pro plan costs $29 per month.\n");
  await writeFile(join(tmpdir(), "ateams-secret.txt"), "secret");
  await symlink(join(tmpdir(), "ateams-secret.txt"), join(root, "agency", "escape.md"));
});
afterEach(() => rm(root, { recursive: true, force: true }));

const call = { id: "c1", name: "x", arguments: "{}" };

describe("data-retriever", () => {
  it("finds lines by phrase and reads files inside the repository only", async () => {
    const [search, read] = repoFileTools(root, join(root, "agency"));
    expect(await search!.handler({ query: "pro plan" }, call)).toBe("agency/resources/pricing.md:3: The Pro plan costs $29 per month.");
    expect(await search!.handler({ query: "enterprise" }, call)).toBe('No file mentions "enterprise".');
    expect(await read!.handler({ path: "agency/resources/pricing.md" }, call)).toContain("$29");
    expect(await read!.handler({ path: "../etc/passwd" }, call)).toMatch(/is not a file/);
    expect(await read!.handler({ path: "agency/escape.md" }, call)).toMatch(/is not a file of the agency/);
    await mkdir(join(root, ".git"), { recursive: true });
    await writeFile(join(root, ".git", "config"), "[http] extraheader = AUTHORIZATION: basic c2VjcmV0");
    await writeFile(join(root, "outside.md"), "not the agency's");
    expect(await read!.handler({ path: ".git/config" }, call)).toMatch(/not a file the agency's tools may read/);
    expect(await read!.handler({ path: "agency/../.git/config" }, call)).toMatch(/not a file the agency's tools may read|is not a file/);
    expect(await read!.handler({ path: "outside.md" }, call)).toMatch(/is not a file of the agency/);
  });
});

describe("web-search", () => {
  it("asks a SearXNG-style endpoint for JSON and lists the results", async () => {
    let asked = "";
    const fakeFetch = (async (url: URL) => {
      asked = String(url);
      return new Response(JSON.stringify({ results: [{ title: "Hooklet", url: "https://hooklet.dev", content: "Webhook inspector" }] }), { status: 200 });
    }) as unknown as typeof fetch;
    const tool = webSearchTool("https://search.example/search", fakeFetch);
    expect(await tool.handler({ query: "webhook inspector" }, call)).toBe("1. Hooklet — https://hooklet.dev\n   Webhook inspector");
    expect(asked).toBe("https://search.example/search?q=webhook+inspector&format=json");
  });
});

describe("which tools a role gets", () => {
  it("only tools that can run here: a web search needs an endpoint", async () => {
    expect(offerable({ id: "w", kind: "web-search" })).toBe(false);
    expect(offerable({ id: "w", kind: "web-search", config: { endpoint: "http://localhost:8888/search" } })).toBe(true);
    expect(offerable({ id: "h", kind: "http-api" })).toBe(false);
    const fx = await tempAgency("mini");
    try {
      const model = await load(fx.agency);
      const researcher = model.roles.get("researcher")!.spec; // lists web-search, which has no endpoint in the fixture
      expect(toolsFor(model, model.projects.get("alpha")!, researcher, fx.root)).toEqual([]);
      // A code interpreter whose sandbox cannot be closed here is not offered, and the run can say why.
      const closedOff = () => ({ available: false as const, reason: "user namespaces are not available here" });
      const code = { id: "code", kind: "code-interpreter" as const };
      expect(offerable(code)).toBe(true);
      expect(canRun(code, closedOff)).toBe(false);
      const withCode = { ...researcher, tools: ["code"] };
      const alpha = { ...model.projects.get("alpha")!, spec: { ...model.projects.get("alpha")!.spec, tools: [code] } };
      expect(toolsFor(model, alpha, withCode, fx.root, closedOff)).toEqual([]);
      expect(refusedTools(model, alpha, withCode, closedOff)).toEqual([{ id: "code", reason: "its sandbox cannot be closed on this machine: user namespaces are not available here" }]);
    } finally {
      await fx.cleanup();
    }
  });
});

describe("a code interpreter's settings", () => {
  it("are named as the example names them (timeoutSeconds, memoryMb, diskMb); another name is a located error", async () => {
    expect(limitsOf({ timeoutSeconds: 30, memoryMb: 512, diskMb: 16 })).toEqual({ timeoutMs: 30_000, memoryMb: 512, diskMb: 16, outputChars: 8_000 });
    expect(limitsOf()).toEqual({ timeoutMs: 10_000, memoryMb: 256, diskMb: 64, outputChars: 8_000 });
    const fx = await tempAgency("mini");
    try {
      const file = join(fx.agency, "agency.yaml");
      await edit(file, "  - { id: web-search, kind: web-search }", "  - { id: web-search, kind: web-search }\n  - { id: code, kind: code-interpreter, config: { timeoutMs: 30000 } }");
      const r = await loadAgency(fx.agency);
      if (r.ok) throw new Error("a misnamed setting was accepted");
      expect(r.diagnostics.map((d) => [d.line, d.message])).toEqual([[23, "unknown property 'timeoutMs' in tools[1].config"]]);
      await edit(file, "config: { timeoutMs: 30000 }", "config: { timeoutSeconds: 30, memoryMb: 128 }");
      expect((await loadAgency(fx.agency)).ok).toBe(true);
    } finally {
      await fx.cleanup();
    }
  });
});
