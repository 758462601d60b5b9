// The reusable pipeline (.github/workflows/pipeline.yml), called as this repository's ateams.yml calls it, run job by
// job on the example agency: every job's `run:` steps in order, in its own clone of one bare `origin`
// (workflow-runner.ts), the fake GitHub (nock, checked against GitHub's REST description) and the scripted team
// behind the fake OpenAI server. A workflow_dispatch starts the first wave; each `ateams-continue` dispatch the
// pipeline sends starts the next, as GitHub would, until it sends none.
//
// Proven: every job exits 0 on every wave (a stream job whose later tasks wait on another stream says so and ends
// well); each task is worked once, in a stream job; one dispatch per wave at most, numbered along the chain, and
// none once nothing new can start (delivering the last event again sends nothing and changes nothing); and the work
// arrives as the pull requests a single `ateams run --forge github` makes, with the same files.
//
// Stand-ins for GitHub itself: an open PR whose head the engine merged into main is marked merged (GitHub does that
// on the push); the reconcile jobs of one wave run one after another: two at once race their pushes of main, which
// push-race.test.ts covers (with its known replay bug, which would show here as extra stream PRs).
import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nock from "nock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { main } from "../../engine/cli/main.ts";
import { githubHarness, type GitHubHarness } from "../support/github/harness.ts";
import { examplesOf } from "../support/github/webhook-examples.ts";
import { REPO_ROOT } from "../support/agency-fixture.ts";
import { createFakeOpenAIServer, type FakeOpenAIServer } from "../support/fake-openai-server.ts";
import { tempRepoWithAgency, type TempRepo } from "../support/git-repo.ts";
import { scriptedTeam, type TeamLog } from "../support/scripted-team.ts";
import { evaluate, npxShim, readWorkflow, runJob, startCliHost, type CliHost, type JobRun, type Workflow } from "./workflow-runner.ts";

const OWNER = "octocat";
const REPO = "hooklet";
const JOB_TOKEN = "ghs_job_token";

let seed: TempRepo;
let scratch: string;
let server: FakeOpenAIServer;
let team: { log: TeamLog };
let host: CliHost;
let h: GitHubHarness;
/** Tokens the CLI was given to reach GitHub with, one per command that did. */
const tokens: string[] = [];

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, encoding: "utf8", maxBuffer: 64 << 20 }).trim();
}

async function bareOrigin(name: string): Promise<string> {
  const origin = join(scratch, `${name}.git`);
  execFileSync("git", ["init", "-q", "--bare", "-b", "main", origin]);
  seed.git("push", "-q", origin, "main");
  return origin;
}

function newGitHub(): GitHubHarness {
  const harness = githubHarness({ owner: OWNER, repo: REPO });
  harness.fake.setPermission(OWNER, "admin");
  nock.enableNetConnect("127.0.0.1");
  return harness;
}

/** GitHub marks an open PR merged once its head's commits are on the base branch (the engine merged the stream). */
function githubMarksMerged(origin: string): void {
  for (const pull of h.fake.pulls.values()) {
    if (pull.state !== "open") continue;
    const tip = git(origin, "rev-parse", "--verify", "-q", `refs/heads/${pull.head.ref}`);
    if (tip && execFileSyncOk(origin, ["merge-base", "--is-ancestor", tip, "main"])) h.fake.closePull(pull.number, { merged: true, by: "github-actions[bot]" });
  }
}

function execFileSyncOk(cwd: string, args: string[]): boolean {
  try {
    execFileSync("git", args, { cwd, stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** What the work looks like on origin: every file under the projects' outputs on main, and each PR's files. */
function outputsOn(origin: string, ref = "main", projects = ["launch-kit", "pricing-study"]): string {
  return git(origin, "ls-tree", "-r", ref, ...projects.map((p) => `agency/projects/${p}/outputs`));
}

/** Each project's assembly branch, its own outputs: what its assembly PR delivers. */
const deliverables = (origin: string) => ["launch-kit", "pricing-study"].map((p) => outputsOn(origin, `ateams/${p}/assembly`, [p]));

function pullRequests(): { head: string; title: string; state: string; merged: boolean }[] {
  return [...h.fake.pulls.values()].map((p) => ({ head: p.head.ref, title: p.title, state: p.state, merged: !!p.merged_at })).sort((a, b) => (a.head < b.head ? -1 : 1));
}

const specialistCalls = () => team.log.calls.filter((c) => c.kind === "specialist_work").map((c) => c.task!);

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "ateams-pipeline-"));
  seed = await tempRepoWithAgency(join(REPO_ROOT, "agency"));
  const t = scriptedTeam();
  team = t;
  server = createFakeOpenAIServer({ handler: t.handler, latencyMs: 2 });
  await server.start();
  host = await startCliHost({
    github: (settings) => {
      tokens.push(settings.token);
      expect({ owner: settings.owner, repo: settings.repo }).toEqual({ owner: OWNER, repo: REPO });
      return h.forge;
    },
  });
});

