// A server that refuses `response_format: json_schema` (as some LiteLLM routes and older llama.cpp builds do) but
// honours `json_object`: the engine learns that from the first 400, says so in --verbose, keeps it for the process
// and in .ateams/, and validates the replies exactly as before.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/agency-fixture.ts";
import { createFakeOpenAIServer, type FakeChatRequest, type FakeOpenAIServer, type FakeReply } from "../support/fake-openai-server.ts";
import { tempRepoWithAgency, type TempRepo } from "../support/git-repo.ts";
import { runCli } from "../support/run-cli.ts";
import { schemaInstance } from "../support/schema-instance.ts";

let server: FakeOpenAIServer;
let repo: TempRepo;
beforeEach(async () => {
  repo = await tempRepoWithAgency(join(REPO_ROOT, "agency"));
});
afterEach(async () => {
  await server?.stop();
  await repo.cleanup();
});

/** Answers json_object requests from the schema the prompt carries; refuses json_schema like such a route does. */
function jsonObjectOnly(req: FakeChatRequest): FakeReply {
  const format = req.response_format;
  if (format?.type === "json_schema") throw new Error("response_format type 'json_schema' is not supported on this route");
  if (format?.type !== "json_object") return { content: "ok" };
  const system = String(req.messages.find((m) => m.role === "system")?.content ?? "");
  const m = /valid against this JSON Schema \('[\w-]+'\):\n(.+)$/s.exec(system);
  if (!m) throw new Error("json_object request without a schema in the prompt");
  return { json: schemaInstance(JSON.parse(m[1]!), { mode: "minimal" }) };
}

describe("a provider that rejects json_schema", () => {
  it("is asked in json_object mode after its first 400, with the same validation, and the project completes", async () => {
    server = createFakeOpenAIServer({ handler: jsonObjectOnly });
    await server.start();
    const r = await runCli(["run", "--project", "pricing-study", "--verbose"], { cwd: repo.root, env: { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "x" } });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("stage: done");
    const kinds = server.chatRequests.map((q) => q.response_format?.type);
    // Learned once for the endpoint: one refused request, every other one in json_object mode.
    expect(kinds.filter((k) => k === "json_schema")).toHaveLength(1);
    expect(kinds.filter((k) => k === "json_object").length).toBeGreaterThanOrEqual(5);
    expect(r.stderr).toMatch(new RegExp(`${server.url.replace(/[.]/g, "\\.")} rejected response_format json_schema .*using json_object`));
    expect(JSON.parse(await readFile(join(repo.root, ".ateams", "response-formats.json"), "utf8"))).toEqual({ rejectsJsonSchema: [server.url] });
  }, 60_000);
});
