// Two reconcile jobs of the ateams workflow, one per project (each in its own concurrency group, so Actions runs them
// at once), each a real OS process working in its own clone of one bare `origin`. Both plan, work, merge their
// streams into main and push main — twice each (the work, then the PR numbers) — at the same moment. Pushes never
// force: the job that loses a race replays its commits onto the winner's. Every commit either job ever had on main
// must be on origin's main afterwards, exactly once, and each project's files must be what its own job made them.
import { execFileSync, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/agency-fixture.ts";
import { createFakeOpenAIServer, type FakeOpenAIServer } from "../support/fake-openai-server.ts";
import { fsck } from "../support/git-health.ts";
import { addPricingStudyEu, tempRepoWithAgency, type TempRepo } from "../support/git-repo.ts";
import { scriptedTeam } from "../support/scripted-team.ts";

const JOB = fileURLToPath(new URL("./reconcile-job.ts", import.meta.url));
const PROJECTS = ["pricing-study", "pricing-study-eu"] as const;

let seed: TempRepo;
let scratch: string;
let server: FakeOpenAIServer;

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, encoding: "utf8", maxBuffer: 64 << 20 }).trim();
}

interface JobResult {
  exitCode: number;
  failures: string[];
  stage: string | undefined;
  pushed: string[];
  prs: string[];
  lines: string[];
}

function runJob(dir: string, project: string, startAt: number): Promise<JobResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [JOB, dir, project, server.url, String(startAt)], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(JSON.parse(out) as JobResult) : reject(new Error(`job ${project} exited ${code}:\n${err}\n${out}`))));
  });
}

/** A commit's identity across a replay: its message (trailers included) and the patch-id of its change to its first parent. */
function identity(repo: string, sha: string): string {
  const message = git(repo, "show", "-s", "--format=%B", sha);
  const diff = execFileSync("git", ["diff", "--binary", `${sha}^1`, sha], { cwd: repo, maxBuffer: 64 << 20 });
  const patchId = execFileSync("git", ["patch-id", "--stable"], { cwd: repo, input: diff, encoding: "utf8" }).split(" ")[0] ?? "";
  return `${message}\n--\n${patchId}`;
}

const list = (text: string) => text.split("\n").filter(Boolean);

