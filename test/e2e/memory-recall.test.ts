// Memory reaches the work end to end: with the labelled set's memory in an agency (17 researcher entries, 17 writer
// entries, 8 shared patterns) and a small budget, each task's prompt recalls its own best entries within the budget;
// the work log says what was recalled; a lesson taught afterwards is listed by `ateams plan` only for the finished
// tasks whose recall it changes. The same run with Chroma as the ranker (a real server, vectors from the test model
// server's /embeddings).
import { cp, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse, parseDocument } from "yaml";
import { ChromaClient } from "chromadb";
import type { FakeChatRequest } from "../support/fake-openai-replies.ts";
import { REPO_ROOT } from "../support/agency-fixture.ts";
import { startChroma, type ChromaServer } from "../support/chroma-server.ts";
import { createFakeOpenAIServer, type FakeOpenAIServer } from "../support/fake-openai-server.ts";
import { tempRepoWithAgency, type TempRepo } from "../support/git-repo.ts";
import { runCli } from "../support/run-cli.ts";
import { RETRIEVAL_DIR } from "../support/retrieval-set.ts";
import { scriptedTeam, taskIdOf } from "../support/scripted-team.ts";
import { tokensOf } from "../../engine/plan/estimate.ts";

const BUDGET = 120;
const HEADING = "## From the agency's memory (lessons and patterns from earlier work; apply those that bear on this task)\n";

let repo: TempRepo;
let server: FakeOpenAIServer;
let chroma: ChromaServer | undefined;
/** The memory section of each Specialist's system message, by task. */
let recalled: Map<string, string>;

async function withMemory(settings: object): Promise<void> {
  await cp(join(RETRIEVAL_DIR, "memory"), join(repo.agency, "memory"), { recursive: true });
  const agency = join(repo.agency, "agency.yaml");
  const doc = parseDocument(await readFile(agency, "utf8"));
  doc.set("memory", settings);
  await writeFile(agency, doc.toString());
  repo.git("add", "-A");
  repo.git("commit", "-qm", "memory");
}

const systemOf = (req: FakeChatRequest) => req.messages.filter((m) => m.role === "system").map((m) => (typeof m.content === "string" ? m.content : "")).join("\n");

beforeEach(async () => {
  repo = await tempRepoWithAgency(join(REPO_ROOT, "agency"));
  recalled = new Map();
  const team = scriptedTeam({
    before: (req, kind) => {
      const task = taskIdOf(req);
      const system = systemOf(req);
      if (kind === "specialist_work" && task) recalled.set(task, system.includes(HEADING) ? system.split(HEADING)[1]!.split("\n\n")[0]! : "");
      return undefined;
    },
  });
  server = createFakeOpenAIServer({ handler: team.handler });
  await server.start();
});
afterEach(async () => {
  await Promise.all([server?.stop(), chroma?.stop()]);
  chroma = undefined;
  await repo.cleanup();
});

const env = () => ({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "x" });

function expectRecallWithinBudget(): void {
  expect([...recalled.keys()].sort()).toEqual(["compare", "scan", "write-up"]);
  for (const [task, section] of recalled) {
    const lines = section.split("\n").filter(Boolean);
    expect(lines.length, `${task} recalled nothing`).toBeGreaterThan(0);
    expect(lines.reduce((n, l) => n + tokensOf(l) + 1, 0)).toBeLessThanOrEqual(BUDGET);
  }
  // Ranked per task: two tasks of one role do not get the same selection.
  expect(recalled.get("scan")).not.toBe(recalled.get("compare"));
}

