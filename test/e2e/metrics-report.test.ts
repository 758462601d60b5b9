// Metrics committed with the work, and `ateams report` reading them back: every model call of a run is a record
// (tokens, cost, latency, model, tier, role), each finished task's records travel in its own stream commit, and the
// report's sums equal what the run recorded in status.yaml.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { parse } from "yaml";
import { parseMetrics, type CallRecord, type TaskRecord } from "../../engine/metrics/records.ts";
import { REPO_ROOT } from "../support/agency-fixture.ts";
import { createFakeOpenAIServer, type FakeOpenAIServer } from "../support/fake-openai-server.ts";
import { taskCommits } from "../support/git-health.ts";
import { tempRepoWithAgency, type TempRepo } from "../support/git-repo.ts";
import { runCli } from "../support/run-cli.ts";
import { scriptedTeam } from "../support/scripted-team.ts";

let repo: TempRepo;
let server: FakeOpenAIServer;
beforeEach(async () => {
  repo = await tempRepoWithAgency(join(REPO_ROOT, "agency"));
});
afterEach(async () => {
  await server?.stop();
  await repo.cleanup();
});

const PROJECT = "agency/projects/pricing-study";

it("a run commits a record per model call and per task, each task's in its own commit; ateams report adds them up to status.yaml's totals", async () => {
  // The writer's first draft is sent back once, so that task takes two rounds.
  const team = scriptedTeam({ reviseOnce: ["write-up"] });
  server = createFakeOpenAIServer({ handler: team.handler, latencyMs: 20 });
  await server.start();
  const summary = join(tmpdir(), `ateams-summary-${process.pid}-${Date.now()}.md`);
  const run = await runCli(["run", "--project", "pricing-study"], { cwd: repo.root, env: { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "x", GITHUB_STEP_SUMMARY: summary } });
  expect(run.code, run.stderr).toBe(0);
  expect(repo.git("status", "--porcelain")).toBe("");
  // The job summary carries the same report, after the run's own lines.
  const jobSummary = await readFile(summary, "utf8");
  await rm(summary);
  expect(jobSummary).toMatch(/^## ateams run\n[^]*\n## 📊 pricing-study: metrics\n/);

  // Each task commit carries exactly its own task record and its calls, appended to its stream's file.
  const commits = taskCommits(repo.root);
  expect(commits.length).toBe(3);
  for (const c of commits) {
    const changed = repo.git("diff", "--name-only", `${c.sha}~1`, c.sha).split("\n");
    const file = changed.find((f) => f.startsWith(`${PROJECT}/metrics/`))!;
    const stream = file.slice(`${PROJECT}/metrics/`.length, -".jsonl".length);
    const added = repo.git("diff", `${c.sha}~1`, c.sha, "--", file).split("\n").filter((l) => l.startsWith("+{")).map((l) => l.slice(1));
    const { records, problems } = parseMetrics(added.join("\n"), file);
    expect(problems).toEqual([]);
    const tasks = records.filter((r): r is TaskRecord => r.kind === "task");
    expect(tasks).toEqual([expect.objectContaining({ task: c.task, stream, outcome: "accepted", rounds: c.task === "write-up" ? 2 : 1, roleVersion: expect.stringMatching(/^[0-9a-f]{8}$/) })]);
    const calls = records.filter((r): r is CallRecord => r.kind === "call");
    // A Specialist and a Collaborator call per round, all of this task, under its role.
    expect(calls.length).toBe(2 * tasks[0]!.rounds);
    expect(new Set(calls.map((r) => `${r.task} ${r.role} ${r.action}`))).toEqual(new Set([`${c.task} ${tasks[0]!.role} run-task`]));
    expect(calls.map((r) => r.agent).sort()).toContain("collaborator");
    expect(tasks[0]!.calls).toBe(calls.length);
    for (const r of calls) expect(r.latencyMs).toBeGreaterThanOrEqual(20);
  }

  const report = await runCli(["report", "--project", "pricing-study", "--json"], { cwd: repo.root, env: {} });
  expect(report.code, report.stderr).toBe(0);
  const [p] = JSON.parse(report.stdout).projects;
  expect(p.problems).toEqual([]);
  const status = parse(await readFile(join(repo.root, PROJECT, "status.yaml"), "utf8"));
  expect(p.totals).toMatchObject({ calls: server.chatRequests.length, cached: 0, inputTokens: status.usage.inputTokens, outputTokens: status.usage.outputTokens });
  expect(p.totals.costUsd).toBeCloseTo(status.usage.costUsd, 5); // each rounded to a millionth on its own
  expect(p.tasks).toEqual({ attempts: 3, accepted: 3, acceptedFirstRound: 2, escalated: 0, failed: 0, blocked: 0 });
  expect(p.byRole.map((r: { role: string }) => r.role)).toEqual(expect.arrayContaining(["pm", "researcher", "writer"]));
  expect(p.byTier).toEqual([expect.objectContaining({ tier: "fast", attempts: 3, meanRounds: 1.33 })]);

  const md = await runCli(["report", "--project", "pricing-study"], { cwd: repo.root, env: {} });
  expect(md.code).toBe(0);
  expect(md.stdout).toContain("## 📊 pricing-study: metrics");
  expect(md.stdout).toContain("3 of 3 task attempts accepted, 2 (67%) at the first round");
  expect(md.stdout).toMatch(/```mermaid\npie showData title Cost by role \(USD\)\n(    "[a-z-]+" : \d+\.\d{4}\n)+```/);
  expect(md.stdout).toMatch(/\| writer \| 1 \| 4 \|/);
  expect(md.stdout).toContain("```mermaid\ngantt");
});

it("a line that is not a record is reported with its place, and the rest still counts", async () => {
  const team = scriptedTeam();
  server = createFakeOpenAIServer({ handler: team.handler });
  await server.start();
  expect((await runCli(["run", "--project", "pricing-study"], { cwd: repo.root, env: { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "x" } })).code).toBe(0);
  const file = join(repo.root, PROJECT, "metrics.jsonl");
  const text = await readFile(file, "utf8");
  await writeFile(file, `${text}{"kind":"call","project":"pricing-study"}\nnot json\n`);
  const lines = text.split("\n").filter(Boolean).length;
  const r = await runCli(["report", "--json"], { cwd: repo.root, env: {} });
  expect(r.code).toBe(0);
  const p = JSON.parse(r.stdout).projects.find((x: { project: string }) => x.project === "pricing-study");
  expect(p.problems).toEqual([`${PROJECT}/metrics.jsonl:${lines + 1}: not a metrics record: / must have required property 'at'`, expect.stringMatching(new RegExp(`^${PROJECT}/metrics.jsonl:${lines + 2}: not JSON`))]);
  expect(p.totals.calls).toBe(server.chatRequests.length);
});

// Debian's chromium, as the CI installs it; the page must draw offline (no network in the browser either).
const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));

