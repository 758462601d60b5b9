// The example agency's unplanned project against a model that reads nothing of the prompt and answers every
// structured request with an instance of that request's own schema: the engine must constrain what it can in the
// schema and settle the rest with repair turns, or stop with a reason. Prints calls and repair turns per reply kind.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/agency-fixture.ts";
import { createFakeOpenAIServer, type FakeChatRequest, type FakeOpenAIServer } from "../support/fake-openai-server.ts";
import { tempRepoWithAgency, type TempRepo } from "../support/git-repo.ts";
import { runCli } from "../support/run-cli.ts";
import { schemaOnlyModel } from "../support/schema-only-model.ts";
import type { InstanceMode } from "../support/schema-instance.ts";

let server: FakeOpenAIServer;
let repo: TempRepo;

beforeEach(async () => {
  repo = await tempRepoWithAgency(join(REPO_ROOT, "agency"));
});
afterEach(async () => {
  await server?.stop();
  await repo.cleanup();
});

/** A repair turn is a request whose conversation already holds one of the model's own final answers. */
const isRepair = (r: FakeChatRequest) => r.messages.some((m) => m.role === "assistant" && !m.tool_calls?.length);

export function callsAndRepairs(requests: FakeChatRequest[]): Record<string, { calls: number; repairs: number }> {
  const out: Record<string, { calls: number; repairs: number }> = {};
  for (const r of requests) {
    const kind = r.response_format?.json_schema?.name ?? r.response_format?.type ?? "text";
    const e = (out[kind] ??= { calls: 0, repairs: 0 });
    e.calls++;
    if (isRepair(r)) e.repairs++;
  }
  return out;
}

const commitCount = () => Number(repo.git("rev-list", "--all", "--count"));

describe.each<InstanceMode>(["minimal", "odd"])("a schema-only model (%s instances) on pricing-study", (mode) => {
  it("goes from objective to deliverable, and a second run makes no call and no commit", async () => {
    const model = schemaOnlyModel(mode);
    server = createFakeOpenAIServer({ handler: model.handler });
    await server.start();
    const env = { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "x" };
    const run = () => runCli(["run", "--project", "pricing-study"], { cwd: repo.root, env });

    const first = await run();
    if (process.env.ATEAMS_TEST_FIGURES) console.log(`schema-only (${mode}) first run: exit ${first.code}\n${first.stdout}${first.stderr}\ncalls and repairs per reply kind: ${JSON.stringify(callsAndRepairs(server.chatRequests))}`);
    expect(first.stderr).not.toMatch(/InternalError|internal error/);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toContain("● pricing-study  stage: done");
    const deliverable = await readFile(join(repo.agency, "projects", "pricing-study", "outputs", "pricing-recommendation.md"), "utf8");
    expect(deliverable.trim().length).toBeGreaterThan(0);

    if (mode === "odd") {
      // The PM handed resources to tasks (the odd instance fills every bounded list), and they reached a Specialist.
      const plan = await readFile(join(repo.agency, "projects", "pricing-study", "plan.yaml"), "utf8");
      expect(plan).toMatch(/resource: style-guide/);
      const toSpecialists = server.chatRequests.filter((r) => r.response_format?.json_schema?.name === "specialist_work").map((r) => JSON.stringify(r.messages));
      expect(toSpecialists.some((m) => m.includes("## Resources") && m.includes("style-guide"))).toBe(true);
    }

    const calls = server.chatRequests.length;
    const commits = commitCount();
    const second = await run();
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(server.chatRequests.length - calls).toBe(0);
    expect(commitCount() - commits).toBe(0);
    expect(second.stdout).toMatch(/0 model calls/);
  }, 120_000);
});
