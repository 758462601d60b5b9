// Workflow files are linted offline with @action-validator/core (GitHub's workflow and action schemas), plus the
// security rules this project holds itself to.
import { createRequire } from "node:module";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import Handlebars from "handlebars";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPO_ROOT } from "../support/agency-fixture.ts";

const av = createRequire(import.meta.url)("@action-validator/core") as {
  validateWorkflow(src: string): { errors: unknown[] };
  validateAction(src: string): { errors: unknown[] };
};

type Step = { uses?: string; run?: string; id?: string; name?: string; with?: Record<string, unknown>; env?: Record<string, string> };
type Job = { steps?: Step[]; uses?: string; permissions?: Record<string, string>; needs?: string | string[]; if?: string; secrets?: unknown; with?: Record<string, unknown>; strategy?: any; concurrency?: unknown };
type Workflow = { on: Record<string, any>; permissions?: Record<string, string>; env?: unknown; jobs: Record<string, Job> };

const INIT_TEMPLATE = join(REPO_ROOT, "templates", "init", "workflows", "ateams.yml.hbs");
const renderInit = async (view: Record<string, string>) => Handlebars.compile(await readFile(INIT_TEMPLATE, "utf8"), { strict: true, noEscape: true })(view);

async function workflows(): Promise<[string, string][]> {
  const dir = join(REPO_ROOT, ".github", "workflows");
  const files = (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f));
  const out: [string, string][] = await Promise.all(files.map(async (f): Promise<[string, string]> => [`.github/workflows/${f}`, await readFile(join(dir, f), "utf8")]));
  // As `ateams init` renders it today, and with the reference init is to pass.
  out.push(["templates/init/workflows/ateams.yml.hbs", await renderInit({ actionRef: "ateams-dev/ateams@v0" })]);
  out.push(["templates/init/workflows/ateams.yml.hbs (pipelineRef)", await renderInit({ actionRef: "ateams-dev/ateams@v0", pipelineRef: "acme/ateams/.github/workflows/pipeline.yml@v1", agencyDir: "teams" })]);
  return out;
}

const read = async (rel: string): Promise<Workflow> => parse(await readFile(join(REPO_ROOT, rel), "utf8")) as Workflow;
const stepsOf = (wf: Workflow) => Object.entries(wf.jobs).flatMap(([job, j]) => (j.steps ?? []).map((step) => ({ job, step })));
/** Steps whose command calls a model: `ateams run` (Specialists, Collaborators, the PM). */
const callsModels = (s: Step) => /\bateams run\b/.test(s.run ?? "");
/** Steps that publish with the token: a GitHub run, the continuation's dispatch. */
const publishes = (s: Step) => /\bateams run\b[^\n]*--forge github|\bateams continue\b/.test(s.run ?? "");

