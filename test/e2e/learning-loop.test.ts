// The loop closes: a project whose Collaborator keeps sending one role's work back for the same fix → the L&P
// Manager's review branch proposes a lesson quoting that feedback → a person accepts it → the next project's tasks
// of that role carry the lesson and need fewer revision rounds. The stand-in Collaborator accepts a writer's first
// draft only when the writer was told the fix (its system message carries the lesson), as a real one would when the
// draft already does what it asks.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { parse } from "yaml";
import type { FakeChatRequest } from "../support/fake-openai-replies.ts";
import { REPO_ROOT } from "../support/agency-fixture.ts";
import { createFakeOpenAIServer, type FakeOpenAIServer } from "../support/fake-openai-server.ts";
import { addPricingStudyEu, tempRepoWithAgency, type TempRepo } from "../support/git-repo.ts";
import { runCli } from "../support/run-cli.ts";
import { defaultReview, scriptedTeam, taskIdOf } from "../support/scripted-team.ts";

const FIX = "Cite the source and the date checked for every price you quote.";

let repo: TempRepo;
let server: FakeOpenAIServer;
beforeEach(async () => {
  repo = await tempRepoWithAgency(join(REPO_ROOT, "agency"));
  // A second project shaped like the first: the next piece of work for the same team.
  await addPricingStudyEu(repo);
});
afterEach(async () => {
  await server?.stop();
  await repo.cleanup();
});

/** Serves the scripted team on the test model server; the environment a run needs to reach it. */
async function serve(team: ReturnType<typeof scriptedTeam>): Promise<Record<string, string>> {
  server = createFakeOpenAIServer({ handler: team.handler });
  await server.start();
  return { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "x" };
}

/** agency.yaml's learningManager with one more setting, committed as a person would. */
async function learningManager(setting: string, message: string): Promise<void> {
  const file = join(repo.agency, "agency.yaml");
  await writeFile(file, (await readFile(file, "utf8")).replace("learningManager:\n  tier: strong\n", `learningManager:\n  tier: strong\n  ${setting}\n`));
  repo.git("commit", "-qam", message);
}

const systemOf = (req: FakeChatRequest) => req.messages.filter((m) => m.role === "system").map((m) => (typeof m.content === "string" ? m.content : "")).join("\n");

