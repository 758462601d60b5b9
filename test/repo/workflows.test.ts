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

async function workflows(): Promise<[string, string][]> {
  const dir = join(REPO_ROOT, ".github", "workflows");
  const files = (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f));
  const out: [string, string][] = await Promise.all(files.map(async (f): Promise<[string, string]> => [`.github/workflows/${f}`, await readFile(join(dir, f), "utf8")]));
  const init = await readFile(join(REPO_ROOT, "templates", "init", "workflows", "ateams.yml.hbs"), "utf8");
  out.push(["templates/init/workflows/ateams.yml.hbs", Handlebars.compile(init, { strict: true })({ actionRef: "ateams-dev/ateams@v0" })]);
  return out;
}

describe("GitHub workflows and the action", () => {
  it("every workflow validates against GitHub's workflow schema", async () => {
    const all = await workflows();
    expect(all.length).toBeGreaterThanOrEqual(2);
    for (const [name, src] of all) expect(av.validateWorkflow(src).errors, name).toEqual([]);
  });

  it("the validator does reject a broken workflow (so the test above can fail)", () => {
    expect(av.validateWorkflow("on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    stepz: []\n").errors.length).toBeGreaterThan(0);
  });

  it("action.yml validates as an action", async () => {
    expect(av.validateAction(await readFile(join(REPO_ROOT, "action.yml"), "utf8")).errors).toEqual([]);
  });

  it("no workflow uses pull_request_target; every one declares least permissions and Node from .nvmrc", async () => {
    for (const [name, src] of await workflows()) {
      const wf = parse(src);
      expect(Object.keys(wf.on ?? {}), name).not.toContain("pull_request_target");
      expect(wf.permissions, `${name} must declare permissions`).toBeDefined();
      for (const [, level] of Object.entries(wf.permissions as Record<string, string>)) expect(["read", "write", "none"]).toContain(level);
      for (const job of Object.values(wf.jobs as Record<string, { steps?: { uses?: string; with?: Record<string, string> }[] }>)) {
        for (const step of job.steps ?? []) if (step.uses?.startsWith("actions/setup-node")) expect(step.with?.["node-version-file"], name).toBe(".nvmrc");
      }
    }
  });
});

describe("the ateams workflow", () => {
  it("reacts to the events people make, with least permissions, one group per project, and a matrix per stream", async () => {
    const wf = parse(await readFile(join(REPO_ROOT, ".github", "workflows", "ateams.yml"), "utf8"));
    expect(Object.keys(wf.on).sort()).toEqual(["issue_comment", "pull_request", "pull_request_review", "pull_request_review_comment", "push", "schedule", "workflow_dispatch"]);
    expect(wf.permissions).toEqual({ contents: "write", "pull-requests": "write", issues: "write" });
    // Secrets only in the steps that run the engine, not the workflow's or a job's environment.
    expect(wf.env).toBeUndefined();
    const engineSteps = [...wf.jobs.streams.steps, ...wf.jobs.reconcile.steps].filter((s: { run?: string }) => s.run?.includes("npx ateams run"));
    for (const step of engineSteps) expect(step.env.OPENAI_API_KEY).toBe("${{ secrets.OPENAI_API_KEY }}");
    expect(wf.jobs.streams.strategy.matrix).toBe("${{ fromJSON(needs.plan.outputs.streams) }}");
    expect(wf.jobs.streams.concurrency).toEqual({ group: "ateams-${{ matrix.project }}-${{ matrix.stream }}", "cancel-in-progress": false });
    expect(wf.jobs.reconcile.concurrency).toEqual({ group: "ateams-${{ matrix.project }}", "cancel-in-progress": false });
    expect(wf.jobs.reconcile.needs).toEqual(["plan", "streams"]);
    const runs = (job: { steps: { run?: string }[] }) => job.steps.map((s) => s.run ?? "").join("\n");
    expect(runs(wf.jobs.plan)).toContain("npx ateams plan --matrix");
    expect(runs(wf.jobs.streams)).toContain('npx ateams run --forge local --project "${{ matrix.project }}" --stream "${{ matrix.stream }}"');
    expect(runs(wf.jobs.reconcile)).toContain('npx ateams run --forge github --project "${{ matrix.project }}"');
  });
});
