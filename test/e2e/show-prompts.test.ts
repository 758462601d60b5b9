// What `ateams plan --show-prompts` prints is what `ateams run` sends: for a task, the system message with the
// lessons taught to its role, and the task message with its resources, upstream outputs and recorded feedback.
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/agency-fixture.ts";
import { createFakeOpenAIServer, type FakeChatRequest, type FakeOpenAIServer } from "../support/fake-openai-server.ts";
import { tempRepoWithAgency, type TempRepo } from "../support/git-repo.ts";
import { runCli } from "../support/run-cli.ts";
import { scriptedTeam, taskIdOf } from "../support/scripted-team.ts";

let server: FakeOpenAIServer;
let repo: TempRepo;
beforeEach(async () => {
  repo = await tempRepoWithAgency(join(REPO_ROOT, "agency"));
});
afterEach(async () => {
  await server?.stop();
  await repo.cleanup();
});

interface Shown {
  id: string;
  systemPrompt: string | null;
  userPrompt: string | null;
}

async function shown(task: string): Promise<Shown> {
  const r = await runCli(["plan", "--project", "launch-kit", "--json", "--show-prompts"], { cwd: repo.root });
  expect(r.code, r.stderr).toBe(0);
  const actions: Shown[] = JSON.parse(r.stdout).projects[0].actions;
  return actions.find((a) => a.id === `run-task:launch-kit/${task}`)!;
}

function sent(task: string): { system: string; user: string } {
  const req = server.chatRequests.filter((r: FakeChatRequest) => r.response_format?.json_schema?.name === "specialist_work" && taskIdOf(r) === task).at(-1)!;
  const [system, user] = req.messages.map((m) => String(m.content));
  return { system: system!, user: user! };
}

describe("ateams plan --show-prompts", () => {
  it("prints the very messages the run then sends: lessons, resources, upstream outputs and feedback included", async () => {
    const team = scriptedTeam();
    server = createFakeOpenAIServer({ handler: team.handler });
    await server.start();
    const env = { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "test-key" };

    expect((await runCli(["teach", "researcher", "Date every price you quote.", "--project", "launch-kit"], { cwd: repo.root })).code).toBe(0);
    const before = await shown("market-scan");
    expect(before.systemPrompt).toContain("Date every price you quote.");
    expect(before.userPrompt).toContain("product-brief"); // the task's resource
    const run = await runCli(["run", "--project", "launch-kit", "--stream", "research"], { cwd: repo.root, env });
    expect(run.code, run.stderr).toBe(0);
    expect(sent("market-scan")).toEqual({ system: before.systemPrompt, user: before.userPrompt });

    // positioning depends on market-scan and audience-profiles: their outputs (on the stream branch), and the
    // Director's feedback, are in both.
    expect((await runCli(["revise", "launch-kit", "positioning", "Lead with the price, not the features."], { cwd: repo.root })).code).toBe(0);
    const after = await shown("positioning");
    expect(after.userPrompt).toContain("### From market-scan");
    expect(after.userPrompt).toContain("Lead with the price, not the features.");
    // The researcher's lesson is the researcher's alone: positioning is the product strategist's.
    expect(after.systemPrompt).not.toContain("Date every price you quote.");
    const again = await runCli(["run", "--project", "launch-kit", "--stream", "research"], { cwd: repo.root, env });
    expect(again.code, again.stderr).toBe(0);
    expect(sent("positioning")).toEqual({ system: after.systemPrompt, user: after.userPrompt });
  });
});