it("the L&P Manager's lesson, once accepted, takes the writer's next project from two rounds to one", async () => {
  const told = new Set<string>();
  const sentBack = new Set<string>();
  const writerTasks = new Set<string>();
  /** Planning calls whose system message recalled the first review's takeaway (agency/memory/analyses/pricing-study.yaml). */
  let plannedWithTakeaway = 0;
  const team = scriptedTeam({
    before: (req, kind) => {
      if ((kind === "pm_options" || kind === "pm_decomposition") && systemOf(req).includes("Plan the work that needs sources before the work that cites them. (learning-manager)")) plannedWithTakeaway++;
      const task = taskIdOf(req);
      if (!task) return undefined;
      if (kind === "specialist_work" && systemOf(req).startsWith("You are Writer,")) writerTasks.add(task);
      if (kind === "specialist_work" && systemOf(req).includes(FIX)) told.add(task);
      if (kind === "collaborator_verdict" && writerTasks.has(task) && !told.has(task) && !sentBack.has(task)) {
        sentBack.add(task);
        return { json: { verdict: "revise", checks: [{ criterion: "sources", met: false, evidence: "prices without a source" }], feedback: [FIX], blocker: null } };
      }
      return undefined;
    },
  });
  const env = await serve(team);
  const run = (project: string) => runCli(["run", "--project", project], { cwd: repo.root, env });
  const roundsOf = async (project: string) => {
    const r = await runCli(["report", "--project", project, "--json"], { cwd: repo.root, env: {} });
    const [p] = JSON.parse(r.stdout).projects;
    return p.byRoleVersion as { role: string; version: string; attempts: number; meanRounds: number }[];
  };

  // The first project: the writer is sent back for the same fix on its task.
  const first = await run("pricing-study");
  expect(first.code, first.stderr).toBe(0);
  expect(writerTasks.size, "the plan gave the writer no task: the test proves nothing").toBeGreaterThan(0);
  expect(sentBack.size).toBe(writerTasks.size);
  expect(first.stderr).toMatch(/review-learning: 1 proposal\(s\) on ateams\/pricing-study\/learning/);
  const before = (await roundsOf("pricing-study")).find((r) => r.role === "writer")!;
  expect(before.meanRounds).toBe(2);

  // The review is a branch for a person: nothing changed the role yet. It quotes its evidence.
  const status = parse(await readFile(join(repo.agency, "projects", "pricing-study", "status.yaml"), "utf8"));
  expect(status.learning).toMatchObject({ branch: "ateams/pricing-study/learning", proposals: 1 });
  expect(repo.git("show", "HEAD:agency/projects/pricing-study/status.yaml")).toContain("ateams/pricing-study/learning");
  expect(() => repo.git("show", "HEAD:agency/memory/roles/writer.yaml")).toThrow();
  const lessons = parse(repo.git("show", "ateams/pricing-study/learning:agency/memory/roles/writer.yaml")).entries;
  expect(lessons).toEqual([
    { id: expect.stringMatching(/^writer-[0-9a-f]{8}$/), kind: "lesson", text: `Before handing work in: ${FIX}`, provenance: [{ by: "learning-manager", at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), project: "pricing-study", evidence: [FIX] }] },
  ]);
  expect(await readFile(join(repo.agency, "projects", "pricing-study", "learning.md"), "utf8")).toContain("## Lessons proposed");
  // The takeaway for the PM is memory at once (it changes no role): the next plan recalls it.
  expect(parse(repo.git("show", "HEAD:agency/memory/analyses/pricing-study.yaml")).entries[0]).toMatchObject({ kind: "analysis", provenance: [{ by: "learning-manager", project: "pricing-study", source: "agency/projects/pricing-study/learning.md" }] });

  const shown = await runCli(["learn"], { cwd: repo.root, env: {} });
  expect(shown.code, shown.stderr).toBe(0);
  expect(shown.stdout).toContain("● pricing-study  reviewed");
  expect(shown.stdout).toContain("1 proposal(s) on ateams/pricing-study/learning");
  expect(shown.stdout).toContain("changes: agency/memory/roles/writer.yaml\n");
  expect(shown.stdout).toContain("ateams learn --accept --project pricing-study");

  // The Director accepts; the writer's prompt version changes.
  const accepted = await runCli(["learn", "--accept", "--project", "pricing-study"], { cwd: repo.root, env: {} });
  expect(accepted.code, accepted.stderr).toBe(0);
  expect(accepted.stdout).toContain("Accepted 1 proposal(s) for pricing-study");
  expect(await readFile(join(repo.agency, "memory", "roles", "writer.yaml"), "utf8")).toContain(FIX);
  expect(repo.git("status", "--porcelain")).toBe("");
  expect((await runCli(["learn", "--json"], { cwd: repo.root, env: {} })).stdout).toContain('"merged": true');

  // The next project: the writer carries the lesson, and its draft is accepted at once.
  told.clear();
  sentBack.clear();
  writerTasks.clear();
  const second = await run("pricing-study-eu");
  expect(second.code, second.stderr).toBe(0);
  expect(writerTasks.size).toBeGreaterThan(0);
  expect([...writerTasks].every((t) => told.has(t))).toBe(true);
  expect(sentBack.size).toBe(0);
  expect(plannedWithTakeaway, "the PM planned the next project without recalling the review's takeaway").toBeGreaterThan(0);
  // Nothing to propose this time: the review is recorded, and no branch is made for it.
  const eu = parse(await readFile(join(repo.agency, "projects", "pricing-study-eu", "status.yaml"), "utf8"));
  expect(eu.learning).toMatchObject({ proposals: 0 });
  expect(eu.learning.branch).toBeUndefined();
  expect(() => repo.git("rev-parse", "--verify", "-q", "refs/heads/ateams/pricing-study-eu/learning")).toThrow();
  const after = (await roundsOf("pricing-study-eu")).find((r) => r.role === "writer")!;
  expect(after.meanRounds).toBe(1);
  expect(after.version).not.toBe(before.version);

  // Each review is made once: a run with nothing new asks no model.
  const calls = server.chatRequests.length;
  const again = await run("pricing-study");
  expect(again.code, again.stderr).toBe(0);
  expect(server.chatRequests.length).toBe(calls);
  expect(team.log.calls.filter((c) => c.kind === "learning_review")).toHaveLength(2);
});

