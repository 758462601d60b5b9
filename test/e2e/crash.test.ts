// A run killed with SIGKILL mid-task, then run again: finished work is neither lost nor paid for twice.
// The fake server lives in this process, so it sees (and counts) the requests of both child processes.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, utimesSync, writeFileSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPO_ROOT } from "../support/agency-fixture.ts";
import { createFakeOpenAIServer, type FakeOpenAIServer } from "../support/fake-openai-server.ts";
import { fsck, lostCommits, reachableCommits, taskCommits } from "../support/git-health.ts";
import { tempRepoWithAgency, type TempRepo } from "../support/git-repo.ts";
import { runCli } from "../support/run-cli.ts";
import { scriptedTeam, taskIdOf } from "../support/scripted-team.ts";

const BIN = join(REPO_ROOT, "engine", "cli", "bin.ts");
const LATENCY_MS = 50;

/** Two parallel roots, a join, then a chain across a second stream: work is in flight on both streams. */
function fiveTaskPlan() {
  const task = (id: string, role: string, dependsOn: string[]) => ({
    id,
    title: id[0]!.toUpperCase() + id.slice(1),
    role,
    description: `Do the ${id} part.`,
    dependsOn,
    inputs: [],
    outputs: [{ path: `${id}.md`, description: `The ${id} notes` }],
    criteria: ["Sourced"],
    tier: null,
    scores: [],
  });
  return {
    newRoles: [],
    streams: [
      { id: "research", title: "Research", goal: "Collect the facts.", successCriteria: ["Every figure has a source"], tasks: [task("scan", "researcher", []), task("survey", "researcher", []), task("compare", "analyst", ["scan", "survey"])] },
      { id: "report", title: "Report", goal: "Write the recommendation.", successCriteria: ["Readable"], tasks: [task("draft", "writer", ["compare"]), task("polish", "writer", ["draft"])] },
    ],
  };
}