it("ateams report --html writes one offline page whose charts Chromium draws without an error", async () => {
  expect(CHROMIUM, "Debian's chromium is needed for this test (.ci/run installs it)").toBeDefined();
  const team = scriptedTeam({ reviseOnce: ["write-up"] });
  server = createFakeOpenAIServer({ handler: team.handler });
  await server.start();
  expect((await runCli(["run", "--project", "pricing-study"], { cwd: repo.root, env: { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "x" } })).code).toBe(0);
  const out = join(repo.root, ".ateams", "report.html");
  const r = await runCli(["report", "--html", out], { cwd: repo.root, env: {} });
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).toContain(`wrote ${out}`);
  const page = await readFile(out, "utf8");
  // Self-contained: nothing is fetched.
  expect(page).not.toMatch(/<(script|link|img)[^>]+(src|href)=/i);

  const browse = (...args: string[]) =>
    spawnSync(CHROMIUM!, ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=" + join(repo.root, ".ateams", "chromium"), "--window-size=1200,2400", ...args, `file://${out}`], { encoding: "utf8", timeout: 60_000 });
  const dom = browse("--virtual-time-budget=5000", "--dump-dom");
  expect(dom.status, dom.stderr).toBe(0);
  const body = /<body (data-[^>]*)>/.exec(dom.stdout)?.[1] ?? `(no body in ${dom.stdout.length} chars: ${dom.stderr.slice(-500)})`;
  // Both projects' charts: pricing-study has five (cost, tokens, acceptance, timeline, role versions); launch-kit none yet.
  expect(body).toContain('data-errors="0"');
  expect(body).toContain('data-charts="5"');
  expect(body).toContain('data-drawn="5"');
  expect(dom.stdout).toContain("<h2>pricing-study</h2>");
  const shot = join(repo.root, ".ateams", "report.png");
  const s = browse(`--screenshot=${shot}`);
  expect(s.status, s.stderr).toBe(0);
  const png = await readFile(shot);
  expect(png.subarray(1, 4).toString()).toBe("PNG");
  expect(png.length).toBeGreaterThan(20_000);
});
