// (d) What a reconcile that finds nothing to do costs on GitHub. One project with five streams under review-streams
// oversight, every stream worked and passed by its Collaborator, so five stream PRs are open (ready for review) and
// current. `runGitHub` runs against the checked fake GitHub (nock; reads and writes counted per operation), each run
// on a fresh clone of a bare origin as an Actions job would be: the first does the work and opens the PRs, the second
// must find nothing to do. Then the same without an event (outside Actions, polling): the first poll records its
// cursor, the second is measured. Goal: 0 writes, and reads ≤ one per open PR plus a constant.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nock from "nock";
import { parseEvent, type AgencyEvent } from "../engine/github/index.ts";
import { githubHarness, type GitHubHarness } from "../test/support/github/harness.ts";
import { examplesOf } from "../test/support/github/webhook-examples.ts";
import { runGitHub, type GitHubRunReport } from "../engine/github-mode/run-github.ts";
import { createFakeOpenAIServer } from "../test/support/fake-openai-server.ts";
import { scriptedTeam } from "../test/support/scripted-team.ts";
import { writeRunBenchAgency, type BenchTask } from "./synthetic-agency.ts";
import { gitIn } from "../test/support/git-repo.ts";

const PROJECT = "site";
const STREAMS = ["research", "outline", "copy", "design", "review"];

const meets = (ok: boolean) => (ok ? "" : "  NOT MET");

const git = gitIn;

/** Operation ids and how often each was called, e.g. `pulls/list ×1, issues/list-comments ×5`. */
function breakdown(h: GitHubHarness, write: boolean): string {
  const counts = new Map<string, number>();
  for (const c of h.mock.calls.filter((x) => x.write === write)) counts.set(c.operationId, (counts.get(c.operationId) ?? 0) + 1);
  return [...counts].map(([op, n]) => `${op} ×${n}`).join(", ") || "none";
}

/** Runs (d), printing one labelled line per figure; false when the goal is not met or the setup did not settle. */
export async function runGitHubBenchmark(): Promise<boolean> {
  const root = await mkdtemp(join(tmpdir(), "ateams-github-bench-"));
  const team = scriptedTeam();
  const server = createFakeOpenAIServer({ handler: team.handler });
  const h = githubHarness({ owner: "octocat", repo: "site" });
  h.fake.setPermission("octocat", "admin");
  nock.enableNetConnect("127.0.0.1");
  let ok = true;
  try {
    // Five streams of two tasks each; each stream stays open for a person's review.
    const tasks: BenchTask[] = STREAMS.flatMap((s) => [
      { id: `${s}-draft`, stream: s, role: "writer", dependsOn: [] },
      { id: `${s}-final`, stream: s, role: "editor", dependsOn: [`${s}-draft`] },
    ]);
    const seed = join(root, "seed");
    const agency = join(seed, "agency");
    git(root, "init", "-q", "-b", "main", seed);
    await writeRunBenchAgency(agency, { [PROJECT]: tasks });
    const projectFile = join(agency, "projects", PROJECT, "project.yaml");
    await writeFile(projectFile, (await readFile(projectFile, "utf8")).replace("oversight: autonomous", "oversight: review-streams"));
    git(seed, "add", "-A");
    git(seed, "commit", "-q", "-m", "site agency");
    const origin = join(root, "origin.git");
    git(root, "init", "-q", "--bare", "-b", "main", origin);
    git(seed, "push", "-q", origin, "main");
    await server.start();

    let job = 0;
    const reconcile = async (event: AgencyEvent | undefined): Promise<GitHubRunReport> => {
      const dir = join(root, `job-${job++}`);
      git(root, "clone", "-q", origin, dir);
      return runGitHub({
        agencyDir: join(dir, "agency"),
        projects: [PROJECT],
        env: { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "bench" },
        progress: { emit() {} },
        github: { token: "ghs_bench", owner: h.fake.owner, repo: h.fake.repo, apiUrl: "https://api.github.com", serverUrl: "https://github.com" },
        forge: h.forge,
        ...(event ? { event } : {}),
      });
    };
    const dispatch = parseEvent("workflow_dispatch", examplesOf("workflow_dispatch")[0]);
    const originCommits = () => Number(git(origin, "rev-list", "--count", "--all"));

    const first = await reconcile(dispatch);
    const open = [...h.fake.pulls.values()].filter((p) => p.state === "open");
    const settled = first.exitCode === 0 && first.projects[0]?.stage === "in-review" && open.length === STREAMS.length && open.every((p) => !p.draft);
    console.log(`\n## (d) GitHub API calls of a no-op reconcile: 1 project, ${STREAMS.length} open stream PRs (review-streams, all passed), checked fake GitHub`);
    console.log(`first run (does the work):          stage ${first.projects[0]?.stage}, ${first.publish.created} PRs opened, ${h.mock.reads} reads, ${h.mock.writes} writes`);
    if (!settled) {
      console.log(`!! the project did not settle with ${STREAMS.length} open PRs ready for review: ${first.failures.join("; ")}`);
      return false;
    }
    const n = open.length;

    // Told of an event (Actions): nothing to take in, nothing to reconcile, every PR current.
    const commits = originCommits();
    const calls = server.chatRequests.length;
    h.mock.resetCounts();
    const second = await reconcile(dispatch);
    const reads = h.mock.reads;
    const writes = h.mock.writes;
    const constant = reads - n;
    console.log(`second run, Actions event:          ${reads} reads (${breakdown(h, false)}), ${writes} writes (${breakdown(h, true)})`);
    console.log(`  formula:                          reads = N open PRs + C = ${n} + ${constant} (C: one listing of open PRs; N: one comment listing per PR for its sticky status)`);
    console.log(`  model calls, commits on origin:   ${server.chatRequests.length - calls}, ${originCommits() - commits}`);
    console.log(`  goal (0 writes, reads ≤ N + 1):   ${writes === 0 && constant <= 1 ? "met" : ""}${meets(writes === 0 && constant <= 1)}`);
    if (writes !== 0 || constant > 1 || second.publish.created !== 0 || originCommits() !== commits || server.chatRequests.length !== calls) ok = false;

    // Outside Actions (no event): intake polls. The first poll records its cursor; the one after it is measured.
    await reconcile(undefined);
    const polledCommits = originCommits();
    h.mock.resetCounts();
    await reconcile(undefined);
    const pollReads = h.mock.reads;
    const pollWrites = h.mock.writes;
    console.log(`second poll, no event:              ${pollReads} reads (${breakdown(h, false)}), ${pollWrites} writes`);
    console.log(`  formula:                          reads = N + C = ${n} + ${pollReads - n} (C: the listing, plus 3 polling reads: PRs, issue comments, review comments since the cursor)`);
    console.log(`  goal (0 writes, reads ≤ N + 4):   ${pollWrites === 0 && pollReads - n <= 4 ? "met" : ""}${meets(pollWrites === 0 && pollReads - n <= 4)}`);
    if (pollWrites !== 0 || pollReads - n > 4 || originCommits() !== polledCommits) ok = false;
    h.finish();
  } finally {
    await server.stop();
    h.mock.close();
    nock.enableNetConnect();
    await rm(root, { recursive: true, force: true });
  }
  return ok;
}
