// The GitHub flow end to end, in process: `runGitHub` on a fresh clone per run (as each Actions job checks the
// repository out), a bare repository as `origin`, the checked fake GitHub (nock, every request and reply validated
// against GitHub's REST description) and the scripted team behind the fake OpenAI server. Each step delivers the
// event GitHub would, runs the reconcile, asserts, then delivers the same event again and proves the second run
// duplicates nothing: no PR, no comment, no GitHub write, no commit on origin.
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nock from "nock";
import { afterEach, beforeEach, expect, it } from "vitest";
import { parse } from "yaml";
import { parseEvent, parseMarker, type AgencyEvent } from "../../engine/github/index.ts";
import type { PullJson } from "../support/github/fake-objects.ts";
import { githubHarness, type GitHubHarness } from "../support/github/harness.ts";
import { examplesOf } from "../support/github/webhook-examples.ts";
import { runGitHub, type GitHubRunReport } from "../../engine/github-mode/run-github.ts";
import type { Status } from "../../engine/agency/types.gen.ts";
import { REPO_ROOT } from "../support/agency-fixture.ts";
import { createFakeOpenAIServer, type FakeChatRequest, type FakeOpenAIServer } from "../support/fake-openai-server.ts";
import { fsck } from "../support/git-health.ts";
import { tempRepoWithAgency, type TempRepo } from "../support/git-repo.ts";
import { scriptedTeam, taskIdOf, type TeamLog } from "../support/scripted-team.ts";

type Obj = Record<string, any>;

const P = "pricing-study";
const PROJECT_DIR = `agency/projects/${P}`;
const IDENTITY = { GIT_AUTHOR_NAME: "Dev", GIT_AUTHOR_EMAIL: "dev@example.com", GIT_COMMITTER_NAME: "Dev", GIT_COMMITTER_EMAIL: "dev@example.com" };

let seed: TempRepo;
let origin: string;
let scratch: string[];
let h: GitHubHarness;
let server: FakeOpenAIServer;
let team: { log: TeamLog };
let lines: string[];
/** While true the provider answers the Collaborator's whole-stream checks with a 429 asking for an hour's wait. */
let streamChecksRateLimited = false;


beforeEach(async () => {
  seed = await tempRepoWithAgency(join(REPO_ROOT, "agency"));
  scratch = [];
  lines = [];
  streamChecksRateLimited = false;
  origin = await tempDir("ateams-origin-");
  execFileSync("git", ["init", "-q", "--bare", "-b", "main", origin]);
  seed.git("remote", "add", "origin", origin);
  seed.git("push", "-q", "origin", "main");

  h = githubHarness({ owner: "octocat", repo: "hooklet" });
  h.fake.setPermission("octocat", "admin");
  h.fake.setPermission("visitor", "read");
  h.fake.setPermission("hana", "write");

  // The scripted team, except that a Specialist's files depend on everything it was sent (as a real model's
  // would): a task rerun with new feedback or new inputs writes something new; one rerun for nothing would not.
  const t = scriptedTeam({
    before: (req: FakeChatRequest, kind: string) => {
      if (kind === "collaborator_verdict" && taskIdOf(req) === undefined && streamChecksRateLimited) return { fault: "rate-limit", retryAfterSeconds: 3600 };
      return undefined;
    },
    inputSensitive: true,
  });
  team = t;
  server = createFakeOpenAIServer({ handler: t.handler });
  await server.start();
  nock.enableNetConnect("127.0.0.1");
});

afterEach(async () => {
  h.finish();
  await server.stop();
  await seed.cleanup();
  await Promise.all(scratch.map((d) => rm(d, { recursive: true, force: true })));
});

async function tempDir(prefix: string): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), prefix));
  scratch.push(d);
  return d;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, encoding: "utf8", env: { ...process.env, ...IDENTITY } }).trim();
}

/** What an Actions job starts from: a fresh clone of origin's main (fetch-depth 0) with the bot's identity. */
async function checkout(): Promise<string> {
  const dir = join(await tempDir("ateams-job-"), "repo");
  execFileSync("git", ["clone", "-q", origin, dir]);
  git(dir, "config", "user.name", "github-actions[bot]");
  git(dir, "config", "user.email", "41898282+github-actions[bot]@users.noreply.github.com");
  return dir;
}

