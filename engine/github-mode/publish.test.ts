// publishPullRequests on a real git repository holding test/fixtures/mini, against the fake GitHub repository
// (every request and reply checked against GitHub's REST description, reads and writes counted).
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { edit, FIXTURES, load, settle } from "../../test/support/agency-fixture.ts";
import { tempRepoWithAgency, type TempRepo } from "../../test/support/git-repo.ts";
import { parseMarker } from "../github/index.ts";
import type { PullJson } from "../../test/support/github/fake-objects.ts";
import { githubHarness, type GitHubHarness } from "../../test/support/github/harness.ts";
import { fingerprintTasks } from "../plan/fingerprint.ts";
import { planAgency } from "../plan/plan.ts";
import { streamFingerprint } from "../plan/plan-project.ts";
import { loadTemplates, type Templates } from "../prompts/templates.ts";
import { parsePrMeta } from "../publish/pr-meta.ts";
import { silentProgress } from "../run/progress.ts";
import { openWorkspace } from "../run/workspace.ts";
import { serializeStatus } from "../status/serialize.ts";
import type { GitHubRunContext } from "./github-run-context.ts";
import { publishPullRequests } from "./publish.ts";

let repo: TempRepo;
let h: GitHubHarness;
let templates: Templates;
let ctx: GitHubRunContext;

beforeEach(async () => {
  templates = await loadTemplates();
  repo = await tempRepoWithAgency(join(FIXTURES, "mini"));
  // A human specialist on the docs stream, who must be asked to review its PR next to the Director.
  await edit(join(repo.agency, "projects/alpha/project.yaml"), "successCriteria:", "humanSpecialists:\n  - github: hana\n    expertise: [editing]\nsuccessCriteria:");
  await edit(join(repo.agency, "projects/alpha/plan.yaml"), "successCriteria: [Readable]", "successCriteria: [Readable]\n    humanSpecialists: [hana]");
  commitAll("alpha: hana reviews docs");
  h = githubHarness();
  h.fake.setPermission("octocat", "admin");
  h.fake.setPermission("hana", "write");
  const ws = await openWorkspace(repo.root);
  ctx = { forge: h.forge, owner: h.fake.owner, repo: h.fake.repo, serverUrl: "https://github.com", remote: "origin", base: "main", ws, templates, progress: silentProgress, now: () => h.fake.now() };
});

afterEach(async () => {
  h.finish();
  await repo.cleanup();
});

function commitAll(message: string): void {
  repo.git("add", "-A");
  repo.git("commit", "-q", "-m", message);
}

/** A stream branch with one commit of work, as a Specialist's finished task leaves it. */
async function workOn(stream: string, file: string): Promise<void> {
  await ctx.ws.commitStream("alpha", stream, [{ path: `agency/projects/alpha/outputs/${stream}/${file}`, content: `# ${file}\n` }], `alpha: ${file}`, { "Ateams-Project": "alpha" }, { folders: [`agency/projects/alpha/outputs/${stream}`] });
}

async function publish() {
  const model = await load(repo.agency);
  return publishPullRequests(ctx, model, planAgency(model, templates));
}

function pullFor(head: string): PullJson {
  const pull = [...h.fake.pulls.values()].find((p) => p.head.ref === head);
  if (!pull) throw new Error(`no PR for ${head}`);
  return pull;
}

const labelsOf = (pull: PullJson) => pull.labels.map((l) => l.name).sort();
const reviewersOf = (pull: PullJson) => pull.requested_reviewers.map((u) => u.login);

async function docsFingerprint(): Promise<string> {
  const model = await load(repo.agency);
  const project = model.projects.get("alpha")!;
  return streamFingerprint(project.plan!.streams![1]!, fingerprintTasks(model, project, templates));
}

/** Records the docs stream as passed by its Collaborator (and research as not yet), the way a run leaves it. */
async function verifyDocsOnly(): Promise<void> {
  await settle(repo.agency, templates);
  const model = await load(repo.agency);
  const project = model.projects.get("alpha")!;
  const { research: _dropped, ...streams } = project.status!.streams!;
  await writeFile(project.statusFile, serializeStatus({ ...project.status!, streams }));
  commitAll("alpha: docs verified");
}