// Routing learns from what happened too: a project whose tasks, scored just under the strong tier's threshold, keep
// failing on the cheap tier and escalating → every attempt is recorded with its routing score → the review branch
// lowers the threshold in agency.yaml, learning.md (the PR body) showing the evidence and the cost on record → once
// accepted, the next project's tasks of that score start on the strong tier and nothing escalates.
/**
 * Six writer tasks the PM rates (reasoning, domain, language, quality) to weighted scores of 3.0–3.4 (weights .35,
 * .25, .15, .25; agency.yaml sends < 3.5 to the fast tier): harder than they look.
 */
const RATINGS = [[3, 3, 3, 3], [3, 4, 2, 3], [3, 3, 4, 3], [3, 3, 3, 4], [4, 3, 3, 3], [3, 3, 4, 4]];
const SCORES = [3.0, 3.1, 3.15, 3.25, 3.35, 3.4];
const decomposition = () => ({
  newRoles: [],
  streams: [
    {
      id: "pieces",
      title: "Pieces",
      goal: "Write the pieces the study needs.",
      successCriteria: ["Each piece is publishable"],
      tasks: SCORES.map((_, i) => ({
        id: `piece-${i + 1}`,
        title: `Piece ${i + 1}`,
        role: "writer",
        description: "Write the piece.",
        dependsOn: [],
        inputs: [],
        outputs: [{ path: `piece-${i + 1}.md`, description: "The piece" }],
        criteria: ["Publishable"],
        tier: null,
        scores: ["reasoning", "domain", "language", "quality"].map((criterion, c) => ({ criterion, score: RATINGS[i]![c]! })),
      })),
    },
  ],
});

/** A project's task records: accepted attempts in their stream's file, the rest (escalations) in the project's. */
async function taskRecords(project: string) {
  const dir = join(repo.agency, "projects", project);
  const lines = async (f: string) => (await readFile(f, "utf8").catch(() => "")).split("\n").filter(Boolean).map((l) => JSON.parse(l));
  return [...(await lines(join(dir, "metrics.jsonl"))), ...(await lines(join(dir, "metrics", "pieces.jsonl")))].filter((r) => r.kind === "task");
}