describe("two reconcile jobs of different projects push main at the same time", () => {
  let base: string;
  let origin: string;
  let clones: string[];
  let jobs: JobResult[];

  beforeAll(async () => {
    seed = await tempRepoWithAgency(join(REPO_ROOT, "agency"));
    scratch = await mkdtemp(join(tmpdir(), "ateams-race-"));
    // A second project shaped like pricing-study, so both jobs do the same work and reach their pushes together.
    await addPricingStudyEu(seed);
    base = seed.git("rev-parse", "HEAD");

    origin = join(scratch, "origin.git");
    execFileSync("git", ["init", "-q", "--bare", "-b", "main", origin]);
    git(origin, "config", "core.logAllRefUpdates", "always");
    seed.git("push", "-q", origin, "main");
    // Both jobs check out main before either pushes, as two jobs started by one event do.
    clones = PROJECTS.map((p) => join(scratch, `job-${p}`));
    for (const dir of clones) {
      execFileSync("git", ["clone", "-q", origin, dir]);
      git(dir, "config", "user.name", "github-actions[bot]");
      git(dir, "config", "user.email", "41898282+github-actions[bot]@users.noreply.github.com");
    }

    const team = scriptedTeam();
    server = createFakeOpenAIServer({ handler: team.handler, latencyMs: 5 });
    await server.start();
    const startAt = Date.now() + 2000;
    jobs = await Promise.all(PROJECTS.map((p, i) => runJob(clones[i]!, p, startAt)));
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    await seed?.cleanup();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it("every commit either job had on main survives on origin, exactly once, and each project is what its job made it", () => {
    for (const [i, job] of jobs.entries()) {
      const project = PROJECTS[i]!;
      expect(job.failures, job.lines.join("\n")).toEqual([]);
      expect(job.exitCode).toBe(0);
      expect(job.stage).toBe("done");
      expect(job.pushed).toContain("main");
      expect(job.pushed).toEqual(expect.arrayContaining([`ateams/${project}/research`, `ateams/${project}/report`, `ateams/${project}/assembly`]));
      expect(job.prs).toContain(`ateams/${project}/assembly`);
    }

    // The race really happened: at least one job found main moved under it and replayed its commits onto the
    // other's (`reset --keep` of its checked-out main onto the replayed tip).
    const replays = clones.map((dir) => list(git(dir, "reflog", "show", "--format=%gs", "main")).filter((s) => s.startsWith("reset: moving to")).length);
    expect(replays.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
    // Four pushes of main reached origin (each job's work, then its PR numbers), and none was forced: each update
    // of origin's main descends from the one before.
    const updates = list(git(origin, "reflog", "show", "--format=%H", "main"));
    expect(updates.length).toBeGreaterThanOrEqual(1 + 4);
    for (let i = 0; i + 1 < updates.length; i++) expect(git(origin, "merge-base", "--is-ancestor", updates[i + 1]!, updates[i]!)).toBe("");

    // Every commit either job ever had on its main (any entry of its reflog) is on origin's main, replayed or not.
    const onOrigin = list(git(origin, "rev-list", "main", `^${base}`));
    const originIds = onOrigin.map((sha) => identity(origin, sha));
    expect(new Set(originIds).size, "a commit landed twice").toBe(originIds.length);
    const jobIds = new Set<string>();
    for (const dir of clones) {
      const tips = list(git(dir, "reflog", "show", "--format=%H", "main"));
      for (const sha of list(git(dir, "rev-list", ...tips, `^${base}`))) jobIds.add(identity(dir, sha));
    }
    expect([...jobIds].filter((id) => !originIds.includes(id)).map((m) => m.split("\n")[0])).toEqual([]);
    expect(originIds.length).toBe(jobIds.size);
    // Several commits each, and both of each job's stream merges among them, still merges.
    for (const project of PROJECTS) {
      const ofProject = list(git(origin, "log", "--format=%(trailers:key=Ateams-Project,valueonly)", "main", `^${base}`)).filter((p) => p === project);
      expect(ofProject.length).toBeGreaterThanOrEqual(4);
      const merges = list(git(origin, "log", "--merges", "--format=%s", "main", `^${base}`)).filter((s) => s.includes(`${project}/`));
      expect(merges).toHaveLength(2);
    }

    // Each project's files on origin are exactly what its own job made them; the other job touched none of them.
    for (const [i, dir] of clones.entries()) {
      const project = PROJECTS[i]!;
      git(dir, "fetch", "-q", "origin");
      expect(git(dir, "diff", "--name-only", "main", "origin/main", "--", `agency/projects/${project}`)).toBe("");
      expect(git(origin, "show", `ateams/${project}/assembly:agency/projects/${project}/outputs/pricing-recommendation.md`)).toContain("# Deliverable");
    }
    const touched = list(git(origin, "diff", "--name-only", base, "main"));
    expect(touched.filter((f) => !PROJECTS.some((p) => f.startsWith(`agency/projects/${p}/`) || f === `agency/memory/analyses/${p}.yaml`))).toEqual([]);
    expect(fsck(origin)).toEqual({ code: 0, output: "" });
  });

  // KNOWN BUG (engine/forge/replay-onto.ts, outside what this change may touch): the replay is
  // `git rebase --rebase-merges`, which rewrites the commits of every stream merged since the clone (they are in
  // `theirs..ours` too), so the stream branches the losing job merged are no longer ancestors of main. Its publish
  // then sees them as unmerged and opens stream PRs for work already on main, and workspace.streamPending calls them
  // pending. Remove `.fails` once the replay keeps merges' second parents as they are.
  it("streams a job merged before losing the race are still merged after its replay: no stream PR is opened", () => {
    for (const [i, job] of jobs.entries()) {
      const project = PROJECTS[i]!;
      // The deliverable only (the L&P Manager had nothing to propose): no stream PR.
      expect(job.prs).toEqual([`ateams/${project}/assembly`]);
      for (const stream of ["research", "report"]) expect(git(origin, "merge-base", "--is-ancestor", `ateams/${project}/${stream}`, "main")).toBe("");
    }
  });
});
