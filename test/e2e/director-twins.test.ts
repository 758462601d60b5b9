// Every command a Director types is the twin of a PR comment: run from the terminal (`ateams <verb>`) and written
// on GitHub (through the OpenAPI-checked fake behind nock), from the same starting repository, each leaves the same
// status.yaml, plan.yaml and lessons and the same commits (subjects, bodies, trailers, files), times and the
// comment's address aside. Refusals match too: the same reason, and no commit on either side.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import nock from "nock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentDeps } from "../../engine/agents/call.ts";
import { runIntake } from "../../engine/github-mode/intake-run.ts";
import { parseEvent } from "../../engine/github/index.ts";
import { githubHarness } from "../support/github/harness.ts";
import { examplesOf } from "../support/github/webhook-examples.ts";
import { loadTemplates } from "../../engine/prompts/templates.ts";
import { Budget } from "../../engine/llm/budget.ts";
import { ensureSelfIgnoringDir } from "../../engine/run/run-agency.ts";
import { createModelRegistry } from "../../engine/llm/providers.ts";
import { openWorkspace } from "../../engine/run/workspace.ts";
import { loadAgency } from "../../engine/agency/load-agency.ts";
import type { Status } from "../../engine/agency/types.gen.ts";
import { serializeStatus } from "../../engine/status/serialize.ts";
import { edit, FIXTURES, settle } from "../support/agency-fixture.ts";
import { createFakeOpenAIServer, type FakeOpenAIServer } from "../support/fake-openai-server.ts";
import { tempRepoWithAgency, type TempRepo } from "../support/git-repo.ts";
import { runCli } from "../support/run-cli.ts";

type Obj = Record<string, any>;
type Place = "plan" | "research" | "docs" | "assembly" | "issue";

let server: FakeOpenAIServer;
beforeAll(async () => {
  server = createFakeOpenAIServer({ handler: () => ({ json: { answer: "A warm, plain tone." } }) });
  await server.start();
});
afterAll(() => server.stop());
const modelEnv = () => ({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "test-key" });