describe("publishPullRequests", () => {
  it("opens draft stream PRs with labels, reviewers, bodies and one status comment each; a second call writes nothing", async () => {
    await workOn("research", "facts.md");
    await workOn("docs", "draft.md");
    const first = await publish();
    expect(first).toMatchObject({ created: 2, updated: 0, unchanged: 0, readied: 0, comments: { created: 2, updated: 0, unchanged: 0 }, rejected: [], merged: [], warnings: [] });

    const docs = pullFor("ateams/alpha/docs");
    const research = pullFor("ateams/alpha/research");
    expect(first.prs).toEqual(new Map([["ateams/alpha/research", research.number], ["ateams/alpha/docs", docs.number]]));
    expect(docs).toMatchObject({ title: "ateams: Alpha · Docs", draft: true, state: "open", base: { ref: "main" } });
    expect(labelsOf(docs)).toEqual(["ateams", "project:alpha", "state:in-progress"]);
    expect(reviewersOf(docs)).toEqual(["octocat", "hana"]);
    expect(reviewersOf(research)).toEqual(["octocat"]);
    expect(parsePrMeta(docs.body)).toEqual({ project: "alpha", kind: "stream", stream: "docs", fingerprint: await docsFingerprint() });
    expect(docs.body).toContain("- [ ] Readable");
    expect(docs.body).toContain("[writer](https://github.com/acme/agency/blob/ateams/alpha/docs/agency/projects/alpha/log/docs/writer.md)");

    const [comment, ...more] = h.fake.commentsOn(docs.number);
    expect(more).toEqual([]);
    expect(parseMarker(comment!.body)).toEqual({ kind: "status", key: "alpha/docs" });
    expect(comment!.body.match(/<!-- ateams:status:/g)).toHaveLength(1);
    expect(comment!.body).toContain("| ⏳ | draft | run-task |");
    expect(comment!.body).not.toContain("| facts |");

    h.mock.resetCounts();
    const second = await publish();
    expect(second).toMatchObject({ created: 0, updated: 0, unchanged: 2, readied: 0, comments: { created: 0, updated: 0, unchanged: 2 } });
    expect(second.prs).toEqual(first.prs);
    expect(h.mock.writes).toBe(0);
    // One listing of open PRs, then one comment listing per open PR.
    expect(h.mock.operations).toEqual(["pulls/list", "issues/list-comments", "issues/list-comments"]);

    // Once the Director has reviewed, GitHub drops them from the requested list; a quiet run must neither ask again
    // nor spend a read on the reviews to find out.
    h.fake.review(docs.number, { author: "octocat", state: "COMMENTED" });
    h.mock.resetCounts();
    await publish();
    expect(h.mock.writes).toBe(0);
    expect(h.mock.reads).toBe(3);
  });

  it("a verified stream's PR is marked ready, relabelled and rewritten, and its status comment edited in place, once", async () => {
    await workOn("research", "facts.md");
    await workOn("docs", "draft.md");
    await publish();
    const docsNumber = pullFor("ateams/alpha/docs").number;
    const [before] = h.fake.commentsOn(docsNumber);
    const beforeBody = before!.body;

    await verifyDocsOnly();
    h.fake.tick(60);
    h.mock.resetCounts();
    const report = await publish();
    expect(report).toMatchObject({ created: 0, updated: 2, unchanged: 0, readied: 1, comments: { created: 0, updated: 2, unchanged: 0 }, rejected: [] });
    expect(h.mock.operations.filter((o) => o === "graphql")).toHaveLength(1);

    const docs = pullFor("ateams/alpha/docs");
    expect(docs.draft).toBe(false);
    expect(labelsOf(docs)).toEqual(["ateams", "project:alpha", "state:ready-for-review"]);
    expect(docs.body).toContain("- [x] Readable");
    expect(parsePrMeta(docs.body)?.fingerprint).toBe(await docsFingerprint());
    const research = pullFor("ateams/alpha/research");
    expect(research.draft).toBe(true);
    expect(labelsOf(research)).toEqual(["ateams", "project:alpha", "state:in-progress"]);

    const comments = h.fake.commentsOn(docsNumber);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.id).toBe(before!.id);
    expect(comments[0]!.body).not.toBe(beforeBody);
    expect(comments[0]!.body).toContain(`updated ${h.fake.now().slice(0, 10)}`);

    h.fake.tick(60);
    h.mock.resetCounts();
    const again = await publish();
    expect(again).toMatchObject({ updated: 0, unchanged: 2, readied: 0, comments: { unchanged: 2 } });
    expect(h.mock.writes).toBe(0);
    expect(h.mock.reads).toBe(3);
  });

  it("a PR closed without merge is reported rejected and never reopened; a merged one is reported merged", async () => {
    await workOn("research", "facts.md");
    await workOn("docs", "draft.md");
    const first = await publish();
    const docs = first.prs.get("ateams/alpha/docs")!;
    const research = first.prs.get("ateams/alpha/research")!;
    // GitHub records the head commit a PR had; here, the branch tips this test pushed.
    h.fake.pull(docs).head.sha = (await ctx.ws.store.resolveRef("ateams/alpha/docs"))!;
    h.fake.pull(research).head.sha = (await ctx.ws.store.resolveRef("ateams/alpha/research"))!;
    h.fake.closePull(docs, { merged: false, by: "octocat" });
    h.fake.closePull(research, { merged: true, by: "octocat" });

    h.mock.resetCounts();
    const report = await publish();
    expect(report.rejected).toEqual([{ project: "alpha", kind: "stream", stream: "docs", number: docs }]);
    expect(report.merged).toEqual([{ project: "alpha", kind: "stream", stream: "research", number: research }]);
    expect(report).toMatchObject({ created: 0, updated: 0, unchanged: 0, comments: { created: 0, updated: 0, unchanged: 0 } });
    expect(report.prs).toEqual(first.prs);
    expect(h.fake.pull(docs).state).toBe("closed");
    expect(h.fake.pulls.size).toBe(2);
    expect(h.mock.writes).toBe(0);
    // The open-only listing cannot tell a closed PR from none, so each such branch is looked up by head once.
    expect(h.mock.operations).toEqual(["pulls/list", "pulls/list", "pulls/list"]);
  });

  it("a stream the engine already merged into the working branch gets no PR", async () => {
    await workOn("research", "facts.md");
    await workOn("docs", "draft.md");
    await ctx.ws.mergeStream("alpha", "docs", "alpha: merge docs", { "Ateams-Project": "alpha" });
    const report = await publish();
    expect(report.created).toBe(1);
    expect([...report.prs.keys()]).toEqual(["ateams/alpha/research"]);
  });

  it("a reviewer GitHub refuses (not a collaborator) becomes a warning, not a failure", async () => {
    h.fake.setPermission("hana", "none");
    await workOn("docs", "draft.md");
    const report = await publish();
    expect(report.created).toBe(1);
    expect(report.warnings).toHaveLength(1);
    expect(report.warnings[0]).toMatch(/^alpha stream docs \(#1\): review request for octocat, hana refused/);
  });

  it("the plan PR carries the approval as its diff, asks the Director, and says how to approve", async () => {
    const planFile = join(repo.agency, "projects/alpha/plan.yaml");
    const approved = await readFile(planFile, "utf8");
    await edit(planFile, 'chosen: option-1\napproval: { by: octocat, at: "2026-11-20T10:00:00Z" }\n', "");
    commitAll("alpha: plan proposed");
    await ctx.ws.store.commitFiles({ branch: "ateams/alpha/plan", base: "main", files: [{ path: "agency/projects/alpha/plan.yaml", content: approved }], message: "alpha: approve option-1" });

    const report = await publish();
    expect(report).toMatchObject({ created: 1, comments: { created: 1 } });
    const pr = pullFor("ateams/alpha/plan");
    expect(pr).toMatchObject({ title: "ateams: plan for Alpha", draft: false });
    expect(labelsOf(pr)).toEqual(["ateams", "project:alpha", "state:awaiting-approval"]);
    expect(reviewersOf(pr)).toEqual(["octocat"]);
    expect(pr.body).toContain("#### ⭐ `option-1` — Quick (recommended)");
    expect(parsePrMeta(pr.body)).toMatchObject({ project: "alpha", kind: "plan" });
    const [comment] = h.fake.commentsOn(pr.number);
    expect(parseMarker(comment!.body)).toEqual({ kind: "status", key: "alpha" });
    expect(comment!.body).toContain("awaiting-approval");
    expect(comment!.body).toContain("| 👀 | await-approval |");

    h.mock.resetCounts();
    await publish();
    expect(h.mock.writes).toBe(0);
    expect(h.mock.reads).toBe(2);
  });

  it("the assembly PR shows the PM's summary from its branch, lists the stream PRs and mentions the Director", async () => {
    await workOn("research", "facts.md");
    await workOn("docs", "draft.md");
    await settle(repo.agency, templates);
    commitAll("alpha: settled");
    const summary = "# Alpha: summary for the Director\n\nThe explainer is done.\n\n## Open questions\n- Ship on Monday?\n";
    await ctx.ws.store.commitFiles({
      branch: "ateams/alpha/assembly",
      base: "main",
      files: [
        { path: "agency/projects/alpha/outputs/alpha.md", content: "# Alpha\n" },
        { path: "agency/projects/alpha/outputs/SUMMARY.md", content: summary },
      ],
      message: "alpha: deliverable assembled",
    });

    const report = await publish();
    expect(report).toMatchObject({ created: 3, comments: { created: 3 } });
    const pr = pullFor("ateams/alpha/assembly");
    expect(pr).toMatchObject({ title: "ateams: deliverable for Alpha", draft: false });
    expect(labelsOf(pr)).toEqual(["ateams", "project:alpha", "state:ready-for-review"]);
    expect(reviewersOf(pr)).toEqual(["octocat"]);
    expect(pr.body).toContain("@octocat");
    expect(pr.body).toContain("The explainer is done.");
    expect(pr.body).toContain("- Ship on Monday?");
    expect(pr.body).toContain(`**Docs**: 2 task(s), #${report.prs.get("ateams/alpha/docs")}`);
    expect(parseMarker(h.fake.commentsOn(pr.number)[0]!.body)).toEqual({ kind: "status", key: "alpha/assembly" });
    // Both streams are verified in the settled state, so their PRs open ready for review.
    expect(pullFor("ateams/alpha/docs").draft).toBe(false);

    h.mock.resetCounts();
    await publish();
    expect(h.mock.writes).toBe(0);
    expect(h.mock.reads).toBe(4);
  });
});
