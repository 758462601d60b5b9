import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPO_ROOT } from "../support/agency-fixture.ts";
import { createFakeOpenAIServer, type FakeOpenAIServer } from "../support/fake-openai-server.ts";
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

describe("ateams run, end to end through the CLI", () => {
  it("takes the unplanned project from objective to assembled deliverable, then a re-run does nothing", async () => {
    const team = scriptedTeam({ reviseOnce: ["compare"], roles: ["researcher", "writer"] });
    server = createFakeOpenAIServer({ handler: team.handler });
    await server.start();
    const env = { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "test-key" };
    const first = await runCli(["run", "--project", "pricing-study"], { cwd: repo.root, env });
    expect(first.stderr).not.toMatch(/internal error/);
    expect(first.code, first.stderr + first.stdout).toBe(0);
    expect(first.stdout, first.stderr).toContain("● pricing-study  stage: done");

    const kinds = team.log.calls.map((c) => c.kind);
    expect(kinds.filter((k) => k === "pm_options")).toHaveLength(1);
    expect(kinds.filter((k) => k === "pm_decomposition")).toHaveLength(1);
    expect(kinds.filter((k) => k === "pm_assembly")).toHaveLength(1);
    // compare was sent back once: two specialist calls for it
    expect(team.log.calls.filter((c) => c.kind === "specialist_work" && c.task === "compare")).toHaveLength(2);

    const project = join(repo.agency, "projects", "pricing-study");
    const plan = parse(await readFile(join(project, "plan.yaml"), "utf8"));
    expect(plan).toMatchObject({ chosen: "option-1", basedOn: "option-1" });
    expect(await readFile(join(project, "outputs", "pricing-recommendation.md"), "utf8")).toContain("# Deliverable");
    expect(await readFile(join(project, "outputs", "report", "recommendation.md"), "utf8")).toContain("Work for write-up");
    const log = await readFile(join(project, "log", "research", "researcher.md"), "utf8");
    expect(log).toContain("## compare: Compare");
    expect(log).toContain("**Collaborator: revise**");

    const commits = repo.git("rev-list", "--count", "HEAD");
    const requests = server.chatRequests.length;
    const second = await runCli(["run", "--project", "pricing-study"], { cwd: repo.root, env });
    expect(second.code).toBe(0);
    expect(server.chatRequests.length).toBe(requests);
    expect(repo.git("rev-list", "--count", "HEAD")).toBe(commits);
    expect(repo.git("status", "--porcelain")).toBe("");
  });

  it("a --stream fan-out job commits its stream's work; the full run adopts it without calling a model again", async () => {
    const team = scriptedTeam();
    const { env, start } = await researchJob(team);
    const researchTasks = ["market-scan", "audience-profiles", "positioning"];
    const specialistCalls = () => team.log.calls.filter((c) => c.kind === "specialist_work").map((c) => c.task);
    expect(specialistCalls().sort()).toEqual([...researchTasks].sort());
    const trailers = repo.git("log", "ateams/launch-kit/research", "--format=%(trailers:key=Ateams-Task,valueonly)").split("\n").filter(Boolean);
    expect(trailers.sort()).toEqual([...researchTasks].sort());
    // Another job starts from the original main: only the stream branch carries the work.
    repo.git("reset", "-q", "--hard", start);
    const before = specialistCalls().length;
    const full = await runCli(["run", "--project", "launch-kit"], { cwd: repo.root, env });
    expect(full.code, full.stderr).toBe(0);
    expect(full.stderr).toContain("recovered from commit");
    const again = specialistCalls().slice(before);
    for (const t of researchTasks) expect(again).not.toContain(t);
    expect(again).toHaveLength(11 - researchTasks.length);
    // What the adopted tasks' prompts recalled travels with their commits (Ateams-Memory), not lost with the job's status.
    const adopted = parse(await readFile(join(repo.agency, "projects", "launch-kit", "status.yaml"), "utf8")).tasks;
    for (const t of researchTasks) expect(adopted[t].memory, t).toMatch(/^[0-9a-f]{12}$/);
    expect(full.stdout).toContain("● launch-kit  stage: done");
  });

  it("a --stream job's escalated attempt: its record reaches the working branch with the stream, and the full run adopts the strong tier's commit", async () => {
    const lastModel = new Map<string, string>();
    const team = scriptedTeam({
      before: (req, kind) => {
        const task = taskIdOf(req);
        if (kind === "specialist_work" && task) lastModel.set(task, req.model);
        // market-scan is beyond the cheap model: every verdict on its work sends it back.
        if (kind === "collaborator_verdict" && task === "market-scan" && lastModel.get(task) === "gpt-4o-mini") return { json: { verdict: "revise", checks: [], feedback: ["Not deep enough."], blocker: null } };
        return undefined;
      },
    });
    const { env, start } = await researchJob(team);
    const onBranch = repo.git("show", "ateams/launch-kit/research:agency/projects/launch-kit/metrics/research.jsonl").split("\n").map((l) => JSON.parse(l)).filter((r) => r.kind === "task" && r.task === "market-scan");
    expect(onBranch.map((r) => [r.tier, r.outcome])).toEqual([["fast", "escalated"], ["strong", "accepted"]]);
    // The reconcile job starts from the original main: it adopts the strong tier's commit, asking no model for it.
    repo.git("reset", "-q", "--hard", start);
    const before = team.log.calls.filter((c) => c.task === "market-scan").length;
    const full = await runCli(["run", "--project", "launch-kit"], { cwd: repo.root, env });
    expect(full.code, full.stderr).toBe(0);
    expect(team.log.calls.filter((c) => c.task === "market-scan").length).toBe(before);
    const onMain = (await readFile(join(repo.agency, "projects", "launch-kit", "metrics", "research.jsonl"), "utf8")).trim().split("\n").map((l) => JSON.parse(l)).filter((r) => r.kind === "task" && r.task === "market-scan");
    expect(onMain.map((r) => [r.tier, r.outcome])).toEqual([["fast", "escalated"], ["strong", "accepted"]]);
  });
});

/** Serves `team`, then runs launch-kit's research stream as a --stream job would; where main was before it. */
async function researchJob(team: ReturnType<typeof scriptedTeam>): Promise<{ env: Record<string, string>; start: string }> {
  server = createFakeOpenAIServer({ handler: team.handler });
  await server.start();
  const env = { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "test-key" };
  const start = repo.git("rev-parse", "HEAD");
  const job = await runCli(["run", "--project", "launch-kit", "--stream", "research"], { cwd: repo.root, env });
  expect(job.code, job.stderr).toBe(0);
  return { env, start };
}