const alpha = (repo: TempRepo, ...p: string[]) => join(repo.agency, "projects", "alpha", ...p);
const readStatus = async (repo: TempRepo): Promise<Status> => JSON.parse((await readFile(alpha(repo, "status.yaml"), "utf8")).replace(/^#.*\n/gm, ""));
const writeStatus = (repo: TempRepo, s: Status) => writeFile(alpha(repo, "status.yaml"), serializeStatus(s));
const commitAll = (repo: TempRepo, message: string) => {
  repo.git("add", "-A");
  repo.git("commit", "-q", "-m", message);
};

/** The starting points: each builds the same repository state in a fresh copy of test/fixtures/mini. */
const STATES: Record<string, (repo: TempRepo) => Promise<void>> = {
  settled: async (repo) => {
    await settle(repo.agency);
    commitAll(repo, "settled");
  },
  planAwaitingApproval: async (repo) => {
    await edit(alpha(repo, "plan.yaml"), 'chosen: option-1\napproval: { by: octocat, at: "2026-11-20T10:00:00Z" }\n', "");
    await writeStatus(repo, { project: "alpha", conditions: [{ type: "AwaitingApproval", status: "True", reason: "PlanAwaitingApproval", message: "the Director approves the plan" }] });
    commitAll(repo, "plan proposed");
  },
  draftFailed: async (repo) => {
    await settle(repo.agency);
    const s = await readStatus(repo);
    s.tasks!.draft = { ...s.tasks!.draft!, failedFingerprint: "b".repeat(64), attempts: 3, conditions: [{ type: "Failed", status: "True", reason: "RevisionsExhausted", message: "not accepted" }] };
    await writeStatus(repo, s);
    commitAll(repo, "draft failed");
  },
  draftAsks: async (repo) => {
    await settle(repo.agency);
    const s = await readStatus(repo);
    s.conditions = [{ type: "Blocked", status: "True", reason: "DirectorInput", message: "draft: EU or US first?" }];
    s.tasks!.draft = {
      ...s.tasks!.draft!,
      failedFingerprint: "b".repeat(64),
      blockers: [{ key: "c".repeat(16), blocker: "No market chosen.", at: "2026-11-20T10:00:00Z", resolution: "ask-director", question: "EU or US first?" }],
      conditions: [{ type: "Failed", status: "True", reason: "Blocked", message: "No market chosen." }],
    };
    await writeStatus(repo, s);
    commitAll(repo, "draft asks");
  },
  docsBlocked: async (repo) => {
    await settle(repo.agency);
    const s = await readStatus(repo);
    s.streams!.docs = { ...s.streams!.docs, conditions: [{ type: "Blocked", status: "True", reason: "BlockedByDirector", message: "legal review" }] };
    await writeStatus(repo, s);
    commitAll(repo, "docs blocked");
  },
  assembledOnBranch: async (repo) => {
    await settle(repo.agency);
    commitAll(repo, "settled");
    repo.git("switch", "-q", "-c", "ateams/alpha/assembly");
    await writeFile(alpha(repo, "outputs", "deliverable.md"), "# Deliverable\n");
    commitAll(repo, "assembled");
    repo.git("switch", "-q", "main");
  },
  researchAwaitingReview: async (repo) => {
    await edit(alpha(repo, "project.yaml"), "successCriteria:", "oversight: review-streams\nsuccessCriteria:");
    await settle(repo.agency);
    const s = await readStatus(repo);
    delete s.streams!.research!.accepted;
    s.conditions = [{ type: "AwaitingApproval", status: "True", reason: "StreamsAwaitingReview", message: "a person accepts each stream" }];
    await writeStatus(repo, s);
    repo.git("add", "-A");
    repo.git("rm", "-r", "-q", "--cached", "agency/projects/alpha/outputs/research");
    repo.git("commit", "-q", "-m", "settled, research unmerged");
    repo.git("switch", "-q", "-c", "ateams/alpha/research");
    commitAll(repo, "research work");
    repo.git("switch", "-q", "main");
  },
};

interface Twin {
  state: keyof typeof STATES;
  cli: string[];
  on: Place;
  comment: string;
  /** The outcome on both sides. */
  outcome: "done" | "rejected";
}

const TWINS: Twin[] = [
  { state: "planAwaitingApproval", cli: ["approve", "alpha", "option-2"], on: "plan", comment: "/approve option-2", outcome: "done" },
  { state: "researchAwaitingReview", cli: ["approve", "alpha", "--stream", "research"], on: "research", comment: "/approve", outcome: "done" },
  { state: "assembledOnBranch", cli: ["approve", "alpha", "--assembly"], on: "assembly", comment: "/approve", outcome: "done" },
  { state: "settled", cli: ["revise", "alpha", "Shorter summary.", "--assembly"], on: "assembly", comment: "/revise Shorter summary.", outcome: "done" },
  { state: "draftFailed", cli: ["retry", "alpha", "draft"], on: "issue", comment: "/retry draft", outcome: "done" },
  { state: "draftFailed", cli: ["retry", "alpha", "--stream", "docs"], on: "docs", comment: "/retry", outcome: "done" },
  { state: "settled", cli: ["retry", "alpha"], on: "issue", comment: "/retry", outcome: "rejected" },
  { state: "draftFailed", cli: ["escalate", "alpha", "draft"], on: "issue", comment: "/escalate draft", outcome: "done" },
  { state: "settled", cli: ["block", "alpha", "wait", "for", "legal", "--stream", "docs"], on: "docs", comment: "/block wait for legal", outcome: "done" },
  { state: "docsBlocked", cli: ["unblock", "alpha", "--stream", "docs"], on: "docs", comment: "/unblock", outcome: "done" },
  { state: "settled", cli: ["cancel", "alpha"], on: "issue", comment: "/cancel", outcome: "done" },
  { state: "draftAsks", cli: ["answer", "alpha", "EU first, then the US."], on: "issue", comment: "/answer EU first, then the US.", outcome: "done" },
  { state: "settled", cli: ["answer", "alpha", "EU first."], on: "issue", comment: "/answer EU first.", outcome: "rejected" },
  { state: "settled", cli: ["revise", "alpha", "draft", "Too long; cut the history."], on: "issue", comment: "/revise draft Too long; cut the history.", outcome: "done" },
  { state: "settled", cli: ["revise", "alpha", "Friendlier, please.", "--stream", "docs"], on: "docs", comment: "/revise Friendlier, please.", outcome: "done" },
  { state: "settled", cli: ["revise", "alpha", "Cheaper options.", "--plan"], on: "plan", comment: "/revise Cheaper options.", outcome: "done" },
  { state: "settled", cli: ["teach", "writer", "Use sentence case in headings.", "--project", "alpha"], on: "issue", comment: "/teach @writer Use sentence case in headings.", outcome: "done" },
  { state: "settled", cli: ["ask", "alpha", "writer", "Which tone do you use?", "--stream", "docs"], on: "docs", comment: "/ask @writer Which tone do you use?", outcome: "done" },
];

interface Result {
  files: Record<string, string>;
  commits: string;
  reason?: string;
}

const ISO = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z/g;
/** Times, the commits they make distinct, and where a command came from differ by nature; nothing else may. */
function normalize(text: string): string {
  return text
    .replace(ISO, "<T>")
    .replace(/"commit": "[0-9a-f]{40}"/g, '"commit": "<SHA>"')
    .replace(/local:octocat\/<T>/g, "<SOURCE>")
    .replace(/https:\/\/github\.com\/acme\/agency\/(?:pull|issues)\/\d+#issuecomment-\d+/g, "<SOURCE>");
}

async function observe(repo: TempRepo, base: string): Promise<Omit<Result, "reason">> {
  const files: Record<string, string> = {};
  for (const path of repo.git("ls-files", "agency").split("\n").filter(Boolean)) {
    if (path.includes("/outputs/")) continue;
    files[path] = normalize(await readFile(join(repo.root, path), "utf8"));
  }
  const commits = normalize(repo.git("log", "--topo-order", "--format=%s%n%b%n--", "--name-only", `${base}..HEAD`));
  expect(repo.git("status", "--porcelain")).toBe("");
  return { files, commits };
}

async function fromTerminal(twin: Twin): Promise<Result> {
  const repo = await tempRepoWithAgency(join(FIXTURES, "mini"));
  try {
    await STATES[twin.state]!(repo);
    const base = repo.git("rev-parse", "HEAD");
    const r = await runCli([...twin.cli, "--json"], { cwd: repo.root, env: modelEnv() });
    const out = JSON.parse(r.stdout || "{}");
    expect(r.code, r.stderr).toBe(twin.outcome === "done" ? 0 : 1);
    expect(out.outcome).toBe(twin.outcome);
    return { ...(await observe(repo, base)), ...(out.reason ? { reason: out.reason } : {}) };
  } finally {
    await repo.cleanup();
  }
}

async function fromComment(twin: Twin): Promise<Result> {
  const repo = await tempRepoWithAgency(join(FIXTURES, "mini"));
  const h = githubHarness();
  nock.enableNetConnect("127.0.0.1");
  try {
    await STATES[twin.state]!(repo);
    // The reconcile that follows intake on GitHub keeps the response cache out of git (run-agency.ts).
    await ensureSelfIgnoringDir(join(repo.root, ".ateams"));
    const base = repo.git("rev-parse", "HEAD");
    const open = (head: string) => {
      const pr = h.fake.openPull({ head, title: head });
      pr.labels.push(h.fake.ensureLabel("ateams"), h.fake.ensureLabel("project:alpha"));
      return pr.number;
    };
    const numbers: Record<Place, number> = {
      plan: open("ateams/alpha/plan"),
      research: open("ateams/alpha/research"),
      docs: open("ateams/alpha/docs"),
      assembly: open("ateams/alpha/assembly"),
      issue: h.fake.openIssue(),
    };
    h.fake.labelsOf(numbers.issue)!.push(h.fake.ensureLabel("project:alpha"));
    const issue = numbers[twin.on];
    const c = h.fake.comment(issue, { author: "octocat", body: twin.comment });
    const p = examplesOf("issue_comment", "created")[0] as Obj;
    p.comment = { ...p.comment, id: c.id, body: c.body, html_url: c.html_url, created_at: c.created_at, updated_at: c.updated_at, user: { ...p.comment.user, login: "octocat", type: "User" } };
    p.issue = { ...p.issue, number: issue, labels: (h.fake.labelsOf(issue) ?? []).map((l) => ({ ...p.issue.labels[0], name: l.name })) };
    if (twin.on !== "issue") p.issue.pull_request = { url: `https://api.github.com/repos/acme/agency/pulls/${issue}`, html_url: `https://github.com/acme/agency/pull/${issue}` };
    else delete p.issue.pull_request;

    const ws = await openWorkspace(repo.agency);
    const loaded = await loadAgency(repo.agency, { observeOutputs: ws.observeOutputs });
    if (!loaded.ok) throw new Error("fixture invalid");
    const agents: AgentDeps = { models: createModelRegistry(loaded.model.spec, { env: modelEnv(), cacheDir: join(repo.root, ".ateams", "cache") }), budget: new Budget(loaded.model.spec) };
    const ctx = {
      forge: h.forge,
      owner: h.fake.owner,
      repo: h.fake.repo,
      serverUrl: "https://github.com",
      remote: "origin",
      base: "main",
      ws,
      templates: await loadTemplates(),
      progress: { emit: () => undefined },
      now: () => h.fake.now(),
    };
    const report = await runIntake(ctx, loaded.model, { event: parseEvent("issue_comment", p) }, { agents });
    await ws.close();
    expect(report).toMatchObject(twin.outcome === "done" ? { applied: 1, rejected: 0 } : { applied: 0, rejected: 1 });
    const reply = h.fake.commentsOn(issue).find((x) => x.body?.startsWith("<!-- ateams:reply:"))?.body ?? "";
    const reason = /was not run: ([^\n]*)/.exec(reply)?.[1];
    return { ...(await observe(repo, base)), ...(reason ? { reason } : {}) };
  } finally {
    h.finish();
    await repo.cleanup();
  }
}

describe("each local command and its PR-comment twin", () => {
  for (const twin of TWINS) {
    it(`ateams ${twin.cli.join(" ")}  ≡  ${twin.comment} on the ${twin.on === "issue" ? "project's issue" : `${twin.on} PR`}`, async () => {
      const local = await fromTerminal(twin);
      const github = await fromComment(twin);
      expect(local.files).toEqual(github.files);
      expect(local.commits).toBe(github.commits);
      expect(local.reason).toBe(github.reason);
      if (twin.outcome === "done") expect(local.commits).not.toBe("");
      else expect(local.commits).toBe("");
    });
  }
});