it("escalations under a threshold become a reviewed proposal to lower it; accepted, the next project starts those tasks on the strong tier", async () => {
  const lastModel = new Map<string, string>();
  const team = scriptedTeam({
    decomposition,
    before: (req, kind) => {
      const task = taskIdOf(req);
      if (kind === "specialist_work" && task) lastModel.set(task, req.model);
      // The cheap model's pieces are never good enough; the strong model's pass.
      if (kind === "collaborator_verdict" && task && lastModel.get(task) === "gpt-4o-mini") {
        return { json: { verdict: "revise", checks: [{ criterion: "Publishable", met: false, evidence: "reads like a draft" }], feedback: ["Rewrite it: it reads like a draft."], blocker: null } };
      }
      return undefined;
    },
  });
  const env = await serve(team);

  const first = await runCli(["run", "--project", "pricing-study"], { cwd: repo.root, env });
  expect(first.code, first.stderr).toBe(0);
  const records = await taskRecords("pricing-study");
  expect(records.filter((r) => r.outcome === "escalated").sort((a, b) => a.score - b.score).map((r) => [r.tier, r.score, r.routing])).toEqual(SCORES.map((s) => ["fast", s, expect.stringMatching(new RegExp(`^score ${s.toFixed(2)} ≥ 1 → fast`))]));
  expect(records.filter((r) => r.outcome === "accepted").map((r) => r.tier)).toEqual(SCORES.map(() => "strong"));

  // The proposal is on the review branch, with its evidence; agency.yaml on main is untouched until accepted.
  const branch = "ateams/pricing-study/learning";
  const proposed = parse(repo.git("show", `${branch}:agency/agency.yaml`));
  expect(proposed.models.routing.thresholds).toEqual([{ tier: "fast", minScore: 1 }, { tier: "strong", minScore: 3 }]);
  expect(repo.git("show", `${branch}:agency/agency.yaml`)).toContain("# ...and a weighted score of 3.5 or more goes to gpt-4o"); // comments kept
  expect(parse(await readFile(join(repo.agency, "agency.yaml"), "utf8")).models.routing.thresholds[1].minScore).toBe(3.5);
  const analysis = await readFile(join(repo.agency, "projects", "pricing-study", "learning.md"), "utf8");
  expect(analysis).toContain("## Routing thresholds proposed");
  expect(analysis).toMatch(/\| strong 3\.5 → \*\*3\*\* \| fast, scores 2\.5–3\.5: 0\/6 passed \(0 at the first round\), 6 escalated \| 6 \| \$[\d.]+ \| \$[\d.]+ \|/);

  const accepted = await runCli(["learn", "--accept", "--project", "pricing-study"], { cwd: repo.root, env: {} });
  expect(accepted.code, accepted.stderr).toBe(0);
  const plan = await runCli(["plan", "--project", "pricing-study-eu"], { cwd: repo.root, env: {} });
  expect(plan.code, plan.stderr).toBe(0);

  const second = await runCli(["run", "--project", "pricing-study-eu"], { cwd: repo.root, env });
  expect(second.code, second.stderr).toBe(0);
  const after = await taskRecords("pricing-study-eu");
  expect(after.map((r) => [r.tier, r.outcome])).toEqual(SCORES.map(() => ["strong", "accepted"]));
}, 120_000);

it("with learningManager.autoAccept the review's proposals are applied at once: no branch left to merge", async () => {
  await learningManager("autoAccept: true", "the L&P Manager may apply its proposals");
  const team = scriptedTeam({ reviseOnce: ["write-up"] });
  const run = await runCli(["run", "--project", "pricing-study"], { cwd: repo.root, env: await serve(team) });
  expect(run.code, run.stderr).toBe(0);
  expect(run.stderr).toMatch(/review-learning: 1 proposal\(s\) applied \(learningManager\.autoAccept; ateams\/pricing-study\/learning merged\)/);
  // The lesson is on the working branch, and the status says it was applied, not left for review.
  expect(parse(repo.git("show", "HEAD:agency/memory/roles/writer.yaml")).entries[0].text).toBe("Before handing work in: Add a source for the main claim.");
  expect(parse(await readFile(join(repo.agency, "projects", "pricing-study", "status.yaml"), "utf8")).learning).toMatchObject({ proposals: 1, applied: true });
  expect(repo.git("status", "--porcelain")).toBe("");
  const learn = await runCli(["learn", "--json"], { cwd: repo.root, env: {} });
  expect(JSON.parse(learn.stdout).projects[0]).toMatchObject({ project: "pricing-study", merged: true });
}, 120_000);

