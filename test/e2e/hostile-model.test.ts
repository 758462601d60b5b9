// Model output is untrusted input (issue 10). A hostile OpenAI-compatible server drives `ateams run` on a real git
// repository; whatever it says, the run may change only the project's own files, every spec it leaves must load
// (`ateams validate` passes), and the API key appears nowhere: not on stdout or stderr, not in any file of the
// working tree, not in any object of the repository (every blob, tree and commit message, reachable or not).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { Status } from "../../engine/agency/types.gen.ts";
import { REPO_ROOT } from "../support/agency-fixture.ts";
import type { FakeChatRequest } from "../support/fake-openai-replies.ts";
import { createHostileServer, type HostileReply, type HostileServer } from "../support/hostile-openai-server.ts";
import { tempRepoWithAgency, type TempRepo } from "../support/git-repo.ts";
import { runCli, type CliResult } from "../support/run-cli.ts";
import { scriptedTeam, taskIdOf, type TeamScript } from "../support/scripted-team.ts";

/** No credential shape (no `sk-`), so only redaction by value can remove it. */
const KEY = "hostile-test-key-7Qx2Lm9Vb4Np";
const PROJECT_DIR = "agency/projects/pricing-study/";
const PROJECT_MEMORY = "agency/memory/analyses/pricing-study.yaml";
const LEARNING_REF = "refs/heads/ateams/pricing-study/learning";
const LEARNING_PATHS = /^agency\/(memory\/roles\/[a-z0-9-]+\.yaml|roles\/[a-z0-9-]+\.yaml)$/;

let repo: TempRepo;
let server: HostileServer;
let base: string;

beforeEach(async () => {
  repo = await tempRepoWithAgency(join(REPO_ROOT, "agency"));
  base = repo.git("rev-parse", "HEAD");
});
afterEach(async () => {
  await server?.stop();
  await repo.cleanup();
});

const kindOf = (req: FakeChatRequest) => req.response_format?.json_schema?.name ?? "text";

async function start(script: TeamScript, attack?: (req: FakeChatRequest, kind: string) => HostileReply | undefined): Promise<void> {
  const team = scriptedTeam(script);
  server = createHostileServer((req) => attack?.(req, kindOf(req)) ?? team.handler(req));
  await server.start();
}

const run = (...extra: string[]) => runCli(["run", "--project", "pricing-study", ...extra], { cwd: repo.root, env: { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: KEY } });
const calls = (kind: string, task?: string) => server.requests.filter((r) => kindOf(r) === kind && (task === undefined || taskIdOf(r) === task));

/** Every path any commit on any ref changed since the test began, merges included. */
function pathsChangedInHistory(): string[] {
  // The L&P Manager's review branch proposes agency-wide changes by design: checked on its own below.
  const out = repo.git("log", `--exclude=${LEARNING_REF}`, "--all", `^${base}`, "--format=", "--name-only", "--no-renames", "--diff-merges=first-parent", "-z");
  return [...new Set(out.split("\0").map((p) => p.trim()).filter(Boolean))];
}

/** Every file under `dir`, .git included except its (compressed) object store, which gitObjectsText covers. */
function allFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (p !== join(repo.root, ".git", "objects")) out.push(...allFiles(p));
    } else if (e.isFile()) out.push(p);
  }
  return out;
}

/** The content of every object in the store, reachable or not: blobs, trees, commits (messages and trailers). */
function gitObjectsText(): string {
  const r = spawnSync("git", ["cat-file", "--batch-all-objects", "--batch", "--unordered"], { cwd: repo.root, maxBuffer: 1 << 30 });
  expect(r.status).toBe(0);
  return r.stdout.toString("latin1");
}

/** The proof every test ends with. */
async function expectContained(r: CliResult): Promise<void> {
  // Only the project's own files changed, on every ref and in the working tree (its own memory of the L&P Manager's
  // takeaway included: the engine names that file, the model only the words in it).
  const outside = pathsChangedInHistory().filter((p) => !p.startsWith(PROJECT_DIR) && p !== PROJECT_MEMORY);
  expect(outside, "a commit touched files outside the project").toEqual([]);
  const dirty = repo.git("status", "--porcelain", "--untracked-files=all");
  expect(dirty, "the working tree has changes that are not committed").toBe("");
  for (const ref of repo.git("for-each-ref", "--format=%(refname)").split("\n").filter(Boolean)) {
    const changed = repo.git("diff", "--name-only", base, ref).split("\n").filter(Boolean);
    // Besides the project, the review branch may touch only the engine's fixed places for lessons, role edits and
    // the analysis — never a path a model named.
    const allowed = (p: string) => p.startsWith(PROJECT_DIR) || p === PROJECT_MEMORY || (ref === LEARNING_REF && LEARNING_PATHS.test(p));
    expect(changed.filter((p) => !allowed(p)), `${ref} changes files outside the project`).toEqual([]);
  }
  // Every spec the run left loads.
  const v = await runCli(["validate"], { cwd: repo.root, env: {} });
  expect(v.code, v.stderr + v.stdout).toBe(0);
  // The key is nowhere.
  expect(r.stdout).not.toContain(KEY);
  expect(r.stderr).not.toContain(KEY);
  for (const f of allFiles(repo.root)) expect(readFileSync(f, "latin1").includes(KEY), `${f} holds the key`).toBe(false);
  expect(gitObjectsText().includes(KEY), "a git object holds the key").toBe(false);
  expect(repo.git("log", "--all", "-p", "--format=%H%n%B").includes(KEY)).toBe(false);
}