describe("memory recalled for each task", () => {
  it("lexical: within the budget, in the work log and the task's status; a new lesson is listed only where it changes recall", async () => {
    await withMemory({ tokenBudget: BUDGET });
    const run = await runCli(["run", "--project", "pricing-study"], { cwd: repo.root, env: env() });
    expect(run.code, run.stderr).toBe(0);
    expectRecallWithinBudget();
    const log = await readFile(join(repo.agency, "projects", "pricing-study", "log", "research", "researcher.md"), "utf8");
    expect(log).toMatch(new RegExp(`\\*\\*Memory recalled\\*\\* \\(lexical: \\d+ of 25 entries, \\d+ of ${BUDGET} tokens\\)`));
    const status = parse(await readFile(join(repo.agency, "projects", "pricing-study", "status.yaml"), "utf8"));
    for (const t of ["scan", "compare", "write-up"]) expect(status.tasks[t].memory).toMatch(/^[0-9a-f]{12}$/);

    // A lesson about comparison tables: recalled first for `compare`, too long to fill the gap left in any other.
    const lesson = "When you compare options, put them in one table with a row per option and a column per criterion (price, seats, endpoints, retention, delivery limits), the source and date checked under the table, and the option you would pick marked in the first column so a reader sees the comparison and the choice together.";
    const taught = await runCli(["teach", "researcher", lesson, "--project", "pricing-study"], { cwd: repo.root, env: {} });
    expect(taught.code, taught.stderr).toBe(0);
    const plan = await runCli(["plan", "--project", "pricing-study", "--json"], { cwd: repo.root, env: {} });
    expect(plan.code, plan.stderr).toBe(0);
    expect(JSON.parse(plan.stdout).projects[0].taughtSince).toEqual([{ task: "compare", role: "researcher" }]);
    const table = await runCli(["plan", "--project", "pricing-study"], { cwd: repo.root, env: {} });
    expect(table.stdout).toContain("researcher has new lessons since compare finished");
    // Nothing reruns by itself: redoing compare is the Director's choice, and its prompt then leads with the lesson.
    expect(JSON.parse(plan.stdout).projects[0].actions.filter((a: { kind: string }) => a.kind === "run-task")).toEqual([]);
    expect((await runCli(["retry", "pricing-study", "compare"], { cwd: repo.root, env: {} })).code).toBe(0);
    const shown = await runCli(["plan", "--project", "pricing-study", "--show-prompts", "--json"], { cwd: repo.root, env: {} });
    const redo = JSON.parse(shown.stdout).projects[0].actions.find((a: { kind: string; task?: string }) => a.kind === "run-task" && a.task === "compare");
    expect(redo.systemPrompt).toContain(`${HEADING}- ${lesson} (@`);
    const again = await runCli(["run", "--project", "pricing-study"], { cwd: repo.root, env: env() });
    expect(again.code, again.stderr).toBe(0);
    expect(recalled.get("compare")!.split("\n")[0]).toBe(`- ${lesson} (@${redo.systemPrompt.split(`${lesson} (@`)[1].split(")")[0]})`);
  }, 120_000);

  it("chroma: the same recall through a Chroma server, vectors from /embeddings kept in .ateams/embeddings.json", async () => {
    chroma = await startChroma();
    await withMemory({ tokenBudget: BUDGET, ranker: "chroma", embeddings: { model: "fake-embed" }, chroma: { url: chroma.url, collection: "agency-memory" } });
    const run = await runCli(["run", "--project", "pricing-study"], { cwd: repo.root, env: env() });
    expect(run.code, run.stderr).toBe(0);
    expectRecallWithinBudget();
    const log = await readFile(join(repo.agency, "projects", "pricing-study", "log", "research", "researcher.md"), "utf8");
    expect(log).toMatch(/\*\*Memory recalled\*\* \(chroma: \d+ of 25 entries/);
    expect(server.embeddingRequests.length).toBeGreaterThan(0);
    expect(Object.keys(JSON.parse(await readFile(join(repo.root, ".ateams", "embeddings.json"), "utf8"))["fake-embed"]).length).toBeGreaterThanOrEqual(33);
    const url = new URL(chroma.url);
    const client = new ChromaClient({ host: url.hostname, port: Number(url.port), ssl: false });
    const names = (await client.listCollections()).map((c) => c.name);
    expect(names).toEqual([expect.stringMatching(/^agency-memory-[0-9a-f]{8}$/)]);
  }, 120_000);
});