it("with learningManager.autoAccept a review that edits a role still waits for a person: a role edit reruns finished work", async () => {
  await learningManager("autoAccept: true", "the L&P Manager may apply its proposals");
  const team = scriptedTeam({
    reviseOnce: ["write-up"],
    learning: (user) => {
      const review = defaultReview(user) as { lessons: { evidence: string[] }[]; roleEdits: unknown[] };
      review.roleEdits = [{ role: "writer", field: "expectations.output", add: "Every claim has a source", evidence: review.lessons[0]!.evidence }];
      return review;
    },
  });
  const run = await runCli(["run", "--project", "pricing-study"], { cwd: repo.root, env: await serve(team) });
  expect(run.code, run.stderr).toBe(0);
  expect(run.stderr).toMatch(/review-learning: 2 proposal\(s\) on ateams\/pricing-study\/learning/);
  expect(parse(await readFile(join(repo.agency, "projects", "pricing-study", "status.yaml"), "utf8")).learning.applied).toBeUndefined();
  expect(() => repo.git("show", "HEAD:agency/memory/roles/writer.yaml")).toThrow();
  expect(parse(repo.git("show", "ateams/pricing-study/learning:agency/roles/writer.yaml")).expectations.output).toContain("Every claim has a source");
}, 120_000);

it("a role over its memory cap: the review merges its entries into a summary that keeps every source", async () => {
  const agencyFile = join(repo.agency, "agency.yaml");
  await writeFile(agencyFile, (await readFile(agencyFile, "utf8")).replace("  maxEntriesPerRole: 40", "  maxEntriesPerRole: 5"));
  const entry = (i: number, by: string) => `  - id: writer-old-${i}\n    kind: lesson\n    text: Old lesson number ${i} about ${["tone", "headlines", "links", "tables", "quotes", "lists"][i]}.\n    provenance:\n      - { by: "${by}", at: "2026-0${i + 1}-01", project: launch-kit }\n`;
  await mkdir(join(repo.agency, "memory", "roles"), { recursive: true });
  await writeFile(join(repo.agency, "memory", "roles", "writer.yaml"), `entries:\n${[0, 1, 2, 3, 4, 5].map((i) => entry(i, i % 2 ? "@monalisa" : "@octocat")).join("")}`);
  repo.git("add", "-A");
  repo.git("commit", "-qm", "a writer memory over its cap");
  const team = scriptedTeam();
  const run = await runCli(["run", "--project", "pricing-study"], { cwd: repo.root, env: await serve(team) });
  expect(run.code, run.stderr).toBe(0);
  // The review was shown the writer's entries by id and asked to merge; the branch holds the summary.
  const review = team.log.calls.filter((c) => c.kind === "learning_review");
  expect(review).toHaveLength(1);
  const entries = parse(repo.git("show", "ateams/pricing-study/learning:agency/memory/roles/writer.yaml")).entries;
  expect(entries.map((e: { id: string }) => e.id)).toEqual([expect.stringMatching(/^writer-[0-9a-f]{8}$/), "writer-old-2", "writer-old-3", "writer-old-4", "writer-old-5"]);
  expect(entries[0]).toMatchObject({ kind: "summary", text: "Old lesson number 0 about tone. Old lesson number 1 about headlines." });
  expect(entries[0].provenance.map((p: { by: string }) => p.by)).toEqual(["@octocat", "@monalisa", "learning-manager"]);
  expect(await readFile(join(repo.agency, "projects", "pricing-study", "learning.md"), "utf8")).toContain("## Memory merged into summaries");
}, 120_000);