/** One reconcile job: `ateams run --forge github --project <project>`, told of one event. */
async function reconcile(event: AgencyEvent | undefined, project = P): Promise<GitHubRunReport> {
  const dir = await checkout();
  const report = await runGitHub({
    agencyDir: join(dir, "agency"),
    projects: [project],
    env: { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "test-key" },
    progress: { emit: (e) => lines.push(`${e.kind} ${e.project}${e.action ? ` ${e.action}` : ""}: ${e.text}`) },
    github: { token: "ghs_test_token", owner: h.fake.owner, repo: h.fake.repo, apiUrl: "https://api.github.com", serverUrl: "https://github.com" },
    forge: h.forge,
    ...(event ? { event } : {}),
  });
  expect(git(dir, "status", "--porcelain")).toBe("");
  return report;
}

// ---- origin, as GitHub holds it --------------------------------------------------------------------------------

const originCommits = () => Number(git(origin, "rev-list", "--count", "--all"));
const tipOf = (branch: string) => git(origin, "rev-parse", `refs/heads/${branch}`);
const ahead = (branch: string) => Number(git(origin, "rev-list", "--count", `main..refs/heads/${branch}`));
const commitsOn = (branch: string) => Number(git(origin, "rev-list", "--count", `refs/heads/${branch}`));
const originFile = (path: string, ref = "main") => git(origin, "show", `${ref}:${path}`);
const originBranches = () => git(origin, "for-each-ref", "--format=%(refname:short)", "refs/heads/").split("\n").filter(Boolean).sort();
const originPlan = () => parse(originFile(`${PROJECT_DIR}/plan.yaml`)) as Obj;
const originStatus = () => JSON.parse(originFile(`${PROJECT_DIR}/status.yaml`).replace(/^#.*\n/gm, "")) as Status;

// ---- the fake GitHub -------------------------------------------------------------------------------------------

function pullFor(head: string): PullJson {
  const found = [...h.fake.pulls.values()].filter((p) => p.head.ref === head);
  expect(found, `PRs from ${head}`).toHaveLength(1);
  return found[0]!;
}

const labelsOf = (pull: PullJson) => pull.labels.map((l) => l.name).sort();
const reactionsOn = (id: number) => h.fake.reactions.filter((r) => r.subjectId === id).map((r) => r.json.content);
const statusComments = (n: number) => h.fake.commentsOn(n).filter((c) => parseMarker(c.body)?.kind === "status");

/** Everything a duplicate would show up in: PRs, comments, reactions and commits on origin. */
function counts() {
  return { pulls: h.fake.pulls.size, comments: h.fake.issueComments.length, reactions: h.fake.reactions.length, commits: originCommits(), branches: originBranches().join(",") };
}

/** Delivers the same event again to a fresh job: nothing is created, written or committed. */
async function again(event: AgencyEvent | undefined, expected: { modelCalls?: number } = {}): Promise<GitHubRunReport> {
  const before = counts();
  const calls = server.chatRequests.length;
  h.mock.resetCounts();
  const from = lines.length;
  const r = await reconcile(event);
  const log = lines.slice(from).join("\n");
  expect(h.mock.calls.filter((c) => c.write).map((c) => c.operationId), log).toEqual([]);
  expect(counts(), log).toEqual(before);
  expect(server.chatRequests.length - calls, log).toBe(expected.modelCalls ?? 0);
  expect(r.publish.created).toBe(0);
  return r;
}

// ---- events, as Actions delivers them (payloads from @octokit/webhooks-examples, fields changed) ---------------

function pushEvent(before: string, after: string, files: string[]): AgencyEvent {
  const p = examplesOf("push").find((x) => x.ref === "refs/heads/master") as Obj;
  Object.assign(p, { ref: "refs/heads/main", before, after, created: false, deleted: false, forced: false });
  p.repository = { ...p.repository, default_branch: "main", name: h.fake.repo, full_name: `${h.fake.owner}/${h.fake.repo}` };
  p.commits = [{ ...p.commits[0], id: after, added: [], removed: [], modified: files }];
  p.head_commit = p.commits[0];
  return parseEvent("push", p);
}

function commentEvent(issue: number, author: string, body: string): { event: AgencyEvent; id: number } {
  const c = h.fake.comment(issue, { author, body });
  const p = examplesOf("issue_comment", "created")[0] as Obj;
  p.comment = { ...p.comment, id: c.id, body: c.body, html_url: c.html_url, created_at: c.created_at, updated_at: c.updated_at, user: { ...p.comment.user, login: author, type: "User" } };
  p.issue = { ...p.issue, number: issue, labels: (h.fake.labelsOf(issue) ?? []).map((l) => ({ ...p.issue.labels[0], name: l.name })) };
  p.issue.pull_request = { url: `https://api.github.com/repos/${h.fake.owner}/${h.fake.repo}/pulls/${issue}`, html_url: `https://github.com/${h.fake.owner}/${h.fake.repo}/pull/${issue}` };
  return { event: parseEvent("issue_comment", p), id: c.id };
}

/** A person merges a stream PR on GitHub: a merge commit on origin's main, the PR closed as merged, the event. */
async function mergeOnGitHub(number: number, by: string): Promise<AgencyEvent> {
  const pull = h.fake.pull(number);
  const dir = join(await tempDir("ateams-merge-"), "repo");
  execFileSync("git", ["clone", "-q", origin, dir]);
  git(dir, "merge", "-q", "--no-ff", "-m", `Merge pull request #${number} from ${h.fake.owner}/${pull.head.ref}`, `origin/${pull.head.ref}`);
  git(dir, "push", "-q", "origin", "main");
  h.fake.closePull(number, { merged: true, by });
  const p = examplesOf("pull_request", "closed")[0] as Obj;
  p.number = number;
  p.pull_request = { ...p.pull_request, number, merged: true, head: { ...p.pull_request.head, ref: pull.head.ref }, base: { ...p.pull_request.base, ref: "main" }, labels: pull.labels };
  p.sender = { ...p.sender, login: by };
  return parseEvent("pull_request", p);
}

/** A person sets pricing-study's oversight to review-streams (which includes approving the plan) and pushes. */
async function pushReviewStreams(): Promise<{ push: AgencyEvent; pushed: string }> {
  const projectFile = join(seed.agency, "projects", P, "project.yaml");
  await writeFile(projectFile, (await readFile(projectFile, "utf8")).replace("oversight: autonomous", "oversight: review-streams"));
  const parent = seed.git("rev-parse", "HEAD");
  seed.git("commit", "-qam", "pricing-study: review every stream");
  seed.git("push", "-q", "origin", "main");
  const pushed = seed.git("rev-parse", "HEAD");
  return { push: pushEvent(parent, pushed, [`${PROJECT_DIR}/project.yaml`]), pushed };
}

const specialistCalls = () => team.log.calls.filter((c) => c.kind === "specialist_work").map((c) => c.task!);

it("from a push to the assembled deliverable: plan PR, /approve, draft stream PRs, /revise, merges, assembly PR", async () => {
  // ── a. A person edits the project (every stream is to be reviewed by a person) and pushes to main. ──────────────
  const { push, pushed } = await pushReviewStreams();
  const a = await reconcile(push);
  expect(a.failures).toEqual([]);
  expect(a.projects).toEqual([expect.objectContaining({ id: P, stage: "awaiting-approval" })]);
  expect(team.log.calls.map((c) => c.kind)).toEqual(["pm_options", "pm_decomposition"]);
  const plan = pullFor(`ateams/${P}/plan`);
  expect(plan).toMatchObject({ state: "open", draft: false, base: { ref: "main" } });
  expect(labelsOf(plan)).toEqual(["ateams", `project:${P}`, "state:awaiting-approval"]);
  expect(plan.body).toContain("#### ⭐ `option-1` — Desk study (recommended)");
  expect(plan.body).toContain("#### `option-2` — Deep study");
  expect(plan.body).toMatch(/```mermaid\nflowchart LR[\s\S]*scan[\s\S]*```/);
  expect(plan.body).toContain("`/approve option-2`");
  expect(statusComments(plan.number)).toHaveLength(1);
  // Not approved: main has the plan without a choice; the plan branch's one commit is the approval, for merging.
  expect(originPlan()).toMatchObject({ recommended: "option-1", basedOn: "option-1" });
  expect(originPlan().chosen).toBeUndefined();
  expect(originStatus().conditions).toContainEqual(expect.objectContaining({ type: "AwaitingApproval", status: "True", reason: "PlanAwaitingApproval" }));
  expect(originStatus().plan?.pr).toBe(plan.number);
  expect(parse(originFile(`${PROJECT_DIR}/plan.yaml`, `ateams/${P}/plan`))).toMatchObject({ chosen: "option-1" });
  expect(originBranches()).toEqual([`ateams/${P}/plan`, "main"]);
  await again(push);

  // ── b. An outsider (read permission) comments /approve: ignored, without a reaction, a reply or a commit. ──────
  const outsider = commentEvent(plan.number, "visitor", "/approve");
  const before = counts();
  h.mock.resetCounts();
  const b = await reconcile(outsider.event);
  expect(b.intake).toMatchObject({ events: 1, commands: 0, ignored: 1, commits: 0 });
  expect(h.mock.writes).toBe(0);
  expect(reactionsOn(outsider.id)).toEqual([]);
  expect(counts()).toEqual(before);
  expect(originPlan().chosen).toBeUndefined();
  expect(b.projects[0]).toMatchObject({ stage: "awaiting-approval" });
  expect(lines).toContainEqual(expect.stringMatching(/comment ignored: visitor has read permission/));
  await again(outsider.event);

  // ── c. The owner chooses option-2. The provider is rate-limiting the Collaborator's whole-stream checks for an
  //       hour, so the streams' tasks all land but no stream is passed yet: their PRs open as drafts. ─────────────
  streamChecksRateLimited = true;
  const approve = commentEvent(plan.number, "octocat", "/approve option-2");
  const c = await reconcile(approve.event);
  expect(c.intake).toMatchObject({ commands: 1, applied: 1, commits: 1 });
  expect(c.exitCode).toBe(1);
  // The endpoint refusing for an hour is the run's condition, said once with its URL, not a failure of each check.
  expect(c.failures).toEqual([expect.stringMatching(/^model server http:\/\/127\.0\.0\.1:\d+\/v1 unavailable: 429 .*nothing was recorded/)]);
  expect(reactionsOn(approve.id)).toEqual(["eyes", "rocket"]);
  expect(originPlan()).toMatchObject({ chosen: "option-2", basedOn: "option-2", approval: { by: "octocat" } });
  // The streams were decomposed for option-1: the PM decomposes again for option-2.
  expect(team.log.calls.filter((x) => x.kind === "pm_decomposition")).toHaveLength(2);
  expect(specialistCalls().sort()).toEqual(["compare", "scan", "write-up"]);
  // The plan PR is closed, saying why; its branch is not offered again.
  expect(h.fake.pull(plan.number).state).toBe("closed");
  expect(h.fake.pull(plan.number).merged).toBe(false);
  expect(h.fake.commentsOn(plan.number).map((x) => x.body)).toContainEqual("The plan was approved with `option-2`; this pull request is no longer needed.");
  const research = pullFor(`ateams/${P}/research`);
  const report = pullFor(`ateams/${P}/report`);
  for (const pr of [research, report]) {
    expect(pr).toMatchObject({ state: "open", draft: true, base: { ref: "main" } });
    expect(labelsOf(pr)).toEqual(["ateams", `project:${P}`, "state:in-progress"]);
    expect(pr.requested_reviewers.map((u) => u.login)).toEqual(["octocat"]);
    expect(statusComments(pr.number)).toHaveLength(1);
  }
  expect(research.body).toContain("- [ ] Every figure has a source");
  expect(originStatus().streams).toMatchObject({ research: { pr: research.number }, report: { pr: report.number } });
  // Each task's work is one commit on its stream's branch.
  expect([ahead(`ateams/${P}/research`), ahead(`ateams/${P}/report`)]).toEqual([2, 1]);
  expect(c.publish).toMatchObject({ created: 2, closed: 1 });
  // Delivered again while the provider still refuses: the stream checks are tried (and refused) again; nothing
  // on GitHub or in git is duplicated.
  await again(approve.event, { modelCalls: 2 });

  // ── c'. The hourly run, once the provider answers again: both streams pass and their PRs are ready for review. ─
  streamChecksRateLimited = false;
  const schedule = parseEvent("schedule", { schedule: "23 * * * *", workflow: ".github/workflows/ateams.yml" });
  const c2 = await reconcile(schedule);
  expect(c2.failures).toEqual([]);
  expect(c2.projects[0]).toMatchObject({ stage: "in-review" });
  expect(c2.publish).toMatchObject({ created: 0, readied: 2 });
  for (const pr of [h.fake.pull(research.number), h.fake.pull(report.number)]) {
    expect(pr.draft).toBe(false);
    expect(labelsOf(pr)).toEqual(["ateams", `project:${P}`, "state:ready-for-review"]);
    expect(statusComments(pr.number)).toHaveLength(1);
  }
  expect(h.fake.pull(research.number).body).toContain("- [x] Every figure has a source");
  // Nothing to do costs one listing of open PRs and one comment listing per open PR; the closed plan PR, none.
  await again(schedule);
  expect(h.mock.operations).toEqual(["pulls/list", "issues/list-comments", "issues/list-comments"]);

  // ── d. A collaborator (write permission) asks for a revision on the report PR: exactly its last task reruns,
  //       one new commit lands on that stream's branch, none on the other's; the PR is updated, not duplicated. ──
  const researchTip = tipOf(`ateams/${P}/research`);
  const reportCommits = commitsOn(`ateams/${P}/report`);
  const reportBody = h.fake.pull(report.number).body;
  const [reportComment] = statusComments(report.number);
  const reportCommentBody = reportComment!.body;
  const calls = specialistCalls().length;
  const revise = commentEvent(report.number, "hana", "/revise Lead with the Team plan recommendation, then the numbers.");
  const d = await reconcile(revise.event);
  expect(d.intake).toMatchObject({ commands: 1, applied: 1, commits: 1 });
  expect(reactionsOn(revise.id)).toEqual(["eyes", "rocket"]);
  expect(specialistCalls().slice(calls)).toEqual(["write-up"]);
  expect(commitsOn(`ateams/${P}/report`)).toBe(reportCommits + 1);
  expect(tipOf(`ateams/${P}/research`)).toBe(researchTip);
  expect(originFile(`${PROJECT_DIR}/log/report/writer.md`, `ateams/${P}/report`)).toContain("Lead with the Team plan recommendation");
  const revised = h.fake.pull(report.number);
  expect(revised.body).not.toBe(reportBody);
  // Its sticky status says where the stream stands, which is where it stood (passed, awaiting review): one comment,
  // the same one, not rewritten.
  expect(statusComments(report.number).map((x) => [x.id, x.body])).toEqual([[reportComment!.id, reportCommentBody]]);
  expect(revised.draft).toBe(false);
  expect(pullFor(`ateams/${P}/report`).number).toBe(report.number);
  expect(d.projects[0]).toMatchObject({ stage: "in-review" });
  await again(revise.event);

  // ── e. The Director merges both stream PRs on GitHub; the run after the last merge assembles the deliverable. ──
  const mergedResearch = await mergeOnGitHub(research.number, "octocat");
  const e1 = await reconcile(mergedResearch);
  expect(e1.projects[0]).toMatchObject({ stage: "in-review" });
  expect(originStatus().streams?.research?.accepted).toMatchObject({ by: "merged" });
  expect(originStatus().streams?.report?.accepted).toBeUndefined();
  await again(mergedResearch);

  const mergedReport = await mergeOnGitHub(report.number, "octocat");
  const e2 = await reconcile(mergedReport);
  expect(e2.failures).toEqual([]);
  expect(originStatus().streams?.report?.accepted).toMatchObject({ by: "merged" });
  expect(team.log.calls.filter((x) => x.kind === "pm_assembly")).toHaveLength(1);
  const assembly = pullFor(`ateams/${P}/assembly`);
  expect(assembly).toMatchObject({ state: "open", draft: false, base: { ref: "main" }, title: "ateams: deliverable for Hooklet pricing after launch" });
  expect(assembly.body).toContain("@octocat");
  expect(assembly.body).toContain("Everything the Director asked for is in the deliverable.");
  expect(assembly.body).toContain(`#${research.number}`);
  expect(assembly.body).toContain(`#${report.number}`);
  // What the work cost, from the metrics committed with it: every task's attempts and the PM's calls.
  expect(assembly.body).toContain("📊 What the work cost and how it went");
  expect(assembly.body).toMatch(/pie showData title Cost by role \(USD\)\n(?:.*\n)*? {4}"pm" : /);
  expect(assembly.body).toMatch(/\| researcher \| 2 \| \d+ \|/);
  expect(assembly.requested_reviewers.map((u) => u.login)).toEqual(["octocat"]);
  expect(originFile(`${PROJECT_DIR}/outputs/pricing-recommendation.md`, `ateams/${P}/assembly`)).toContain("# Deliverable");
  expect(statusComments(assembly.number)).toHaveLength(1);
  expect(originStatus().assembly?.pr).toBe(assembly.number);
  // The L&P Manager's review arrives as its own PR for the Director, its proposals quoting their evidence.
  expect(team.log.calls.filter((x) => x.kind === "learning_review")).toHaveLength(1);
  const learning = pullFor(`ateams/${P}/learning`);
  expect(learning).toMatchObject({ state: "open", draft: false, base: { ref: "main" }, title: "ateams: lessons and role edits from Hooklet pricing after launch" });
  expect(learning.body).toContain("@octocat — the Learning & Performance Manager reviewed the finished project.");
  expect(learning.body).toContain("post-project analysis");
  // hana's /revise on the report is the evidence of the writer's lesson, quoted word for word.
  expect(learning.body).toContain("> Lead with the Team plan recommendation, then the numbers.");
  expect(parse(originFile("agency/memory/roles/writer.yaml", `ateams/${P}/learning`)).entries[0].provenance[0]).toMatchObject({ by: "learning-manager", project: P, evidence: ["Lead with the Team plan recommendation, then the numbers."] });
  expect(learning.requested_reviewers.map((u) => u.login)).toEqual(["octocat"]);
  expect(originStatus().learning?.pr).toBe(learning.number);
  await again(mergedReport);
  expect(h.mock.operations).toEqual(["pulls/list", "issues/list-comments", "issues/list-comments"]);
  // Outside Actions there is no event: the first poll records where it read up to (one commit), the next nothing.
  const polled = await reconcile(undefined);
  expect(polled.intake).toMatchObject({ events: 0, commits: 1 });
  await again(undefined);

  // Every PR the flow needed, once each; git on origin is sound.
  expect([...h.fake.pulls.values()].map((p) => [p.head.ref, p.state, p.merged ?? false])).toEqual([
    [`ateams/${P}/plan`, "closed", false],
    [`ateams/${P}/research`, "closed", true],
    [`ateams/${P}/report`, "closed", true],
    [`ateams/${P}/assembly`, "open", false],
    [`ateams/${P}/learning`, "open", false],
  ]);
  // This job reconciles pricing-study only: no other project's files were touched on main (its own analysis in
  // agency/memory/analyses/ is the L&P Manager's post-project memory, written with its review).
  const touched = git(origin, "diff", "--name-only", pushed, "main").split("\n");
  expect(touched.filter((f) => !f.startsWith(`${PROJECT_DIR}/`) && f !== `agency/memory/analyses/${P}.yaml`)).toEqual([]);
  expect(fsck(origin)).toEqual({ code: 0, output: "" });
});

it("Actions tells every project's reconcile job of every event: a command is taken in by its own project's job only", async () => {
  const { push } = await pushReviewStreams();
  await reconcile(push);
  const plan = pullFor(`ateams/${P}/plan`);
  const approve = commentEvent(plan.number, "octocat", "/approve option-2");

  // launch-kit's job gets the comment too. It does launch-kit's own work, and leaves the comment alone.
  const mainBefore = tipOf("main");
  const other = await reconcile(approve.event, "launch-kit");
  expect(other.intake).toMatchObject({ events: 1, commands: 0, applied: 0, ignored: 1, commits: 0 });
  expect(other.projects).toEqual([expect.objectContaining({ id: "launch-kit", stage: "done" })]);
  expect(reactionsOn(approve.id)).toEqual([]);
  expect(originPlan().chosen).toBeUndefined();
  const touched = git(origin, "diff", "--name-only", mainBefore, "main").split("\n");
  expect(touched.filter((f) => !f.startsWith("agency/projects/launch-kit/") && f !== "agency/memory/analyses/launch-kit.yaml")).toEqual([]);
  expect(h.fake.pull(plan.number).state).toBe("open");

  // pricing-study's job takes it in.
  const own = await reconcile(approve.event);
  expect(own.intake).toMatchObject({ commands: 1, applied: 1, commits: 1 });
  expect(reactionsOn(approve.id)).toEqual(["eyes", "rocket"]);
  expect(originPlan()).toMatchObject({ chosen: "option-2" });
  expect(h.fake.pull(plan.number).state).toBe("closed");
});