describe("GitHub workflows and the action", () => {
  it("every workflow validates against GitHub's workflow schema", async () => {
    const all = await workflows();
    expect(all.length).toBeGreaterThanOrEqual(4);
    for (const [name, src] of all) expect(av.validateWorkflow(src).errors, name).toEqual([]);
  });

  it("the validator does reject a broken workflow (so the test above can fail)", () => {
    expect(av.validateWorkflow("on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    stepz: []\n").errors.length).toBeGreaterThan(0);
    expect(av.validateWorkflow("on:\n  workflow_call:\n    inputs:\n      x:\n        type: strin\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps: [{run: a}]\n").errors.length).toBeGreaterThan(0);
  });

  it("action.yml validates as an action", async () => {
    expect(av.validateAction(await readFile(join(REPO_ROOT, "action.yml"), "utf8")).errors).toEqual([]);
  });

  it("no workflow uses pull_request_target; every one declares its permissions; actions on their Node 24 majors", async () => {
    const action = parse(await readFile(join(REPO_ROOT, "action.yml"), "utf8")) as { runs: { steps: Step[] } };
    for (const step of action.runs.steps) if (step.uses?.startsWith("actions/")) expect(step.uses).toMatch(/^actions\/(checkout@v7|setup-node@v6)$/);
    for (const [name, src] of await workflows()) {
      const wf = parse(src) as Workflow;
      expect(Object.keys(wf.on ?? {}), name).not.toContain("pull_request_target");
      expect(wf.permissions, `${name} must declare permissions`).toBeDefined();
      for (const j of Object.values(wf.jobs)) for (const [, level] of Object.entries({ ...wf.permissions, ...j.permissions })) expect(["read", "write", "none"]).toContain(level);
      for (const { step } of stepsOf(wf)) {
        // checkout v5+ and setup-node v5+ run on Node 24; these are the current majors.
        if (step.uses?.startsWith("actions/")) expect(step.uses, name).toMatch(/^actions\/(checkout@v7|setup-node@v6)$/);
        if (step.uses?.startsWith("actions/setup-node")) expect(step.with?.["node-version-file"] ?? step.with?.["node-version"], name).toMatch(/^(\.nvmrc|\$\{\{ inputs\.node-version \}\})$/);
      }
    }
  });

  it("secrets reach only the steps that call models, the token only the steps that push or publish", async () => {
    for (const [name, src] of await workflows()) {
      const wf = parse(src) as Workflow;
      expect(wf.env, `${name}: no workflow-level env`).toBeUndefined();
      for (const { job, step } of stepsOf(wf)) {
        const where = `${name} ${job} ${step.name ?? step.uses ?? step.run}`;
        const text = JSON.stringify(step);
        // Never spelled into a command line (logs, injection), only through env.
        expect(step.run ?? "", where).not.toMatch(/\$\{\{/);
        if (/secrets\./.test(text)) {
          expect(callsModels(step), `${where}: a secret outside a model-calling step`).toBe(true);
          expect(Object.keys(step.env ?? {}).filter((k) => /secrets\./.test(String(step.env![k])))).toEqual(["OPENAI_API_KEY"]);
        }
        if (/github\.token|secrets\.GITHUB_TOKEN/.test(JSON.stringify(step.env ?? {}))) expect(publishes(step), `${where}: the token outside a publishing step`).toBe(true);
        if (publishes(step)) expect(step.env?.GITHUB_TOKEN, where).toBe("${{ github.token }}");
        // The model key goes to every step that calls models, and to no other.
        if (callsModels(step)) expect(step.env?.OPENAI_API_KEY, where).toBe("${{ secrets.OPENAI_API_KEY }}");
      }
      // A caller of the pipeline passes the one secret by name, never `secrets: inherit`.
      for (const j of Object.values(wf.jobs)) if (j.uses) expect(j.secrets, name).toEqual({ OPENAI_API_KEY: "${{ secrets.OPENAI_API_KEY }}" });
    }
  });
});

describe("the reusable pipeline", () => {
  it("is called with inputs and one secret, and every job takes the least permissions it works with", async () => {
    const wf = await read(".github/workflows/pipeline.yml");
    expect(Object.keys(wf.on)).toEqual(["workflow_call"]);
    expect(Object.keys(wf.on.workflow_call.inputs)).toEqual(["agency", "node-version", "install", "openai-base-url", "max-chain"]);
    expect(Object.keys(wf.on.workflow_call.secrets)).toEqual(["OPENAI_API_KEY"]);
    expect(wf.permissions).toEqual({});
    const perms = Object.fromEntries(Object.entries(wf.jobs).map(([id, j]) => [id, j.permissions]));
    expect(perms).toEqual({
      plan: { contents: "read" },
      streams: { contents: "write" }, // pushes its stream branch
      reconcile: { contents: "write", "pull-requests": "write", issues: "write" }, // pushes, PRs, comments and labels
      continue: { contents: "write" }, // repository_dispatch
    });
  });

  it("plans, fans out per stream, reconciles per project, then continues once per wave", async () => {
    const wf = await read(".github/workflows/pipeline.yml");
    const { plan, streams, reconcile } = wf.jobs;
    const cont = wf.jobs.continue!;
    expect(streams!.needs).toBe("plan");
    expect(streams!.strategy.matrix).toBe("${{ fromJSON(needs.plan.outputs.streams) }}");
    // "/" is not allowed in ids, so no two (project, stream) pairs share a group, and none shares a project's group.
    expect(streams!.concurrency).toEqual({ group: "ateams-${{ matrix.project }}/${{ matrix.stream }}", "cancel-in-progress": false });
    expect(reconcile!.needs).toEqual(["plan", "streams"]);
    expect(reconcile!.if).toBe("always() && needs.plan.result == 'success'");
    expect(reconcile!.strategy.matrix.project).toBe("${{ fromJSON(needs.plan.outputs.projects) }}");
    expect(reconcile!.concurrency).toEqual({ group: "ateams-${{ matrix.project }}", "cancel-in-progress": false });
    // Not a matrix: one dispatch per wave, after every project's reconcile.
    expect(cont.needs).toEqual(["plan", "reconcile"]);
    expect(cont.strategy).toBeUndefined();
    const runs = (job: Job) => (job.steps ?? []).map((s) => s.run ?? "").join("\n");
    expect(runs(plan!)).toContain('npx ateams plan --agency "$AGENCY" --matrix');
    expect(runs(plan!)).toContain('npx ateams plan --agency "$AGENCY" --wave');
    expect(runs(streams!)).toContain('npx ateams run --agency "$AGENCY" --forge local --project "$PROJECT" --stream "$STREAM"');
    expect(runs(reconcile!)).toContain('npx ateams run --agency "$AGENCY" --forge github --fan-out --project "$PROJECT"');
    expect(runs(cont)).toContain('npx ateams continue --agency "$AGENCY" --wave "$WAVE" --chain "$CHAIN" --max-chain "$MAX_CHAIN"');
    const next = cont.steps!.find((s) => s.run?.includes("ateams continue"))!;
    expect(next.env).toMatchObject({ WAVE: "${{ needs.plan.outputs.wave }}", CHAIN: "${{ github.event.client_payload.chain || 0 }}", MAX_CHAIN: "${{ inputs.max-chain }}" });
  });

  it("this repository and `ateams init`'s workflow call it the same way, and listen for the continuation", async () => {
    const own = await read(".github/workflows/ateams.yml");
    const init = parse(await renderInit({ actionRef: "ateams-dev/ateams@v0", pipelineRef: "acme/ateams/.github/workflows/pipeline.yml@v1" })) as Workflow;
    for (const [wf, uses] of [[own, "./.github/workflows/pipeline.yml"], [init, "acme/ateams/.github/workflows/pipeline.yml@v1"]] as const) {
      expect(Object.keys(wf.on).sort()).toEqual(["issue_comment", "pull_request", "pull_request_review", "pull_request_review_comment", "push", "repository_dispatch", "schedule", "workflow_dispatch"]);
      expect(wf.on.repository_dispatch).toEqual({ types: ["ateams-continue"] });
      expect(wf.permissions).toEqual({});
      expect(Object.keys(wf.jobs)).toEqual(["ateams"]);
      const job = wf.jobs.ateams!;
      expect(job.uses).toBe(uses);
      // What the pipeline's jobs use between them, and no more.
      expect(job.permissions).toEqual({ contents: "write", "pull-requests": "write", issues: "write" });
      expect(job.with).toMatchObject({ agency: "agency", "openai-base-url": "${{ vars.OPENAI_BASE_URL }}" });
      // Dependabot and fork pull requests get no secrets and a read-only token: skipped, not red.
      expect(job.if).toBe("github.actor != 'dependabot[bot]' && github.event.pull_request.head.repo.fork != true");
    }
    expect(parse(await renderInit({ actionRef: "x/y@v0", agencyDir: "teams" })).jobs.ateams.with.agency).toBe("teams");
  });
});

describe("action.yml", () => {
  it("publishes with a token input that defaults to the job's token", async () => {
    const action = parse(await readFile(join(REPO_ROOT, "action.yml"), "utf8")) as { inputs: Record<string, { default?: string }>; runs: { steps: Step[] } };
    expect(action.inputs.token!.default).toBe("${{ github.token }}");
    const step = action.runs.steps.find((s) => s.id === "ateams")!;
    expect(step.env?.GITHUB_TOKEN).toBe("${{ inputs.token }}");
  });
});