const statusOf = async (): Promise<Status> => parse(await readFile(join(repo.agency, "projects", "pricing-study", "status.yaml"), "utf8")) as Status;

/** Output paths a model may name to reach outside `outputs/<stream>/` (five levels below the repository root). */
const HOSTILE_PATHS = [
  "x\n/../../../../../agency.yaml",
  "x\n/../../../../../../.github/workflows/evil.yml",
  "../../../../../.github/workflows/evil.yml",
  "../../../launch-kit/plan.yaml",
  "../../../../roles/writer.yaml",
  "../../../../../../../../escaped-from-repo.md",
  "/tmp/ateams-hostile-absolute.md",
  ".git/hooks/pre-commit",
  "C:/evil.md",
  "a\\..\\..\\..\\evil.md",
];

describe("a hostile model server", () => {
  // One run per path: a plan is rejected as a whole, so each path must be the only thing wrong with its plan.
  it.each(HOSTILE_PATHS)("the PM declares output path %j: refused as a repair turn, nothing outside the project changes", async (hostile) => {
    let decompositions = 0;
    await start({
      decomposition: (req) => {
        if (decompositions++ > 0) return undefined; // the repair turn gets the honest plan
        const honest = scriptedTeam().handler(req) as { json: { streams: { tasks: { outputs: { path: string }[] }[] }[] } };
        honest.json.streams[0]!.tasks[0]!.outputs[0]!.path = hostile;
        return honest.json;
      },
    });
    const r = await run();
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toContain("● pricing-study  stage: done");
    expect(calls("pm_decomposition")).toHaveLength(2);
    expect(calls("pm_decomposition")[1]!.messages.at(-1)!.content).toMatch(/relative path that stays inside its directory|outputs\/0\/path must match pattern/);
    const outputs = join(repo.agency, "projects", "pricing-study", "outputs", "research");
    for (const p of ["../../../../../.github/workflows/evil.yml", "../../../../../../../../escaped-from-repo.md", "../../../../../../evil.md"]) expect(existsSync(resolve(outputs, p)), p).toBe(false);
    expect(existsSync("/tmp/ateams-hostile-absolute.md")).toBe(false);
    await expectContained(r);
  }, 60_000);

  it("the Specialist writes every escaping path besides its own file: sent back as revision feedback, nothing outside changes", async () => {
    let scans = 0;
    await start({}, (req, kind) => {
      if (kind !== "specialist_work" || taskIdOf(req) !== "scan" || scans++ > 0) return undefined;
      return { json: { files: [{ path: "scan.md", content: "# scan\n" }, ...HOSTILE_PATHS.map((path) => ({ path, content: "pwned\n" }))], summary: "Wrote everywhere.", actions: [], questions: [] } };
    });
    const r = await run();
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(calls("specialist_work", "scan")).toHaveLength(2);
    expect(JSON.stringify(calls("specialist_work", "scan")[1]!.messages)).toMatch(/not a usable file path/);
    expect(existsSync(join(repo.root, ".github"))).toBe(false);
    await expectContained(r);
  }, 60_000);

  it("a provider error quoting the request headers (Bearer key), and replies carrying the key: summarised and redacted everywhere", async () => {
    await start({}, (req, kind) => {
      const bearer = `Bearer ${KEY}`;
      if (kind === "specialist_work" && taskIdOf(req) === "compare") {
        return { status: 400, body: { error: { message: `Invalid request. We received headers ${JSON.stringify(req.headers)} and body ${JSON.stringify(req.body).slice(0, 500)}`, type: "invalid_request_error", code: "echo" } } };
      }
      if (kind === "pm_options") {
        return { json: { summary: `Auth was ${bearer}; key ${KEY}.`, options: [{ id: "option-1", title: `Use ${KEY}`, approach: "a", pros: ["p"], cons: ["c"], estimate: { costUsd: 0.1, tokens: 1000, tasks: 3 } }, { id: "option-2", title: "B", approach: "b", pros: ["p"], cons: ["c"], estimate: { costUsd: 0.2, tokens: 2000, tasks: 3 } }], recommended: "option-1", rationale: `Because ${bearer}` } };
      }
      if (kind === "specialist_work" && taskIdOf(req) === "scan") {
        return { json: { files: [{ path: "scan.md", content: `# scan\n\nThe key is ${KEY}, sent as ${String(req.headers.authorization)}.\n` }], summary: `Used ${KEY}`, actions: [`called with ${KEY}`], questions: [] } };
      }
      return undefined;
    });
    const r = await run("--verbose");
    // The server did see the key: the test is not vacuous.
    expect(String(server.requests[0]!.headers.authorization)).toBe(`Bearer ${KEY}`);
    expect(r.code).toBe(1);
    const compare = (await statusOf()).tasks?.compare?.conditions?.find((c) => c.type === "Failed");
    expect(compare).toMatchObject({ status: "True", reason: "ProviderError" });
    // Summarised: status, type, code and the start of the message, not the whole body.
    expect(compare!.message).toMatch(/^400 invalid_request_error\/echo: Invalid request\./);
    expect(compare!.message!.length).toBeLessThan(400);
    expect(readFileSync(join(repo.agency, "projects", "pricing-study", "plan.yaml"), "utf8")).toContain("[REDACTED]");
    await expectContained(r);
  }, 60_000);

  it("negative, fractional and absurd token counts: clamped with a warning, status.yaml stays loadable", async () => {
    await start({}, (req, kind) => {
      if (kind === "pm_options") return { ...scriptedTeam().handler(req), usage: { prompt_tokens: -5000, completion_tokens: 12.5 } } as HostileReply;
      if (kind === "specialist_work" && taskIdOf(req) === "scan") return { ...scriptedTeam().handler(req), usage: { prompt_tokens: 1e300, completion_tokens: -1 } } as HostileReply;
      return undefined;
    });
    const r = await run("--verbose");
    expect(r.stderr).toMatch(/server reported -5000 input tokens, impossible for what was sent/);
    expect(r.stderr).toMatch(/server reported 1e\+300 input tokens/);
    const status = await statusOf();
    const counts = JSON.stringify(status.usage);
    expect(status.usage!.inputTokens).toBeGreaterThanOrEqual(0);
    expect(Number.isInteger(status.usage!.outputTokens)).toBe(true);
    expect(counts).not.toContain("-");
    await expectContained(r);
  }, 60_000);

  it("a 10,000-task decomposition: never committed; repaired, then a clear failure; every command still works", async () => {
    // The honest plan's first task, ten thousand times: every field as the reply schema wants it.
    const huge = (req: FakeChatRequest) => {
      const honest = (scriptedTeam().handler(req) as { json: { streams: { tasks: Record<string, unknown>[] }[] } }).json;
      const model = { ...honest.streams[0]!.tasks[0]!, dependsOn: [], inputs: [] };
      const tasks = Array.from({ length: 10_000 }, (_, i) => ({ ...model, id: `task-${i}`, outputs: [{ path: `t${i}.md`, description: "x" }] }));
      return { ...honest, streams: [{ ...honest.streams[0]!, tasks }] };
    };
    // The tiers' output cap would stop reading this reply (ReplyTooLarge, tested with the budgets): lifted here, so
    // the reply reaches the checks behind it.
    const agencyFile = join(repo.agency, "agency.yaml");
    // Its ~440k tokens are counted whatever the server says (usage is estimated from the text), so prices are
    // zeroed and the token budget lifted: the limits under test are the plan's, not the budget's.
    const lifted = readFileSync(agencyFile, "utf8")
      .replaceAll("maxOutputTokens: 16384", "maxOutputTokens: 10000000")
      .replace(/(input|output)PerMTok: [0-9.]+/g, "$1PerMTok: 0")
      .replace("maxTokens: 2000000", "maxTokens: 100000000");
    writeFileSync(agencyFile, lifted);
    repo.git("commit", "-qam", "no output cap, no cost");
    base = repo.git("rev-parse", "HEAD");
    await start({}, (req, kind) => (kind === "pm_decomposition" ? { json: huge(req), usage: { prompt_tokens: 100, completion_tokens: 100 } } : undefined));
    const r = await run();
    expect(r.code).toBe(1);
    // The reply, then a repair turn naming the limit it broke (the schema's or the loader's), then a clear failure.
    expect(calls("pm_decomposition").length).toBeGreaterThanOrEqual(2);
    expect(calls("pm_decomposition")[1]!.messages.at(-1)!.content).toMatch(/the plan has 10000 tasks; at most 500 fit one project|tasks must NOT have more than \d+ items/);
    expect(r.stdout).toMatch(/decompose-plan failed \(InvalidReply: /);
    const plan = repo.git("show", "HEAD:agency/projects/pricing-study/plan.yaml");
    expect(plan).not.toContain("task-0");
    for (const cmd of [["plan"], ["status"]]) {
      const c = await runCli(cmd, { cwd: repo.root, env: {} });
      expect(c.code, c.stderr).toBe(0);
    }
    await expectContained(r);
  }, 120_000);
});