interface Child {
  proc: ChildProcess;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

function runChild(cwd: string, env: Record<string, string>): Child {
  // Its own process group, so SIGKILL takes any git it is running too, as a machine crash or a CI cancel would.
  const proc = spawn(process.execPath, [BIN, "run", "--project", "pricing-study"], {
    cwd,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  proc.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  proc.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  // 'close', not 'exit': by then both pipes are drained, so no output is missing.
  const exit = new Promise<Awaited<Child["exit"]>>((resolve) => proc.once("close", (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { proc, exit };
}

let server: FakeOpenAIServer;
let repo: TempRepo;
let children: ChildProcess[] = [];
beforeEach(async () => {
  repo = await tempRepoWithAgency(join(REPO_ROOT, "agency"));
  children = [];
});
afterEach(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) process.kill(-c.pid!, "SIGKILL");
  await server?.stop();
  await repo.cleanup();
});

describe("ateams run killed with SIGKILL, then run again", () => {
  // Kill while a Specialist's request is unanswered, or while its Collaborator's is (the Specialist's reply is then
  // already in the response cache, so even the unfinished task's work is not paid for twice).
  it.each([
    { killAt: "specialist_work", nth: 3, label: "a Specialist call" },
    { killAt: "specialist_work", nth: 4, label: "a Specialist call on the second stream" },
    { killAt: "collaborator_verdict", nth: 3, label: "a Collaborator call" },
  ])("killed during $label (request $nth of $killAt): nothing finished is redone or lost", async ({ killAt, nth }) => {
    let child: Child | undefined;
    let seen = 0;
    let killedAt = -1;
    const team = scriptedTeam({
      decomposition: fiveTaskPlan,
      before: (_req, kind) => {
        if (kind !== killAt || killedAt >= 0 || ++seen < nth) return undefined;
        // The request has arrived and will not be answered before the process dies: mid-task by construction.
        killedAt = team.log.calls.length - 1;
        process.kill(-child!.proc.pid!, "SIGKILL");
        return undefined;
      },
    });
    server = createFakeOpenAIServer({ handler: team.handler, latencyMs: LATENCY_MS });
    await server.start();
    const env = { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "x" };

    child = runChild(repo.root, env);
    children.push(child.proc);
    const first = await child.exit;
    expect(first.signal, `the first run finished before it could be killed:\n${first.stderr}`).toBe("SIGKILL");
    const killedTask = team.log.calls[killedAt]!.task!;
    const firstRunCalls = team.log.calls.length;

    const before = reachableCommits(repo.root);
    const doneBefore = taskCommits(repo.root);
    const committedBefore = new Set(doneBefore.map((c) => c.task));
    expect(committedBefore.size, "the kill came before any task was committed: the test proves nothing").toBeGreaterThan(0);
    expect(committedBefore.has(killedTask)).toBe(false);
    expect(fsck(repo.root)).toEqual({ code: 0, output: "" });
    const staleLock = existsSync(join(repo.root, ".git", "index.lock"));

    child = runChild(repo.root, env);
    children.push(child.proc);
    const second = await child.exit;
    expect(second.code, `${second.stderr}\n${second.stdout}${staleLock ? "\n(a stale .git/index.lock was left by the kill)" : ""}`).toBe(0);
    expect(second.stdout).toContain("● pricing-study  stage: done");

    // No task whose commit existed before the kill was called again, by the Specialist or its Collaborator.
    const secondCalls = team.log.calls.slice(firstRunCalls);
    const repeated = secondCalls.filter((c) => c.task !== undefined && committedBefore.has(c.task));
    expect(repeated).toEqual([]);
    // Every task was worked on; each finished task by exactly one Specialist reply overall.
    const specialist = (task: string) => team.log.calls.filter((c) => c.kind === "specialist_work" && c.task === task).length;
    for (const t of ["scan", "survey", "compare", "draft", "polish"]) {
      const expected = t === killedTask && killAt === "specialist_work" ? 2 : 1; // the killed request was never answered
      expect(specialist(t), `specialist calls for ${t}`).toBe(expected);
    }
    // The PM planned once: its plan commit survived the kill.
    expect(team.log.calls.filter((c) => c.kind === "pm_options" || c.kind === "pm_decomposition")).toHaveLength(2);

    // No commit lost, the object store intact, one task commit per task.
    const after = reachableCommits(repo.root);
    expect(lostCommits(before, after)).toEqual([]);
    expect(fsck(repo.root)).toEqual({ code: 0, output: "" });
    const doneAfter = taskCommits(repo.root);
    expect(doneAfter.map((c) => c.task).sort()).toEqual(["compare", "draft", "polish", "scan", "survey"]);
    for (const c of doneBefore) expect(doneAfter).toContainEqual(c);

    const project = join(repo.agency, "projects", "pricing-study");
    const status = parse(await readFile(join(project, "status.yaml"), "utf8"));
    for (const c of doneBefore) expect(status.tasks[c.task]).toMatchObject({ fingerprint: c.fingerprint, commit: c.sha });
    expect(status.conditions).toContainEqual(expect.objectContaining({ type: "Ready", status: "True", reason: "Assembled" }));
    expect(await readFile(join(project, "outputs", "pricing-recommendation.md"), "utf8")).toContain("# Deliverable");
    expect(repo.git("status", "--porcelain")).toBe("");
  });

  it("git's lock files left by the killed run are removed by the next run, which says so and completes; an older one is left alone", async () => {
    let child: Child | undefined;
    let killed = false;
    const team = scriptedTeam({
      decomposition: fiveTaskPlan,
      before: (_req, kind) => {
        if (kind === "specialist_work" && !killed && team.log.calls.filter((c) => c.kind === kind).length === 3) {
          killed = true;
          process.kill(-child!.proc.pid!, "SIGKILL");
        }
        return undefined;
      },
    });
    server = createFakeOpenAIServer({ handler: team.handler, latencyMs: LATENCY_MS });
    await server.start();
    const env = { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "x" };
    child = runChild(repo.root, env);
    children.push(child.proc);
    expect((await child.exit).signal).toBe("SIGKILL");
    const deadPid = child.proc.pid!;
    const before = reachableCommits(repo.root);
    const committedBefore = new Set(taskCommits(repo.root).map((c) => c.task));
    expect([...committedBefore].sort()).toEqual(["scan", "survey"]);
    expect(existsSync(join(repo.root, ".git", "ateams.lock")), "the killed run's own lock").toBe(true);

    // What git leaves when it dies between creating a lock and renaming it into place: the index's (update-index),
    // the working branch's (update-ref between prepare and commit). And one a person's git left long before.
    const index = join(repo.root, ".git", "index.lock");
    const ref = join(repo.root, ".git", "refs", "heads", "main.lock");
    const older = join(repo.root, ".git", "refs", "heads", "elsewhere.lock");
    await writeFile(index, "");
    await writeFile(ref, "");
    await writeFile(older, "");
    const hourAgo = new Date(Date.now() - 3600_000);
    utimesSync(older, hourAgo, hourAgo);
    child = runChild(repo.root, env);
    children.push(child.proc);
    const calls = team.log.calls.length;
    const second = await child.exit;
    expect(second.code, second.stderr + second.stdout).toBe(0);
    expect(second.stdout).toContain("● pricing-study  stage: done");
    for (const f of [index, ref]) expect(second.stdout + second.stderr).toContain(`removed ${f}, left by ateams run (pid ${deadPid} on `);
    expect(existsSync(older)).toBe(true);
    expect(team.log.calls.slice(calls).filter((c) => c.task !== undefined && committedBefore.has(c.task))).toEqual([]);
    expect(taskCommits(repo.root).map((c) => c.task).sort()).toEqual(["compare", "draft", "polish", "scan", "survey"]);
    expect(lostCommits(before, reachableCommits(repo.root))).toEqual([]);
    expect(fsck(repo.root)).toEqual({ code: 0, output: "" });
  });

  // Regression: a git failure after compare's work was committed on its stream branch used to be recorded as a
  // permanent failure in an uncommitted status.yaml, blocking compare although its commit could be adopted.
  it("once a stale .git/index.lock is removed, the next run completes and adopts the work committed before the git failure", async () => {
    const lock = join(repo.root, ".git", "index.lock");
    const team = scriptedTeam({
      decomposition: fiveTaskPlan,
      before: (_req, kind) => {
        // compare's Specialist has answered; a git process now dies holding the index, before compare is recorded.
        if (kind === "collaborator_verdict" && taskIdOf(_req) === "compare" && !existsSync(lock)) writeFileSync(lock, "");
        return undefined;
      },
    });
    server = createFakeOpenAIServer({ handler: team.handler });
    await server.start();
    const env = { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "x" };
    const failed = await runCli(["run", "--project", "pricing-study"], { cwd: repo.root, env }).catch((e: unknown) => ({ code: 70, stdout: "", stderr: String(e) }));
    expect(failed.code).not.toBe(0);
    // compare's stream commit needs no index, so it was made; recording it was not. Other streams may have gone on.
    const committed = taskCommits(repo.root).map((c) => c.task);
    expect(committed).toEqual(expect.arrayContaining(["compare", "scan", "survey"]));
    const calls = team.log.calls.length;

    await rm(lock);
    const done = await runCli(["run", "--project", "pricing-study"], { cwd: repo.root, env });
    expect(done.stdout).toContain("● pricing-study  stage: done");
    expect(done.code).toBe(0);
    // compare is either adopted from its commit or already recorded (status.yaml reached the working tree before
    // the commit failed, and the next run commits it): either way, no model call.
    expect(done.stderr + repo.git("log", "--format=%s", "-n", "50")).toMatch(/compare: (recovered|restored) from commit|files written before an interrupted run|compare done/);
    expect(team.log.calls.slice(calls).filter((c) => c.task !== undefined && committed.includes(c.task))).toEqual([]);
  });

  // Regression: a stale index.lock used to escape runAgency as an internal error (exit 70) after paid calls.
  it("a stale .git/index.lock is reported as a clear error with exit 1, not an internal error", async () => {
    const team = scriptedTeam({ decomposition: fiveTaskPlan });
    server = createFakeOpenAIServer({ handler: team.handler });
    await server.start();
    await writeFile(join(repo.root, ".git", "index.lock"), "");
    const r = await runCli(["run", "--project", "pricing-study"], { cwd: repo.root, env: { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "x" } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/index\.lock/);
    expect(r.stderr).not.toMatch(/internal error/);
  });
});
