import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { REPO_ROOT, settle, snapshot, tempAgency } from "../../test/support/agency-fixture.ts";
import { runCli } from "../../test/support/run-cli.ts";
import { COMMANDS } from "./main.ts";

let fx: Awaited<ReturnType<typeof tempAgency>>;
beforeEach(async () => void (fx = await tempAgency("mini")));
afterEach(() => fx.cleanup());
const cli = (...argv: string[]) => runCli(argv, { cwd: fx.root });

describe("ateams CLI", () => {
  it("answers --help for itself and every command", async () => {
    const top = await cli("--help");
    expect(top.code).toBe(0);
    for (const name of Object.keys(COMMANDS)) {
      expect(top.stdout).toContain(`  ${name}`);
      const r = await cli(name, "--help");
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: ateams ${name}`));
    }
  });

  it("usage errors exit 2 with a hint", async () => {
    for (const argv of [["frobnicate"], ["plan", "--bogus"], ["plan", "--format", "xml"], ["validate", "extra"], ["plan", "--project", "nope"], ["run", "--fan-out", "--stream", "docs"], ["continue"]]) {
      const r = await cli(...argv);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.stderr).toMatch(/^ateams: .+\nRun 'ateams .*--help' for usage\.\n$/);
    }
  });

  it("validate: exit 0 with a summary line", async () => {
    const r = await cli("validate");
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout).toBe("✓ agency is valid: 2 roles, 2 projects (1 planned), 2 model tiers\n");
  });

  it("validate --json lists diagnostics with relative paths", async () => {
    await import("node:fs/promises").then((fs) => fs.writeFile(join(fx.agency, "roles", "writer.yaml"), "id: writer\n"));
    const r = await cli("validate", "--json");
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.ok).toBe(false);
    expect(out.diagnostics[0]).toMatchObject({ file: "agency/roles/writer.yaml", line: 1, col: 1, severity: "error" });
  });

  it("plan --json has the documented shape", async () => {
    const r = await cli("plan", "--json");
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.projects.map((p: { id: string }) => p.id)).toEqual(["alpha", "beta"]);
    const action = plan.projects[0].actions[0];
    for (const key of ["kind", "project", "stream", "task", "role", "tier", "reason", "estimate"]) expect(action).toHaveProperty(key);
    expect(Object.keys(action.estimate).sort()).toEqual(["costUsd", "inputTokens", "outputTokens"]);
    expect(plan.totals).toMatchObject({ actions: 19, llmCalls: 16 }); // the L&P review included
    const sum = plan.projects.flatMap((p: { actions: { estimate: { costUsd: number } }[] }) => p.actions).reduce((s: number, a: { estimate: { costUsd: number } }) => s + a.estimate.costUsd, 0);
    expect(plan.totals.costUsd).toBeCloseTo(sum, 6);
  });

  it("plan table shows stages, actions, routing and totals; a settled agency has nothing to do", async () => {
    const r = await cli("plan", "--project", "alpha");
    expect(r.stdout).toContain("● alpha  stage: running");
    expect(r.stdout).toContain("competitors → strong (big-model): score 4.00 ≥ 3.5 → strong");
    expect(r.stdout).toMatch(/total: 16 actions, 14 model calls/);
    await settle(fx.agency);
    const after = await cli("plan", "--project", "alpha");
    expect(after.stdout).toContain("stage: done");
    expect(after.stdout).toContain("nothing to do");
  });

  it("plan --format mermaid draws streams as subgraphs and dependencies as edges", async () => {
    const r = await cli("plan", "--format", "mermaid", "--project", "alpha");
    expect(r.stdout.split("\n")[0]).toBe("flowchart LR");
    expect(r.stdout).toContain('subgraph alpha__s_research["Research"]');
    expect(r.stdout).toContain("alpha__facts --> alpha__draft");
    expect(r.stdout).toContain(":::todo");
  });

  it("plan --show-prompts prints the system message each model call would send", async () => {
    const r = await cli("plan", "--show-prompts", "--project", "alpha");
    expect(r.stdout).toContain("──── run-task:alpha/draft (writer, small-model) ────\nYou are Writer, an LLM Specialist on the Mini Agency team.");
    expect(r.stdout).toContain("──── verify-task:alpha/draft (collaborator, small-model) ────\nYou are the LLM Collaborator");
    const json = JSON.parse((await cli("plan", "--json", "--show-prompts", "--project", "alpha")).stdout);
    expect(json.projects[0].actions[0].systemPrompt).toContain("You are Researcher");
  });

  it("plan and validate write nothing", async () => {
    const before = await snapshot(fx.root);
    await cli("plan");
    await cli("plan", "--json", "--show-prompts");
    await cli("validate");
    expect(await snapshot(fx.root)).toEqual(before);
  });

  it("inside GitHub Actions, errors are also annotations", async () => {
    await import("node:fs/promises").then((fs) => fs.writeFile(join(fx.agency, "roles", "writer.yaml"), "id: writer\nname: [\n"));
    const r = await runCli(["validate"], { cwd: fx.root, env: { GITHUB_ACTIONS: "true" } });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^::error file=agency\/roles\/writer\.yaml,line=\d+,col=\d+::/m);
  });

  it("init scaffolds a valid agency and never overwrites", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ateams-init-"));
    try {
      const r = await runCli(["init", "--name", "Acme", "--project", "kickoff"], { cwd: dir });
      expect(r.code).toBe(0);
      const agencyYaml = await readFile(join(dir, "agency", "agency.yaml"), "utf8");
      expect(agencyYaml.startsWith("# yaml-language-server: $schema=../node_modules/ateams/schemas/agency.schema.json\n")).toBe(true);
      expect(agencyYaml).toMatch(/^name: Acme$/m);
      expect((await runCli(["validate"], { cwd: dir })).code).toBe(0);
      const plan = await runCli(["plan", "--json"], { cwd: dir });
      expect(JSON.parse(plan.stdout).projects[0]).toMatchObject({ id: "kickoff", stage: "needs-plan" });
      const before = await snapshot(dir);
      const again = await runCli(["init"], { cwd: dir });
      expect(again.code).toBe(1);
      expect(again.stderr).toContain("agency/agency.yaml:1:1: error: already exists");
      expect(again.stderr).toContain("nothing was written");
      expect(await snapshot(dir)).toEqual(before);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("the real executable runs on Node 24 and exits with the documented codes", () => {
    const bin = join(REPO_ROOT, "engine/cli/bin.ts");
    const ok = spawnSync(process.execPath, [bin, "plan", "--agency", "agency", "--json"], { cwd: fx.root, encoding: "utf8" });
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).projects).toHaveLength(2);
    expect(spawnSync(process.execPath, [bin, "nope"], { encoding: "utf8" }).status).toBe(2);
    expect(spawnSync(process.execPath, [bin, "validate", "--agency", "/nonexistent"], { encoding: "utf8" }).status).toBe(1);
  });
});

describe("ateams run without a model provider", () => {
  it("explains how to configure one and prints the plan instead, writing nothing", async () => {
    const before = await snapshot(fx.root);
    const r = await runCli(["run"], { cwd: fx.root, env: {} });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("no model provider is configured");
    expect(r.stderr).toContain("export OPENAI_API_KEY=");
    expect(r.stderr).toContain("export OPENAI_BASE_URL=http://localhost:11434/v1");
    expect(r.stdout).toContain("● alpha  stage: running");
    expect(await snapshot(fx.root)).toEqual(before);
    const ci = await runCli(["run"], { cwd: fx.root, env: { GITHUB_ACTIONS: "true" } });
    expect(ci.code).toBe(1);
  });

  it("outside a git repository it says so instead of running", async () => {
    const r = await runCli(["run"], { cwd: fx.root, env: { OPENAI_API_KEY: "k" } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/is not in one: run `git init` first|git repository/);
  });
});

describe("ateams plan --matrix", () => {
  it("lists the streams whose task work can start now, one job each, on one line", async () => {
    const r = await cli("plan", "--matrix");
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
    // docs' first task waits on two of research's: a docs job now would have nothing to do.
    expect(JSON.parse(r.stdout)).toEqual({ include: [{ project: "alpha", stream: "research" }] });
    const wave = JSON.parse((await cli("plan", "--wave")).stdout) as string[];
    expect(wave.map((w) => w.split("@")[0])).toEqual(["alpha/facts", "alpha/competitors", "alpha/glossary"]);
    expect((await cli("plan", "--matrix", "--wave")).code).toBe(2);
    await settle(fx.agency);
    expect(JSON.parse((await cli("plan", "--matrix")).stdout)).toEqual({ include: [] });
    expect(JSON.parse((await cli("plan", "--wave")).stdout)).toEqual([]);
  });
});

describe("ateams run inside GitHub Actions", () => {
  const repo = () => {
    for (const args of [["init", "-q", "-b", "main"], ["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "agency"]]) spawnSync("git", args, { cwd: fx.root });
  };

  it("a stream job whose tasks all wait on another stream ends 0 with a notice saying what they wait on", async () => {
    repo();
    const r = await runCli(["run", "--forge", "local", "--stream", "docs"], { cwd: fx.root, env: { OPENAI_API_KEY: "k", OPENAI_BASE_URL: "http://127.0.0.1:9/v1", GITHUB_ACTIONS: "true" } });
    expect(r.stdout).not.toContain("✗");
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("::notice title=ateams: waiting on other streams::alpha/docs waits on other streams: draft on research/facts, research/competitors; polish on research/facts, research/competitors\n");
    expect(r.stdout).toContain("run: 0 actions, 0 model calls");
  });

  it("without a token it fails and says how to give one, instead of committing into a checkout Actions throws away", async () => {
    repo();
    const head = spawnSync("git", ["rev-parse", "HEAD"], { cwd: fx.root, encoding: "utf8" }).stdout;
    const r = await runCli(["run"], { cwd: fx.root, env: { OPENAI_API_KEY: "k", OPENAI_BASE_URL: "http://127.0.0.1:9/v1", GITHUB_ACTIONS: "true", GITHUB_REPOSITORY: "acme/agency" } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("inside GitHub Actions, `ateams run` publishes and needs GITHUB_TOKEN");
    expect(r.stderr).toContain("pass --forge local");
    expect(spawnSync("git", ["rev-parse", "HEAD"], { cwd: fx.root, encoding: "utf8" }).stdout).toBe(head);
    expect(spawnSync("git", ["status", "--porcelain"], { cwd: fx.root, encoding: "utf8" }).stdout).toBe("");
  });
});
