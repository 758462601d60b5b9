import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { load, tempAgency } from "../../test/support/agency-fixture.ts";
import { codeInterpreterTool } from "./code-interpreter.ts";
import { offerable, toolsFor } from "./registry.ts";
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

describe("code-interpreter", () => {
  it("runs JavaScript and returns what it printed, without the engine's secrets", async () => {
    process.env.OPENAI_API_KEY_TEST_SECRET = "sk-do-not-leak";
    const tool = codeInterpreterTool();
    expect(await tool.handler({ code: "console.log(6 * 7)" }, call)).toBe("42\n");
    expect(await tool.handler({ code: "console.log(String(process.env.OPENAI_API_KEY_TEST_SECRET))" }, call)).toBe("undefined\n");
    expect(await tool.handler({ code: "throw new Error('boom')" }, call)).toMatch(/boom[\s\S]*\[exit code 1\]/);
  });

  it("cannot read the engine's files, its environment through /proc, or start processes", async () => {
    const tool = codeInterpreterTool();
    const probe = (expr: string) => `import fs from "node:fs"; try { ${expr}; console.log("ALLOWED") } catch (e) { console.log(e.code) }`;
    expect(await tool.handler({ code: probe(`fs.readFileSync(${JSON.stringify(join(root, "agency", "resources", "pricing.md"))})`) }, call)).toBe("ERR_ACCESS_DENIED\n");
    expect(await tool.handler({ code: probe("fs.readFileSync(`/proc/${process.ppid}/environ`)") }, call)).toBe("ERR_ACCESS_DENIED\n");
    expect(await tool.handler({ code: `import cp from "node:child_process"; try { cp.execSync("id"); console.log("ALLOWED") } catch (e) { console.log(e.code) }` }, call)).toBe("ERR_ACCESS_DENIED\n");
    expect(await tool.handler({ code: 'import fs from "node:fs"; fs.writeFileSync("scratch.txt", "ok"); console.log(fs.readFileSync("scratch.txt", "utf8"))' }, call)).toBe("ok\n");
  });

  it("stops a program that runs past its time limit", async () => {
    const tool = codeInterpreterTool({ timeoutMs: 300 });
    const t0 = Date.now();
    expect(await tool.handler({ code: "for(;;){}" }, call)).toMatch(/\[stopped after 300 ms\]/);
    expect(Date.now() - t0).toBeLessThan(5000);
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
    } finally {
      await fx.cleanup();
    }
  });
});
