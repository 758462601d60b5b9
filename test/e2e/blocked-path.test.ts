// The blocked path end to end, on real git and the fake model server: a Collaborator's `blocked` verdict goes to
// the PM for every new blocker, however often the task ran before; the PM rephrases the task (and it passes), or
// asks the Director, whose `ateams answer` resumes the task with the answer.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { Status } from "../../engine/agency/types.gen.ts";
import { edit, REPO_ROOT } from "../support/agency-fixture.ts";
import { createFakeOpenAIServer, type FakeOpenAIServer } from "../support/fake-openai-server.ts";
import { tempRepoWithAgency, type TempRepo } from "../support/git-repo.ts";
import { runCli } from "../support/run-cli.ts";
import { scriptedTeam } from "../support/scripted-team.ts";

let server: FakeOpenAIServer;
let repo: TempRepo;
beforeEach(async () => {
  repo = await tempRepoWithAgency(join(REPO_ROOT, "agency"));
});
afterEach(async () => {
  await server?.stop();
  await repo.cleanup();
});

const P = "pricing-study";
const project = (...p: string[]) => join(repo.agency, "projects", P, ...p);
const status = async (): Promise<Status> => parse(await readFile(project("status.yaml"), "utf8"));
const commits = () => Number(repo.git("rev-list", "--count", "HEAD"));

async function start(script: Parameters<typeof scriptedTeam>[0]) {
  const team = scriptedTeam(script);
  server = createFakeOpenAIServer({ handler: team.handler });
  await server.start();
  const env = { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "test-key" };
  const run = () => runCli(["run", "--project", P], { cwd: repo.root, env });
  const calls = (kind: string, task?: string) => team.log.calls.filter((c) => c.kind === kind && (task === undefined || c.task === task)).length;
  return { team, env, run, calls };
}