afterAll(async () => {
  await host?.close();
  await server?.stop();
  await seed?.cleanup();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

async function eventFile(name: string, payload: Record<string, unknown>): Promise<string> {
  const file = join(scratch, `event-${name}-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, JSON.stringify(payload));
  return file;
}

function repository(payload: Record<string, unknown>): Record<string, unknown> {
  return { ...(payload.repository as Record<string, unknown>), name: REPO, full_name: `${OWNER}/${REPO}`, default_branch: "main" };
}

// ---- a single run: the PRs and files the pipeline must arrive at -----------------------------------------------

let single: { prs: ReturnType<typeof pullRequests>; outputs: string; deliverables: string[]; calls: string[] };

async function singleRun(): Promise<typeof single> {
  h = newGitHub();
  const origin = await bareOrigin("single");
  const dir = join(scratch, "single-clone");
  git(scratch, "clone", "-q", origin, dir);
  git(dir, "config", "user.name", "github-actions[bot]");
  git(dir, "config", "user.email", "41898282+github-actions[bot]@users.noreply.github.com");
  const payload: Record<string, unknown> = { ...examplesOf("workflow_dispatch")[0]!, ref: "refs/heads/main" };
  payload.repository = repository(payload);
  let stderr = "";
  const from = team.log.calls.length;
  const code = await main(["run", "--forge", "github"], {
    stdout: () => undefined,
    stderr: (t) => void (stderr += t),
    cwd: dir,
    isTTY: false,
    env: { GITHUB_ACTIONS: "true", GITHUB_TOKEN: JOB_TOKEN, GITHUB_REPOSITORY: `${OWNER}/${REPO}`, GITHUB_EVENT_NAME: "workflow_dispatch", GITHUB_EVENT_PATH: await eventFile("single", payload), OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "test-key" },
    github: () => h.forge,
  });
  expect(code, stderr).toBe(0);
  githubMarksMerged(origin);
  const result = {
    prs: pullRequests(),
    outputs: outputsOn(origin),
    deliverables: deliverables(origin),
    calls: team.log.calls.slice(from).filter((c) => c.kind === "specialist_work").map((c) => c.task!),
  };
  h.finish();
  return result;
}

// ---- the pipeline, wave by wave ---------------------------------------------------------------------------------

interface Wave {
  event: string;
  chain: number;
  jobs: JobRun[];
  dispatched: { eventType: string; payload: Record<string, unknown> }[];
}

async function caller(): Promise<{ inputs: Record<string, unknown>; secrets: Record<string, string> }> {
  const own = parse(await import("node:fs/promises").then((fs) => fs.readFile(join(REPO_ROOT, ".github/workflows/ateams.yml"), "utf8"))).jobs.ateams;
  const pipeline = parse(await import("node:fs/promises").then((fs) => fs.readFile(join(REPO_ROOT, ".github/workflows/pipeline.yml"), "utf8")));
  const callerContexts = { vars: { OPENAI_BASE_URL: server.url }, secrets: { OPENAI_API_KEY: "test-key" } };
  const inputs: Record<string, unknown> = Object.fromEntries(Object.entries(pipeline.on.workflow_call.inputs as Record<string, { default: unknown }>).map(([k, v]) => [k, v.default]));
  for (const [k, v] of Object.entries(own.with as Record<string, string>)) inputs[k] = evaluate(String(v), callerContexts);
  const secrets = Object.fromEntries(Object.entries(own.secrets as Record<string, string>).map(([k, v]) => [k, evaluate(v, callerContexts)]));
  return { inputs, secrets };
}

async function runWave(workflow: Workflow, origin: string, event: { name: string; payload: Record<string, unknown> }): Promise<Wave> {
  const { inputs, secrets } = await caller();
  const github = { token: JOB_TOKEN, event: event.payload, ref_name: "main", repository: `${OWNER}/${REPO}` };
  const runner = {
    origin,
    scratch,
    shimDir: join(scratch, "bin"),
    host,
    env: { CI: "true", GITHUB_ACTIONS: "true", GITHUB_REPOSITORY: `${OWNER}/${REPO}`, GITHUB_EVENT_NAME: event.name, GITHUB_EVENT_PATH: await eventFile(event.name, event.payload), GITHUB_REF_NAME: "main", GITHUB_SERVER_URL: "https://github.com", GITHUB_API_URL: "https://api.github.com" },
  };
  const contexts = { inputs, secrets, github };
  const before = h.fake.dispatches.length;
  const jobs: JobRun[] = [];

  const plan = await runJob(runner, workflow, "plan", contexts);
  jobs.push(plan);
  const needs = { plan: { result: plan.code ? "failure" : "success", outputs: plan.outputs } };
  if (!plan.code) {
    // streams: `if: fromJSON(needs.plan.outputs.streams).include[0] != null`, one job per entry, in parallel.
    const matrix = JSON.parse(plan.outputs.streams!) as { include: Record<string, string>[] };
    jobs.push(...(await Promise.all(matrix.include.map((m) => runJob(runner, workflow, "streams", { ...contexts, needs }, m)))));
    // reconcile: `if: always() && needs.plan.result == 'success'`, one job per project.
    for (const project of JSON.parse(plan.outputs.projects!) as string[]) {
      jobs.push(await runJob(runner, workflow, "reconcile", { ...contexts, needs }, { project }));
      githubMarksMerged(origin);
    }
    // continue: `if: always() && needs.plan.result == 'success'`, once.
    jobs.push(await runJob(runner, workflow, "continue", { ...contexts, needs }));
  }
  const chain = Number((event.payload.client_payload as { chain?: number } | undefined)?.chain ?? 0);
  return { event: event.name, chain, jobs, dispatched: h.fake.dispatches.slice(before) };
}

function dispatchEvent(payload: Record<string, unknown>): { name: string; payload: Record<string, unknown> } {
  const p: Record<string, unknown> = { ...examplesOf("repository_dispatch")[0]!, action: "ateams-continue", branch: "main", client_payload: payload };
  p.repository = repository(p);
  return { name: "repository_dispatch", payload: p };
}

const failed = (waves: Wave[]) =>
  waves.flatMap((w, i) => w.jobs.filter((j) => j.code !== 0).map((j) => `wave ${i + 1} ${j.job} ${JSON.stringify(j.matrix)} exited ${j.code}:\n${j.steps.map((s) => `$ ${s.name}\n${s.stdout}${s.stderr}`).join("\n")}`));

describe("the pipeline on the example agency, job by job", () => {
  let waves: Wave[];
  let origin: string;
  let pipelineCalls: string[];
  let again: Wave;
  let originBeforeAgain: string;

  beforeAll(async () => {
    single = await singleRun();
    await npxShim(join(scratch, "bin"));
    h = newGitHub();
    origin = await bareOrigin("pipeline");
    const workflow = await readWorkflow(join(REPO_ROOT, ".github/workflows/pipeline.yml"));
    const first: Record<string, unknown> = { ...examplesOf("workflow_dispatch")[0]!, ref: "refs/heads/main" };
    first.repository = repository(first);
    let event: { name: string; payload: Record<string, unknown> } = { name: "workflow_dispatch", payload: first };
    waves = [];
    const from = team.log.calls.length;
    // Each dispatch starts the next wave, as the calling workflow's `repository_dispatch: types: [ateams-continue]`
    // does; more waves than the bound would be a loop.
    for (let i = 0; i < 12; i++) {
      const wave = await runWave(workflow, origin, event);
      waves.push(wave);
      if (!wave.dispatched.length || wave.jobs.some((j) => j.code !== 0)) break;
      event = dispatchEvent(wave.dispatched[0]!.payload);
    }
    pipelineCalls = team.log.calls.slice(from).filter((c) => c.kind === "specialist_work").map((c) => c.task!);
    // The last event delivered again (a re-run): nothing new can start, so nothing is sent and nothing changes.
    originBeforeAgain = git(origin, "for-each-ref", "--format=%(refname) %(objectname)");
    again = await runWave(workflow, origin, waves.at(-1)!.event === "workflow_dispatch" ? event : dispatchEvent({ chain: waves.at(-1)!.chain }));
    h.finish();
  }, 600_000);

  it("every job exits 0 on every wave, and the pipeline finishes both projects", () => {
    expect(failed(waves)).toEqual([]);
    expect(failed([again])).toEqual([]);
    expect(waves.length).toBeGreaterThanOrEqual(3); // the example's cross-stream dependencies take several waves
    const status = git(origin, "show", "main:agency/projects/launch-kit/status.yaml");
    expect(status).toContain('"Assembled"');
    expect(git(origin, "show", "main:agency/projects/pricing-study/status.yaml")).toContain('"Assembled"');
  });

  it("a job per stream with startable work only; one whose later tasks wait on another stream says what they wait on", () => {
    const first = waves[0]!.jobs.filter((j) => j.job === "streams").map((j) => j.matrix);
    expect(first).toEqual([{ project: "launch-kit", stream: "research" }, { project: "launch-kit", stream: "docs" }]);
    const docs = waves[0]!.jobs.find((j) => j.job === "streams" && j.matrix.stream === "docs")!;
    expect(docs.steps.map((s) => s.stderr).join("")).toContain("::notice title=ateams: waiting on other streams::launch-kit/docs waits on other streams: faq on research/audience-profiles");
    // Wave by wave, as the cross-stream dependencies free work (README: On GitHub). pricing-study is planned by the
    // first wave's reconcile; launch-kit's site waits for content's copy-edit, which waits for docs' faq.
    expect(waves.map((w) => w.jobs.filter((j) => j.job === "streams").map((j) => `${j.matrix.project}/${j.matrix.stream}`))).toEqual([
      ["launch-kit/research", "launch-kit/docs"],
      ["launch-kit/docs", "launch-kit/content", "pricing-study/research"],
      ["launch-kit/content", "pricing-study/report"],
      ["launch-kit/site"],
    ]);
    // Every stream job found work it could start: none ran empty.
    for (const w of waves) for (const j of w.jobs.filter((x) => x.job === "streams")) expect(j.steps.find((s) => s.name === "Work the stream")!.stdout, JSON.stringify(j.matrix)).not.toContain("run: 0 actions");
  });

  it("each task is worked once, in a stream job, as in a single run; the reconcile adopts, it does not redo", () => {
    expect([...pipelineCalls].sort()).toEqual([...single.calls].sort());
    expect(new Set(pipelineCalls).size).toBe(pipelineCalls.length);
    for (const w of waves) for (const j of w.jobs.filter((x) => x.job === "reconcile")) expect(j.steps.at(-1)!.stderr).not.toMatch(/\[start\] \S+ \S+: \[/);
  });

  it("sends one dispatch per wave while new work can start, numbered along the chain, then none: it never loops", () => {
    const sent = waves.map((w) => w.dispatched.length);
    expect(sent.slice(0, -1).every((n) => n === 1)).toBe(true);
    expect(sent.at(-1)).toBe(0);
    expect(waves.map((w) => w.chain)).toEqual(waves.map((_, i) => i));
    for (const w of waves.slice(0, -1)) expect(w.dispatched[0]).toEqual({ eventType: "ateams-continue", payload: { chain: w.chain + 1 } });
    expect(waves.length).toBeLessThan(10); // the default max-chain is never reached
    expect(again.dispatched).toEqual([]);
    expect(again.jobs.filter((j) => j.job === "streams")).toEqual([]);
    expect(git(origin, "for-each-ref", "--format=%(refname) %(objectname)")).toBe(originBeforeAgain);
  });

  it("the work arrives as the pull requests and files a single run makes", () => {
    expect(outputsOn(origin)).toBe(single.outputs);
    expect(deliverables(origin)).toEqual(single.deliverables);
    expect(single.deliverables[0]).toContain("agency/projects/launch-kit/outputs/launch-kit.md");
    const prs = pullRequests();
    const open = (list: typeof prs) => list.filter((p) => p.state === "open").map(({ head, title }) => ({ head, title }));
    expect(open(prs)).toEqual(open(single.prs));
    // Each project's deliverable; the L&P Manager reviewed both and, with nothing sent back, proposed nothing: no PR.
    expect(open(prs).map((p) => p.head)).toEqual(["ateams/launch-kit/assembly", "ateams/pricing-study/assembly"]);
    // The rest were the streams' draft PRs while they worked, merged when the engine merged the stream.
    for (const p of prs.filter((x) => x.state !== "open")) expect(p, p.head).toMatchObject({ merged: true });
  });

  it("the token reaches the steps that publish: every command that talked to GitHub had the job's token", () => {
    expect(tokens.length).toBeGreaterThan(0);
    expect(new Set(tokens)).toEqual(new Set([JOB_TOKEN]));
  });
});