it("patterns for every Specialist and observations for the PM: proposed with their evidence, then recalled by the next project's prompts", async () => {
  await learningManager("autoAccept: true", "the L&P Manager may apply memory");
  const PATTERN = "Hand the writer the sources list together with the comparison table.";
  const OBSERVATION = "Plan a sources task before any task that quotes prices.";
  const systems: { kind: string; system: string }[] = [];
  const team = scriptedTeam({
    reviseOnce: ["write-up"],
    before: (req, kind) => {
      systems.push({ kind, system: systemOf(req) });
      return undefined;
    },
    learning: (user) => {
      const review = defaultReview(user) as { lessons: { evidence: string[] }[]; observations: unknown[] };
      if (!review.lessons.length) return review; // the second project: nothing was sent back
      const evidence = review.lessons[0]!.evidence;
      review.lessons = [];
      review.observations = [{ for: "collaboration", text: PATTERN, evidence }, { for: "project-manager", text: OBSERVATION, evidence }];
      return review;
    },
  });
  const env = await serve(team);
  const first = await runCli(["run", "--project", "pricing-study"], { cwd: repo.root, env });
  expect(first.code, first.stderr).toBe(0);
  expect(first.stderr).toMatch(/review-learning: 2 proposal\(s\) applied/);
  expect(parse(repo.git("show", "HEAD:agency/memory/collaboration.yaml")).entries[0]).toMatchObject({ kind: "pattern", text: PATTERN, provenance: [{ by: "learning-manager", project: "pricing-study" }] });
  expect(parse(repo.git("show", "HEAD:agency/memory/project-manager.yaml")).entries[0]).toMatchObject({ kind: "observation", text: OBSERVATION });

  systems.length = 0;
  const second = await runCli(["run", "--project", "pricing-study-eu"], { cwd: repo.root, env });
  expect(second.code, second.stderr).toBe(0);
  const of = (kind: string) => systems.filter((s) => s.kind === kind);
  expect(of("pm_options").every((s) => s.system.includes(`${OBSERVATION} (learning-manager)`))).toBe(true);
  expect(of("specialist_work").length).toBeGreaterThan(0);
  expect(of("specialist_work").every((s) => s.system.includes(`${PATTERN} (learning-manager)`))).toBe(true);
  // The Collaborator is not a Specialist: its prompt carries neither.
  expect(of("collaborator_verdict").some((s) => s.system.includes(PATTERN))).toBe(false);
}, 120_000);

it("with learningManager.reviewStreams each merged stream is reviewed too, before the project's review; once each", async () => {
  await learningManager("reviewStreams: true", "review each stream");
  const subjects: string[] = [];
  const team = scriptedTeam({
    reviseOnce: ["write-up"],
    before: (req, kind) => {
      if (kind === "learning_review") subjects.push(/^Review (.+?)\. Below/m.exec(req.messages.map((m) => (typeof m.content === "string" ? m.content : "")).join("\n"))?.[1] ?? "?");
      return undefined;
    },
  });
  const env = await serve(team);
  const run = await runCli(["run", "--project", "pricing-study"], { cwd: repo.root, env });
  expect(run.code, run.stderr).toBe(0);
  // The streams in the order they merged, then the project.
  expect(subjects).toEqual([
    'the "research" stream of project "Hooklet pricing after launch": its work is merged, the project goes on',
    'the "report" stream of project "Hooklet pricing after launch": its work is merged, the project goes on',
    'the finished project "Hooklet pricing after launch". Its deliverable is assembled',
  ]);
  const status = parse(await readFile(join(repo.agency, "projects", "pricing-study", "status.yaml"), "utf8"));
  expect(status.streams.research.learning).toMatchObject({ proposals: 0 });
  // The report stream's review saw the writer sent back, and proposed the lesson; the project's review proposes it again
  // on a branch made afresh: one lesson, not two.
  expect(status.streams.report.learning).toMatchObject({ proposals: 1 });
  expect(parse(repo.git("show", "ateams/pricing-study/learning:agency/memory/roles/writer.yaml")).entries).toHaveLength(1);
  const calls = server.chatRequests.length;
  const again = await runCli(["run", "--project", "pricing-study"], { cwd: repo.root, env });
  expect(again.code, again.stderr).toBe(0);
  expect(server.chatRequests.length).toBe(calls);
}, 120_000);
