// Routing learns from what happened: a project whose tasks, scored just under the strong tier's threshold, keep
// failing on the cheap tier and escalating → every attempt is recorded with its routing score → the L&P Manager's
// review branch lowers the threshold in agency.yaml, the PR body showing the evidence and the cost on record → once
// accepted, the next project's tasks of that score start on the strong tier and nothing escalates.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { parse } from "yaml";
import { REPO_ROOT } from "../support/agency-fixture.ts";
import { createFakeOpenAIServer, type FakeOpenAIServer } from "../support/fake-openai-server.ts";
import { addPricingStudyEu, tempRepoWithAgency, type TempRepo } from "../support/git-repo.ts";
import { runCli } from "../support/run-cli.ts";
import { scriptedTeam, taskIdOf } from "../support/scripted-team.ts";

let repo: TempRepo;
let server: FakeOpenAIServer;
beforeEach(async () => {
  repo = await tempRepoWithAgency(join(REPO_ROOT, "agency"));
  await addPricingStudyEu(repo);
});
afterEach(async () => {
  await server?.stop();
  await repo.cleanup();
});

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
  server = createFakeOpenAIServer({ handler: team.handler });
  await server.start();
  const env = { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "x" };

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
  console.log(`routing: ${records.length} attempts (${SCORES.length} escalated) before the learning round, ${after.length} (0 escalated) after`);
}, 120_000);
