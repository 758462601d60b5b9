import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { edit, FIXTURES, settle, tempAgency, write } from "../../../test/support/agency-fixture.ts";
import { tempRepoWithAgency, type TempRepo } from "../../../test/support/git-repo.ts";
import { runCli } from "../../../test/support/run-cli.ts";
import type { Status } from "../../agency/types.gen.ts";
import { serializeStatus } from "../../status/serialize.ts";

let repo: TempRepo;
beforeEach(async () => void (repo = await tempRepoWithAgency(join(FIXTURES, "mini"))));
afterEach(() => repo.cleanup());
const cli = (...argv: string[]) => runCli(["status", ...argv], { cwd: repo.root });
const statusFile = (project: string) => join(repo.agency, "projects", project, "status.yaml");
const readStatus = async (project: string): Promise<Status> => parse(await readFile(statusFile(project), "utf8"));

describe("ateams status", () => {
  it("shows recorded usage, revisions, attempts, model and commit, and what an edit makes stale", async () => {
    await settle(repo.agency);
    const s = await readStatus("alpha");
    s.tasks!.draft = { ...s.tasks!.draft, usage: { calls: 3, inputTokens: 12000, outputTokens: 3400, costUsd: 0.0921 }, revisions: 2, commit: "0123456789abcdef0123456789abcdef01234567" };
    s.usage = { calls: 7, inputTokens: 30000, outputTokens: 9000, costUsd: 0.25 };
    await writeFile(statusFile("alpha"), serializeStatus(s));
    repo.git("add", "-A");
    repo.git("commit", "-q", "-m", "settled");

    const done = await cli("--json", "--project", "alpha");
    expect(done.code, done.stderr).toBe(0);
    const alpha = JSON.parse(done.stdout).projects[0];
    expect(alpha).toMatchObject({ id: "alpha", stage: "done", attention: [], usage: { calls: 7, inputTokens: 30000, outputTokens: 9000, costUsd: 0.25 } });
    const draft = alpha.tasks.find((t: { id: string }) => t.id === "draft");
    expect(draft).toMatchObject({
      stream: "docs",
      stage: "done",
      condition: { type: "Ready", status: "True", reason: "Succeeded" },
      model: "small-model",
      usage: { calls: 3, inputTokens: 12000, outputTokens: 3400, costUsd: 0.0921 },
      revisions: 2,
      attempts: 1,
      commit: "0123456789abcdef0123456789abcdef01234567",
    });
    expect(alpha.streams.map((x: { id: string; stage: string; accepted: { current: boolean } }) => [x.id, x.stage, x.accepted.current])).toEqual([
      ["research", "accepted", true],
      ["docs", "accepted", true],
    ]);

    const table = await cli("--project", "alpha");
    expect(table.stdout).toMatch(/^● alpha {2}Alpha {2}stage: done/);
    expect(table.stdout).toMatch(/draft +docs +done +Ready \(Succeeded\) +small-model +12k\/3.4k +\$0\.09 +2 +1 +0123456 +-/);
    expect(table.stdout).toContain("usage: 7 calls, 30k in / 9.0k out tokens, $0.25");

    // Editing the writer role makes its tasks (and what depends on them) run again; the record still says Ready.
    await edit(join(repo.agency, "roles", "writer.yaml"), "Writes clear prose.", "Writes short, clear prose.");
    const stale = JSON.parse((await cli("--json", "--project", "alpha")).stdout).projects[0];
    expect(stale.stage).toBe("running");
    const stages = Object.fromEntries(stale.tasks.map((t: { id: string; stage: string }) => [t.id, t.stage]));
    expect(stages).toEqual({ facts: "done", competitors: "done", glossary: "run", draft: "run", polish: "run" });
    expect(stale.tasks.find((t: { id: string }) => t.id === "glossary").reason).toContain("role changed");
    expect(stale.streams.map((x: { stage: string; accepted: { current: boolean } }) => [x.stage, x.accepted.current])).toEqual([
      ["working", false],
      ["working", false],
    ]);
  });

  it("puts the plan to approve and the Director's question first, with Pending tasks", async () => {
    await edit(join(repo.agency, "projects", "alpha", "plan.yaml"), 'chosen: option-1\napproval: { by: octocat, at: "2026-11-20T10:00:00Z" }\n', "");
    await write(
      statusFile("beta"),
      serializeStatus({ project: "beta", conditions: [{ type: "Blocked", status: "True", reason: "DirectorInput", message: "Which market should we prioritise?" }] }),
    );
    const r = await cli();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("! awaiting approval: the plan awaits the Director's choice among option-1, option-2 (recommended: option-1)  → ateams approve alpha [option]");
    expect(r.stdout).toContain("! blocked: Which market should we prioritise?");
    expect(r.stdout).toMatch(/facts +research +waiting +Pending/);
    expect(r.stdout).toMatch(/total: 2 projects, .*; 2 items need a person\n$/);
    // The prominent lines come before the tables.
    expect(r.stdout.indexOf("! awaiting approval")).toBeLessThan(r.stdout.indexOf("TASK"));

    const json = JSON.parse((await cli("--json")).stdout);
    const [alpha, beta] = json.projects;
    expect(alpha.stage).toBe("awaiting-approval");
    expect(alpha.plan).toEqual({ options: ["option-1", "option-2"], recommended: "option-1", chosen: null, basedOn: "option-1", approval: null });
    expect(alpha.attention).toEqual([
      { kind: "awaiting-approval", stream: null, task: null, message: expect.stringContaining("option-1, option-2"), hint: "ateams approve alpha [option]" },
    ]);
    expect(alpha.tasks[0].condition).toEqual({ type: "Pending", status: "Unknown", reason: "NotStarted", message: null, since: null });
    expect(beta).toMatchObject({ stage: "blocked", plan: null, streams: [], tasks: [], attention: [{ kind: "blocked", message: "Which market should we prioritise?" }] });
    expect(Object.keys(json.totals).sort()).toEqual(["calls", "costUsd", "inputTokens", "outputTokens"]);
  });

  it("works outside git, and rejects unknown projects and flags", async () => {
    const fx = await tempAgency("mini");
    try {
      await settle(fx.agency);
      const outside = await runCli(["status", "--json"], { cwd: fx.root });
      expect(outside.code, outside.stderr).toBe(0);
      const alpha = JSON.parse(outside.stdout).projects[0];
      expect(alpha).toMatchObject({ id: "alpha", stage: "done" });
      expect(alpha.streams[0]).toMatchObject({ branch: null, unmerged: null });
    } finally {
      await fx.cleanup();
    }
    expect((await cli("--project", "nope")).code).toBe(2);
    expect((await cli("--bogus")).code).toBe(2);
  });

  it("reports invalid specs with their location and exit 1", async () => {
    await writeFile(join(repo.agency, "roles", "writer.yaml"), "id: writer\n");
    const r = await cli();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/agency\/roles\/writer\.yaml:1:1: error:/);
  });
});