describe("the blocked path", () => {
  it("blocker → the PM rephrases the task → pass; the PM is consulted although the task already ran three times", async () => {
    let blocking = false;
    const { run, calls } = await start({
      blocker: (task, message) => (blocking && task === "scan" && !message.includes("REPHRASED") ? "The task asks for three sources, but only two vendors publish prices." : undefined),
      pmBlocker: () => ({ resolution: "replan-task", description: "Scan the market. REPHRASED: two published price lists and one review site.", criteria: ["Two price lists and a review site"], role: null, newTask: null, question: null }),
    });
    expect((await run()).code).toBe(0);
    // Two edits of the researcher role, each rerunning scan: the old `attempts < 2` rule counted these reruns.
    for (const n of [1, 2]) {
      await edit(join(repo.agency, "roles", "researcher.yaml"), n === 1 ? "name: Researcher" : "name: Researcher 1", `name: Researcher ${n}`);
      repo.git("commit", "-qam", `edit ${n}`);
      expect((await run()).code).toBe(0);
    }
    expect((await status()).tasks!.scan!.attempts).toBe(3);

    blocking = true;
    await edit(join(repo.agency, "roles", "researcher.yaml"), "name: Researcher 2", "name: Researcher 3");
    repo.git("commit", "-qam", "edit 3");
    const before = calls("specialist_work", "scan");
    const r = await run();
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(calls("pm_blocker")).toBe(1);
    expect(calls("specialist_work", "scan") - before).toBe(2); // blocked, then the rephrased task
    expect(r.stdout).toContain(`● ${P}  stage: done`);

    const plan = parse(await readFile(project("plan.yaml"), "utf8"));
    const scan = plan.streams.flatMap((s: { tasks: { id: string }[] }) => s.tasks).find((t: { id: string }) => t.id === "scan");
    expect(scan).toMatchObject({ description: expect.stringContaining("REPHRASED"), criteria: ["Two price lists and a review site"] });
    const s = await status();
    expect(s.tasks!.scan!.blockers).toEqual([expect.objectContaining({ blocker: "The task asks for three sources, but only two vendors publish prices.", resolution: "replan-task" })]);
    expect(s.tasks!.scan!.conditions).toEqual([expect.objectContaining({ type: "Ready", status: "True" })]);
    expect(repo.git("log", "-1", "--format=%s", "--grep", "blocked; the PM rephrased")).toBe(`ateams: ${P}/scan blocked; the PM rephrased the task`);
    expect(repo.git("status", "--porcelain")).toBe("");
  });

  it("blocker → the PM asks the Director → `ateams answer` → the task reruns with the answer and passes", async () => {
    const answered = new Set<string>();
    const { run, calls } = await start({
      // A model's work depends on what it was told: the answer changes the files the Collaborator then reads.
      inputSensitive: true,
      before: (req, kind) => {
        const user = req.messages.filter((m) => m.role === "user").map((m) => String(m.content)).join("\n");
        if (kind === "specialist_work" && user.includes("Answer to the question")) answered.add(user);
        return undefined;
      },
      blocker: (task) => (task === "write-up" && answered.size === 0 ? "The Director has not said which market comes first." : undefined),
    });
    const first = await run();
    expect(first.code).toBe(1);
    expect(first.stdout).toContain(`● ${P}  stage: blocked  waiting for the Director's answer: write-up: Which market should we prioritise? (\`ateams answer ${P} …\` or /answer)`);
    expect(calls("pm_blocker")).toBe(1);
    let s = await status();
    expect(s.conditions).toContainEqual(expect.objectContaining({ type: "Blocked", status: "True", reason: "DirectorInput", message: "write-up: Which market should we prioritise?" }));
    const shown = await runCli(["status", "--project", P], { cwd: repo.root });
    expect(shown.stdout).toContain("Which market should we prioritise?");
    expect(shown.stdout).toContain(`ateams answer ${P} write-up <answer>`);

    // Nothing to do until the Director answers; a run makes no call and no commit.
    const count = commits();
    const requests = server.chatRequests.length;
    expect((await run()).stdout).toContain("stage: blocked");
    expect(server.chatRequests.length).toBe(requests);
    expect(commits()).toBe(count);

    const answer = await runCli(["answer", P, "EU first, then the US."], { cwd: repo.root });
    expect(answer.code, answer.stderr).toBe(0);
    expect(answer.stdout).toMatch(/^✓ pricing-study: \/answer by octocat: Answered `write-up`: it resumes with your answer\. \([0-9a-f]{7} on main\)\n$/);
    expect(commits()).toBe(count + 1);
    s = await status();
    expect(s.conditions?.find((c) => c.type === "Blocked")).toBeUndefined();
    expect(s.tasks!["write-up"]!.blockers![0]).toMatchObject({ resolution: "ask-director", question: "Which market should we prioritise?", answer: { by: "octocat", text: "EU first, then the US." } });

    const last = await run();
    expect(last.code, last.stderr + last.stdout).toBe(0);
    expect(last.stdout).toContain(`● ${P}  stage: done`);
    expect([...answered][0]).toContain('Answer to the question "Which market should we prioritise?": EU first, then the US.');
    expect(calls("pm_blocker")).toBe(1);
    expect(repo.git("status", "--porcelain")).toBe("");
  });

  it("blocker → the PM gives the task to another role → pass", async () => {
    const { run, calls } = await start({
      blocker: (task, message) => (task === "compare" && message.includes("[researcher]") ? "Comparing needs a spreadsheet model, not desk research." : undefined),
      pmBlocker: () => ({ resolution: "reassign-role", description: null, criteria: null, role: "analyst", newTask: null, question: null }),
    });
    const r = await run();
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toContain(`● ${P}  stage: done`);
    expect(calls("pm_blocker")).toBe(1);
    const plan = parse(await readFile(project("plan.yaml"), "utf8"));
    expect(plan.streams[0].tasks[1]).toMatchObject({ id: "compare", role: "analyst" });
    expect((await status()).tasks!.compare!.blockers).toEqual([expect.objectContaining({ resolution: "reassign-role", role: "analyst" })]);
  });

  it("blocker → the PM splits off a task to do first (another role) → it runs, then the blocked task with its outputs → pass", async () => {
    let split = false;
    const compareSaw: string[] = [];
    const { run, calls } = await start({
      before: (req, kind) => {
        const user = req.messages.filter((m) => m.role === "user").map((m) => String(m.content)).join("\n");
        if (kind === "specialist_work" && user.startsWith("# Task compare:")) compareSaw.push(user);
        return undefined;
      },
      blocker: (task) => (task === "compare" && !split ? "There is no price table to compare yet." : undefined),
      pmBlocker: () => {
        split = true;
        return {
          resolution: "split-task",
          description: null,
          criteria: null,
          role: null,
          newTask: { id: "price-table", title: "Price table", role: "analyst", description: "Tabulate the published prices.", outputs: [{ path: "prices.md", description: "The table" }], criteria: ["One row per tool"] },
          question: null,
        };
      },
    });
    const r = await run();
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toContain(`● ${P}  stage: done`);
    expect(calls("pm_blocker")).toBe(1);
    const plan = parse(await readFile(project("plan.yaml"), "utf8"));
    expect(plan.streams[0].tasks.map((t: { id: string }) => t.id)).toEqual(["scan", "price-table", "compare"]);
    expect(plan.streams[0].tasks[1]).toMatchObject({ role: "analyst", dependsOn: ["scan"] });
    expect(plan.streams[0].tasks[2].dependsOn).toEqual(["scan", "price-table"]);
    expect(compareSaw.at(-1)).toContain("### From price-table");
    expect((await status()).tasks!.compare!.blockers).toEqual([expect.objectContaining({ resolution: "split-task", task: "price-table" })]);
  });

  it("a split the plan cannot take (a task id already used) is not written: the Director is asked, told why", async () => {
    const { run } = await start({
      blocker: (task) => (task === "compare" ? "There is no price table to compare yet." : undefined),
      pmBlocker: () => ({
        resolution: "split-task",
        description: null,
        criteria: null,
        role: null,
        newTask: { id: "scan", title: "Again", role: "analyst", description: "d", outputs: [{ path: "x.md", description: "x" }], criteria: ["c"] },
        question: null,
      }),
    });
    expect((await run()).code).toBe(1);
    const plan = parse(await readFile(project("plan.yaml"), "utf8"));
    expect(plan.streams[0].tasks.map((t: { id: string }) => t.id)).toEqual(["scan", "compare"]);
    const question = (await status()).tasks!.compare!.blockers![0]!.question!;
    expect(question).toMatch(/^The PM's split-task for compare would not make a valid plan \(plan\.yaml: .+\); the blocker: There is no price table to compare yet\.$/);
  });

  it("after `ateams retry`, the same blocker on the same inputs goes to the Director, not to the PM again", async () => {
    const { run, calls } = await start({ blocker: (task) => (task === "scan" ? "No vendor publishes prices." : undefined) });
    expect((await run()).code).toBe(1);
    expect(calls("pm_blocker")).toBe(1);
    let s = await status();
    expect(s.tasks!.scan!.blockers).toEqual([expect.objectContaining({ resolution: "ask-director", question: "Which market should we prioritise?" })]);

    const count = commits();
    const retry = await runCli(["retry", P, "scan", "--json"], { cwd: repo.root });
    expect(retry.code, retry.stderr).toBe(0);
    expect(JSON.parse(retry.stdout)).toMatchObject({ command: "/retry", effect: "retry", outcome: "done", reply: "Retrying `scan`." });
    expect(commits()).toBe(count + 1);
    s = await status();
    expect(s.tasks!.scan).toMatchObject({ retryRequestedAt: expect.any(String) });
    expect(s.tasks!.scan!.attempts).toBeUndefined();
    expect(s.tasks!.scan!.failedFingerprint).toBeUndefined();
    // Retried, the task runs again although the question is unanswered.
    expect(JSON.parse((await runCli(["plan", "--json", "--project", P], { cwd: repo.root })).stdout).projects[0].stage).toBe("running");

    expect((await run()).code).toBe(1);
    expect(calls("pm_blocker")).toBe(1);
    s = await status();
    expect(s.tasks!.scan!.blockers).toEqual([
      expect.objectContaining({ resolution: "ask-director", question: "Task scan is blocked (the same blocker on the same inputs, after the PM's ask-director): No vendor publishes prices." }),
    ]);
    expect(s.conditions).toContainEqual(expect.objectContaining({ type: "Blocked", reason: "DirectorInput" }));
  });

  it("blocker → the PM asks the Director → the Director edits the task in plan.yaml instead of answering → it runs again and passes", async () => {
    const { run, calls } = await start({ blocker: (task, message) => (task === "write-up" && !message.includes("EU first") ? "No market chosen." : undefined) });
    expect((await run()).code).toBe(1);
    expect(calls("pm_blocker")).toBe(1);
    await edit(project("plan.yaml"), "description: Write the recommendation.", "description: Write the recommendation, EU first.");
    repo.git("commit", "-qam", "the Director says EU first in the task itself");
    const planned = JSON.parse((await runCli(["plan", "--json", "--project", P], { cwd: repo.root })).stdout).projects[0];
    expect(planned.stage).toBe("running");
    expect(planned.actions.map((a: { id: string }) => a.id)).toContain(`run-task:${P}/write-up`);
    const r = await run();
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toContain(`● ${P}  stage: done`);
    expect((await status()).conditions?.find((c) => c.type === "Blocked")).toBeUndefined();
  });
});
